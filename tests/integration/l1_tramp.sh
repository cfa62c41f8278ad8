#!/bin/bash
# L1's exit dispatch options (docs/tramp.md, issue 15 part 5): with
# l1_retpoline=on, l1_trampoline=on and both, every workload passes with
# exactly the exits of `nestlab expect` in its phase and exactly the exits
# of the run without the options in its totals (the same handler runs for
# every reason: only how the table is called changes). With
# l1_trampoline=on the trampoline's counters follow its model: the first
# W in-phase exits (the learning window, l1_trampoline_window, default
# 64) go through the learning stub, and after it every exit of a hot
# reason is a direct jump, so a phase whose reasons all appear in the
# window and number at most 4 has l1_tramp.direct = its exits - W, and one
# trampoline generated; a phase with no exit never ends the window. With
# W = 1 on timer (npf and intr alternating) the first trampoline knows only
# the first exit's reason; at the phase's end the phase's counts replace it
# (hysteresis passed: generation 2 with both reasons, the hotter first).
# W^X: the published slot is read-only (a write faults, checked by L1).
# Both on goes through the launcher's flags (--l1-retpoline, --l1-trampoline),
# the others through --l1-option; the JSON's l1_options records the words.
# Bad values are bad_config with a message naming the choices.
set -u
. "$(dirname "$0")/lib.sh"
lib_init l1-tramp
lib_require l1
N=1000
W=64
WORKLOADS="cpuid pio hypercall getpid syscall-mix timer"
declare -A OPTS=(
	[off]=""
	[rp]="--l1-option l1_retpoline=on"
	[tr]="--l1-option l1_trampoline=on"
	[both]="--l1-retpoline on --l1-trampoline on"
)
# the JSON's l1_options of each (the launcher's flags become the same words)
declare -A WORDS=(
	[off]='[]' [rp]='["l1_retpoline=on"]' [tr]='["l1_trampoline=on"]'
	[both]='["l1_retpoline=on","l1_trampoline=on"]'
)
CONFIGS="off rp tr both"

for w in $WORKLOADS; do
	"$NESTLAB" expect --workload "$w" --iterations $N >"$OUT/$w.want"
	for c in $CONFIGS; do
		# shellcheck disable=SC2086
		lib_spawn "$w-$c" --workload "$w" --iterations $N ${OPTS[$c]}
	done
done
lib_spawn timer-w1 --workload timer --iterations $N --l1-option l1_trampoline=on \
	--l1-option l1_trampoline_window=1
for bad in "l1_retpoline=maybe" "l1_trampoline=1" "l1_trampoline_window=0" \
	   "l1_trampoline_window=64"; do
	lib_spawn "bad-${bad%%=*}-${bad#*=}" --workload cpuid --iterations 10 --l1-option "$bad"
done
lib_spawn bad-window-big --workload cpuid --iterations 10 --l1-option l1_trampoline=on \
	--l1-option l1_trampoline_window=100000001
wait

# jq of a run: status, phase exits, total exits, the two counters (or null)
summary() {
	jq -c '[.status, (.phases[0].exits // null), .totals.exits,
		(.phases[0].counters["l1_tramp.direct"] // null),
		(.phases[0].counters["l1_tramp.generations"] // null)]' "$OUT/$1.json" 2>/dev/null
}

for w in $WORKLOADS; do
	want=$(jq -c '.exits' "$OUT/$w.want")
	# the phase's exits by the model, and how many
	nexits=$(jq '[.exits[]] | add // 0' "$OUT/$w.want")
	nreasons=$(jq '.exits | length' "$OUT/$w.want")
	base=$(summary "$w-off")
	base_totals=$(jq -c '.[2]' <<<"$base" 2>/dev/null)
	for c in $CONFIGS; do
		s=$(summary "$w-$c")
		st=$(jq -r '.[0]' <<<"$s" 2>/dev/null)
		ph=$(jq -c '.[1]' <<<"$s" 2>/dev/null)
		tot=$(jq -c '.[2]' <<<"$s" 2>/dev/null)
		if [ "$st" != pass ] || [ "$ph" != "$want" ]; then
			fail "$w $c: status $st, phase exits $ph, want pass and $want"
			show "$OUT/$w-$c.log"; continue
		fi
		words=$(jq -c '.l1_options' "$OUT/$w-$c.json" 2>/dev/null)
		if [ "$words" != "${WORDS[$c]}" ]; then
			fail "$w $c: l1_options $words, want ${WORDS[$c]}"; continue
		fi
		if [ "$tot" != "$base_totals" ]; then
			fail "$w $c: total exits $tot differ from the run without options $base_totals"
			continue
		fi
		case $c in
		off|rp)
			if [ "$(jq -c '.[3:]' <<<"$s")" != '[null,null]' ]; then
				fail "$w $c: trampoline counters without l1_trampoline: $s"; continue
			fi
			pass "$w $c: phase exits $ph as the model says, totals as without options";;
		tr|both)
			dir=$(jq '.[3]' <<<"$s"); gens=$(jq '.[4]' <<<"$s")
			if [ "$nexits" -ge "$W" ] && [ "$nreasons" -le 4 ]; then
				wdir=$((nexits - W)); wgen=1
			else
				wdir=0; wgen=0
			fi
			if [ "$dir" != "$wdir" ] || [ "$gens" != "$wgen" ]; then
				fail "$w $c: l1_tramp.direct $dir, generations $gens, want $wdir and $wgen"
				show "$OUT/$w-$c.log"; continue
			fi
			if [ "$wgen" = 1 ]; then
				hot=$(jq -r '.exits | to_entries | sort_by(-.value) | map(.key) | join(",")' \
					"$OUT/$w.want")
				line="l1_trampoline: generation 1 after in-phase exit $W: hot "
				if ! grep -q "$line" "$OUT/$w-$c.log"; then
					fail "$w $c: no '$line...' line"; show "$OUT/$w-$c.log"; continue
				fi
				got=$(sed -n "s/.*$line\([a-z_0-9,]*\),.*/\1/p" "$OUT/$w-$c.log")
				if [ "$(tr , '\n' <<<"$got" | sort | paste -sd,)" != \
				     "$(tr , '\n' <<<"$hot" | sort | paste -sd,)" ]; then
					fail "$w $c: hot $got, want the phase's reasons $hot"; continue
				fi
			elif grep -q "l1_trampoline: generation" "$OUT/$w-$c.log"; then
				fail "$w $c: a trampoline generated from fewer than $W in-phase exits"
				continue
			fi
			pass "$w $c: phase exits $ph, totals as without options, $dir direct, $gens generated";;
		esac
	done
