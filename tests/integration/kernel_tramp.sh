#!/bin/bash
# The L2 kernel's system-call trampoline (trampoline=global, issue 15 part
# 3; guests/kernel/ktramp.c, docs/tramp.md). getpid, syscall-mix,
# syscall-random and write, N = 1000, at level 1 and 2, with --trampoline
# off and global: every run passes, the level-2 phase exits are the
# model's (`nestlab expect`) either way, the kernel's own lines are the
# same (the trampoline's excepted: syscall-random's state hash among them),
# and the trampoline's counters are its model's (and a guarded write to the
# published page faults and changes nothing). The model: the window is
# the first W = 256 system calls entered while a phase is open; after the
# W-th the hot list is tramp_select's over those calls (at most 4 entries,
# hottest first, ties by number), and every later call of a hot entry is
# dispatched directly, the rest by the table. So getpid: hot 2 (getpid),
# direct N - W; syscall-mix (getpid, getuid, getppid, getpid per
# iteration): hot 2 3 4, direct 4N - W; write: hot 1 (write), direct
# N - W + 1 (the workload's "\n" after its phase). With --retpoline off the
# fallback is a plain jmp *%r11; a window of 1 (hot: the first call's
# entry alone; syscall-mix regenerates at its phase's end, getpid keeps
# it: the hysteresis); a window the phase never fills (no generation); the
# launcher's bad values; under --mbec exec-fault and intercept the page is declared
# supervisor-exec when published (exact exits and counters); batch-random under
# decoded-syscall batching (which calls the same dispatch), the same hash.
# --trampoline process (issue 15 part 4): the same workloads with one
# trampoline per process; multi with two dispatch-skewed processes of
# disjoint hot sets and a write one, global against process: each pid's
# tables map the trampoline's address to its own frame, and per-process
# dispatches more calls directly than global (the model's hit rates, and
# the runs'). Every run with a trampoline: the phase's results counters
# (ktramp.direct, .table, .generations, per pid with process) are exactly
# `nestlab expect --trampoline`'s (l0/expect_ktramp.c: the kernel's policy
# over the workload's calls). dispatch-skewed and dispatch-uniform at both
# levels, both modes: the model's exits and counters.
set -u
. "$(dirname "$0")/lib.sh"
lib_init kernel_tramp
lib_require l1
N=1000
W=256
WLS="getpid syscall-mix syscall-random write"
MULTI=dispatch-skewed,dispatch-skewed,write

for l in 1 2; do
	for wl in $WLS; do
		for t in off global process; do
			lib_spawn "$wl-l$l-$t" --level $l --workload $wl --iterations $N --trampoline $t
		done
	done
done
lib_spawn getpid-rpoff --level 1 --workload getpid --iterations $N --retpoline off \
	--trampoline global
lib_spawn getpid-w1 --workload getpid --iterations $N --trampoline global --trampoline-window 1
for l in 1 2; do
	lib_spawn mix-w1-l$l --level $l --workload syscall-mix --iterations $N --trampoline global \
		--trampoline-window 1
done
for t in off global; do
	lib_spawn batch-$t --level 1 --workload batch-random --iterations $N --batch kernel \
		--trampoline $t
done
lib_spawn multi-global --workload multi --procs getpid,cpuid,write --iterations $N \
	--trampoline global
lib_spawn mix-lazy --workload syscall-mix --iterations $N --npt-lazy --trampoline global \
	--trampoline-window 1
lib_spawn getpid-short --level 1 --workload getpid --iterations 100 --trampoline global
for t in off global process; do
	for n in $N $((2 * N)); do
		lib_spawn mbec-$t-n$n --workload dispatch-skewed --iterations $n --mbec exec-fault \
			--trampoline $t
	done
done
for t in off global process; do
	for n in $N $((2 * N)); do
		lib_spawn mbecint-$t-n$n --workload dispatch-skewed --iterations $n \
			--mbec intercept --trampoline $t
	done
done
lib_spawn mbec-regen --workload syscall-mix --iterations $N --mbec exec-fault \
	--trampoline global --trampoline-window 1
