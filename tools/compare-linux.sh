#!/bin/bash
# make compare-linux: swaplab's swap benchmark and the same workload on a
# Debian Linux guest, one boot after the other under the same QEMU settings
# (tools/bench-lib.sh: machine pc, CPU qemu64, -m 256M -smp 2, a fresh
# 1 GiB mkswap image as virtio-blk with cache=unsafe), then one
# side-by-side table: per pass, MiB/s and first-touch p50/p99 of each, and
# swaplab / Linux.
#
# Environment (make variables of the same names):
#   MIB=512                 region written and read back, MiB (as make bench)
#   MEM=256M SMP=2          guest RAM and CPUs of both boots (smaller for a quick check)
#   LINUX_PAGE_CLUSTER=3    Linux's vm.page-cluster (swap readahead of 2^N pages; 0: none)
#   LINUX_THP=never         Linux's transparent_hugepage/enabled (never: base pages)
#   SWAPLAB_CMDLINE=...     added to swaplab's command line (e.g. its swap.readahead=)
#   SWAPLAB_ORDER=0         swaplab's case: 0 (base pages) or 4 (mTHP order 4)
#   PLOT=1                  also the plots (tools/plot.sh): latency histograms of
#                           this run, and a CPU sweep (SMP_LIST, default "1 2 4")
#                           of both; PNGs in build/plots/
# The guest is built first (tools/linux-guest.sh, from Debian's packages,
# all in build/linux-guest). Logs of the boots: build/compare/.
set -u -o pipefail
cd "$(dirname "$0")/.."
. tools/bench-lib.sh

MIB=${MIB:-512}
MEM=${MEM:-256M}
SMP=${SMP:-2}
LINUX_PAGE_CLUSTER=${LINUX_PAGE_CLUSTER:-3}
LINUX_THP=${LINUX_THP:-never}
SWAPLAB_CMDLINE=${SWAPLAB_CMDLINE:-}
SWAPLAB_ORDER=${SWAPLAB_ORDER:-0}
PLOT=${PLOT:-0}
SMP_LIST=${SMP_LIST:-1 2 4}

die() { echo "compare-linux: $*" >&2; exit 1; }
is_num() { case "$1" in '' | *[!0-9]*) return 1 ;; esac; }
is_num "$MIB" && [ "$MIB" -ge 1 ] || die "MIB=$MIB: a number of MiB, at least 1"
is_num "$SMP" && [ "$SMP" -ge 1 ] || die "SMP=$SMP: a number of CPUs"
is_num "$LINUX_PAGE_CLUSTER" && [ "$LINUX_PAGE_CLUSTER" -le 10 ] ||
	die "LINUX_PAGE_CLUSTER=$LINUX_PAGE_CLUSTER: 0 to 10 (vm.page-cluster, 2^N pages)"
case "$LINUX_THP" in always | madvise | never) ;; *) die "LINUX_THP=$LINUX_THP: always, madvise or never" ;; esac
case "$SWAPLAB_ORDER" in 0 | 4) ;; *) die "SWAPLAB_ORDER=$SWAPLAB_ORDER: 0 or 4 (the cases of bench_swap.virtio_order*)" ;; esac
# The Linux guest is Debian's x86-64 kernel: no arm64 side yet.
[ "${ARCH:-x86_64}" = x86_64 ] || { echo "compare-linux: x86-64 only (ARCH=${ARCH}); make bench ARCH=arm64 runs swaplab's side" >&2; exit 2; }
kernel=build/${ARCH:-x86_64}/swaplab.elf
[ -f "$kernel" ] || die "no $kernel: make builds it (make compare-linux does)"

out=build/compare
mkdir -p $out
img=$out/swap.img

# run_pair SMP TAG: swaplab's boot then Linux's, logs $out/TAG-swaplab.log
# and $out/TAG-linux.log. Stops the script when a boot fails.
run_pair() {
	local smp=$1 tag=$2 rc
	local slog=$out/$tag-swaplab.log llog=$out/$tag-linux.log
	echo "compare-linux: booting swaplab, smp=$smp (log $slog)"
	fresh_swap_img "$img" || exit 1
	boot_swaplab "$slog" "$smp" "$MEM" "$img" "ktest=bench_swap.virtio_order$SWAPLAB_ORDER" \
		swapbench.mib="$MIB" $SWAPLAB_CMDLINE
	rc=$?
	if [ $rc = 2 ]; then
		refusal "$slog" >&2
		die "swaplab refused its command line (SWAPLAB_CMDLINE='$SWAPLAB_CMDLINE'?): see $slog"
	fi
	[ $rc = 0 ] || { tail -n 15 "$slog" >&2; die "swaplab's benchmark boot failed (status $rc): see $slog"; }
	echo "compare-linux: booting Linux, smp=$smp (log $llog)"
	fresh_swap_img "$img" || exit 1
	boot_linux "$llog" "$smp" "$MEM" "$img" "$MIB" "$LINUX_PAGE_CLUSTER" "$LINUX_THP"
	rc=$?
	[ $rc = 0 ] || { tr -d '\r' <"$llog" | tail -n 15 >&2; die "the Linux guest's boot failed (status $rc): see $llog"; }
	[ "$(bench_rows "$slog" vda "$SWAPLAB_ORDER" | wc -l)" = 3 ] || die "no three 'bench: swap' lines in $slog"
	[ "$(bench_rows "$llog" vda 0 | wc -l)" = 3 ] || die "no three 'bench: swap' lines in $llog"
}

