#!/bin/bash
# MBEC end to end: L1's emulation of mode-based execute control for L2
# (docs/mbec.md) under the launcher's --mbec exec-fault, with the L2
# kernel's execute policy (mbec=on, guests/kernel/mbec.c).
#
#   - the probes mbec-kexec-user (the kernel calls user code) and
#     mbec-uexec-kernel (a process calls kernel code through a user alias),
#     each with MBEC off and under the three violation policies: off and
#     report return normally, inject shows the #PF at the stub, stop ends
#     the run with l2_mbec_violation (statuses and checks from the model,
#     `nestlab expect --mbec exec-fault --mbec-violation P`);
#   - mbec-errors: the MBEC hypercalls' error codes (20 checks), over both
#     transports;
#   - exact view-switch counts, the issue's way: for getpid, syscall-mix,
#     timer, write and pagefault the phase of N=2000 holds exactly
#     mbec_switches_per_iter * 1000 more npf exits than the phase of N=1000
#     (2 per system call round trip, 2 per interrupt or #PF from ring 3;
#     with MBEC off none more than the model's), every other
#     reason is what MBEC off shows, and the rest, the same at both N, is the
#     markers' 2 (the program's first fetch after PHASE_BEGIN's return, the
#     kernel's first after PHASE_END's entry). getpid also with
#     --mbec-tlb flush, which must not change a count.
set -u
. "$(dirname "$0")/lib.sh"
lib_init mbec
lib_require l1
MARKER_SWITCHES=2
MBEC=(--mbec exec-fault)

for wl in mbec-kexec-user mbec-uexec-kernel; do
	lib_case "$wl-off" --workload "$wl" --iterations 1
	LIB_DIAG[$wl-off]="PASS: $wl: .* returned \(no MBEC\)"
	for v in stop inject report; do
		lib_case "$wl-$v" --workload "$wl" --iterations 1 "${MBEC[@]}" --mbec-violation "$v"
	done
	LIB_DIAG[$wl-stop]="l2_mbec_violation"
	LIB_DIAG[$wl-inject]="PASS: $wl: #PF at the stub"
	LIB_DIAG[$wl-report]="PASS: $wl: .* returned \(MBEC on"
done
lib_case mbec-kexec-user-inject-flush --workload mbec-kexec-user --iterations 1 "${MBEC[@]}" \
	--mbec-tlb flush --mbec-violation inject
LIB_DIAG[mbec-kexec-user-inject-flush]="PASS: mbec-kexec-user: #PF at the stub"
lib_case mbec-errors --workload mbec-errors --iterations 1 "${MBEC[@]}"
lib_case mbec-errors-backdoor --workload mbec-errors --iterations 1 "${MBEC[@]}" \
	--transport backdoor
LIB_DIAG[mbec-errors]='nestlab-l2: mbec: kernel text [0-9]+ pages super-exec, user text [0-9]+ pages user-exec, [0-9]+ pages execute-never'

DELTAS=(getpid syscall-mix timer write pagefault getpid:flush)
for d in "${DELTAS[@]}"; do
	wl=${d%%:*}; tlb=; [ "$d" != "$wl" ] && tlb=${d#*:}
	for n in 1000 2000; do
		[ -z "$tlb" ] && lib_case "$wl-off-$n" --workload "$wl" --iterations $n
		lib_case "$d-on-$n" --workload "$wl" --iterations $n "${MBEC[@]}" \
			${tlb:+--mbec-tlb "$tlb"}
	done
	LIB_DIAG[$d-on-1000]='nestlab-l2: mbec: kernel text [0-9]+ pages super-exec'
done
lib_check_all

# phase_exits NAME WORKLOAD [npf|rest]: the run's npf count in its workload
# phase, or the other reasons as JSON; "none" without that phase.
phase_exits() {
	local sel='.npf // 0'
	[ "${3:-npf}" = rest ] && sel='del(.npf) | tojson'
	jq -r --arg w "$2" "[.phases[] | select(.name == \$w)][0] |
		if . == null then \"none\" else .exits | $sel end" "$OUT/$1.json" 2>/dev/null ||
		echo none
}

for d in "${DELTAS[@]}"; do
	wl=${d%%:*}
	k=$("$NESTLAB" expect --workload "$wl" "${MBEC[@]}" | jq -r .mbec_switches_per_iter)
	off1=$(phase_exits "$wl-off-1000" "$wl"); off2=$(phase_exits "$wl-off-2000" "$wl")
	on1=$(phase_exits "$d-on-1000" "$wl"); on2=$(phase_exits "$d-on-2000" "$wl")
	if ! [[ "$off1$off2$on1$on2$k" =~ ^[0-9]+$ ]]; then
		fail "$d: no npf counts (off $off1 $off2, on $on1 $on2, model $k)"; continue
	fi
	if [ $((on2 - on1)) -ne $((off2 - off1 + k * 1000)) ]; then
		fail "$d: MBEC: npf(2000) - npf(1000) = $((on2 - on1)), want $((off2 - off1)) + $k * 1000"
	else
		pass "$d: MBEC: npf(2000) - npf(1000) = $((on2 - on1)) ($k per iteration more than MBEC off)"
	fi
	if [ "$d" = "$wl" ]; then
		m1=$("$NESTLAB" expect --workload "$wl" --iterations 1000 | jq -r '.exits.npf // 0')
		m2=$("$NESTLAB" expect --workload "$wl" --iterations 2000 | jq -r '.exits.npf // 0')
		if [ $((off2 - off1)) -eq $((m2 - m1)) ]; then
			pass "$wl: MBEC off: npf(2000) - npf(1000) = $((off2 - off1)), the model's"
		else
			fail "$wl: MBEC off: npf(2000) - npf(1000) = $((off2 - off1)), model $((m2 - m1))"
		fi
	fi
	fixed=$((on1 - off1 - k * 1000))
	if [ "$fixed" -ne "$MARKER_SWITCHES" ]; then
		fail "$d: MBEC: npf(1000) = $on1, want $off1 + $k * 1000 + $MARKER_SWITCHES (markers)"
	else
		pass "$d: MBEC: npf(1000) = $off1 + $k * 1000 + $MARKER_SWITCHES (markers)"
	fi
	for n in 1000 2000; do
		a=$(phase_exits "$wl-off-$n" "$wl" rest); b=$(phase_exits "$d-on-$n" "$wl" rest)
		if [ "$a" = "$b" ]; then
			pass "$d: MBEC: N=$n, the other reasons as without MBEC: $b"
		else
			fail "$d: MBEC: N=$n, other reasons $b, without MBEC $a"
		fi
	done
done
lib_done