lib_spawn mbec-multi --workload multi --procs $MULTI --iterations $N --mbec exec-fault \
	--trampoline process
for l in 1 2; do
	for t in global process; do
		lib_spawn multi-$t-l$l --level $l --workload multi --procs $MULTI --iterations $N \
			--trampoline $t
		for wl in dispatch-skewed dispatch-uniform; do
			lib_spawn $wl-$t-l$l --level $l --workload $wl --iterations $N --trampoline $t
		done
	done
	lib_spawn mix-w1-process-l$l --level $l --workload syscall-mix --iterations $N \
		--trampoline process --trampoline-window 1
	lib_spawn multi-w1-l$l --level $l --workload multi --procs write,dispatch-skewed \
		--iterations $N --trampoline process --trampoline-window 1
done
wait

# counters_ok NAME [expect args]: the run's trampoline counters are the model's.
counters_ok() {
	local name=$1 want got; shift
	want=$("$NESTLAB" expect "$@" | jq -c '.counters')
	got=$(jq -c '.phases[0].counters // {} | with_entries(select(.key | startswith("ktramp.")))' \
		"$OUT/$name.json" 2>/dev/null)
	if [ "$want" != null ] && [ "$got" = "$want" ]; then
		pass "$name: counters $got"
	else
		fail "$name: counters $got, model $want"
	fi
}
# direct_of NAME: the run's ktramp.direct; total_of: direct + table.
direct_of() { jq -r '.phases[0].counters["ktramp.direct"]' "$OUT/$1.json"; }
total_of() { jq -r '.phases[0].counters | .["ktramp.direct"] + .["ktramp.table"]' "$OUT/$1.json"; }

# The kernel's lines (level 2: L1 prefixes them "L2: ") but the counters,
# trampoline's and the command line's.
l2_lines() {
	tr -d '\r' <"$1" | grep -aE '^(L2: )?(nestlab-l2|syscall-random|batch-random):' |
		grep -v 'trampoline\|command line\|nestlab-l2: counter '
}

# direct_model WL: the calls the trampoline dispatches directly.
direct_model() {
	case $1 in
	getpid) echo $((N - W));;
	syscall-mix) echo $((4 * N - W));;
	write) echo $((N - W + 1));;
	esac
}
hot_model() {
	case $1 in
	getpid) echo "2";;
	syscall-mix) echo "2 3 4";;
	write) echo "1";;
	esac
}

