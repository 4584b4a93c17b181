#!/bin/bash
# make stress: the swap stress test (tests/kernel/swap_stress.c) for
# DURATION seconds (default 600) with mTHP orders 0,4 and again with base
# pages only, on 4 CPUs and 64 MiB of RAM over a 512 MiB swap disk plus
# a 64 MiB one that it swaps off and on; then the block stress test at full
# size, 20,000 random requests of 4 KiB..2 MiB (64 in flight) written and
# read back per device, on virtio-blk in four configurations (q35 and pc,
# MSI-X and INTx) and on ramswap. Exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
kernel=build/${ARCH:-x86_64}/swaplab.elf
N=${N:-20000}
DURATION=${DURATION:-600}
case $DURATION in
''|*[!0-9]*) echo "stress: DURATION must be a number of seconds (got '$DURATION')" >&2; exit 2 ;;
esac
rc=0
mkdir -p build/test-logs
tools/swap-image.sh build/blk-stress/swap-a.img 512M swaplab-stress-a || exit 1
tools/swap-image.sh build/blk-stress/swap-b.img 64M swaplab-stress-b || exit 1
for mthp in 0,4 0; do
	name=swap-stress-mthp${mthp/,/-}
	echo "stress: $name, $DURATION s"
	MACHINE=q35 SMP=4 MEM=64M TIMEOUT=$((DURATION + 600)) tools/boot-test.sh "$name" \
		--kernel "$kernel" --disk build/blk-stress/swap-a.img --disk build/blk-stress/swap-b.img \
		-- 'ktest=stress.*' stress.seconds="$DURATION" mthp=$mthp swap.check=1 >/dev/null 2>&1
	st=$?
	grep -haE '^ *(not )?ok|^stress:|^ +# (task|swapoff|stat)|FAIL|PANIC|qemu-run: (QEMU|x86)' \
		"build/test-logs/$name.log" "build/test-logs/$name.log.stderr"
	[ $st = 0 ] || rc=1
done
tools/blk-images.sh build/blk-stress >/dev/null || exit 1
img=build/blk-stress/swap.img
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
[ $rc = 0 ] && echo "stress: all passed (swap stress $DURATION s x 2, $N block requests per device)" ||
	echo "stress: FAILED"
exit $rc
