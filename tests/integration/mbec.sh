#!/bin/bash
# MBEC end to end: L1's emulation of mode-based execute control for L2
# (docs/mbec.md) under both designs, the launcher's --mbec exec-fault and
# --mbec intercept, with the L2 kernel's execute policy (mbec=on,
# guests/kernel/mbec.c). For each design:
#
#   - the probes mbec-kexec-user (the kernel calls user code),
#     mbec-uexec-kernel (a process calls kernel code through a user alias)
#     and mbec-kalias-user (the kernel calls user code through a kernel
#     alias: execute rights follow the guest-physical page),
#     each with MBEC off and under the three violation policies: off and
#     report return normally, inject shows the #PF at the stub, stop ends
#     the run with l2_mbec_violation (statuses and checks from the model,
#     `nestlab expect --mbec D --mbec-violation P`): the same under both
#     designs;
#   - mbec-errors: the MBEC hypercalls' error codes (20 checks), over both
#     transports;
#   - exact counts, the issue's way: for getpid, syscall-mix, timer, write
#     and pagefault, for each reason the design adds
#     (`nestlab expect`'s mbec_exits_per_iter: exec-fault npf; intercept
#     excp_ud, excp_pf, iret, excp_db) the phase of N=2000 holds exactly
#     k * 1000 more exits than the phase of N=1000 beyond what MBEC off
#     shows, and the rest, the same at both N, is the markers' 2 of the
#     design's marker reason (exec-fault: npf, the program's first fetch
#     after PHASE_BEGIN's return and the kernel's first after PHASE_END's
#     entry; intercept: excp_ud, PHASE_BEGIN's SYSRET and PHASE_END's
#     SYSCALL); every other reason is what MBEC off shows. getpid also with
#     --mbec-tlb flush, which must not change a count;
#   - intercept: L1's execute-fault backstop never switched (L1's report,
#     "backstop (execute faults) 0"): the intercepts saw every privilege
#     change of the kernel's workloads;
#   - intn: MBEC off shows no swint exit; under each design the phase's
#     switches are N + 1 each way (the markers' 1); the INT of a DPL 0
#     gate after the phase is #GP at the INT under every design, with the
#     architecture's error code (vector * 8 + 2) where L1 checks the gate
#     itself (intercept) and QEMU TCG's (vector * 16 + 2) where the CPU
#     does (off, exec-fault).
set -u
. "$(dirname "$0")/lib.sh"
lib_init mbec
lib_require l1
MARKERS=2
DESIGNS=(exec-fault intercept)
declare -A MARKER_REASON=([exec-fault]=npf [intercept]=excp_ud)
BACKSTOP_0='nestlab-l1: mbec intercept: .* backstop \(execute faults\) 0([^0-9]|$)'

for wl in mbec-kexec-user mbec-uexec-kernel mbec-kalias-user; do
	lib_case "$wl-off" --workload "$wl" --iterations 1
	LIB_DIAG[$wl-off]="PASS: $wl: .* returned \(no MBEC\)"
	for ds in "${DESIGNS[@]}"; do
		for v in stop inject report; do
			lib_case "$wl-$ds-$v" --workload "$wl" --iterations 1 --mbec "$ds" \
				--mbec-violation "$v"
		done
		LIB_DIAG[$wl-$ds-stop]="l2_mbec_violation"
		LIB_DIAG[$wl-$ds-inject]="PASS: $wl: #PF at the stub"
		LIB_DIAG[$wl-$ds-report]="PASS: $wl: .* returned \(MBEC on"
	done
done
for ds in "${DESIGNS[@]}"; do
	lib_case "mbec-kexec-user-$ds-inject-flush" --workload mbec-kexec-user --iterations 1 \
		--mbec "$ds" --mbec-tlb flush --mbec-violation inject
	LIB_DIAG[mbec-kexec-user-$ds-inject-flush]="PASS: mbec-kexec-user: #PF at the stub"
	lib_case "mbec-errors-$ds" --workload mbec-errors --iterations 1 --mbec "$ds"
	lib_case "mbec-errors-$ds-backdoor" --workload mbec-errors --iterations 1 --mbec "$ds" \
		--transport backdoor
	LIB_DIAG[mbec-errors-$ds]='nestlab-l2: mbec: kernel text [0-9]+ pages super-exec, user text [0-9]+ pages user-exec, [0-9]+ pages execute-never'
