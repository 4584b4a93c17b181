#!/bin/bash
# make bench: the benchmarks, printed from inside the kernel, each boot
# preceded by its QEMU settings (machine, CPUs, memory, accelerator, CPU
# model, -drive/-device options).
#  1. Block throughput (bench.*): q35 (arm64: virt), the swap image and ramswap0.
#  2. Swap (bench_swap.*), in the configuration of the Linux reference
#     figures in the README: -m 256M -smp 2, machine pc, CPU qemu64, a
#     1 GiB mkswap image as virtio-blk with cache=unsafe, a 512 MiB region;
#     then the same on ramswap0 (RAM-backed: 128 MiB of the 256, and a
#     224 MiB region, about 100 MiB of it swapped out).
# ARCH=arm64: the same on QEMU virt, GICv3, CPU max, the disks on
# virtio-mmio (tools/bench-lib.sh). The swap boots' output is also kept
# in build/bench/virtio.log and build/bench/ramswap.log.
#
# Environment (make variables of the same names):
#   MIB=512 MEM=256M SMP=2  the swap boots' region (virtio-blk), RAM and CPUs; ramswap
#                           gets half the RAM as its device and a region of 7/8 of it
#   PLOT=1                  then the plot sweeps and tools/plot.sh (PNGs in build/plots/):
#     BENCH_SWITCHES        design-switch sets, one boot each, separated by ';':
#                           "DEV ORDER [KERNEL-ARGS...]" (DEV vda or ramswap0, ORDER 0
#                           or 4, the case bench_swap.{virtio,ramswap}_orderN). A set
#                           whose switch the kernel refuses (an unknown key, a bad
#                           value: the boot's status 2) is skipped with the reason.
#     SMP_LIST="1 2 4"      CPU counts of the CPU sweep (vda, order 0)
set -u
cd "$(dirname "$0")/.."
. tools/bench-lib.sh
ARCH=${ARCH:-x86_64}
case $ARCH in
x86_64|arm64) ;;
*) echo "bench: ARCH must be x86_64 or arm64 (got '$ARCH')" >&2; exit 2 ;;
esac
export ARCH
kernel=$SWAPBENCH_KERNEL
swapimg=${SWAP:-build/swap.img}
MIB=${MIB:-512}
MEM=${MEM:-256M}
SMP=${SMP:-2}
PLOT=${PLOT:-0}
SMP_LIST=${SMP_LIST:-1 2 4}
BENCH_SWITCHES=${BENCH_SWITCHES:-vda 0; vda 4 mthp=0,4; vda 0 swap.readahead=off; vda 0 swap.readahead=cluster; vda 0 swap.readahead=vma; ramswap0 0 swap.bypass_sync_cache=off; ramswap0 0 swap.bypass_sync_cache=pin-sleep}

# The RAM in MiB (256M, 1G, 512 forms), for the ramswap boot's sizes.
case "$MEM" in
*[Gg]) mem_mib=$((${MEM%[Gg]} * 1024)) ;;
*[Mm]) mem_mib=${MEM%[Mm]} ;;
*) mem_mib=$MEM ;;
esac
case "$mem_mib$MIB" in *[!0-9]*) echo "bench: MEM=$MEM and MIB=$MIB must be sizes (256M, 512)" >&2; exit 2 ;; esac
ramswap_mib=$((mem_mib / 2))
ramswap_region=$((mem_mib * 7 / 8))
mkdir -p build/bench

rc=0
echo "== QEMU settings of the swap boots: $(qemu_settings "$SMP" "$MEM")"
echo "== block devices"
MEM=512M SMP=4 MACHINE=q35 tools/qemu-run.sh --kernel "$kernel" --disk "$swapimg" -- 'ktest=bench.*' \
	ramswap.size="${RAMSWAP:-160M}" ${CMDLINE:-} || rc=1
img=build/swap-bench.img
if [ ! -e $img ]; then
	fresh_swap_img $img || exit 1
	echo "  MKSWAP $img (1G)"
