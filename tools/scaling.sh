#!/bin/bash
# make scaling: the demo and the swap benchmark on 1, 2 and 4 CPUs (QEMU
# -smp), each run between two runs of the lock-free compute control
# (tests/kernel/compute_control.c; the table takes their mean) with as many
# tasks as the workload, and one table: each workload's speedup over its 1-CPU boot as a fraction of
# the control's speedup in the same boots (1.00: it scales as far as the
# host lets anything scale; issue 14's goal: at least 0.80 on 2 CPUs).
#  - demo boots: make run's settings (q35, MEM=64M, build/swap.img), the
#    demo's 4 tasks; the control with 4 tasks.
#  - swap boots: make bench's (pc, qemu64, -m 256M, a 1 GiB mkswap image as
#    virtio-blk with cache=unsafe), bench_swap.virtio_order0 over
#    SCALING_MIB (default 512) MiB; one task, so the control has one: a
#    single task cannot go faster on more CPUs, and the fraction shows
#    what the extra CPUs cost it (kswapd, interrupts, lock traffic).
# Environment: SCALING_CPUS (default "1 2 4"), SCALING_MIB, CONTROL_MIB
# (MiB the control hashes, split among its tasks; default 4096, about a second
# on one quiet TCG CPU), ARCH, ACCEL, CMDLINE. A boot whose tests failed
# is named in the last column, and the exit status is 1.
# The boots' logs stay in build/scaling/.
set -u
cd "$(dirname "$0")/.."
kernel=build/${ARCH:-x86_64}/swaplab.elf
cpus=${SCALING_CPUS:-1 2 4}
mib=${SCALING_MIB:-512}
ctl=${CONTROL_MIB:-4096}
out=build/scaling
mkdir -p $out
rm -f $out/*.log
tools/swap-image.sh build/swap.img 512M swaplab || exit 1
tools/swap-image.sh build/swap-bench.img 1G swapbench || exit 1
rc=0
for n in $cpus; do
	echo "== $n CPUs: the demo"
	SMP=$n MEM=64M MACHINE=q35 TIMEOUT=1800 tools/qemu-run.sh --kernel "$kernel" \
		--disk build/swap.img -- 'ktest=demo.*' scaling.control_mib="$ctl" \
		scaling.control_tasks=4 ${CMDLINE:-} >$out/demo-$n.log 2>&1 || rc=1
	grep -E '^qemu-run:|^scaling:|^demo: .* ms in all' $out/demo-$n.log
	echo "== $n CPUs: the swap benchmark"
	SMP=$n MEM=256M MACHINE=pc CPU=qemu64 TIMEOUT=1800 tools/qemu-run.sh --kernel "$kernel" \
		--disk-cache unsafe --disk build/swap-bench.img -- \
		'ktest=bench_swap.virtio_order0' swapbench.mib="$mib" \
		scaling.control_mib="$ctl" scaling.control_tasks=1 ${CMDLINE:-} \
		>$out/swap-$n.log 2>&1 || rc=1
	grep -E '^qemu-run:|^scaling:|^bench: swap .*MiB/s' $out/swap-$n.log
done
echo
echo "== scaling ($(date -u +%Y-%m-%d), $(nproc) host CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg))"
# One row per CPU count: times in ms, throughputs in MiB/s, speedups
# over the first CPU count's boot, fractions of the control's speedup.
for n in $cpus; do
	awk -v n="$n" '
	FILENAME ~ /demo/ && /^scaling: compute control/ { for (i = 1; i <= NF; i++) if ($i == "ms") { c4s += $(i-1); c4n++ } }
	FILENAME ~ /demo/ && /^demo: .* ms in all/ { for (i = 1; i <= NF; i++) if ($i == "ms") d = $(i-1) }
	FILENAME ~ /swap/ && /^scaling: compute control/ { for (i = 1; i <= NF; i++) if ($i == "ms") { c1s += $(i-1); c1n++ } }
	FILENAME ~ /swap/ && /^bench: swap / {
		for (i = 1; i <= NF; i++) if ($i == "MiB/s;") v = $(i-1)
		if (/ write /) w = v; else if (/ seq read /) s = v; else if (/ random read /) r = v
	}
	/^not ok/ { if (FILENAME ~ /demo/) bad = bad "demo,"; else bad = bad "swap," }
	END { sub(/,$/, "", bad); if (c4n) c4 = int(c4s / c4n + 0.5); if (c1n) c1 = int(c1s / c1n + 0.5)
		printf "%s %s %s %s %s %s %s %s\n", n, c4 ? c4 : "-", d ? d : "-", c1 ? c1 : "-",
		w ? w : "-", s ? s : "-", r ? r : "-", bad ? bad : "none" }
	' $out/demo-$n.log $out/swap-$n.log
done | awk '
function sp(base, x, time) { # speedup of x over base: time (lower is better) or rate
	if (base == "-" || x == "-" || base == 0 || x == 0) return "-"
	return time ? base / x : x / base
}
function f2(x) { return x == "-" ? "-" : sprintf("%.2f", x) }
function frac(a, b) { return (a == "-" || b == "-") ? "-" : sprintf("%.2f", a / b) }
NR == 1 { c4b = $2; db = $3; c1b = $4; wb = $5; sb = $6; rb = $7
	print "| CPUs | control, 4 tasks: mean ms (speedup) | demo: ms (speedup) | demo / control |" \
	      " control, 1 task: mean ms (speedup) | swap write, seq read, random read: MiB/s |" \
	      " swap / control (write, seq, random) | failed boots |"
	print "| --- | --- | --- | --- | --- | --- | --- | --- |" }
{	sc4 = sp(c4b, $2, 1); sd = sp(db, $3, 1); sc1 = sp(c1b, $4, 1)
	printf "| %s | %s (%s) | %s (%s) | %s | %s (%s) | %s, %s, %s | %s, %s, %s | %s |\n", $1,
		$2, f2(sc4), $3, f2(sd), frac(sd, sc4), $4, f2(sc1), $5, $6, $7,
		frac(sp(wb, $5, 0), sc1), frac(sp(sb, $6, 0), sc1), frac(sp(rb, $7, 0), sc1), $8 }'
exit $rc
