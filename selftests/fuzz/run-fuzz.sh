#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run libFuzzer targets for a bounded time each and print TAP, one case per
# target: ok when libFuzzer exits 0 (no crash, leak, timeout or OOM).
#
#   run-fuzz.sh [--seconds N] [--work DIR] TARGET...
#
# TARGET is a built fuzzer NAME_fuzz; its seed corpus is
# selftests/fuzz/corpus/NAME. The corpus is copied to DIR/corpus-NAME first,
# so a run never writes to the committed one. libFuzzer's full output goes
# to DIR/NAME.log; crash inputs to DIR/artifacts/NAME/.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=60
work=$top/build/fuzz
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run-fuzz: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done

echo "TAP version 13"
echo "1..$#"
n=0
for target in "$@"; do
	n=$((n + 1))
	name=${target##*/}
	base=${name%_fuzz}
	seeds=$top/selftests/fuzz/corpus/$base
	corpus=$work/corpus-$base
	artifacts=$work/artifacts/$base
	log=$work/$base.log

	echo "# $name: ${seconds}s from $(find "$seeds" -type f | wc -l) seeds in ${seeds#"$top"/}"
	if [ ! -x "$target" ] || [ ! -d "$seeds" ]; then
		echo "not ok $n fuzz: $name # missing $target or $seeds"
		continue
	fi
	rm -rf "$corpus" "$artifacts"
	mkdir -p "$corpus" "$artifacts"
	cp "$seeds"/* "$corpus"/
	start=$SECONDS
	"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/" \
		"$corpus" >"$log" 2>&1
	rc=$?
	secs=$((SECONDS - start))
	# "#123 DONE cov: 456 ft: 789 corp: ..." and the final stats.
	done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	echo "# $name: ${done_line:-no progress line}"
	echo "# $name: ${execs:-?} executions, ${rate:-?}/s, corpus now $(find "$corpus" -type f | wc -l) inputs"
	if [ "$rc" = 0 ]; then
		echo "ok $n fuzz: $name # ${secs}s"
	else
		# What broke (the target's own message or the sanitizer's
		# headline), the report's end, and how to replay it.
		grep -m 5 -E "^${name}: |ERROR: |runtime error: |SUMMARY: " "$log" | sed 's/^/# /'
		echo "# ..."
		tail -n 40 "$log" | sed 's/^/# /'
		for crash in "$artifacts"/*; do
			[ -f "$crash" ] || continue
			echo "# replay: $target $crash"
			echo "# keep as a regression: cp $crash $seeds/regress-$(basename "$crash") (docs/fuzzing.md)"
		done
		echo "not ok $n fuzz: $name # exit=$rc, log in $log"
	fi
done