done

DELTAS=(getpid syscall-mix timer write pagefault intn getpid:flush)
for d in "${DELTAS[@]}"; do
	wl=${d%%:*}; tlb=; [ "$d" != "$wl" ] && tlb=${d#*:}
	for n in 1000 2000; do
		[ -z "$tlb" ] && lib_case "$wl-off-$n" --workload "$wl" --iterations $n
		for ds in "${DESIGNS[@]}"; do
			lib_case "$d-$ds-$n" --workload "$wl" --iterations $n --mbec "$ds" \
				${tlb:+--mbec-tlb "$tlb"}
		done
		LIB_DIAG[$d-intercept-$n]=$BACKSTOP_0
	done
	LIB_DIAG[$d-exec-fault-1000]='nestlab-l2: mbec: kernel text [0-9]+ pages super-exec'
done
lib_check_all

# phase_exits NAME WORKLOAD REASON: the run's REASON count in its workload
# phase; with REASON "rest:R1,R2..." the other reasons as JSON; "none"
# without that phase.
phase_exits() {
	local sel=".[\"$3\"] // 0"
	[[ "$3" == rest:* ]] &&
		sel="with_entries(select(.key as \$k | \"${3#rest:}\" | split(\",\") |
			index(\$k) | not)) | tojson"
	jq -r --arg w "$2" "[.phases[] | select(.name == \$w)][0] |
		if . == null then \"none\" else .exits | $sel end" "$OUT/$1.json" 2>/dev/null ||
		echo none
}

# check_reason D DESIGN REASON K: the counts of REASON, K per iteration more
# than MBEC off, plus the markers' if it is the design's marker reason.
check_reason() {
	local d=$1 ds=$2 r=$3 k=$4 wl=${1%%:*} fixed=0 off1 off2 on1 on2
	[ "$r" = "${MARKER_REASON[$ds]}" ] && fixed=$MARKERS
	off1=$(phase_exits "$wl-off-1000" "$wl" "$r"); off2=$(phase_exits "$wl-off-2000" "$wl" "$r")
	on1=$(phase_exits "$d-$ds-1000" "$wl" "$r"); on2=$(phase_exits "$d-$ds-2000" "$wl" "$r")
	if ! [[ "$off1$off2$on1$on2$k" =~ ^[0-9]+$ ]]; then
		fail "$d $ds: no $r counts (off $off1 $off2, on $on1 $on2, model $k)"; return
	fi
	if [ $((on2 - on1)) -ne $((off2 - off1 + k * 1000)) ]; then
		fail "$d $ds: $r(2000) - $r(1000) = $((on2 - on1)), want $((off2 - off1)) + $k * 1000"
	else
		pass "$d $ds: $r(2000) - $r(1000) = $((on2 - on1)) ($k per iteration more than MBEC off)"
	fi
	if [ $((on1 - off1 - k * 1000)) -ne "$fixed" ]; then
		fail "$d $ds: $r(1000) = $on1, want $off1 + $k * 1000 + $fixed (markers)"
	else
		pass "$d $ds: $r(1000) = $off1 + $k * 1000 + $fixed (markers)"
	fi
}