for l in 1 2; do
	for wl in $WLS; do
		want=$("$NESTLAB" expect --workload "$wl" --iterations $N --level $l | jq -c '.exits')
		ok=1
		for t in off global process; do
			j="$OUT/$wl-l$l-$t.json"
			st=$(jq -r '.status' "$j" 2>/dev/null)
			tr=$(jq -r '.trampoline' "$j" 2>/dev/null)
			ex=$(jq -c '.phases[0].exits' "$j" 2>/dev/null)
			[ $l = 1 ] && ex=$want   # level 1: no L1 to count exits
			if [ "$st" != pass ] || [ "$tr" != $t ] || [ "$ex" != "$want" ]; then
				fail "$wl level $l --trampoline $t: status $st, JSON trampoline $tr," \
					"phase exits $ex (model $want)"
				show "$OUT/$wl-l$l-$t.log"; ok=0
			fi
		done
		[ $ok = 1 ] && pass "$wl level $l: passes with the model's phase exits $want, off, global and process"
		for t in global process; do
			if [ -n "$(l2_lines "$OUT/$wl-l$l-off.log")" ] &&
			   [ "$(l2_lines "$OUT/$wl-l$l-off.log")" = "$(l2_lines "$OUT/$wl-l$l-$t.log")" ]; then
				pass "$wl level $l: the kernel's lines are the same off and $t" \
					"$(l2_lines "$OUT/$wl-l$l-off.log" | grep -o 'state hash .*')"
			else
				fail "$wl level $l: the kernel's lines differ off and $t"
				diff <(l2_lines "$OUT/$wl-l$l-off.log") <(l2_lines "$OUT/$wl-l$l-$t.log") |
					head -10
			fi
		done
		if grep -aq 'trampoline \|counter ' "$OUT/$wl-l$l-off.log" ||
		   [ "$(jq -c '.phases[0].counters' "$OUT/$wl-l$l-off.json")" != null ]; then
			fail "$wl level $l: a trampoline line or counter with --trampoline off"
		fi
		[ "$wl" = syscall-random ] && continue
		for t in global process; do
			who=$t; [ $t = process ] && who="process pid 1"
			gen="trampoline $who: generation 1 after in-phase call $W: hot $(hot_model $wl),"
			cnt="trampoline $who: generations 1, calls direct $(direct_model $wl) table"
			wx="a write to the published page: #PF, unchanged: PASS"
			[ $t = process ] && wx="a write to pid 1's page at 0x[0-9a-f]* and to the 1 frames' aliases: #PF, unchanged: PASS"
			log="$OUT/$wl-l$l-$t.log"
			if grep -aq "$gen .* fallback through the retpoline thunk" "$log" &&
			   grep -aq "$wx" "$log" &&
			   tr -d '\r' <"$log" | grep -aq "$cnt [0-9]*; page read-only, executable$"; then
				pass "$wl level $l $t: '$gen', '$(grep -ao "$cnt [0-9]*" "$log")'"
			else
				fail "$wl level $l $t: want '$gen', '$cnt N' and '$wx'"
				grep -a 'trampoline' "$log"
			fi
			counters_ok "$wl-l$l-$t" --workload "$wl" --iterations $N --level $l --trampoline $t
		done
	done
done
# syscall-random: some hot entry, then direct calls.
for l in 1 2; do
	log="$OUT/syscall-random-l$l-global.log"
	if grep -aq "trampoline global: generation 1 after in-phase call $W: hot [0-9]" "$log" &&
	   tr -d '\r' <"$log" | grep -aq "trampoline global: generations [1-9], calls direct [1-9][0-9]* table [0-9]*; page read-only, executable$"; then
		pass "syscall-random level $l: $(grep -ao 'calls direct .*' "$log")"
	else
		fail "syscall-random level $l: no generation or no direct call"
		grep -a 'trampoline' "$log"
	fi
done

# Decoded-syscall batching calls the same dispatch: the same batches and hash.
if [ "$(jq -r '.status' "$OUT/batch-global.json")" = pass ] &&
   [ -n "$(l2_lines "$OUT/batch-off.log" | grep 'hash')" ] &&
   [ "$(l2_lines "$OUT/batch-off.log")" = "$(l2_lines "$OUT/batch-global.log")" ] &&
   grep -aq "generations 1, calls direct [1-9]" "$OUT/batch-global.log"; then
	pass "batch-random under --batch kernel: the same batches and $(l2_lines "$OUT/batch-off.log" |
		grep -o 'hash .*'), off and global"
else
	fail "batch-random --batch kernel: lines differ off and global"
	diff <(l2_lines "$OUT/batch-off.log") <(l2_lines "$OUT/batch-global.log") | head
fi

# Several processes share the page (one PTE in the kernel half's shared
# page table); lazy NPT: the generation and the rewrite touch nothing new.
want=$("$NESTLAB" expect --workload multi --procs getpid,cpuid,write --iterations $N |
	jq -c '.exits')
if [ "$(jq -r '.status' "$OUT/multi-global.json")" = pass ] &&
   [ "$(jq -c '.phases[0].exits' "$OUT/multi-global.json")" = "$want" ] &&
   grep -aq "generations 1, calls direct [1-9][0-9]* table [0-9]*; page read-only, executable" \
	"$OUT/multi-global.log"; then
	pass "multi getpid,cpuid,write: the model's exits $want, $(grep -ao 'hot [0-9 ]*' \
		"$OUT/multi-global.log" | head -1)"
else
	fail "multi with --trampoline global"; grep -a trampoline "$OUT/multi-global.log"
