#!/bin/bash
# A stand-in for `nestlab` in the bench tests (bench_fake.sh): `run --help`
# (mentions --l1 only when FAKE_L1=1), and `run ...` writing a results file
# as the launcher does, by workload: cpuid passes with tsc 400*N+8000, N
# cpuid exits and 300*N L1 cycles (level 2); pio fails (l1_error); getpid
# sleeps past --timeout and reports a timeout; hypercall's figures change
# from run to run when FAKE_VARY=1. The arguments go to ./argv.
set -u
[ "${1:-}" = run ] || { echo "fake: want run" >&2; exit 2; }
shift
if [ "${1:-}" = --help ]; then
	echo "usage: nestlab run --workload NAME [--iterations N] [--level 1|2] [--l1-image FILE]"
	[ "${FAKE_L1:-0}" = 1 ] && echo "  --l1 nestlab|kvm    the L1 hypervisor"
	exit 0
fi
echo "$*" > argv
wl=; n=1000; level=2; json=; timeout=120
while [ $# -gt 0 ]; do
	case "$1" in
	--workload) wl=$2; shift ;;
	--iterations) n=$2; shift ;;
	--level) level=$2; shift ;;
	--json) json=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	esac
	shift
done
status=pass; code=0; rc=0; errors='[]'
tsc=$((400 * n + 8000)); exits="{\"cpuid\": $n}"; cycles="{\"cpuid\": $((300 * n))}"
case "$wl" in
pio) status=l1_error; code=5; rc=1; errors='["L1 reported: boom"]' ;;
getpid) sleep "$timeout"; status=timeout; code=null; rc=1; errors='["no end after 1 s"]' ;;
hypercall) [ "${FAKE_VARY:-0}" = 1 ] && tsc=$((tsc + RANDOM % 1000 + 1)) ;;
esac
[ "$level" = 1 ] && { exits='{}'; cycles='{}'; tsc=$((14 * n)); }
echo "result: $status ($wl, level $level, tcg) in 0.01 s"
cat > "$json.tmp" <<JSON
{"workload": "$wl", "iterations": $n, "level": $level, "accel": "tcg", "icount": true,
 "status": "$status", "status_code": $code, "wall_seconds": 0.01, "errors": $errors,
 "phases": [{"name": "$wl", "exits": $exits, "l1_cycles": $cycles, "tsc": $tsc}],
 "totals": {"exits": $exits, "l1_cycles": $cycles}}
JSON
mv "$json.tmp" "$json"
exit $rc
