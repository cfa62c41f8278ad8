#!/bin/bash
# Decoded-syscall batching in the L2 kernel (--batch kernel, batch=kernel;
# guests/kernel/batch.c, docs/batching.md), end to end:
#
#   - syscall-mix, batch-pairs, batch-chain and batch-hostile at level 1 and
#     level 2, with batching off and on: status, phase exits and the
#     workload's own checks as the model says (`nestlab expect`), and with
#     batching on the phase's "batch" object in the results JSON exactly
#     `nestlab expect --batch kernel`'s (entries, calls, emulated
#     instructions, entries by size and by why they ended, all from the
#     workload's declared runs); batch-chain also with --batch-max 4 (runs
#     split in entries of 4, "limit") and with --batch-max 1 (no batch);
#   - the differential check: the workload's final user registers and
#     memory word ("<workload>: state ..." line) are the same with batching
#     off and on, at each level;
#   - under L1's MBEC emulation (exec-fault: one NPF exit per view switch,
#     two per kernel entry), the phase's NPF exits are exactly 2 per kernel
#     entry plus the markers' 2: with batching off 2 per call, on 2 per
#     entry, so batch-pairs saves 50% of the workload's exits and
#     batch-chain more than 75% (the issue's targets);
#   - the random differential: batch-random's hash of 3000 random
#     sequences (glue from inside and outside the subset around 1..5
#     calls) the same with batching off and on, at both levels, with
#     batching in effect (fewer entries than calls); the long run is
#     `make batch-campaign`;
#   - bad input (batch-fault, a negative test): an over-long instruction,
#     one crossing into an unmapped page, a LOCK prefix on a register, a
#     load from an unmapped page right after a call: the look-ahead stops
#     before each (invalid, fetch, invalid, mem) and ring 3 takes the same
#     fault with the same registers as with batching off, at both levels;
#   - L1's exit-level batching (--batch l1, l1hyp/mech/batch_l1.c) on
#     pio-pairs: IOIO exits N instead of 2N (the model, `nestlab expect
#     --batch l1`), L1's counts exactly N exits of 2 accesses ending at the
#     branch (with --batch-max 1: none batched), the same final state as
#     without it and as at level 1;
#   - under MBEC intercept the same with excp_ud (SYSCALL and SYSRET
#     exits): 2 per kernel entry plus the markers' 2;
#   - tracing: one nestlab:l2_batch event per entry (batch-pairs; and
#     batch-hostile, whose skipped look-aheads take the fast path only
#     untraced);
#   - the results JSON records "batch": "off"/"kernel"/"l1" and the boot line
#     names the limits; bad options are usage errors with their reason.
set -u
. "$(dirname "$0")/lib.sh"
lib_init batching
lib_require l1
N=1000
WLS=(syscall-mix batch-pairs batch-chain batch-hostile)

for wl in "${WLS[@]}"; do
	for lvl in 1 2; do
		for b in off kernel; do
			lib_case "$wl-l$lvl-$b" --workload "$wl" --iterations $N --level $lvl --batch $b
		done
		LIB_DIAG[$wl-l$lvl-kernel]='nestlab-l2: batch kernel: up to 16 system calls per entry, look-ahead 16 instructions / 64 bytes per gap'
	done
done
for m in 4 1; do
	lib_case "batch-chain-l2-max$m" --workload batch-chain --iterations $N --batch kernel \
		--batch-max $m
done
# batch-fault: case = iterations mod 4 (batch_fault.c) and why the
# look-ahead stops before the faulting instruction
FAULT_ENDS=(invalid fetch invalid mem)
FAULT_ITERS=(8 1 2 3)
for k in 0 1 2 3; do
	for lvl in 1 2; do
		for b in off kernel; do
			lib_case "fault$k-l$lvl-$b" --workload batch-fault --iterations ${FAULT_ITERS[$k]} \
				--level $lvl --batch $b
			LIB_DIAG[fault$k-l$lvl-$b]='nestlab-l2: exception #'
		done
	done