fi
want=$("$NESTLAB" expect --workload syscall-mix --iterations $N --npt-lazy | jq -c '.exits')
if [ "$(jq -r '.status' "$OUT/mix-lazy.json")" = pass ] &&
   [ "$(jq -c '.phases[0].exits' "$OUT/mix-lazy.json")" = "$want" ] &&
   grep -aq "generations 2," "$OUT/mix-lazy.log"; then
	pass "lazy NPT: syscall-mix regenerating, phase exits $want"
else
	fail "lazy NPT syscall-mix window 1"; grep -a trampoline "$OUT/mix-lazy.log"
fi

log="$OUT/getpid-rpoff.log"
if [ "$(jq -r '.status' "$OUT/getpid-rpoff.json")" = pass ] &&
   grep -aq "trampoline global: generation 1 after in-phase call $W: hot 2, .* fallback jmp \*%r11" "$log" &&
   grep -aq "calls direct $((N - W)) table" "$log"; then
	pass "--retpoline off: the fallback is jmp *%r11, direct $((N - W))"
else
	fail "--retpoline off --trampoline global"; grep -a trampoline "$log"
fi
log="$OUT/getpid-w1.log"
if [ "$(jq -c '.phases[0].exits' "$OUT/getpid-w1.json")" = '{}' ] &&
   grep -aq "generation 1 after in-phase call 1: hot 2," "$log" &&
   grep -aq "generations 1, calls direct $((N - 1)) table" "$log"; then
	pass "window 1: hot getpid after the first call, kept at the phase's end, direct $((N - 1))"
else
	fail "--trampoline-window 1"; grep -a trampoline "$log"
fi
# syscall-mix, window 1: hot getpid after the first call; at the phase's end
# the phase's other calls (getpid 2N - 1, getppid N, getuid N, the end
# marker) make [2 3 4 6] more than 1/8 cheaper (lib/tramp's tramp_decide,
# test_tramp_policy.c): generation 2; direct: the 2N - 1 getpids of
# generation 1 (after it only exit, cold).
for l in 1 2; do
	log="$OUT/mix-w1-l$l.log"
	if [ "$(jq -r '.status' "$OUT/mix-w1-l$l.json")" = pass ] &&
	   grep -aq "generation 1 after in-phase call 1: hot 2," "$log" &&
	   grep -aq "generation 2 at the end of phase 0: hot 2 3 4 6," "$log" &&
	   grep -aq "generations 2, calls direct $((2 * N - 1)) table" "$log"; then
		pass "level $l: syscall-mix with a window of 1 regenerates at the phase's end," \
			"hot 2 3 4 6, direct $((2 * N - 1))"
	else
		fail "level $l: syscall-mix window 1: want generation 2 at the phase's end"
		grep -a trampoline "$log"
	fi
	# the regeneration at the end of the phase's burst: direct 2N - 1,
	# table 2N + 2, generations 2
	counters_ok mix-w1-l$l --workload syscall-mix --iterations $N --level $l \
		--trampoline global --trampoline-window 1
done
# 100 getpids and the end marker: 101 in-phase calls, fewer than the window.
log="$OUT/getpid-short.log"
if grep -aq "no generation (101 in-phase calls of a window of $W)" "$log" &&
   grep -aq "generations 0, calls direct 0 table [0-9]*; page writable, NX" "$log"; then
	pass "a window the phase does not fill: no generation, every call by the table"
else
	fail "getpid N=100: want no generation"; grep -a trampoline "$log"
fi
counters_ok getpid-short --workload getpid --iterations 100 --level 1 --trampoline global
# Under L1's MBEC (exec-fault): the trampoline's page is execute-never in
# the declared policy until published, then supervisor-exec (one MBEC_SET
# hypercall, inside the phase for the window's generation: 1 vmmcall per
# trampoline published there, none without one). The run passes with no
# violation, the counters are the model's, and the exits grow by the
# model's per-iteration MBEC exits (npf per view switch) times N.
per=$("$NESTLAB" expect --workload dispatch-skewed --iterations $N --mbec exec-fault |
	jq '.mbec_exits_per_iter.npf')
