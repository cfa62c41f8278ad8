#!/bin/bash
# The long random differential campaign of L1's exit-level batching
# (`make batch-campaign-l1 [BATCH_N=1000000]`, docs/batching.md): workload
# exit-random at level 2 with N sequences, once with --batch off and once
# with --batch l1; the two "exit-random: ..." lines (sequences, exiting
# instructions by kind, the hash of every output register, flag and scratch
# byte) must be equal, and the phase's exits (plus, batched, its
# l1batch.<kind> counters) must add up to the printed counts. Prints L1's
# batching counters too, and PASS/FAIL in the integration tests' style.
set -u
. "$(dirname "$0")/lib.sh"
lib_init batch-campaign-l1
lib_require l1
N=${BATCH_N:-1000000}
for b in off l1; do
	timeout 3600 "$NESTLAB" run --accel tcg --timeout 3000 --verbose \
		--workload exit-random --iterations "$N" --batch $b \
		--json "$OUT/$b.json" >"$OUT/$b.log" 2>&1 &
done
wait
line() { grep -aE '^(L2: )?exit-random: ' "$OUT/$1.log" | sed 's/^L2: //' | tr -d '\r'; }
a=$(line off) b=$(line l1)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	pass "$N random sequences: the same with L1 batching off and on ($a)"
else
	fail "$N random sequences: off '$a', l1 '$b'"
	show "$OUT/l1.log"
fi
for k in ioio cpuid vmmcall; do
	want=$(sed -nE "s/.*[( ]$k ([0-9]+)[ )].*/\1/p" <<<"$a")
	for b in off l1; do
		got=$(jq "(.phases[0].exits.$k // 0) + (.phases[0].counters[\"l1batch.$k\"] // 0)" \
			"$OUT/$b.json" 2>/dev/null)
		[ -n "$want" ] && [ "$got" = "$want" ] && pass "$b: $k exits + batched = $want" ||
			fail "$b: $k exits + batched $got, want $want"
	done
done
echo "l1 counters: $(jq -c '.phases[0].counters' "$OUT/l1.json" 2>/dev/null)"
echo "l1 exits: $(jq -c '.phases[0].exits' "$OUT/l1.json" 2>/dev/null)"
lib_done