done
# L1's exit-level batching of port I/O (--batch l1): pio-pairs
lib_case pio-l1-off --workload pio-pairs --iterations $N --level 1
for b in off l1; do
	lib_case "pio-l2-$b" --workload pio-pairs --iterations $N --batch $b
done
LIB_DIAG[pio-l2-l1]='nestlab-l1: batch: up to 16 exiting instructions per exit \(in/out, cpuid, vmmcall, rdmsr/wrmsr\), look-ahead 16 instructions / 64 bytes'
lib_case pio-l2-l1-max1 --workload pio-pairs --iterations $N --batch l1 --batch-max 1
# The random differential (batch-random: a fixed seed, so the same
# sequences in every run): RN sequences at each level, off and on
RN=3000
for lvl in 1 2; do
	for b in off kernel; do
		lib_case "random-l$lvl-$b" --workload batch-random --iterations $RN --level $lvl --batch $b
	done
done
for wl in batch-pairs batch-chain batch-hostile syscall-mix; do
	for b in off kernel; do
		lib_spawn "$wl-mbec-$b" --workload "$wl" --iterations $N --mbec exec-fault --batch $b
		lib_spawn "$wl-icpt-$b" --workload "$wl" --iterations $N --mbec intercept --batch $b
	done
done
lib_check_all

# batch_of RUN: the phase's "batch" object (compact JSON), "none" without one.
batch_of() {
	jq -c '.phases[0].batch' "$OUT/$1.json" 2>/dev/null || echo none
}