for t in off global process; do
	a="$OUT/mbec-$t-n$N.json"; b="$OUT/mbec-$t-n$((2 * N)).json"
	vm=$(jq '.phases[0].exits.vmmcall // 0' "$a" 2>/dev/null)
	dn=$(( $(jq '.phases[0].exits.npf' "$b") - $(jq '.phases[0].exits.npf' "$a") ))
	want_vm=1; [ $t = off ] && want_vm=0
	if [ "$(jq -r '.status' "$a")$(jq -r '.status' "$b")" = passpass ] &&
	   [ "$vm" = $want_vm ] && [ "$dn" = $((per * N)) ] &&
	   [ "$(jq -c '.phases[0].exits | del(.npf, .vmmcall)' "$b")" = '{}' ] &&
	   grep -aq "violations 0 in user mode, 0 in supervisor mode" "$OUT/mbec-$t-n$N.log"; then
		pass "--mbec exec-fault --trampoline $t: passes, no violation, $vm vmmcall" \
			"(the page's MBEC_SET), npf +$dn per $N iterations (model $per per iteration)"
	else
		fail "--mbec exec-fault --trampoline $t: status, vmmcall $vm (want $want_vm)," \
			"npf +$dn (want $((per * N)))"; show "$OUT/mbec-$t-n$N.log"
	fi
	[ $t = off ] && continue
	counters_ok mbec-$t-n$N --workload dispatch-skewed --iterations $N --level 2 --trampoline $t
done
# the same under --mbec intercept: SYSCALL and SYSRET exit as #UD, so
# excp_ud grows by the model's per-iteration count times N from N to 2N
# iterations; the page's MBEC_SET is the one vmmcall, nothing else exits,
# and no violation
per=$("$NESTLAB" expect --workload dispatch-skewed --iterations $N --mbec intercept |
	jq '.mbec_exits_per_iter.excp_ud')
for t in off global process; do
	a="$OUT/mbecint-$t-n$N.json"; b="$OUT/mbecint-$t-n$((2 * N)).json"
	want_vm=0; [ $t = off ] || want_vm=1
	dn=$(( $(jq '.phases[0].exits.excp_ud // 0' "$b" 2>/dev/null) -
	       $(jq '.phases[0].exits.excp_ud // 0' "$a" 2>/dev/null) ))
	if [ "$(jq -r '.status' "$a" 2>/dev/null)$(jq -r '.status' "$b" 2>/dev/null)" = passpass ] &&
	   [ "$dn" = $((per * N)) ] &&
	   [ "$(jq '.phases[0].exits.vmmcall // 0' "$a")" = $want_vm ] &&
	   [ "$(jq '.phases[0].exits.vmmcall // 0' "$b")" = $want_vm ] &&
	   [ "$(jq -c '.phases[0].exits | del(.excp_ud, .vmmcall)' "$b")" = '{}' ] &&
	   grep -aq "violations 0 in user mode, 0 in supervisor mode" "$OUT/mbecint-$t-n$N.log"; then
		pass "--mbec intercept --trampoline $t: passes, no violation, $want_vm vmmcall," \
			"excp_ud +$dn per $N iterations (model $per per iteration)"
	else
		fail "--mbec intercept --trampoline $t: excp_ud +$dn (want $((per * N)))," \
			"exits $(jq -c '.phases[0].exits' "$b" 2>/dev/null)"
		show "$OUT/mbecint-$t-n$N.log"
	fi
	[ $t = off ] && continue
	counters_ok mbecint-$t-n$N --workload dispatch-skewed --iterations $N --level 2 --trampoline $t
done
# a rewrite under MBEC (window 1: regenerated at the phase's end): the page
# execute-never in the MBEC view while written, supervisor-exec after
log="$OUT/mbec-regen.log"
if [ "$(jq -r '.status' "$OUT/mbec-regen.json")" = pass ] &&
   grep -aq "generation 2 at the end of phase 0: hot 2 3 4 6," "$log" &&
   grep -aq "violations 0 in user mode, 0 in supervisor mode" "$log"; then
	pass "--mbec exec-fault: a regeneration at the phase's end, no violation"
