#!/bin/bash
# System-call interposition end to end (docs/interpose.md): the launcher's
# --interpose inguest|hypercall|trap|breakpoint with L1's hooked, hidden
# LSTAR, the interposer module, the trap baseline and the hidden breakpoint.
#
#   - exact counts: getpid, write, syscall-mix and syscall-random at
#     N=1000 and N=2000 under each variant: the phase's exits exactly as
#     the model says (`nestlab expect --interpose V`: inguest adds none,
#     hypercall one vmmcall per call, trap 2 excp_ud per round trip,
#     breakpoint 4 npf, 1 excp_ud and 1 excp_db per round trip, plus what
#     the phase's markers add); N=2000 minus N=1000 is 0, 1000 vmmcall,
#     2000 excp_ud, 6000 exits for getpid; the phase's
#     counter interpose.total is calls_per_iter * N + calls_fixed, and
#     getpid's own number counts exactly N; interpose.exits, what L1
#     counted as caused by interposition, is what the variant adds;
#   - the differential test: syscall-random (every result and register
#     checked in the guest) prints the same state hash with interposition
#     off and under each variant; syscall-mix passes its own checks under
#     each;
#   - invisibility and protection: interpose-check under off, each variant,
#     with another module (the registration error codes) and at level 1,
#     its checks counted by the model; the refused writes in L1's report;
#   - deny: getuid and an unknown number return -1 when listed, getppid is
#     untouched, and unlisted they return what the kernel defines;
#   - bad L1 configuration: L1 refuses a bad interpose= value,
#     interpose=trap with mbec=intercept and interpose=breakpoint with lazy
#     NPT (bad_config).
set -u
. "$(dirname "$0")/lib.sh"
lib_init interpose
lib_require l1
VARIANTS=(inguest hypercall trap breakpoint)
GETPID_NR=$(sed -n 's/^[[:space:]]*L2_SYS_GETPID[[:space:]]*=[[:space:]]*\([0-9]*\),.*/\1/p' \
	guests/kernel/uapi.h)
HELLO=$BUILD/guests/modules/hello.ko
REFUSED='nestlab-l1: interpose: .* 2 writes to protected pages refused'

EXACT=(getpid write syscall-mix syscall-random)
for wl in "${EXACT[@]}"; do
	for n in 1000 2000; do
		lib_case "$wl-off-$n" --workload "$wl" --iterations $n
		for v in "${VARIANTS[@]}"; do
			lib_case "$wl-$v-$n" --workload "$wl" --iterations $n --interpose "$v"
		done
	done
done
for v in off "${VARIANTS[@]}"; do
	lib_case "check-$v" --workload interpose-check --iterations 1 --interpose "$v"
done
LIB_DIAG[check-inguest]=$REFUSED
LIB_DIAG[check-hypercall]=$REFUSED
for v in inguest hypercall; do
	lib_case "check-$v-unregistered" --workload interpose-check --iterations 1 \
		--interpose "$v" --l2-module "$HELLO"
done
lib_case check-level1 --workload interpose-check --iterations 1 --level 1
for v in "${VARIANTS[@]}"; do
	lib_case "deny-$v" --workload interpose-check --iterations 1 --interpose "$v" \
		--interpose-op deny --interpose-deny 4,200
	LIB_DIAG[deny-$v]="nestlab-l1: interpose: $v, op deny: [0-9]+ system calls interposed, 2 denied"
done
lib_spawn bad-value --workload getpid --iterations 1 --l1-option interpose=sometimes
lib_spawn bad-combination --workload getpid --iterations 1 --l1-option interpose=trap \
	--l1-option mbec=intercept
lib_spawn bad-lazy --workload getpid --iterations 1 --npt-lazy --l1-option interpose=breakpoint
lib_check_all

# counter NAME PHASE KEY: the phase's counter KEY, or "none".
counter() {
	jq -r --arg p "$2" --arg k "$3" \
		'[.phases[] | select(.name == $p)][0].counters[$k] // "none"' "$OUT/$1.json" \
		2>/dev/null || echo none
}

