#!/bin/bash
# One boot configuration as a prove test: boots the kernel with ktest=*,
# prints the kernel's TAP stream (without the UART's CRs), keeps a copy in
# build/test-logs/NAME.log, and exits with the kernel's verdict.
# Usage: boot-test.sh NAME [qemu-run.sh args...] (env: SMP MACHINE MEM ...)
name=$1
shift
mkdir -p build/test-logs
log=build/test-logs/$name.log
tools/qemu-run.sh "$@" 2> >(tee "$log.stderr" >&2) | tr -d '\r' | tee "$log"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || echo "# $name: failed (qemu-run exit $rc); full log in $log" >&2
exit "$rc"