for d in "${DELTAS[@]}"; do
	wl=${d%%:*}
	m1=$("$NESTLAB" expect --workload "$wl" --iterations 1000 | jq -r '.exits.npf // 0')
	m2=$("$NESTLAB" expect --workload "$wl" --iterations 2000 | jq -r '.exits.npf // 0')
	off1=$(phase_exits "$wl-off-1000" "$wl" npf); off2=$(phase_exits "$wl-off-2000" "$wl" npf)
	if [ "$d" != "$wl" ]; then
		:
	elif [[ "$off1$off2" =~ ^[0-9]+$ ]] && [ $((off2 - off1)) -eq $((m2 - m1)) ]; then
		pass "$wl: MBEC off: npf(2000) - npf(1000) = $((off2 - off1)), the model's"
	else
		fail "$wl: MBEC off: npf(2000) - npf(1000) = $off2 - $off1, model $((m2 - m1))"
	fi
	for ds in "${DESIGNS[@]}"; do
		per=$("$NESTLAB" expect --workload "$wl" --mbec "$ds" | jq -c .mbec_exits_per_iter)
		reasons=$(jq -r --arg m "${MARKER_REASON[$ds]}" '(keys + [$m]) | unique | join(",")' \
			<<<"$per")
		for r in ${reasons//,/ }; do
			check_reason "$d" "$ds" "$r" "$(jq -r --arg r "$r" '.[$r] // 0' <<<"$per")"
		done
		for n in 1000 2000; do
			a=$(phase_exits "$wl-off-$n" "$wl" "rest:$reasons")
			b=$(phase_exits "$d-$ds-$n" "$wl" "rest:$reasons")
			if [ "$a" = "$b" ]; then
				pass "$d $ds: N=$n, the other reasons as without MBEC: $b"
			else
				fail "$d $ds: N=$n, other reasons $b, without MBEC $a"
			fi
		done
	done
done
# The phase's view-switch counters (results "counters": mbec.switches_to_*)
# hold the model's switches per iteration times N, plus the markers' 2.
for d in "${DELTAS[@]}"; do
	wl=${d%%:*}
	for ds in "${DESIGNS[@]}"; do
		k=$("$NESTLAB" expect --workload "$wl" --mbec "$ds" | jq -r .mbec_switches_per_iter)
		for n in 1000 2000; do
			got=$(jq -r --arg w "$wl" '[.phases[] | select(.name == $w)][0].counters |
				(.["mbec.switches_to_user"] // 0) + (.["mbec.switches_to_super"] // 0)' \
				"$OUT/$d-$ds-$n.json" 2>/dev/null)
			if [ "$got" = $((k * n + MARKERS)) ]; then
				pass "$d $ds N=$n: view-switch counters $got = $k * $n + $MARKERS"
			else
				fail "$d $ds N=$n: view-switch counters $got, want $k * $n + $MARKERS"
			fi
		done
	done
done
# intn: no swint exit without MBEC; N + 1 switches each way under both
# designs (the INT's and its IRET's, plus the markers' one each way); the
# DPL 0 gate's #GP error code: who checked the gate.
declare -A GATE_ERR=([off]="0x202 \(QEMU TCG's\)" [exec-fault]="0x202 \(QEMU TCG's\)"
	[intercept]="0x102 \(the architecture's\)")
for n in 1000 2000; do
	for ds in off "${DESIGNS[@]}"; do
		if grep -Eq "PASS: intn: INT 0x20 .* error code ${GATE_ERR[$ds]}" "$OUT/intn-$ds-$n.log"
		then
			pass "intn $ds N=$n: the DPL 0 gate's #GP at the INT, error code ${GATE_ERR[$ds]//\\/}"
		else
			fail "intn $ds N=$n: no #GP with error code ${GATE_ERR[$ds]}"
		fi
	done
	got=$(phase_exits "intn-off-$n" intn swint)
	if [ "$got" = 0 ]; then
		pass "intn off N=$n: no swint exit"
	else
		fail "intn off N=$n: swint $got, want none"
	fi
	for ds in "${DESIGNS[@]}"; do
		got=$(jq -r '[.phases[] | select(.name == "intn")][0].counters |
			"\(.["mbec.switches_to_user"]) \(.["mbec.switches_to_super"])"' \
			"$OUT/intn-$ds-$n.json" 2>/dev/null)
		if [ "$got" = "$((n + 1)) $((n + 1))" ]; then
			pass "intn $ds N=$n: $got switches to user and to supervisor"
		else
			fail "intn $ds N=$n: switches to user, to supervisor: $got, want $((n + 1)) each"
		fi
	done
done
lib_done
