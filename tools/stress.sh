#!/bin/bash
# make stress: the block stress test at full size, 20,000 random requests
# of 4 KiB..2 MiB (64 in flight) written and read back per device, on
# virtio-blk in four configurations (q35 and pc, MSI-X and INTx) and on
# ramswap. Exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
kernel=build/${ARCH:-x86_64}/swaplab.elf
N=${N:-20000}
tools/blk-images.sh build/blk-stress >/dev/null || exit 1
img=build/blk-stress/swap.img
rc=0
run() { # run NAME MACHINE SMP CMDLINE...
	local name=$1 machine=$2 smp=$3
	shift 3
	echo "stress: $name"
	MACHINE=$machine SMP=$smp MEM=512M TIMEOUT=1800 tools/boot-test.sh "stress-$name" \
		--kernel "$kernel" --disk "$img" -- blktest.requests="$N" blktest.need_disk=1 "$@" \
		>/dev/null 2>&1
	local st=$?
	grep -haE '^ *(not )?ok|# (vd|ramswap)|FAIL|qemu-run: (QEMU|x86)' \
		"build/test-logs/stress-$name.log" "build/test-logs/stress-$name.log.stderr"
	[ $st = 0 ] || rc=1
}
run q35-msix q35 4 'ktest=blk.stress_*' ramswap.size=160M
run q35-intx q35 2 'ktest=blk.stress_virtio*' pci.msix=0
run pc-msix pc 2 'ktest=blk.stress_virtio*'
run pc-intx pc 2 'ktest=blk.stress_virtio*' pci.msix=0
[ $rc = 0 ] && echo "stress: all passed ($N requests per device)" || echo "stress: FAILED"
exit $rc