else
	fail "--mbec exec-fault window 1"; show "$log"
fi
counters_ok mbec-regen --workload syscall-mix --iterations $N --level 2 --trampoline global \
	--trampoline-window 1
# three processes: three pages published in the phase, three MBEC_SETs
hc=$("$NESTLAB" expect --workload multi --procs $MULTI --iterations $N | jq '.exits.vmmcall')
if [ "$(jq -r '.status' "$OUT/mbec-multi.json")" = pass ] &&
   [ "$(jq '.phases[0].exits.vmmcall' "$OUT/mbec-multi.json")" = $((hc + 3)) ] &&
   grep -aq "violations 0 in user mode, 0 in supervisor mode" "$OUT/mbec-multi.log"; then
	pass "--mbec exec-fault multi --trampoline process: passes, vmmcall $hc + 3 (each pid's MBEC_SET)"
else
	fail "--mbec exec-fault multi process"; show "$OUT/mbec-multi.log"
fi
counters_ok mbec-multi --workload multi --procs $MULTI --iterations $N --level 2 --trampoline process

# The dispatch workloads: the model's exits (none) and counters.
for l in 1 2; do
	for t in global process; do
		for wl in dispatch-skewed dispatch-uniform; do
			want=$("$NESTLAB" expect --workload $wl --iterations $N --level $l | jq -c '.exits')
			got=$(jq -c '.phases[0].exits' "$OUT/$wl-$t-l$l.json" 2>/dev/null)
			[ $l = 1 ] && got=$want
			if [ "$(jq -r '.status' "$OUT/$wl-$t-l$l.json" 2>/dev/null)" = pass ] &&
			   [ "$got" = "$want" ]; then
				pass "$wl level $l $t: passes, phase exits $want"
			else
				fail "$wl level $l $t: status or exits ($got, model $want)"
				show "$OUT/$wl-$t-l$l.log"
			fi
			counters_ok "$wl-$t-l$l" --workload $wl --iterations $N --level $l --trampoline $t
		done
	done
done

# multi, two skewed processes (disjoint hot sets: the set rotated by 4) and
# a write one: the model's exits and counters, each pid's own frame at the
# trampoline's address (its first compare: its hottest entry), and
# per-process beats global in hit rate, by the model and by the runs.
for l in 1 2; do
	want=$("$NESTLAB" expect --workload multi --procs $MULTI --iterations $N --level $l |
		jq -c '.exits')
	for t in global process; do
		got=$(jq -c '.phases[0].exits' "$OUT/multi-$t-l$l.json" 2>/dev/null)
		[ $l = 1 ] && got=$want
		if [ "$(jq -r '.status' "$OUT/multi-$t-l$l.json" 2>/dev/null)" = pass ] &&
		   [ "$got" = "$want" ]; then
			pass "multi $MULTI level $l $t: passes, phase exits $want"
		else
			fail "multi level $l $t: status or exits ($got, model $want)"
			show "$OUT/multi-$t-l$l.log"
		fi
		counters_ok multi-$t-l$l --workload multi --procs $MULTI --iterations $N --level $l \
			--trampoline $t
	done
	log="$OUT/multi-process-l$l.log"
	frames=$(grep -ao "pid [1-3]: its tables map 0x[0-9a-f]* to 0x[0-9a-f]* (its frame: yes)" "$log" |
		awk '{print $8}' | sort -u | wc -l)
	ok=1
	for pid in 1 2 3; do
		hot0=$(grep -ao "pid $pid: generation 1 after in-phase call $W: hot [0-9]*" "$log" | awk '{print $NF}')
		b=$(printf '%02x' "${hot0:-255}")
		grep -aq "pid $pid: its tables map .* (its frame: yes), first bytes 48 83 fb $b" "$log" || ok=0
	done
	if [ "$frames" = 3 ] && [ $ok = 1 ] &&
	   grep -aq "a write to pid 3's page at .* and to the 3 frames' aliases: #PF, unchanged: PASS" "$log"; then
		pass "multi level $l process: 3 pids, 3 frames at the same address, each comparing its own hottest first; W^X"
	else
		fail "multi level $l process: the pids' frames"; grep -a trampoline "$log"
	fi
	mg=$("$NESTLAB" expect --workload multi --procs $MULTI --iterations $N --trampoline global |
		jq '.counters["ktramp.direct"]')
	mp=$("$NESTLAB" expect --workload multi --procs $MULTI --iterations $N --trampoline process |
		jq '.counters["ktramp.direct"]')
	dg=$(direct_of multi-global-l$l); dp=$(direct_of multi-process-l$l)
	tot=$(total_of multi-process-l$l)
	if [ "$mp" -gt "$mg" ] && [ "$dp" = "$mp" ] && [ "$dg" = "$mg" ] &&
	   [ "$(total_of multi-global-l$l)" = "$tot" ]; then
		pass "multi level $l: per-process beats global in hit rate:" \
			"$dp / $tot direct against $dg / $tot (the model's)"
	else
		fail "multi level $l: want per-process > global (model $mp > $mg), runs $dp, $dg"
	fi
