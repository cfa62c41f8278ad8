#!/bin/bash
# The long random differential campaign of decoded-syscall batching
# (`make batch-campaign [BATCH_N=1000000] [BATCH_LEVEL=1]`, docs/batching.md):
# workload batch-random with N sequences, once with batching off and once
# with --batch kernel, at BATCH_LEVEL; the two "batch-random: ..." lines
# (sequences, system calls, the hash of every output register, flag and
# scratch byte) must be equal. Prints the kernel's batching line too, and
# PASS/FAIL in the integration tests' style.
set -u
. "$(dirname "$0")/lib.sh"
lib_init batch-campaign
lib_require l1
N=${BATCH_N:-1000000}
LEVEL=${BATCH_LEVEL:-1}
for b in off kernel; do
	timeout 3600 "$NESTLAB" run --accel tcg --timeout 3000 --verbose --level "$LEVEL" \
		--workload batch-random --iterations "$N" --batch $b \
		--json "$OUT/$b.json" >"$OUT/$b.log" 2>&1 &
done
wait
a=$(grep -E '^(L2: )?batch-random: ' "$OUT/off.log" | sed 's/^L2: //' | tr -d '\r')
b=$(grep -E '^(L2: )?batch-random: ' "$OUT/kernel.log" | sed 's/^L2: //' | tr -d '\r')
stats=$(grep -E 'nestlab-l2: batch phase 0:' "$OUT/kernel.log" | sed 's/^L2: //' | tr -d '\r')
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	pass "level $LEVEL, $N random sequences: the same with batching off and on ($a); $stats"
else
	fail "level $LEVEL, $N random sequences: off '$a', kernel '$b'"
	show "$OUT/kernel.log"
fi
lib_done