for wl in "${EXACT[@]}"; do
	for v in "${VARIANTS[@]}"; do
		for n in 1000 2000; do
			read -r per fixed < <("$NESTLAB" expect --workload "$wl" --iterations $n \
				--interpose "$v" | jq -r '"\(.interpose_calls_per_iter) \(.interpose_calls_fixed)"')
			want=$((per * n + fixed))
			got=$(counter "$wl-$v-$n" "$wl" interpose.total)
			if [ "$got" = "$want" ]; then
				pass "$wl $v N=$n: interpose.total $got = $per * $n + $fixed"
			else
				fail "$wl $v N=$n: interpose.total $got, want $per * $n + $fixed"
			fi
			case $v in
			inguest) want=none ;;
			hypercall) want=$((per * n + fixed)) ;;
			trap) want=$((2 * per * n + 2)) ;;
			breakpoint) want=$((6 * per * n + 6)) ;;
			esac
			got=$(counter "$wl-$v-$n" "$wl" interpose.exits)
			if [ "$got" = "$want" ]; then
				pass "$wl $v N=$n: exits caused by interposition: $got"
			else
				fail "$wl $v N=$n: interpose.exits $got, want $want"
			fi
		done
	done
done

# getpid: the issue's deltas, and getpid's own number counted N times.
declare -A DELTA_REASON=([inguest]=none [hypercall]=vmmcall [trap]=excp_ud
	[breakpoint]="npf, excp_ud, excp_db")
declare -A DELTA_WANT=([inguest]=0 [hypercall]=1000 [trap]=2000 [breakpoint]=6000)
for v in "${VARIANTS[@]}"; do
	r=${DELTA_REASON[$v]}
	e1=$(jq '[.phases[] | select(.name == "getpid")][0].exits | add // 0' \
		"$OUT/getpid-$v-1000.json" 2>/dev/null)
	e2=$(jq '[.phases[] | select(.name == "getpid")][0].exits | add // 0' \
		"$OUT/getpid-$v-2000.json" 2>/dev/null)
	if [[ "$e1$e2" =~ ^[0-9]+$ ]] && [ $((e2 - e1)) -eq "${DELTA_WANT[$v]}" ]; then
		pass "getpid $v: exits(2000) - exits(1000) = $((e2 - e1)) ($r)"
	else
		fail "getpid $v: exits(2000) - exits(1000) = $e2 - $e1, want ${DELTA_WANT[$v]}"
	fi
	for n in 1000 2000; do
		got=$(counter "getpid-$v-$n" getpid "interpose.nr.$GETPID_NR")
		if [ "$got" = "$n" ]; then
			pass "getpid $v N=$n: getpid (number $GETPID_NR) interposed $got times"
		else
			fail "getpid $v N=$n: getpid (number $GETPID_NR) interposed $got times, want $n"
		fi
	done
done

# The differential test: one state hash for all.
for n in 1000 2000; do
	want=$(grep -o 'syscall-random: [0-9]* calls, state hash [0-9a-f]*' \
		"$OUT/syscall-random-off-$n.log" | head -1)
	for v in "${VARIANTS[@]}"; do
		got=$(grep -o 'syscall-random: [0-9]* calls, state hash [0-9a-f]*' \
			"$OUT/syscall-random-$v-$n.log" | head -1)
		if [ -n "$want" ] && [ "$got" = "$want" ]; then
			pass "syscall-random $v N=$n: the same results and registers as off ($got)"
		else
			fail "syscall-random $v N=$n: '$got', off '$want'"
		fi
	done
done

# deny: the listed numbers only.
declare -A DENY_WANT=([3]=0 [4]=-1 [200]=-1)
declare -A PLAIN_WANT=([3]=0 [4]=1000 [200]=-38)
for name in deny-inguest deny-hypercall deny-trap deny-breakpoint check-inguest check-trap \
	check-breakpoint; do
	ok=1
	for nr in 3 4 200; do
		want=${PLAIN_WANT[$nr]}
		[[ $name == deny-* ]] && want=${DENY_WANT[$nr]}
		tr -d '\r' <"$OUT/$name.log" |
			grep -q "interpose-check: system call $nr returned $want\$" || ok=0
	done
	if [ $ok = 1 ]; then
		pass "$name: getppid, getuid and number 200 returned what the deny list says"
	else
		fail "$name: system-call results not as the deny list says"
		show "$OUT/$name.log"
	fi
done

wait
for name in bad-value bad-combination bad-lazy; do
	st=$(jq -r .status "$OUT/$name.json" 2>/dev/null)
	if [ "$st" = bad_config ]; then
		pass "$name: L1 refused the configuration (bad_config)"
	else
		fail "$name: status $st, want bad_config"; show "$OUT/$name.log"
	fi
done
grep -q "interpose takes off, inguest, hypercall, trap or breakpoint" "$OUT/bad-value.log" ||
	fail "bad-value: no diagnosis"
lib_done
