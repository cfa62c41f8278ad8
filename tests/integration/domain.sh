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
#   - at level 1 and under MBEC the workload skips (no check, passes);
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
lib_case domain-mbec --workload domain --iterations 10 --mbec exec-fault
LIB_DIAG[domain-mbec]='SKIP: domain: needs'
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
st=$(jq -r .status "$OUT/bad-value.json" 2>/dev/null)
if [ "$st" = bad_config ] && grep -q "domain takes on or off" "$OUT/bad-value.log"; then
	pass "bad-value: domain=maybe is bad_config naming on and off"
else
	fail "bad-value: status $st"; show "$OUT/bad-value.log"
fi
lib_done
