#!/bin/bash
# Runs nestlab's tests and prints one summary: Criterion unit-test executables
# (their "Synthesis" line is parsed) and integration scripts (which print
# kvm-unit-tests-style "PASS: ...", "FAIL: ...", "SKIP: ..." lines). Exits
# non-zero if anything failed, crashed or exited non-zero.
#   run-tests.sh --unit "bin1 bin2" --scripts "s1.sh s2.sh"
set -u
unit=""; scripts=""
while [ $# -gt 0 ]; do
	case "$1" in
	--unit) unit="$2"; shift 2 ;;
	--scripts) scripts="$2"; shift 2 ;;
	*) echo "usage: run-tests.sh --unit LIST --scripts LIST" >&2; exit 2 ;;
	esac
done

passed=0; failed=0; skipped=0; broken=""
log=$(mktemp); trap 'rm -f "$log"' EXIT

for t in $unit; do
	echo "== unit: $t"
	"$t" --jobs 2 >"$log" 2>&1; rc=$?
	grep -E 'FAIL|Crash|crash|Warning|Synthesis' "$log" | sed 's/\x1b\[[0-9;]*m//g'
	syn=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep 'Synthesis:' | tail -1)
	if [ -z "$syn" ]; then
		echo "FAIL: $t printed no Criterion synthesis (rc=$rc)"; tail -20 "$log"
		failed=$((failed + 1)); broken="$broken $t"; continue
	fi
	p=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$syn" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	passed=$((passed + p)); failed=$((failed + f + c))
	[ "$rc" -ne 0 ] && broken="$broken $t"
done

for s in $scripts; do
	echo "== integration: $s"
	bash "$s" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS:' "$log"); f=$(grep -c '^FAIL:' "$log"); k=$(grep -c '^SKIP:' "$log")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
	if [ $((p + f + k)) -eq 0 ]; then
		echo "FAIL: $s reported no PASS/FAIL/SKIP line: it checked nothing"
		failed=$((failed + 1)); broken="$broken $s"
	fi
	[ "$rc" -ne 0 ] && broken="$broken $s"
done

[ -n "$broken" ] && echo "non-zero exit:$broken"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ -z "$broken" ]
