#!/bin/bash
# PNG plots of the swap benchmark with gnuplot (Debian's gnuplot-nox),
# from the logs that make bench PLOT=1 (build/bench/) and make
# compare-linux PLOT=1 (build/compare/) leave; each plot is made when its
# logs are there. Output: build/plots/*.png
#   hist-DEV-oORDER.png   first-touch latency histogram of each pass of one
#                         swaplab case (make bench: vda and ramswap0, order 0 and 4)
#   compare-hist.png      the same per pass, swaplab next to Linux (make compare-linux)
#   switches.png          MiB/s per pass for each design-switch set (make bench
#                         PLOT=1, BENCH_SWITCHES), with Linux's figures beside them
#                         when make compare-linux ran over the same region and RAM
#   smp.png               MiB/s per pass on 1, 2, 4 CPUs: swaplab (make bench PLOT=1
#                         or compare-linux PLOT=1) and Linux (compare-linux PLOT=1)
# The histograms: x is the log2 bucket of the first-touch latency (its
# lower bound in microseconds; "<1" for under 1 us), y the share of the
# pass's touches in it, both on log scales.
set -u -o pipefail
cd "$(dirname "$0")/.."
. tools/bench-lib.sh
command -v gnuplot >/dev/null 2>&1 || {
	echo "plot: no gnuplot (make ... PLOT=1 installs Debian's gnuplot-nox through tools/deps.sh)" >&2
	exit 1
}
plots=build/plots
data=$plots/data
mkdir -p $data
made=()

# gp NAME COMMANDS: run gnuplot on COMMANDS, kept as $data/NAME.gp (to
# tweak a plot by hand: gnuplot build/plots/data/NAME.gp).
gp() {
	printf '%s\n' "$2" >"$data/$1.gp"
	gnuplot "$data/$1.gp"
}

# log_mem LOG: the guest RAM of a boot (qemu-run.sh's "mem=" in its log).
log_mem() { sed -n 's/^qemu-run: .* mem=\([^ ]*\) .*/\1/p' "$1" | head -n 1; }
# log_mib LOG DEV ORDER: the region of its benchmark, MiB.
log_mib() {
	tr -d '\r' <"$1" | awk -v dev="$2" -v order="$3" '$1 == "bench:" && $3 == dev && $5 == order {
		for (i = 6; i < NF; i++) if ($(i + 1) == "MiB" && $(i + 2) == "in") { print $i; exit } }'
}

# hist_data LOG DEV ORDER PASS FILE: "X PERCENT" per bucket, X the bucket's
# lower bound in us (0.5 stands for the under-1-us bucket).
hist_data() {
	tr -d '\r' <"$1" | awk -v dev="$2" -v order="$3" -v pass="$4" '
		$1 == "#" && $2 == "hist" && $3 == dev && $4 == order && $5 == pass {
			total = 0
			for (i = 6; i <= NF; i++) { split($i, kv, ":"); total += kv[2] }
			for (i = 6; i <= NF; i++) {
				split($i, kv, ":")
				printf "%s %.6f\n", kv[1] == 0 ? 0.5 : kv[1], 100 * kv[2] / total
			}
			exit
		}' >"$5"
	[ -s "$5" ]
}

# The axes of every histogram.
hist_axes='
set logscale x 2
set logscale y 10
set xrange [0.35:*]
set yrange [0.001:100]
set xtics ("<1" 0.5, "4" 4, "16" 16, "64" 64, "256" 256, "1k" 1024, "4k" 4096, "16k" 16384, "64k" 65536, "256k" 262144, "1M" 1048576)
set xlabel "first-touch latency, us (log2 buckets)"
set ylabel "% of the pass'"'"'s touches"
set grid
set key top right'

