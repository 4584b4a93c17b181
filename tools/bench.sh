#!/bin/bash
# make bench: the benchmarks, printed from inside the kernel, each boot
# preceded by its QEMU settings (machine, CPUs, memory, accelerator, CPU
# model, -drive/-device options).
#  1. Block throughput (bench.*): q35, the swap image and ramswap0.
#  2. Swap (bench_swap.*), in the configuration of the Linux reference
#     figures in the README: -m 256M -smp 2, machine pc, CPU qemu64, a
#     1 GiB mkswap image as virtio-blk with cache=unsafe, a 512 MiB region;
#     then the same on ramswap0 (RAM-backed: 128 MiB of the 256, and a
#     224 MiB region, about 100 MiB of it swapped out).
set -u
cd "$(dirname "$0")/.."
kernel=build/${ARCH:-x86_64}/swaplab.elf
swapimg=${SWAP:-build/swap.img}
rc=0
echo "== block devices"
MEM=512M SMP=4 MACHINE=q35 tools/qemu-run.sh --kernel "$kernel" --disk "$swapimg" -- 'ktest=bench.*' \
	ramswap.size="${RAMSWAP:-160M}" ${CMDLINE:-} || rc=1
img=build/swap-bench.img
if [ ! -e $img ]; then
	truncate -s 1G $img.tmp && chmod 600 $img.tmp &&
		"$(command -v mkswap || echo /sbin/mkswap)" -L swapbench $img.tmp >/dev/null 2>&1 &&
		mv $img.tmp $img || { echo "bench: cannot make $img" >&2; exit 1; }
	echo "  MKSWAP $img (1G)"
fi
echo "== swap on virtio-blk"
MACHINE=pc SMP=2 MEM=256M CPU=qemu64 TIMEOUT=1800 tools/qemu-run.sh --kernel "$kernel" \
	--disk-cache unsafe --disk $img -- 'ktest=bench_swap.virtio*' swapbench.mib=512 \
	${CMDLINE:-} || rc=1
echo "== swap on ramswap"
MACHINE=pc SMP=2 MEM=256M CPU=qemu64 TIMEOUT=1800 tools/qemu-run.sh --kernel "$kernel" \
	-- 'ktest=bench_swap.ramswap*' ramswap.size=128M swap=ramswap0 swap.format=1 \
	swapbench.mib=224 ${CMDLINE:-} || rc=1
exit $rc