for name in "${lib_cases[@]}"; do
	[[ "$name" == *-off || "$name" == fault* || "$name" == pio-* || "$name" == random-* ]] &&
		continue
	wl=${name%-l[12]-*}
	args=$(jq -r '"--level \(.level)"' "$OUT/$name.json" 2>/dev/null)
	max=; [[ "$name" == *-max* ]] && max=${name##*-max}
	want=$("$NESTLAB" expect --workload "$wl" --iterations $N $args --batch kernel \
		${max:+--batch-max $max} | jq -c .batch)
	got=$(batch_of "$name")
	if [ "$got" = "$want" ] && [ "$want" != null ]; then
		pass "$name: batching $got"
	else
		fail "$name: batching $got, want $want"
	fi
	mode=$(jq -r .batch "$OUT/$name.json" 2>/dev/null)
	[ "$mode" = kernel ] || fail "$name: JSON batch \"$mode\", want \"kernel\""
done
for wl in "${WLS[@]}"; do
	for lvl in 1 2; do
		off=$OUT/$wl-l$lvl-off.log on=$OUT/$wl-l$lvl-kernel.log
		a=$(grep -E "^(L2: )?$wl: state " "$off" | sed 's/^L2: //')
		b=$(grep -E "^(L2: )?$wl: state " "$on" | sed 's/^L2: //')
		if [ -z "$a" ] || [ -z "$b" ]; then
			fail "$wl level $lvl: no state line (off: ${a:-none}; on: ${b:-none})"
		elif [ "$a" != "$b" ]; then
			fail "$wl level $lvl: state differs: off '$a', kernel '$b'"
		else
			pass "$wl level $lvl: the same final state with batching off and on"
		fi
		if [ "$(jq -r .batch "$OUT/$wl-l$lvl-off.json")" != off ] ||
		   [ "$(batch_of "$wl-l$lvl-off")" != null ]; then
			fail "$wl level $lvl off: JSON batch not \"off\" or a phase batch object"
		fi
	done
done

# The faults: the same report (vector, RIP, CR2, every register) with
# batching off and on, and the one entry of the phase ending before the
# faulting instruction for the case's reason.
for k in 0 1 2 3; do
	for lvl in 1 2; do
		a=$(grep -A4 "nestlab-l2: exception" "$OUT/fault$k-l$lvl-off.log" | sed 's/^L2: //')
		b=$(grep -A4 "nestlab-l2: exception" "$OUT/fault$k-l$lvl-kernel.log" | sed 's/^L2: //')
		want="nestlab-l2: batch phase 0: entries 1 syscalls 1 emulated 0 skipped 0 sizes 1:1 ends ${FAULT_ENDS[$k]}:1"
		if [ -z "$a" ] || [ "$a" != "$b" ]; then
			fail "fault case $k level $lvl: the reports differ (off: ${a:0:80}; on: ${b:0:80})"
		elif ! grep -qF "$want" "$OUT/fault$k-l$lvl-kernel.log"; then
			fail "fault case $k level $lvl: no line '$want'"; show "$OUT/fault$k-l$lvl-kernel.log"
		else
			pass "fault case $k level $lvl: the same fault report, look-ahead ended '${FAULT_ENDS[$k]}': $(head -1 <<<"$b" | sed 's/nestlab-l2: //')"
		fi
	done
done

# pio-pairs: L1's line (in-phase counts: N exits of 2 accesses each ending
# at the loop's branch, per the workload's definition; with --batch-max 1
# every access its own exit, ending at the limit), the same final state
# with L1 batching off and on (and at level 1), JSON "batch": "l1".
ACC=2
want_l1="nestlab-l1: batch: exits $N handled $((ACC * N)) kinds ioio:$(((ACC - 1) * N)) sizes $ACC:$N ends branch:$N"
want_max1="nestlab-l1: batch: exits $((ACC * N)) handled $((ACC * N)) kinds - sizes 1:$((ACC * N)) ends limit:$((ACC * N))"
for c in "pio-l2-l1:$want_l1" "pio-l2-l1-max1:$want_max1"; do
	name=${c%%:*} want=${c#*:}
	if tr -d '\r' <"$OUT/$name.log" | grep -qxF "$want"; then
		pass "$name: $want"
	else
		fail "$name: no line '$want'"; grep 'nestlab-l1: batch' "$OUT/$name.log" | sed 's/^/    | /'
	fi
done
a=$(grep -E '^(L2: )?pio-pairs: state ' "$OUT/pio-l2-off.log" | sed 's/^L2: //' | tr -d '\r')
b=$(grep -E '^(L2: )?pio-pairs: state ' "$OUT/pio-l2-l1.log" | sed 's/^L2: //' | tr -d '\r')
c=$(grep -E '^(L2: )?pio-pairs: state ' "$OUT/pio-l1-off.log" | sed 's/^L2: //' | tr -d '\r')
if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ]; then
	pass "pio-pairs: the same final state with L1 batching off and on, and at level 1"
else
	fail "pio-pairs: states differ: off '${a:0:60}', l1 '${b:0:60}', level 1 '${c:0:60}'"
fi
[ "$(jq -r .batch "$OUT/pio-l2-l1.json" 2>/dev/null)" = l1 ] ||
	fail "pio-l2-l1: JSON batch not \"l1\""

for lvl in 1 2; do
	a=$(grep -E '^(L2: )?batch-random: ' "$OUT/random-l$lvl-off.log" | sed 's/^L2: //' | tr -d '\r')
	b=$(grep -E '^(L2: )?batch-random: ' "$OUT/random-l$lvl-kernel.log" | sed 's/^L2: //' | tr -d '\r')
	st=$(tr -d '\r' <"$OUT/random-l$lvl-kernel.log" | sed -n 's/^\(L2: \)\{0,1\}nestlab-l2: batch phase 0: //p')
	calls=$(sed -n 's/.* \([0-9]*\) system calls.*/\1/p' <<<"$a")
	entries=$(sed -n 's/^entries \([0-9]*\) .*/\1/p' <<<"$st")
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		fail "random level $lvl: off '$a', kernel '$b'"
	elif ! [[ "$entries" =~ ^[0-9]+$ ]] || [ "$entries" -ge "$calls" ]; then
		fail "random level $lvl: no batching happened ($st)"
	else
		pass "random level $lvl: $a with batching off and on; $st"
	fi
done

# Under MBEC exec-fault: npf = 2 per entry + 2 (markers); entries = calls
# with batching off.
MARKERS=2
for wl in batch-pairs batch-chain batch-hostile syscall-mix; do
	calls=$("$NESTLAB" expect --workload "$wl" --iterations $N --batch kernel | jq .batch.syscalls)
	entries=$("$NESTLAB" expect --workload "$wl" --iterations $N --batch kernel | jq .batch.entries)
	st_off=$(jq -r .status "$OUT/$wl-mbec-off.json" 2>/dev/null)
	st_on=$(jq -r .status "$OUT/$wl-mbec-kernel.json" 2>/dev/null)
	off=$(jq -r '.phases[0].exits.npf // 0' "$OUT/$wl-mbec-off.json" 2>/dev/null)
	on=$(jq -r '.phases[0].exits.npf // 0' "$OUT/$wl-mbec-kernel.json" 2>/dev/null)
	if [ "$st_off $st_on" != "pass pass" ]; then
		fail "$wl MBEC: status $st_off / $st_on"; show "$OUT/$wl-mbec-kernel.log"; continue
	fi
	if [ "$off" -eq $((2 * calls + MARKERS)) ] && [ "$on" -eq $((2 * entries + MARKERS)) ]; then
		saved=$(( (off - on) * 1000 / (off - MARKERS) ))
		pass "$wl MBEC: npf $off off (2 x $calls calls + 2), $on on (2 x $entries entries + 2): $((saved / 10)).$((saved % 10))% of the workload's exits saved"
	else
		fail "$wl MBEC: npf $off off, $on on, want $((2 * calls + MARKERS)) and $((2 * entries + MARKERS))"
	fi
	case $wl in
	batch-pairs) target=500 ;;
	batch-chain) target=750 ;;
	*) target=0 ;;
	esac
	if [ "$target" -gt 0 ]; then
		if [ $(( (off - on) * 1000 )) -ge $(( target * (off - MARKERS) )) ]; then
			pass "$wl MBEC: at least $((target / 10))% fewer exits (the issue's target)"
		else
			fail "$wl MBEC: fewer than $((target / 10))% exits saved"
		fi
	fi
