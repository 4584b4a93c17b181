#!/bin/bash
# make stress: the swap stress test (tests/kernel/swap_stress.c) for
# DURATION seconds (default 600) with mTHP orders 0,4 and again with base
# pages only, on 4 CPUs and 64 MiB of RAM over a 512 MiB swap disk plus
# a 64 MiB one that it swaps off and on; then the same with fault injection
# (kernel/fault_inject.h) for FAULT_DURATION seconds each (default 120):
# failed page allocations, failed swap reads, failed swap writes, and all
# five sites at once, each printing its counters; then the block stress test at full
# size, 20,000 random requests of 4 KiB..2 MiB (64 in flight) written and
# read back per device, on virtio-blk in four configurations (q35 and pc,
# MSI-X and INTx) and on ramswap. ARCH=arm64: the same swap stress and
# fault runs on QEMU virt (GICv3, -cpu max, the disks on virtio-mmio), the
# block stress on virtio-mmio legacy and modern, GICv3 and GICv2 (with
# cortex-a57), and ramswap. Exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
ARCH=${ARCH:-x86_64}
case $ARCH in
x86_64) kernel=build/x86_64/swaplab.elf ;;
arm64) kernel=build/arm64/Image ;;
*) echo "stress: ARCH must be x86_64 or arm64 (got '$ARCH')" >&2; exit 2 ;;
esac
export ARCH
N=${N:-20000}
DURATION=${DURATION:-600}
FAULT_DURATION=${FAULT_DURATION:-120}
for d in "$DURATION" "$FAULT_DURATION"; do
	case $d in
	''|*[!0-9]*) echo "stress: DURATION and FAULT_DURATION must be numbers of seconds (got '$d')" >&2; exit 2 ;;
	esac
done
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
	grep -haE '^ *(not )?ok|^stress:|^ +# (task|swapoff|stat)|FAIL|PANIC|qemu-run: (QEMU|x86|arm64)' \
		"build/test-logs/$name.log" "build/test-logs/$name.log.stderr"
	[ $st = 0 ] || rc=1
done
# Fault injection: a task killed by a failed read or an allocation that
# failed (the OOM kill) is restarted on a fresh region; every other byte
# must survive and nothing may leak. The seed makes each decision (see
# README, "Fault injection").
faults() { # faults NAME FAIL-OPTIONS...
	local name=swap-stress-$1
	shift
	echo "stress: $name, $FAULT_DURATION s: $*"
	MACHINE=q35 SMP=4 MEM=64M TIMEOUT=$((FAULT_DURATION + 600)) tools/boot-test.sh "$name" \
		--kernel "$kernel" --disk build/blk-stress/swap-a.img --disk build/blk-stress/swap-b.img \
		-- 'ktest=stress.*' stress.seconds="$FAULT_DURATION" mthp=0,4 swap.check=1 "$@" >/dev/null 2>&1
	local st=$?
	grep -haE '^ *(not )?ok|^stress: [0-9]|^ +# (task|swapoff)|^# stat (fail_.*_(calls|injected) [1-9]|swap_(read|write)_errors|swapin_read_kills|swapoff_read_errors|oom_kills|fault_task_kills|page_alloc_failures|reclaim_no_swap)|FAIL|PANIC|qemu-run: (QEMU|x86|arm64)' \
		"build/test-logs/$name.log" "build/test-logs/$name.log.stderr"
	[ $st = 0 ] || rc=1
}
faults fail-page-alloc fail.page_alloc=probability=1,seed=1
faults fail-swap-read fail.swap_read=probability=1,seed=1
faults fail-swap-write fail.swap_write=probability=5,seed=1
faults fail-all fail.page_alloc=probability=0.5,seed=2 fail.kmalloc=probability=0.5,seed=3 \
	fail.swap_read=probability=0.5,seed=4 fail.swap_write=probability=2,seed=5 \
	fail.swap_alloc=probability=2,seed=6
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
	grep -haE '^ *(not )?ok|# (vd|ramswap)|FAIL|qemu-run: (QEMU|x86|arm64)' \
		"build/test-logs/stress-$name.log" "build/test-logs/stress-$name.log.stderr"
	[ $st = 0 ] || rc=1
}
if [ "$ARCH" = arm64 ]; then
	# MACHINE is ignored on arm64; GIC, CPU and QEMU_EXTRA pick the rest.
	run virt-gic3-legacy virt 4 'ktest=blk.stress_*' ramswap.size=160M
	VIRTIO_MMIO=modern run virt-gic3-modern virt 2 'ktest=blk.stress_virtio*'
	GIC=2 CPU=cortex-a57 run virt-gic2-a57-legacy virt 2 'ktest=blk.stress_virtio*'
	GIC=2 CPU=cortex-a57 VIRTIO_MMIO=modern run virt-gic2-a57-modern virt 2 'ktest=blk.stress_virtio*'
else
	run q35-msix q35 4 'ktest=blk.stress_*' ramswap.size=160M
	run q35-intx q35 2 'ktest=blk.stress_virtio*' pci.msix=0
	run pc-msix pc 2 'ktest=blk.stress_virtio*'
	run pc-intx pc 2 'ktest=blk.stress_virtio*' pci.msix=0
fi
[ $rc = 0 ] && echo "stress: all passed ($ARCH: swap stress $DURATION s x 2, with faults $FAULT_DURATION s x 4, $N block requests per device)" ||
	echo "stress: FAILED"
exit $rc
