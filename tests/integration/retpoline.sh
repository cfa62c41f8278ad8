#!/bin/bash
# The L2 kernel's retpolines (guests/kernel/retpoline_thunks.S, issue 15
# part 1): with --retpoline off the kernel patches its 15 thunks into plain
# indirect jumps at boot and says so; the workloads' results are the same
# (every run passes, the level-2 phase exits are the model's, identical on
# and off); a system call then executes fewer instructions, so its phase
# ticks are lower under icount. getpid at level 1 and syscall-mix at level
# 2, N = 1000, both settings; the model's exits come from `nestlab expect`.
set -u
. "$(dirname "$0")/lib.sh"
lib_init retpoline
lib_require l1
N=1000

for r in on off; do
	lib_spawn "getpid-l1-$r" --level 1 --workload getpid --iterations $N --retpoline $r
	lib_spawn "mix-l2-$r" --workload syscall-mix --iterations $N --retpoline $r
done
wait

want=$("$NESTLAB" expect --workload syscall-mix --iterations $N | jq -c '.exits')
for run in getpid-l1 mix-l2; do
	for r in on off; do
		st=$(jq -r '.status' "$OUT/$run-$r.json" 2>/dev/null)
		rp=$(jq -r '.retpoline' "$OUT/$run-$r.json" 2>/dev/null)
		if [ "$st" != pass ] || [ "$rp" != "$r" ]; then
			fail "$run --retpoline $r: status $st, JSON retpoline $rp"
			show "$OUT/$run-$r.log"
		fi
	done
	on=$(jq '.phases[0].tsc' "$OUT/$run-on.json" 2>/dev/null)
	off=$(jq '.phases[0].tsc' "$OUT/$run-off.json" 2>/dev/null)
	if [ -n "$on" ] && [ -n "$off" ] && [ "$off" -lt "$on" ]; then
		pass "$run: $N iterations take $on ticks with retpolines, $off without"
	else
		fail "$run: phase ticks on '$on', off '$off': off must be fewer"
	fi
done
ex_on=$(jq -c '.phases[0].exits' "$OUT/mix-l2-on.json" 2>/dev/null)
ex_off=$(jq -c '.phases[0].exits' "$OUT/mix-l2-off.json" 2>/dev/null)
if [ "$ex_on" = "$want" ] && [ "$ex_off" = "$want" ]; then
	pass "mix-l2: phase exits $ex_on with and without retpolines, as the model says"
else
	fail "mix-l2: phase exits on $ex_on, off $ex_off, model $want"
fi
if grep -q "nestlab-l2: retpoline off: 15 thunks are plain indirect jumps" "$OUT/getpid-l1-off.log" &&
   ! grep -q "retpoline off" "$OUT/getpid-l1-on.log"; then
	pass "the kernel patched its 15 thunks with retpoline=off only"
else
	fail "no 'retpoline off: 15 thunks' line (or one with retpolines on)"
	show "$OUT/getpid-l1-off.log"
fi
lib_done
