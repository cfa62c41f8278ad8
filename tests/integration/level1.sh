#!/bin/bash
# Level-1 runs: the L2 kernel directly on QEMU (TCG, -icount shift=0,sleep=off,
# no L1). Every workload through the launcher must end with its model's
# status at level 1 (`nestlab expect --level 1`): the passing ones with their
# phase, no exit counted, the results stream of producer l2 and their own
# checks; the negative tests must not pass. Also: the backdoor transport,
# `write` printing its dots, a pagefault run beyond RAM, multi with every
# program and the most processes, timer at both ends of --timer-hz, and
# straight from QEMU (what the launcher refuses to pass) iterations=0 and
# bad L2 command lines.
set -u
. "$(dirname "$0")/lib.sh"
lib_init level1
lib_require
N=200

# What the launcher or the kernel says about each workload failing at level 1.
declare -A diagnosis=(
	[triplefault]='stopped without reporting a status'
	[badaccess]='^badaccess: read 0x'
	[batch-fault]='nestlab-l2: exception #GP'
)

for wl in $("$NESTLAB" expect --list); do
	LIB_DIAG[$wl]=${diagnosis[$wl]:-}
	lib_case "$wl" --workload "$wl" --iterations $N --level 1
done
for wl in $(lib_workloads fail 1); do
	[ -n "${diagnosis[$wl]:-}" ] || fail "$wl: no diagnosis pattern in $0"
done
lib_case hypercall-backdoor --workload hypercall --iterations $N --level 1 --transport backdoor
lib_case write-37 --workload write --iterations 37 --level 1
lib_case multi-all --workload multi --iterations $N --level 1 \
	--procs null,cpuid,hypercall,pio,getpid,write,cpuid,getpid
lib_case multi-one --workload multi --iterations $N --level 1 --procs pio
lib_case timer-100000hz --workload timer --iterations $N --level 1 --timer-hz 100000
lib_case timer-100hz --workload timer --iterations 20 --level 1 --timer-hz 100
lib_spawn pagefault-beyond-ram --workload pagefault --iterations 40000 --level 1
lib_check_all

if grep -qx '\.\{37\}' "$OUT/write-37.log"; then
	pass "write 37 prints 37 dots"
else
	fail "write 37 prints 37 dots"; show "$OUT/write-37.log"
fi

# 40000 pages are more than 128 MiB of RAM can back: BAD_CONFIG, not a crash.
bad=$(lib_status_code BAD_CONFIG)
if [ "$(cat "$OUT/pagefault-beyond-ram.rc")" = 1 ] &&
   [ "$(jq -r .status_code "$OUT/pagefault-beyond-ram.json")" = "$bad" ] &&
   [ "$(jq -r .qemu_exit "$OUT/pagefault-beyond-ram.json")" = "$(lib_qemu_exit BAD_CONFIG)" ]; then
	pass "pagefault 40000 (beyond RAM) -> BAD_CONFIG"
else
	fail "pagefault 40000 (beyond RAM): want status $bad"; show "$OUT/pagefault-beyond-ram.log"
fi

# iterations=0 (the launcher asks for 1 or more): the stream as the kernel
# writes it, checked line by line.
want=$("$NESTLAB" expect --workload pagefault --iterations 0 --level 1 | jq -r .qemu_exit)
lib_boot pagefault-0 "workload=pagefault iterations=0"
res=$OUT/pagefault-0.res
if [ "$rc" = "$want" ] && [ "$(head -1 "$res")" = 'nestlab-results 1 producer=l2' ] &&
   grep -Eq '^phase 0 pagefault tsc=[0-9]+$' "$res" && grep -qx 'status 0' "$res" &&
   [ "$(tail -1 "$res")" = end ] && ! grep -q '^exit ' "$res"; then
	pass "pagefault iterations=0: QEMU exit $rc, stream complete, no exit lines"
else
	fail "pagefault iterations=0: QEMU exit $rc, want $want"; show "$res"
fi

# The timer's phase spans N periods of 10^9 / hz TSC ticks (under icount the
# APIC timer and the TSC both count virtual nanoseconds), give or take the
# few hundred instructions between a tick and each marker's TSC read.
for c in timer:$N:10000 timer-100000hz:$N:100000 timer-100hz:20:100; do
	IFS=: read -r name n hz <<<"$c"
	tsc=$(jq -r '.phases[0].tsc' "$OUT/$name.json")
	want=$((n * 1000000000 / hz))
	if [ -n "$tsc" ] && [ "$tsc" != null ] && [ "$tsc" -gt $((want - 2000)) ] &&
	   [ "$tsc" -lt $((want + 2000)) ]; then
		pass "$name: phase of $n interrupts at $hz Hz spans $tsc ticks (10^9 / hz each)"
	else
		fail "$name: phase tsc $tsc, want $want +- 2000"
	fi
done
# multi interleaves: the kernel's report counts every switch.
if grep -q '^nestlab-l2: scheduler: 8 processes, ' "$OUT/multi-all.log"; then
	pass "multi-all: the kernel reports 8 processes"
else
	fail "multi-all: no scheduler report"; show "$OUT/multi-all.log"
fi

# Bad L2 command lines: status BAD_CONFIG.
want=$(lib_qemu_exit BAD_CONFIG)
for bad in "workload=nonesuch" "workload=cpuid iterations=12x" "transport=carrier-pigeon" \
	   "workload=multi procs=cpuid,frob" "workload=multi procs=" "workload=timer timer_hz=0" \
	   "workload=getpid mbec=maybe" "workload=getpid mbec=on"; do
	lib_boot badcfg "$bad"
	if [ "$rc" = "$want" ] && grep -qx "status $(lib_status_code BAD_CONFIG)" "$OUT/badcfg.res" &&
	   grep -q 'bad command line' "$OUT/badcfg.con"; then
		pass "bad command line '$bad' -> BAD_CONFIG"
	else
		fail "bad command line '$bad': QEMU exit $rc, want $want"; show "$OUT/badcfg.con"
	fi
done
lib_done
