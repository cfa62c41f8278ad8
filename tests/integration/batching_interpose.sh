#!/bin/bash
# The kernel's decoded-syscall batching under L1's system-call
# interposition (docs/batching.md "Interposition", docs/interpose.md): with
# --batch kernel the interposer sees kernel entries, not calls (a batched
# call makes no SYSCALL of its own), so with the count operation
#
#   - batch-pairs, syscall-mix and batch-chain under --interpose trap,
#     inguest and hypercall: status, the phase's exits (trap: 2 excp_ud per
#     kernel entry + 2; hypercall: 1 vmmcall per entry + 1; inguest none)
#     and the kernel's "batch" object exactly `nestlab expect`'s, and
#     interpose.total exactly its "interpose_total" (the entries + PHASE_END's
#     call), fewer than the calls made;
#   - the final state of batch-pairs and batch-chain the same as without
#     batching and interposition;
#   - a deny list with the kernel's batching is refused (batching.sh).
set -u
. "$(dirname "$0")/lib.sh"
lib_init batching_interpose
lib_require l1
N=1000
WLS=(batch-pairs syscall-mix batch-chain)
VARIANTS=(trap inguest hypercall)

for wl in "${WLS[@]}"; do
	lib_case "$wl-ref" --workload "$wl" --iterations $N
	for v in "${VARIANTS[@]}"; do
		lib_case "$wl-$v" --workload "$wl" --iterations $N --interpose "$v" --batch kernel
	done
done
lib_check_all

state() { grep -aE "^(L2: )?$1: state " "$OUT/$2.log" | sed 's/^L2: //' | tr -d '\r'; }
for wl in "${WLS[@]}"; do
	for v in "${VARIANTS[@]}"; do
		name=$wl-$v
		want=$(jq -r '.interpose_total' "$OUT/$name.want")
		got=$(jq -r --arg p "$wl" '[.phases[] | select(.name == $p)][0].counters["interpose.total"] // "none"' \
			"$OUT/$name.json" 2>/dev/null)
		calls=$(jq -r '.phases[0].batch.syscalls // 0' "$OUT/$name.json" 2>/dev/null)
		if [ "$want" != null ] && [ "$got" = "$want" ] && [ "$got" -lt $((calls + 1)) ]; then
			pass "$name: interpose.total $got (kernel entries + 1; $calls calls made)"
		else
			fail "$name: interpose.total $got, want $want ($calls calls)"
		fi
		g=$(jq -c '.phases[0].batch' "$OUT/$name.json" 2>/dev/null)
		w=$(jq -c '.batch' "$OUT/$name.want" 2>/dev/null)
		if [ "$w" != null ] && jq -en --argjson g "$g" --argjson w "$w" '$g == $w' >/dev/null; then
			pass "$name: the kernel's batches as the model says"
		else
			fail "$name: batch $g, want $w"
		fi
		if [ "$wl" != syscall-mix ]; then
			ref=$(state "$wl" "$wl-ref") got=$(state "$wl" "$name")
			if [ -n "$ref" ] && [ "$got" = "$ref" ]; then
				pass "$name: the same final state as without batching and interposition"
			else
				fail "$name: state '${got:0:60}', reference '${ref:0:60}'"
			fi
		fi
	done
done
lib_done