done
# process, window 1: each process regenerates as global does (syscall-mix).
for l in 1 2; do
	log="$OUT/mix-w1-process-l$l.log"
	if grep -aq "process pid 1: generation 2 at the end of phase 0: hot 2 3 4 6," "$log"; then
		pass "level $l process: syscall-mix with a window of 1 regenerates at the phase's end"
	else
		fail "level $l process: syscall-mix window 1"; grep -a trampoline "$log"
	fi
	counters_ok mix-w1-process-l$l --workload syscall-mix --iterations $N --level $l \
		--trampoline process --trampoline-window 1
done
# multi write,dispatch-skewed, window 1: pid 1 (write) learns hot 1 from
# its first call; at the phase's end, closed by pid 2, its calls (write and
# yield alike) make [10 1] more than 1/8 cheaper: pid 1's page is rewritten
# while pid 1 waits inside its yield (through the frame's alias, its CR3 not
# loaded), and pid 1 runs on through the new page (its later calls direct).
for l in 1 2; do
	log="$OUT/multi-w1-l$l.log"
	p1=$(jq '.phases[0].counters["ktramp.p1.direct"]' "$OUT/multi-w1-l$l.json" 2>/dev/null)
	all=$(tr -d '\r' <"$log" | grep -ao "pid 1: generations 2, calls direct [0-9]*" | awk '{print $NF}')
	if [ "$(jq -r '.status' "$OUT/multi-w1-l$l.json")" = pass ] &&
	   grep -aq "pid 1: generation 2 at the end of phase 0: hot 10 1," "$log" &&
	   [ -n "$all" ] && [ "$all" -gt "$p1" ] &&
	   grep -aq "a write to pid 2's page at .* and to the 2 frames' aliases: #PF, unchanged: PASS" "$log"; then
		pass "level $l process: pid 1 regenerated at the phase's end while it waits (hot 10 1)," \
			"then $((all - p1)) calls direct through its new page"
	else
		fail "level $l process: multi window 1, pid 1's regeneration"; grep -a trampoline "$log"
	fi
	counters_ok multi-w1-l$l --workload multi --procs write,dispatch-skewed --iterations $N \
		--level $l --trampoline process --trampoline-window 1
done
for bad in "--trampoline per-process" "--trampoline global --trampoline-window 0" \
	   "--trampoline-window 64"; do
	# shellcheck disable=SC2086
	"$NESTLAB" run --workload getpid $bad >"$OUT/bad.log" 2>&1
	rc=$?
	if [ $rc = 2 ] && grep -q -- "--trampoline" "$OUT/bad.log"; then
		pass "$bad: usage error ($(head -1 "$OUT/bad.log"))"
	else
		fail "$bad: exit $rc, want 2"; show "$OUT/bad.log"
	fi
done
lib_done
