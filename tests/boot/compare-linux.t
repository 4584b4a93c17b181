#!/bin/bash
# make compare-linux's pieces that need neither network nor a Linux guest
# boot (a few seconds): the Linux benchmark program builds static, runs a
# small region on this host (no swap here: it only checks the output) and
# prints the three "bench: swap" lines and "# hist" lines that
# tools/bench-lib.sh's parser reads, with histogram counts adding up to the
# pages; bad options of tools/compare-linux.sh are refused with the reason
# before anything is built or booted.
cd "$(dirname "$0")/../.." || exit 1
. tools/bench-lib.sh
d=build/compare-test
rm -rf "$d"
mkdir -p "$d"
n=0 failed=0
ok() { # ok DESCRIPTION COMMAND...: one TAP line for the command's status
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc"
	fi
}

echo "TAP version 13"
ok "swap_bench_linux builds with gcc -static" \
	gcc -static -O2 -Wall -Wextra -Werror -o $d/swap_bench_linux tests/linux/swap_bench_linux.c
$d/swap_bench_linux --mib 4 --dev vda >$d/out.log 2>&1
ok "a 4 MiB run verifies every page" grep -q "every page read back intact" $d/out.log
ok "bench_rows reads its three passes" \
	test "$(bench_rows $d/out.log vda 0 | awk '{ print $1 }' | tr '\n' ' ')" = "write seq-read random-read "
hist_sums_ok() { # each pass's "# hist" counts add up to the 1024 pages of 4 MiB
	local sums
	sums=$(awk '$1 == "#" && $2 == "hist" { s = 0; for (i = 6; i <= NF; i++) { split($i, kv, ":"); s += kv[2] } print s }' $d/out.log | tr '\n' ' ')
	[ "$sums" = "1024 1024 1024 " ] || { echo "# hist sums: $sums"; return 1; }
}
ok "the histogram of each pass counts every page" hist_sums_ok
refused() { # refused REGEX VAR=VALUE...: compare-linux stops with the reason
	local regex=$1 out
	shift
	# ARCH=none: should a check let a bad value through, the run stops at
	# the missing kernel, before it builds the guest (no download here).
	out=$(env ARCH=none "$@" tools/compare-linux.sh 2>&1) && return 1
	grep -q "$regex" <<<"$out" || { echo "# got: $out"; return 1; }
}
ok "LINUX_PAGE_CLUSTER out of range is refused" refused "LINUX_PAGE_CLUSTER=11: 0 to 10" LINUX_PAGE_CLUSTER=11
ok "an unknown LINUX_THP is refused" refused "LINUX_THP=sometimes: always, madvise or never" LINUX_THP=sometimes
ok "SWAPLAB_ORDER other than 0 or 4 is refused" refused "SWAPLAB_ORDER=2: 0 or 4" SWAPLAB_ORDER=2
ok "MIB=0 is refused" refused "MIB=0: a number of MiB" MIB=0
echo "1..$n"
rm -rf "$d"
[ $failed = 0 ]
