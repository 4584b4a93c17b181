#!/bin/bash
# make races: every seed scenario (tests/seed*.c and the seed 002 pair in
# tests/swap_table_smp.c), correct design and broken twin, and the races
# the stress test and the demo found (tests/mm_teardown_race.c,
# tests/swap_write_end_race.c, tests/swap_alloc_race.c), in RUNS boots in a row (default 10) on 4
# CPUs (ARCH=arm64: QEMU virt, GICv3, -cpu max). Each scenario makes its own RAM swap device (seed 001's is an
# asynchronous, checksumming one), so the boots need no disk. Prints TAP
# (make test runs it through prove): one "ok" per run, and the scenarios'
# lines of the first run as comments; exits non-zero unless every run
# passed.
set -u
cd "$(dirname "$0")/.."
ARCH=${ARCH:-x86_64}
case $ARCH in
x86_64) kernel=build/x86_64/swaplab.elf ;;
arm64) kernel=build/arm64/Image ;;
*) echo "races: ARCH must be x86_64 or arm64 (got '$ARCH')" >&2; exit 2 ;;
esac
export ARCH
RUNS=${RUNS:-10}
case $RUNS in
''|*[!0-9]*|0) echo "races: RUNS must be a positive number (got '$RUNS')" >&2; exit 2 ;;
esac
glob='seed*,swap_table_smp.seed002*,mm_race.*'
passed=0
echo "1..$RUNS"
for i in $(seq 1 "$RUNS"); do
	name=races-$ARCH-$i
	MACHINE=q35 SMP=4 MEM=512M TIMEOUT=60 tools/boot-test.sh "$name" --kernel "$kernel" \
		-- "ktest=$glob" >/dev/null 2>&1
	st=$?
	log=build/test-logs/$name.log
	oks=$(grep -acE '^ +ok [0-9]+ (seed|swap_table_smp\.seed002|mm_race)' "$log")
	bad=$(grep -acE '^ +not ok' "$log")
	skips=$(grep -acE '^ +ok .*# SKIP' "$log")
	# Every test the suites planned ran and passed (their "1..N" lines),
	# and the glob still finds the 46 scenario tests of today.
	planned=$(grep -aoE '^    1\.\.[0-9]+' "$log" | awk -F. '{n += $3} END {print n + 0}')
	if [ $st = 0 ] && [ "$bad" = 0 ] && [ "$skips" = 0 ] && [ "$oks" = "$planned" ] && [ "$oks" -ge 46 ]; then
		passed=$((passed + 1))
		echo "ok $i - races: run $i: pass ($oks scenario tests)"
	else
		echo "not ok $i - races: run $i: FAIL ($oks ok of ${planned:-?} planned, $bad not ok, $skips skipped; see $log)"
	fi
	[ "$i" = 1 ] && grep -aE '^ +# |^ +(not )?ok ' "$log" | grep -v '# stat' | sed 's/^ */# /'
done
grep -a "qemu-run: $ARCH" "build/test-logs/races-$ARCH-1.log.stderr" 2>/dev/null | sed 's/^/# /'
echo "# races: $passed of $RUNS runs passed"
[ "$passed" = "$RUNS" ]
