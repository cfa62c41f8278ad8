#!/bin/bash
# Hostile L2 guests (docs/hostile-l2.md): each image in
# $BUILD/l1hyp/tests/guests/ provokes L1 one way and checks from inside L2
# that it got the architectural answer. Each runs under the launcher
# (level 2, TCG or KVM as `auto` picks); the run's JSON status, L1's
# diagnosis and the guest's PASS:/FAIL: lines (console, "L2: " prefix)
# decide one PASS:/FAIL: line per scenario, with the guest's failing lines
# indented below a FAIL. Regression tests: a scenario the current L1 gets
# wrong FAILs until L1 is fixed. KEEP=1 keeps the run directories;
# NESTLAB=path/to/nestlab tests the L1 (and launcher) of another build.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
NESTLAB=${NESTLAB:-$BUILD/nestlab}   # its L1: <dir of nestlab>/l1hyp/l1hyp.bin
IMG=$BUILD/l1hyp/tests/guests
tmp=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "# run directories kept in $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
fails=0

# scenario, expected outcome (pass | bad_state | bad_access), what it checks
SCENARIOS="
ltr_null|pass|null LTR raises #GP(0) at the LTR; a valid LTR loads TR and marks the TSS busy
cr4_reserved|pass|MOV to CR4 with a reserved bit raises #GP(0), CR4 unchanged (32-bit and long mode)
cr0_nw|pass|CR0.NW=1 with CD=0, and CR0.PG=1 with PE=0, raise #GP(0), CR0 unchanged
cs_l_and_d|bad_state|CPUID with CS.L=1 and CS.D=1 ends the run as l2_bad_state naming the check
paging32|pass|CPUID/RDMSR/VMMCALL at a virtual address under 32-bit paging (4 MiB PSE and 4 KiB pages)
pae|pass|CPUID/RDMSR/VMMCALL at a virtual address under PAE paging without long mode
stale_tlb|pass|CPUID/RDMSR/VMMCALL from a page whose PTE was cleared without INVLPG: one #PF or the right result
pml4_bit8|pass|CPUID/RDMSR/VMMCALL through a PML4 entry with bit 8 set, as the CPU fetched them
softint_once|pass|INT 0x80 and INT3 pushing onto an untouched stack page (lazy NPT) run their handler once
single_step|pass|TF=1: one #DB with DR6.BS after each emulated instruction, MOV SS shadow respected
badaccess_cpl0|bad_access|a CPL0 write past L2 RAM ends the run as l2_bad_access, diagnosed as a write at CPL0
efer_lme|pass|WRMSR EFER clearing LME in long mode raises #GP(0), EFER unchanged
apic_timer|pass|L2's APIC timer interrupts a spin loop and wakes HLT; a self IPI with IF=0 waits in IRR; TPR holds a vector back
"

if [ ! -x "$NESTLAB" ] || [ ! -f "$IMG/ltr_null.bin" ]; then
	echo "SKIP: hostile-l2: $NESTLAB or $IMG/*.bin not built (make build-tests)"; exit 0
fi
if ! command -v jq >/dev/null; then
	echo "SKIP: hostile-l2: jq missing (make deps)"; exit 0
fi

# run NAME [launcher options] -> $tmp/NAME/{run.json, run.out, nestlab-run.*/}
run() {
	local name=$1; shift
	mkdir -p "$tmp/$name"
	TMPDIR="$tmp/$name" "$NESTLAB" run --workload null --l2-image "$IMG/$name.bin" \
		--json "$tmp/$name/run.json" --keep --quiet --timeout 30 "$@" \
		>"$tmp/$name/run.out" 2>&1
}

# Two runs at a time (the runs are independent; the report keeps the order).
pids=()
while IFS='|' read -r name _ _; do
	[ -n "$name" ] || continue
	opts=(); [ "$name" = softint_once ] && opts=(--npt-lazy)
	run "$name" "${opts[@]}" &
	pids+=($!)
	if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done <<<"$SCENARIOS"
wait

while IFS='|' read -r name want what; do
	[ -n "$name" ] || continue
	dir=$tmp/$name
	status=$(jq -r '.status // "none"' "$dir/run.json" 2>/dev/null || echo "no_json")
	diag=$(jq -r '[.errors[]?] | join(" | ")' "$dir/run.json" 2>/dev/null)
	console=$(cat "$dir"/nestlab-run.*/console.log 2>/dev/null)
	guest=$(printf '%s\n' "$console" | sed -n 's/^L2: //p')
	npass=$(printf '%s\n' "$guest" | grep -c '^PASS: ')
	gfail=$(printf '%s\n' "$guest" | grep '^FAIL: ')
	ok=0
	case "$want" in
	pass)
		[ "$status" = pass ] && [ -z "$gfail" ] && [ "$npass" -gt 0 ] && ok=1
		expect="pass" ;;
	bad_state)
		if [ "$status" = l2_bad_state ] &&
		   printf '%s\n%s\n' "$diag" "$console" | grep -qiE 'L=1.*D=1|CS\.L.*CS\.D'; then ok=1
		elif [ "$status" = pass ] && [ -z "$gfail" ] && [ "$npass" -gt 0 ]; then ok=1  # CPU refused the far return
		fi
		expect="l2_bad_state naming CS.L=1 and CS.D=1" ;;
	bad_access)
		[ "$status" = l2_bad_access ] &&
			printf '%s\n%s\n' "$diag" "$console" | grep -q 'write at CPL0' && ok=1
		expect="l2_bad_access diagnosed as a write at CPL0" ;;
	esac
	if [ "$ok" = 1 ]; then
		echo "PASS: hostile-l2: $name: $what ($status, $npass guest checks)"
	else
		fails=$((fails + 1))
		echo "FAIL: hostile-l2: $name: status $status, want $expect: $what"
		[ -n "$diag" ] && echo "    diagnosis: $diag"
		if [ -n "$gfail" ]; then
			printf '%s\n' "$gfail" | sed 's/^/    /'
		else
			printf '%s\n' "$console" | grep -v '^nestlab-l1: \(nestlab L1\|self test\|SVM with\|L2 kernel loaded\|L2 RAM\)' |
				tail -7 | sed 's/^/    | /'
			[ -s "$dir/run.out" ] && [ -z "$console" ] && sed 's/^/    | /' "$dir/run.out" | tail -4
		fi
	fi
done <<<"$SCENARIOS"

[ "$fails" -eq 0 ]
