#!/bin/bash
# L1's exit-level batching beyond port I/O (--batch l1 and --batch both;
# l1hyp/mech/batch_l1*.c, docs/batching.md), end to end at level 2:
#
#   - exit-pairs (CPUID, VMMCALL and MSR exit pairs with register and memory
#     glue) with batching off, and on with --batch-max 16, 3, 2 and 1: the
#     phase's VM exits exactly `nestlab expect`'s (off: 2 CPUID, 2 VMMCALL,
#     2 MSR per iteration; on: the exits at the runs' positions 0, m, 2m),
#     and the phase's "counters" object exactly `nestlab expect --batch l1`'s
#     "l1_counters" (exits, instructions handled, glue emulated, batched
#     instructions by kind, exits by size and by why their batch ended);
#   - the differential check: exit-pairs' final state line the same with
#     batching off and with each batch_max; pio-pairs' counters likewise;
#   - under MBEC exec-fault the same counters and final state;
#   - bad input (batch-fault's CPUID cases): L1's look-ahead stops before
#     an over-long instruction, a fetch into an unmapped page, LOCK on a
#     register, a load from an unmapped page (invalid, fetch, invalid,
#     mem), and L2 takes the same fault as without batching;
#   - --batch both: the kernel's batching and L1's in one run: batch-pairs'
#     "batch" object exactly the kernel model's, exit-pairs' exits and
#     counters exactly L1's model, the JSON's "batch": "both";
#   - the random differential (exit-random, issue 14 part 5): the same
#     hash with L1 batching off and on, batches in effect, and per kind the
#     phase's exits + batched events = the instructions the generator
#     emitted; the long run is `make batch-campaign-l1`;
#   - --trace: one l1_mech record per batch, as many as l1batch.exits.
set -u
. "$(dirname "$0")/lib.sh"
lib_init batching_l1
lib_require l1
N=500

lib_case ep-off --workload exit-pairs --iterations $N
for m in 16 3 2 1; do
	lib_case "ep-l1-$m" --workload exit-pairs --iterations $N --batch l1 --batch-max $m
done
lib_case ep-both --workload exit-pairs --iterations $N --batch both
# under MBEC exec-fault (views: the NPT execute right is checked per window)
lib_case ep-mbec-off --workload exit-pairs --iterations $N --mbec exec-fault
lib_case ep-mbec-l1 --workload exit-pairs --iterations $N --mbec exec-fault --batch l1
lib_case pio-l1 --workload pio-pairs --iterations $N --batch l1
lib_case pairs-both --workload batch-pairs --iterations $N --batch both
RN=3000
for b in off l1; do
	lib_case "random-$b" --workload exit-random --iterations $RN --batch $b
done
# batch-fault's CPUID cases (iterations 4..7): a CPUID exit, then an
# over-long instruction, one crossing into an unmapped page, LOCK on a
# register, a load from an unmapped page
L1_FAULT_ENDS=(invalid fetch invalid mem)
for k in 0 1 2 3; do
	for b in off l1; do
		lib_case "fault$k-$b" --workload batch-fault --iterations $((4 + k)) --batch $b
		LIB_DIAG[fault$k-$b]='nestlab-l2: exception #'
	done
done
lib_check_all

# The phase's counters (L1's l1batch.*) against the model's, as a whole.
counters() {
	local name=$1 got want
	got=$(jq -c '.phases[0].counters | with_entries(select(.key | startswith("l1batch.")))' \
		"$OUT/$name.json" 2>/dev/null)
	want=$(jq -c '.l1_counters' "$OUT/$name.want" 2>/dev/null)
	if [ -n "$want" ] && [ "$want" != null ] &&
	   jq -en --argjson g "$got" --argjson w "$want" '$g == $w' >/dev/null; then
		pass "$name: counters $want"
	else
		fail "$name: counters $got, want $want"
	fi
}
for name in ep-l1-16 ep-l1-3 ep-l1-2 ep-l1-1 ep-both ep-mbec-l1 pio-l1; do
	counters "$name"
done

# Off: no L1 batching, no counters.
got=$(jq -c '[(.phases[0].counters // {}) | keys[] | select(startswith("l1batch."))]' \
	"$OUT/ep-off.json" 2>/dev/null)
if [ "$got" = "[]" ]; then
	pass "ep-off: no l1batch counters"
else
	fail "ep-off: l1batch counters without batching: $got"
fi

# The differential check: the same final state line.
state() { grep -aE '^(L2: )?exit-pairs: state ' "$OUT/$1.log" | sed 's/^L2: //' | tr -d '\r'; }
ref=$(state ep-off)
for name in ep-l1-16 ep-l1-3 ep-l1-2 ep-l1-1 ep-both ep-mbec-off ep-mbec-l1; do
	got=$(state "$name")
	if [ -n "$ref" ] && [ "$got" = "$ref" ]; then
		pass "$name: the same final state as batching off"
	else
		fail "$name: state '${got:0:80}', off '${ref:0:80}'"
	fi
done

