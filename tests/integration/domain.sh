#!/bin/bash
# Protection domains end to end (docs/mbec.md, "Protection domains"):
# workload domain, with L1's domain mechanism (the launcher turns it on for
# this workload).
#
#   - N=1000 and N=2000: the guest's 16 checks (every bad descriptor's
#     error code, the secret and a call elsewhere than the gate faulting
#     as absent pages from outside, the gate hypercalls out of place, every
#     call's result) and the phase's exits exactly as the model says (2
#     vmmcall per call); the phase's domain.calls counter is N; L1 reports
#     the 3 refused accesses;
#   - at level 1 the workload skips (no check, passes);
#   - under MBEC (--mbec exec-fault and intercept, N=1000 and 2000) the
#     domain has a view per mode: the same 16 checks and 3 refusals, the
#     phase's vmmcall exactly 2N (the model's, as without MBEC), the
#     design's reason (exec-fault npf, intercept excp_ud) exactly the
#     model's per-iteration count times N plus the markers' 2 (one system
#     call round trip per call), no other reason, domain.calls N and N + 1
#     view switches each way; L1 says the domain's views are one per mode;
#     and with --npt-lazy (N=100) the same checks and refusals;
#   - a bad domain= value is bad_config.
set -u
. "$(dirname "$0")/lib.sh"
lib_init domain
lib_require l1
REFUSED='nestlab-l1: domain: one domain; [0-9]+ calls, 3 accesses from outside refused'
for n in 1000 2000; do
	lib_case "domain-$n" --workload domain --iterations $n
	LIB_DIAG[domain-$n]=$REFUSED
done
lib_case domain-level1 --workload domain --iterations 10 --level 1
DESIGNS=(exec-fault intercept)
declare -A MARKER_REASON=([exec-fault]=npf [intercept]=excp_ud)
for ds in "${DESIGNS[@]}"; do
	for n in 1000 2000; do
		lib_case "domain-$ds-$n" --workload domain --iterations $n --mbec "$ds"
		LIB_DIAG[domain-$ds-$n]='absent outside the domain.s views \(one per mode: under MBEC\)'
	done
	# lazy NPT: pages first touched inside the domain are mapped in its
	# views only, with the policy's rights (the checks, the refusals)
	lib_case "domain-$ds-lazy" --workload domain --iterations 100 --mbec "$ds" --npt-lazy
	LIB_DIAG[domain-$ds-lazy]=$REFUSED
done
lib_spawn bad-value --workload getpid --iterations 1 --l1-option domain=maybe
lib_check_all

for n in 1000 2000; do
	got=$(jq -r '[.phases[] | select(.name == "domain")][0].counters["domain.calls"] // "none"' \
		"$OUT/domain-$n.json" 2>/dev/null)
	if [ "$got" = "$n" ]; then
		pass "domain N=$n: domain.calls $got"
	else
		fail "domain N=$n: domain.calls $got, want $n"
	fi
done
# Under MBEC: vmmcall as without it, the design's reason k per iteration
# plus the markers' 2, nothing else; the counters.
for ds in "${DESIGNS[@]}"; do
	r=${MARKER_REASON[$ds]}
	k=$("$NESTLAB" expect --workload domain --mbec "$ds" | jq -r --arg r "$r" \
		'.mbec_exits_per_iter[$r] // 0')
	for n in 1000 2000; do
		if grep -Eq "$REFUSED" "$OUT/domain-$ds-$n.log"; then
			pass "domain $ds N=$n: L1 refused the 3 accesses from outside"
		else
			fail "domain $ds N=$n: no /$REFUSED/"
		fi
		hc=$("$NESTLAB" expect --workload domain --iterations $n | jq -r '.exits.vmmcall')
		got=$(jq -c '[.phases[] | select(.name == "domain")][0] |
			[.exits.vmmcall, .exits["'"$r"'"], (.exits | keys | length),
			 .counters["domain.calls"], .counters["mbec.switches_to_user"],
			 .counters["mbec.switches_to_super"]]' "$OUT/domain-$ds-$n.json" 2>/dev/null)
		want="[$hc,$((k * n + 2)),2,$n,$((n + 1)),$((n + 1))]"
		if [ "$got" = "$want" ]; then
			pass "domain $ds N=$n: vmmcall $hc, $r $k * $n + 2, no other reason, $n calls, $((n + 1)) switches each way"
		else
			fail "domain $ds N=$n: [vmmcall, $r, reasons, calls, to user, to super] $got, want $want"
		fi
	done
done
st=$(jq -r .status "$OUT/bad-value.json" 2>/dev/null)
if [ "$st" = bad_config ] && grep -q "domain takes on or off" "$OUT/bad-value.log"; then
	pass "bad-value: domain=maybe is bad_config naming on and off"
else
	fail "bad-value: status $st"; show "$OUT/bad-value.log"
fi
lib_done