fi
# The swap boots: qemu-run's lines and the kernel's, shown and kept.
swap_boot() { # swap_boot LOG QEMU-RUN-ARGS...
	local log=$1
	shift
	MACHINE=$SWAPBENCH_MACHINE SMP=$SMP MEM=$MEM CPU=$SWAPBENCH_CPU TIMEOUT=1800 \
		tools/qemu-run.sh --kernel "$kernel" "$@" 2>&1 | tee "$log"
	return "${PIPESTATUS[0]}"
}
echo "== swap on virtio-blk"
swap_boot build/bench/virtio.log --disk-cache unsafe --disk $img -- 'ktest=bench_swap.virtio*' \
	swapbench.mib="$MIB" ${CMDLINE:-} || rc=1
echo "== swap on ramswap"
swap_boot build/bench/ramswap.log -- 'ktest=bench_swap.ramswap*' ramswap.size=${ramswap_mib}M \
	swap=ramswap0 swap.format=1 swapbench.mib=$ramswap_region ${CMDLINE:-} || rc=1

[ "$PLOT" = 1 ] || exit $rc

# --- PLOT=1: the sweeps, then the plots --------------------------------------
sweep_img=build/bench/swap.img
trap 'rm -f "$sweep_img" "$sweep_img.tmp"' EXIT
rm -f build/bench/switch-*.log build/bench/smp*.log

# sweep_boot LOG SMP DEV ORDER ARGS...: one case of the swap benchmark; the
# log's first line names the set ("# set DEV ORDER LABEL") for tools/plot.sh.
sweep_boot() {
	local log=$1 smp=$2 dev=$3 order=$4 st
	shift 4
	local body=$log.tmp
	case "$dev" in
	vda)
		fresh_swap_img "$sweep_img" || return 1
		boot_swaplab "$body" "$smp" "$MEM" "$sweep_img" "ktest=bench_swap.virtio_order$order" \
			swapbench.mib="$MIB" ${CMDLINE:-} "$@"
		;;
	ramswap0)
		boot_swaplab "$body" "$smp" "$MEM" "" "ktest=bench_swap.ramswap_order$order" \
			ramswap.size=${ramswap_mib}M swap=ramswap0 swap.format=1 \
			swapbench.mib=$ramswap_region ${CMDLINE:-} "$@"
		;;
	*) echo "bench: BENCH_SWITCHES: unknown device '$dev' (vda or ramswap0)" >&2; return 2 ;;
	esac
	st=$?
	{ echo "# set $dev $order $dev o$order${*:+ $*}"; cat "$body"; } >"$log"
	rm -f "$body"
	return $st
}

echo "== plots: design switches (BENCH_SWITCHES)"
n=0
IFS=';' read -ra sets <<<"$BENCH_SWITCHES"
for set in "${sets[@]}"; do
	read -r dev order args <<<"$set"
	set=$(echo $set) # trimmed, for messages
	[ -n "${dev:-}" ] || continue
	case "${order:-}" in 0 | 4) ;; *) echo "bench: BENCH_SWITCHES: '$set': ORDER must be 0 or 4" >&2; rc=1; continue ;; esac
	n=$((n + 1))
	log=build/bench/switch-$n.log
	# shellcheck disable=SC2086
	sweep_boot "$log" "$SMP" "$dev" "$order" ${args:-}
	st=$?
	if [ $st = 2 ]; then
		echo "  skipped '$set': the kernel refused it: $(refusal "$log" | head -n 1)"
		rm -f "$log"
	elif [ $st != 0 ]; then
		echo "  '$set': the boot failed (status $st), see $log"
		rc=1
	else
		echo "  $set: $(bench_rows "$log" "$dev" "$order" | awk '{ printf "%s %s MiB/s  ", $1, $2 }')"
	fi
done

echo "== plots: CPU counts (SMP_LIST=$SMP_LIST), vda order 0"
for c in $SMP_LIST; do
	log=build/bench/smp$c.log
	if sweep_boot "$log" "$c" vda 0; then
		echo "  $c CPUs: $(bench_rows "$log" vda 0 | awk '{ printf "%s %s MiB/s  ", $1, $2 }')"
	else
		echo "  $c CPUs: the boot failed, see $log"
		rc=1
	fi
done

SMP_LIST=$SMP_LIST tools/plot.sh || rc=1
exit $rc