# print_table SWAPLAB-LOG LINUX-LOG: the side-by-side table (markdown, ready
# for the README), the goals of issue 14, and the pages swapped per pass.
print_table() {
	local slog=$1 llog=$2
	echo
	echo "| pass | swaplab MiB/s | Linux MiB/s | swaplab / Linux | swaplab p50 / p99 us | Linux p50 / p99 us | p50, p99 swaplab / Linux |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	paste -d' ' <(bench_rows "$slog" vda "$SWAPLAB_ORDER") <(bench_rows "$llog" vda 0) | awk '
		function ratio(a, b) { return b > 0 ? sprintf("%.2fx", a / b) : "-" }
		{
			# swaplab: $1 pass $2 MiB/s $3 mean $4 p50 $5 p99; Linux: $8 .. $12
			name = $1 == "write" ? "write (swap-out)" : $1 == "seq-read" ? "sequential read" : "random read"
			printf "| %s | %s | %s | %s | %s / %s | %s / %s | %s, %s |\n", name, $2, $9, ratio($2, $9),
				$4, $5, $11, $12, ratio($4, $11), ratio($5, $12)
			tput[$1] = $9 > 0 ? $2 / $9 : 0
			if ($1 == "random-read") { p50 = $11 > 0 ? $4 / $11 : 9; p99 = $12 > 0 ? $5 / $12 : 9 }
		}
		function goal(ok) { return ok ? "met" : "not met" }
		END {
			printf "\nGoals (issue 14): throughput at least 2x Linux per pass: write %s, sequential read %s, random read %s; random read p50 at most 0.5x: %s, p99 at most 0.5x: %s\n",
				goal(tput["write"] >= 2), goal(tput["seq-read"] >= 2), goal(tput["random-read"] >= 2),
				goal(p50 <= 0.5), goal(p99 <= 0.5)
		}'
	echo
	echo "pages swapped out / in per pass (write, sequential, random):"
	echo "  swaplab: $(bench_rows "$slog" vda "$SWAPLAB_ORDER" | awk '{ printf "%s/%s  ", $6, $7 }')"
	echo "  Linux:   $(bench_rows "$llog" vda 0 | awk '{ printf "%s/%s  ", $6, $7 }')"
}

# --from-logs: only print the table again, from the last run's logs.
if [ "${1:-}" = --from-logs ]; then
	[ -f $out/main-swaplab.log ] && [ -f $out/main-linux.log ] || die "no logs of an earlier run in $out"
	print_table $out/main-swaplab.log $out/main-linux.log
	exit 0
fi

tools/linux-guest.sh || die "cannot build the Linux guest (see above); nothing was booted"
rm -f $out/*.log # the last run's, so that no plot mixes two runs
trap 'rm -f "$img" "$img.tmp"' EXIT
trap 'exit 130' INT TERM

echo "compare-linux: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "compare-linux: QEMU, both boots: $(qemu_settings "$SMP" "$MEM")"
echo "compare-linux: workload: ${MIB} MiB region, written, read in order, read in random order; first touch of each page timed"
echo "compare-linux: swaplab: $kernel ktest=bench_swap.virtio_order$SWAPLAB_ORDER swapbench.mib=$MIB${SWAPLAB_CMDLINE:+ $SWAPLAB_CMDLINE}"
echo "compare-linux: Linux: $(sed -n 's/^kernel: //p' build/linux-guest/info), busybox initramfs, vm.page-cluster=$LINUX_PAGE_CLUSTER, THP $LINUX_THP, tests/linux/swap_bench_linux.c"
run_pair "$SMP" main
print_table $out/main-swaplab.log $out/main-linux.log

echo "compare-linux: load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) (timings on a loaded host are distorted)"

[ "$PLOT" = 1 ] || exit 0

# Plots: this run's latency histograms, then both kernels per CPU count.
echo
for n in $SMP_LIST; do
	if [ "$n" = "$SMP" ]; then
		cp $out/main-swaplab.log $out/smp$n-swaplab.log
		cp $out/main-linux.log $out/smp$n-linux.log
	else
		run_pair "$n" "smp$n"
	fi
done
PLOT_ORDER=$SWAPLAB_ORDER SMP_LIST=$SMP_LIST MIB=$MIB MEM=$MEM tools/plot.sh