# 1. make bench's histograms, one PNG per case.
for log in build/bench/virtio.log build/bench/ramswap.log; do
	[ -f "$log" ] || continue
	for case in $(tr -d '\r' <"$log" | awk '$1 == "#" && $2 == "hist" { print $3 ":" $4 }' | sort -u); do
		dev=${case%:*} order=${case#*:}
		series=""
		for pass in write seq-read random-read; do
			f=$data/hist-$dev-o$order-$pass.dat
			hist_data "$log" "$dev" "$order" "$pass" "$f" || continue
			series+="${series:+, }'$f' using 1:2 with linespoints lw 2 title '$pass'"
		done
		[ -n "$series" ] || continue
		png=$plots/hist-$dev-o$order.png
		gp "hist-$dev-o$order" "set terminal pngcairo noenhanced size 900,500 font 'DejaVu Sans,10'; set output '$png';
			$hist_axes
			set title 'swaplab: first-touch latency per pass, $dev, order $order, $(log_mib "$log" "$dev" "$order") MiB, $(log_mem "$log") RAM'
			plot $series" && made+=("$png")
	done
done

# 2. make compare-linux's histograms: one panel per pass, swaplab and Linux.
slog=build/compare/main-swaplab.log llog=build/compare/main-linux.log
if [ -f $slog ] && [ -f $llog ]; then
	order=${PLOT_ORDER:-$(tr -d '\r' <$slog | awk '$1 == "#" && $2 == "hist" && $3 == "vda" { print $4; exit }')}
	cmds="set terminal pngcairo noenhanced size 1350,450 font 'DejaVu Sans,10'; set output '$plots/compare-hist.png';
		set multiplot layout 1,3 title 'first-touch latency, swaplab (order ${order:-0}) and Linux, $(log_mib $slog vda "${order:-0}") MiB on $(log_mem $slog) RAM, virtio-blk'
		$hist_axes"
	ok=1
	for pass in write seq-read random-read; do
		sf=$data/compare-swaplab-$pass.dat lf=$data/compare-linux-$pass.dat
		hist_data $slog vda "${order:-0}" $pass "$sf" && hist_data $llog vda 0 $pass "$lf" || { ok=0; break; }
		cmds+="
		set title '$pass'
		plot '$sf' using 1:2 with linespoints lw 2 title 'swaplab', '$lf' using 1:2 with linespoints lw 2 dt 2 title 'Linux'"
	done
	if [ $ok = 1 ]; then
		gp compare-hist "$cmds
			unset multiplot" && made+=("$plots/compare-hist.png")
	fi
fi

# 3. MiB/s per design-switch set (build/bench/switch-*.log, each naming
# its set on its first line), and Linux beside them when comparable.
switch_logs=$(ls build/bench/switch-*.log 2>/dev/null | sort -V)
if [ -n "$switch_logs" ]; then
	f=$data/switches.dat
	: >"$f"
	smib="" smem="" regions=""
	for log in $switch_logs; do
		read -r _ _ dev order label <"$log" # "# set DEV ORDER LABEL"
		rows=$(bench_rows "$log" "$dev" "$order" | awk '{ printf "%s ", $2 }')
		[ "$(echo $rows | wc -w)" = 3 ] || continue
		echo "\"$label\" $rows" >>"$f"
		m=$(log_mib "$log" "$dev" "$order") smem=$(log_mem "$log")
		[ "$dev" != vda ] || smib=$m
		case " $regions " in *" $dev: "*) ;; *) regions+="${regions:+, }$dev: $m MiB" ;; esac
	done
	if [ -f $llog ] && [ "$(log_mib $llog vda 0)" = "$smib" ] && [ "$(log_mem $llog)" = "$smem" ]; then
		pc=$(tr -d '\r' <$llog | sed -n 's/.*vm.page-cluster=\([0-9]*\).*/\1/p' | head -n 1)
		echo "\"Linux 6.1 (vda, page-cluster $pc)\" $(bench_rows $llog vda 0 | awk '{ printf "%s ", $2 }')" >>"$f"
	fi
	if [ -s "$f" ]; then
		gp switches "set terminal pngcairo noenhanced size 1200,650 font 'DejaVu Sans,10'; set output '$plots/switches.png';
			set title 'swap benchmark throughput per design switch set ($regions region; $smem RAM)'
			set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8 border -1
			set ylabel 'MiB/s'; set grid ytics; set xtics rotate by 20 right; set bmargin 11; set lmargin 16; set key top left
			plot '$f' using 2:xtic(1) title 'write', '' using 3 title 'sequential read', '' using 4 title 'random read'" &&
			made+=("$plots/switches.png")
	fi
fi

# 4. MiB/s per CPU count: swaplab (build/compare/smpN-swaplab.log, else
# build/bench/smpN.log) and Linux (build/compare/smpN-linux.log).
# One source for every point: compare-linux's logs when it made any.
f=$data/smp.dat
: >"$f"
smp_src=bench
ls build/compare/smp*-swaplab.log >/dev/null 2>&1 && smp_src=compare
for n in ${SMP_LIST:-1 2 4}; do
	s=build/compare/smp$n-swaplab.log
	[ $smp_src = compare ] || s=build/bench/smp$n.log
	l=build/compare/smp$n-linux.log
	sr=$([ -f "$s" ] && bench_rows "$s" vda "${PLOT_ORDER:-0}" | awk '{ printf "%s ", $2 }')
	lr=$([ -f "$l" ] && bench_rows "$l" vda 0 | awk '{ printf "%s ", $2 }')
	[ "$(echo $sr | wc -w)" = 3 ] || sr="NaN NaN NaN"
	[ "$(echo $lr | wc -w)" = 3 ] || lr="NaN NaN NaN"
	[ "$sr$lr" = "NaN NaN NaNNaN NaN NaN" ] || echo "$n $sr $lr" >>"$f"
	[ -n "${smp_mem:-}" ] || [ ! -f "$s" ] || smp_mem=$(log_mem "$s")
done
if [ "$(wc -l <"$f")" -ge 2 ]; then
	series="'$f' using 1:2 with linespoints lw 2 lc 1 title 'swaplab write', \\
		'' using 1:3 with linespoints lw 2 lc 2 title 'swaplab seq read', \\
		'' using 1:4 with linespoints lw 2 lc 3 title 'swaplab random read'"
	if awk '$5 != "NaN" { found = 1 } END { exit !found }' "$f"; then
		series+=", \\
		'' using 1:5 with linespoints lw 2 dt 2 lc 1 title 'Linux write', \\
		'' using 1:6 with linespoints lw 2 dt 2 lc 2 title 'Linux seq read', \\
		'' using 1:7 with linespoints lw 2 dt 2 lc 3 title 'Linux random read'"
	fi
	gp smp "set terminal pngcairo noenhanced size 900,500 font 'DejaVu Sans,10'; set output '$plots/smp.png';
		set title 'swap benchmark throughput per CPU count (QEMU -smp), vda, ${smp_mem:-?} RAM'
		set xlabel 'CPUs'; set ylabel 'MiB/s'; set logscale x 2; set xtics (1, 2, 4, 8); set grid; set key outside right
		plot $series" && made+=("$plots/smp.png")
fi

if [ ${#made[@]} = 0 ]; then
	echo "plot: no benchmark logs to plot (make bench PLOT=1 or make compare-linux PLOT=1 makes them)" >&2
	exit 1
fi
for p in "${made[@]}"; do
	echo "plot: $p"
done