# --batch both: the kernel's "batch" object is its model's, "batch": "both".
got=$(jq -c '.phases[0].batch' "$OUT/pairs-both.json" 2>/dev/null)
want=$(jq -c '.batch' "$OUT/pairs-both.want" 2>/dev/null)
if [ -n "$want" ] && [ "$want" != null ] &&
   jq -en --argjson g "$got" --argjson w "$want" '$g == $w' >/dev/null; then
	pass "pairs-both: the kernel's batches $want"
else
	fail "pairs-both: batch $got, want $want"
fi
for name in pairs-both ep-both; do
	[ "$(jq -r .batch "$OUT/$name.json")" = both ] && pass "$name: JSON batch \"both\"" ||
		fail "$name: JSON batch not \"both\""
done
# The random differential: exit-random's line (the hash of every output
# register, flag and scratch byte) the same off and on, batches in effect,
# and for each kind the phase's exits plus its batched events exactly the
# instructions the generator emitted (the line's counts).
rline() { grep -aE '^(L2: )?exit-random: ' "$OUT/$1.log" | sed 's/^L2: //' | tr -d '\r'; }
a=$(rline random-off) b=$(rline random-l1)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	pass "exit-random: the same with L1 batching off and on ($a)"
else
	fail "exit-random: off '$a', l1 '$b'"
fi
for k in ioio cpuid vmmcall; do
	want=$(sed -nE "s/.*[( ]$k ([0-9]+)[ )].*/\1/p" <<<"$a")
	for b in off l1; do
		got=$(jq "(.phases[0].exits.$k // 0) + (.phases[0].counters[\"l1batch.$k\"] // 0)" \
			"$OUT/random-$b.json" 2>/dev/null)
		if [ -n "$want" ] && [ "$got" = "$want" ]; then
			pass "random-$b: $k exits + batched = $want"
		else
			fail "random-$b: $k exits + batched $got, want $want"
		fi
	done
done
if jq -e '.phases[0].counters as $c | $c["l1batch.handled"] > $c["l1batch.exits"] and
	  $c["l1batch.handled"] == ([.phases[0].exits[]] | add) +
	  ([$c | to_entries[] | select(.key | test("^l1batch\\.(ioio|cpuid|vmmcall|msr)$")) | .value] | add)' \
	"$OUT/random-l1.json" >/dev/null; then
	pass "random-l1: batches in effect ($(jq -c '.phases[0].counters["l1batch.exits"], .phases[0].counters["l1batch.handled"]' "$OUT/random-l1.json" | tr '\n' ' ')exits / handled)"
else
	fail "random-l1: counters $(jq -c '.phases[0].counters' "$OUT/random-l1.json")"
fi
# The faults under L1's batching: the same report (vector, RIP, CR2, every
# register) as with batching off, nothing batched, and L1's look-ahead
# after the CPUID ended before the faulting instruction for the case's
# reason (the phase stays open through the kernel's report, whose console
# hypercalls are exits of their own).
for k in 0 1 2 3; do
	a=$(grep -aA4 "nestlab-l2: exception" "$OUT/fault$k-off.log" | sed 's/^L2: //')
	b=$(grep -aA4 "nestlab-l2: exception" "$OUT/fault$k-l1.log" | sed 's/^L2: //')
	line=$(grep -a 'nestlab-l1: batch: exits' "$OUT/fault$k-l1.log" | tr -d '\r')
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		fail "fault case $k: the reports differ (off: ${a:0:80}; l1: ${b:0:80})"
	elif ! grep -qE " kinds - .* ends (.*,)?${L1_FAULT_ENDS[$k]}:1(,|\$)" <<<"$line"; then
		fail "fault case $k: L1's line '$line' lacks ${L1_FAULT_ENDS[$k]}:1 or batched something"
	else
		pass "fault case $k: the same fault report, L1's look-ahead ended '${L1_FAULT_ENDS[$k]}': $(head -1 <<<"$b" | sed 's/nestlab-l2: //')"
	fi
done

# With --trace: one l1_mech record per exit that began a look-ahead, in
# the phase exactly its l1batch.exits (trace-stats checks the trace against
# the results).
rm -rf "$OUT/tr"
"$NESTLAB" run --accel tcg --timeout 120 --workload exit-pairs --iterations 200 --batch l1 \
	--trace "$OUT/tr" --json "$OUT/tr.json" >"$OUT/tr.log" 2>&1
rc=$?
"$NESTLAB" trace-stats "$OUT/tr" --check "$OUT/tr.json" >"$OUT/tr.stats" 2>&1
src=$?
n=$(sed -n "/^phase 0 /,/^phase 1 \|^lost/s/^  l1_mech  *\([0-9]*\)\$/\1/p" "$OUT/tr.stats")
want=$(jq -r '.phases[0].counters["l1batch.exits"]' "$OUT/tr.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ $src -eq 0 ] && [ -n "$n" ] && [ "$n" = "$want" ]; then
	pass "trace: $n in-phase l1_mech batch records = the phase's l1batch.exits"
else
	fail "trace: $n in-phase l1_mech records, l1batch.exits $want (nestlab $rc, trace-stats $src)"
	show "$OUT/tr.stats"
fi
lib_done