done

# Tracing: one nestlab:l2_batch event per kernel entry, with its size, why
# it ended (enum nestlab_batch_end: 6 = branch) and the instructions
# emulated: batch-pairs' N entries are (2, 6, 5).
TN=10
if ! command -v lttng >/dev/null || ! command -v babeltrace2 >/dev/null; then
	skip "trace: lttng-tools or babeltrace2 not installed (make deps)"
else
	"$NESTLAB" run --workload batch-pairs --iterations $TN --batch kernel --accel tcg \
		--trace "$OUT/trace" --json "$OUT/trace.json" >"$OUT/trace.log" 2>&1
	n=$(babeltrace2 "$OUT/trace" 2>/dev/null | grep 'nestlab:l2_batch:' |
		grep -c 'size = 2, why = 6, emulated = 5')
	ev=$(jq -r '.trace.events.l2_batch // "none"' "$OUT/trace.json" 2>/dev/null)
	if [ "$n" -eq $TN ]; then
		pass "trace: $TN l2_batch events (size 2, branch, 5 emulated) of $ev"
	else
		fail "trace: $n l2_batch events of size 2 (branch, 5 emulated), want $TN"
		show "$OUT/trace.log"
	fi
	# batch-hostile: its entries' look-aheads are mostly skipped by the
	# negative cache, which batch_entry's fast path does without a trace
	# event; traced, every entry goes through the batch loop and records
	# one: per iteration 3 ending not_emulable (5), 1 code_write (8), 1
	# branch (6), in the phase (flags bit 0), and the phase's batch object
	# (skipped included) is still exactly the model's.
	"$NESTLAB" run --workload batch-hostile --iterations $TN --batch kernel --accel tcg \
		--trace "$OUT/trace-h" --json "$OUT/trace-h.json" >"$OUT/trace-h.log" 2>&1
	hev=$(babeltrace2 "$OUT/trace-h" 2>/dev/null | grep 'nestlab:l2_batch:' |
		grep 'flags = 0x1, .*size = 1, ')
	ne=$(grep -c 'why = 5, emulated = 0' <<<"$hev")
	nc=$(grep -c 'why = 8, emulated = 0' <<<"$hev")
	nb=$(grep -c 'why = 6, emulated = 0' <<<"$hev")
	got=$(jq -c '.phases[0].batch' "$OUT/trace-h.json" 2>/dev/null)
	want=$("$NESTLAB" expect --workload batch-hostile --iterations $TN --batch kernel |
		jq -c .batch)
	if [ "$ne" -eq $((3 * TN)) ] && [ "$nc" -eq $TN ] && [ "$nb" -eq $TN ] &&
	   [ -n "$got" ] && [ "$got" = "$want" ]; then
		pass "trace: batch-hostile, one l2_batch event per entry (not_emulable $ne, code_write $nc, branch $nb) and the model's batch object"
	else
		fail "trace: batch-hostile: not_emulable $ne code_write $nc branch $nb (want $((3 * TN)), $TN, $TN), batch $got (want $want)"
		show "$OUT/trace-h.log"
	fi
