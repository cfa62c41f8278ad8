#!/bin/bash
# The figures of docs/kvm-l1.md "Measured": ticks per L2 CPUID exit and per
# backdoor hypercall under nestlab's L1 and under Linux KVM as L1, same
# launcher command, TCG with -icount shift=0,sleep=off (every figure
# repeats exactly). For each L1 and workload the phase TSC at N=1000 and
# N=2000: per exit = (tsc(2000) - tsc(1000)) / 1000, which cancels the
# markers' share; raw = tsc(1000) / 1000 as the launcher's table gives it.
# Under KVM both counting modes: hist (the kvm_exit histogram, the default)
# and vmm (no tracing; exits are not counted, only timed), whose difference
# is what counting costs. Runs two boots at a time.
#   experiments/kvm-l1/measure.sh [BUILD]      (needs make and make kvm-l1)
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${1:-build}
NL=$B/nestlab
out=$(mktemp -d /tmp/nestlab-measure.XXXXXX)
trap 'rm -rf "$out"' EXIT

run() {  # run NAME ENV-APPEND ARGS...
	local name=$1 app=$2; shift 2
	while [ "$(jobs -pr | wc -l)" -ge 2 ]; do wait -n; done
	( NESTLAB_KVM_L1_APPEND=$app "$NL" run --accel tcg --quiet --json "$out/$name.json" "$@" \
		>"$out/$name.log" 2>&1 || echo "FAIL: $name" >&2 ) &
}
for n in 1000 2000; do
	run "nl-cpuid-$n" "" --workload cpuid --iterations $n
	run "nl-hc-$n" "" --workload hypercall --transport backdoor --iterations $n
	# hist is the default: nothing appended, so the run is the plain
	# launcher command (an extra word on Linux's command line shifts the
	# phase TSC by ~1000 ticks).
	run "kvm-hist-cpuid-$n" "" --l1 kvm --workload cpuid --iterations $n
	run "kvm-hist-hc-$n" "" --l1 kvm --workload hypercall --iterations $n
	run "kvm-vmm-cpuid-$n" "nestlab.count=vmm" --l1 kvm --workload cpuid --iterations $n
	run "kvm-vmm-hc-$n" "nestlab.count=vmm" --l1 kvm --workload hypercall --iterations $n
done
wait
tsc() { jq -r '.phases[0].tsc' "$out/$1.json" 2>/dev/null; }
exits() { jq -c '.phases[0].exits' "$out/$1.json" 2>/dev/null; }
printf '%-26s %12s %12s %10s %10s  %s\n' "L1, workload" "tsc N=1000" "tsc N=2000" \
	"per exit" "raw" "phase exits (N=1000)"
for row in "nl-cpuid:nestlab, cpuid" "kvm-hist-cpuid:kvm (hist), cpuid" \
	   "kvm-vmm-cpuid:kvm (vmm), cpuid" "nl-hc:nestlab, hypercall" \
	   "kvm-hist-hc:kvm (hist), hypercall" "kvm-vmm-hc:kvm (vmm), hypercall"; do
	k=${row%%:*}
	a=$(tsc "$k-1000"); b=$(tsc "$k-2000")
	if [ -z "$a" ] || [ -z "$b" ] || [ "$a" = null ] || [ "$b" = null ]; then
		printf '%-26s %s\n' "${row#*:}" "(no result: see a failed run above)"; continue
	fi
	printf '%-26s %12s %12s %10.1f %10.1f  %s\n' "${row#*:}" "$a" "$b" \
		"$(echo "($b - $a) / 1000" | bc -l)" "$(echo "$a / 1000" | bc -l)" "$(exits "$k-1000")"
done