done

# W^X: with either option L1 publishes the slot read-only and executable
# and checks that a write to it faults; without, the slot is never touched.
wx="exit dispatch slot at [0-9a-f]*: read-only and executable, a write faults: PASS"
for c in $CONFIGS; do
	n=0
	for w in $WORKLOADS; do grep -q "$wx" "$OUT/$w-$c.log" && n=$((n + 1)); done
	want=$(wc -w <<<"$WORKLOADS"); [ "$c" = off ] && want=0
	if [ "$n" = "$want" ]; then
		pass "$c: the W^X check of the published slot in $n of $want runs as it should"
	else
		fail "$c: the W^X check line in $n runs, want $want"
	fi
done

# timer, W = 1: the first in-phase exit's reason alone, then at the end of
# the phase both (the hotter first: the first reason has one exit fewer
# after the window, so the other one leads).
s=$(summary timer-w1)
want=$(jq -c '.exits' "$OUT/timer.want")
first=$(sed -n 's/.*l1_trampoline: generation 1 after in-phase exit 1: hot \([a-z_0-9]*\),.*/\1/p' \
	"$OUT/timer-w1.log")
other=$(jq -r --arg f "$first" '.exits | keys | map(select(. != $f)) | .[0] // ""' \
	"$OUT/timer.want")
nfirst=$(jq --arg f "$first" '.exits[$f] // 0' "$OUT/timer.want")
if [ "$(jq -r '.[0]' <<<"$s")" = pass ] && [ "$(jq -c '.[1]' <<<"$s")" = "$want" ] &&
   [ -n "$first" ] && [ -n "$other" ] &&
   [ "$(jq '.[3]' <<<"$s")" = $((nfirst - 1)) ] && [ "$(jq '.[4]' <<<"$s")" = 1 ] &&
   grep -q "l1_trampoline: generation 2 at the end of phase 0: hot $other,$first," \
	"$OUT/timer-w1.log"; then
	pass "timer, window 1: hot $first, $((nfirst - 1)) direct in the phase, then $other,$first at its end"
else
	fail "timer, window 1: $s, first '$first', other '$other'"; show "$OUT/timer-w1.log"
fi

check_bad() {
	local name=$1 msg=$2
	if [ "$(jq -r '.status' "$OUT/$name.json" 2>/dev/null)" = bad_config ] &&
	   grep -qF "bad L1 command line: $msg" "$OUT/$name.log"; then
		pass "$name: bad_config, '$msg'"
	else
		fail "$name: want bad_config with '$msg'"; show "$OUT/$name.log"
	fi
}
check_bad bad-l1_retpoline-maybe "l1_retpoline must be on or off, got: maybe"
check_bad bad-l1_trampoline-1 "l1_trampoline must be on or off, got: 1"
check_bad bad-l1_trampoline_window-0 \
	"l1_trampoline_window must be a number of in-phase exits in 1..100000000, got: 0"
check_bad bad-l1_trampoline_window-64 "l1_trampoline_window needs l1_trampoline=on"
check_bad bad-window-big \
	"l1_trampoline_window must be a number of in-phase exits in 1..100000000, got: 100000001"
lib_done
