#!/bin/bash
# One boot configuration as a prove test: boots the kernel with ktest=*,
# prints the kernel's TAP stream (without the UART's CRs), keeps a copy in
# build/test-logs/NAME.log, and exits with the kernel's verdict. On a
# failure it repeats the lines that say why (panic, not ok, hung, assert)
# last, so that a CI log that keeps only its tail still shows the cause.
# Usage: boot-test.sh NAME [qemu-run.sh args...] (env: SMP MACHINE MEM ...)
name=$1
shift
mkdir -p build/test-logs
log=build/test-logs/$name.log
tools/qemu-run.sh "$@" 2> >(tee "$log.stderr" >&2) | tr -d '\r' | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" != 0 ]; then
	# Also kept for make test's summary (tools/test.sh prints it last).
	{
		echo "# $name: failed (qemu-run exit $rc); full log in $log; the lines that say why:"
		grep -hE 'PANIC|not ok|hung: |nmi: |# FAIL|guest hung|did not power off' "$log" "$log.stderr" |
			grep -v '^\s*\[<' | head -20 | sed 's/^/#   /'
	} | tee -a build/test-logs/FAILED >&2
fi
exit "$rc"
