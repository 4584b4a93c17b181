#!/bin/bash
# make fuzz: run each libFuzzer target named on the command line for
# FUZZ_SECONDS seconds (default 60), one after the other, at low priority.
# Each starts from its committed seeds (tests/fuzz/corpus/NAME, read only)
# plus the working corpus build/fuzz/corpus/NAME (where new inputs go, kept
# between runs). A crash, a leak or a timeout leaves the input in
# build/fuzz/crashes/NAME/ and makes this script fail.
# FUZZ_ARGS adds libFuzzer options (e.g. -jobs=2, -runs=0 to replay seeds).
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
failed=""
mkdir -p build/fuzz/logs
for name in "$@"; do
	bin=build/fuzz/fuzz_$name
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/corpus/$name
	crashes=build/fuzz/crashes/$name
	log=build/fuzz/logs/$name.log
	mkdir -p "$work" "$crashes"
	echo "fuzz: $name for ${secs}s (log $log)"
	# -timeout: an input that takes over 10 s is a hang, which is a finding.
	nice -n 19 "$bin" -max_total_time="$secs" -timeout=10 -max_len=16384 \
		-print_final_stats=1 -artifact_prefix="$crashes/" ${FUZZ_ARGS:-} \
		"$work" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
	cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')
	if [ $rc -ne 0 ]; then
		echo "fuzz: $name FAILED (exit $rc): see $log; inputs in $crashes/"
		grep -m3 -E 'ERROR|runtime error|panic' "$log" | sed 's/^/fuzz:   /'
		failed="$failed $name"
	else
		echo "fuzz: $name ok: ${execs:-?} runs, ${cov:-no coverage line}"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed (replay one: build/fuzz/fuzz_NAME build/fuzz/crashes/NAME/crash-...)"
	exit 1
fi