fi

# Under MBEC intercept: excp_ud = 2 per kernel entry (SYSCALL, SYSRET) + 2
# (PHASE_BEGIN's SYSRET, PHASE_END's SYSCALL), as npf under exec-fault.
for wl in batch-pairs batch-chain batch-hostile syscall-mix; do
	calls=$("$NESTLAB" expect --workload "$wl" --iterations $N --batch kernel | jq .batch.syscalls)
	entries=$("$NESTLAB" expect --workload "$wl" --iterations $N --batch kernel | jq .batch.entries)
	off=$(jq -r '.phases[0].exits.excp_ud // 0' "$OUT/$wl-icpt-off.json" 2>/dev/null)
	on=$(jq -r '.phases[0].exits.excp_ud // 0' "$OUT/$wl-icpt-kernel.json" 2>/dev/null)
	if [ "$off" = $((2 * calls + MARKERS)) ] && [ "$on" = $((2 * entries + MARKERS)) ]; then
		pass "$wl MBEC intercept: excp_ud $off off, $on on (2 per entry + 2)"
	else
		fail "$wl MBEC intercept: excp_ud $off off, $on on, want $((2 * calls + MARKERS)) and $((2 * entries + MARKERS))"
	fi
done

# Bad options: usage errors (exit 2) with their reason.
bad() {
	local want=$1; shift
	out=$("$NESTLAB" run --workload getpid "$@" 2>&1); rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$want" <<<"$out"; then
		pass "run $*: usage error, '$want'"
	else
		fail "run $*: exit $rc, output lacks '$want'"; sed 's/^/    | /' <<<"$out" | head -5
	fi
}
bad "--batch l1: L1's batching is nestlab L1's mechanism: it needs --level 2 and --l1 nestlab" --batch l1 --level 1
bad "--batch both: L1's batching is nestlab L1's mechanism: it needs --level 2 and --l1 nestlab" --batch both --level 1
bad "--batch 'on': want off, kernel, l1 or both" --batch on
bad "--batch-max needs --batch kernel, l1 or both" --batch-max 4
bad "--batch kernel and --interpose-op deny exclude each other" --batch kernel --interpose trap --interpose-op deny --interpose-deny 4
bad "--batch both and --interpose-op deny exclude each other" --batch both --interpose inguest --interpose-op deny --interpose-deny 4
bad "--batch-max '0': want an integer in 1..64" --batch kernel --batch-max 0
bad "--batch-max '65': want an integer in 1..64" --batch kernel --batch-max 65
# L1's switch: a bad value is L1's bad configuration, with its reason.
for opt in batch=maybe "batch=on --l1-option batch_max=0"; do
	out=$("$NESTLAB" run --workload getpid --iterations 1 --accel tcg --l1-option $opt 2>&1)
	why="batch must be on or off"; [[ "$opt" == *batch_max* ]] && why="batch_max must be a decimal number 1..64"
	if grep -q "bad_config" <<<"$out" && grep -qF "$why" <<<"$out"; then
		pass "L1 option $opt: bad_config, '$why'"
	else
		fail "L1 option $opt: not bad_config with '$why'"; sed 's/^/    | /' <<<"$out" | tail -5
	fi
done
lib_done
