#!/bin/bash
# Integration test of `nestlab run` end to end against a fake QEMU
# (fake_qemu.sh): exit status, verdict line, console tail on failure, JSON
# file written (also on failure), timeout, missing QEMU, run directory
# cleanup. Prints PASS:/FAIL: lines; exits non-zero on failure.
set -u
NESTLAB=${NESTLAB:-${BUILD:-build}/nestlab}
FAKE=$(cd "$(dirname "$0")" && pwd)/fake_qemu.sh
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp; mkdir -p "$TMPDIR"
touch "$work/l1.bin" "$work/l2.bin"
fails=0

ok()   { echo "PASS: $1"; }
bad()  { echo "FAIL: $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; sed 's/^/    /' "$work/out" | head -20; fi; }

# nl MODE WANT_RC ARGS...: run the launcher on the fake QEMU.
nl() {
	local mode=$1; shift
	FAKE_MODE=$mode "$NESTLAB" run --workload cpuid --accel tcg --qemu "$FAKE" \
		--l1-image "$work/l1.bin" --l2-image "$work/l2.bin" "$@" >"$work/out" 2>&1
}
jq_is() { [ "$(jq -r "$1" "$work/r.json" 2>/dev/null)" = "$2" ]; }

nl pass --json "$work/r.json"; rc=$?
check "pass: exit 0"              '[ $rc -eq 0 ]'
check "pass: result line"         'grep -q "^result: PASS (cpuid, level 2, tcg)" "$work/out"'
check "pass: table row"           'grep -qE "^ +cpuid +1000 +85000 +85.0$" "$work/out"'
check "pass: json status"         'jq_is .status pass && jq_is .status_code 0 && jq_is .qemu_exit 1'
check "pass: json phase exits"    'jq_is ".phases[0].exits.cpuid" 1000 && jq_is ".phases[0].l1_cycles.cpuid" 85000'
check "pass: json totals"         'jq_is ".totals.exits.cpuid" 1004 && jq_is .icount true && jq_is .npt eager'
check "pass: run dir removed"     '[ -z "$(ls -A "$TMPDIR")" ]'

nl pass --keep --npt-lazy --l2mem 32 --transport backdoor --iterations 7; rc=$?
kept=$(sed -n 's/^run directory kept: //p' "$work/out")
check "keep: directory kept"      '[ -n "$kept" ] && [ -d "$kept" ]'
check "keep: argv as documented"  'grep -qx "l2mem=32 npt=lazy" "$kept/fake-argv" && grep -qx "$work/l2.bin workload=cpuid iterations=7 transport=backdoor" "$kept/fake-argv"'
rm -rf "$kept"

nl shutdown --json "$work/r.json"; rc=$?
check "status 2: exit 1"          '[ $rc -eq 1 ]'
check "status 2: message"         'grep -q "FAIL: guest reported status 2 l2_shutdown" "$work/out"'
check "status 2: console tail"    'grep -q "  | console line 40" "$work/out" && grep -q "  | console line 11" "$work/out" && ! grep -q "  | console line 10$" "$work/out"'
check "status 2: json on failure" 'jq_is .status l2_shutdown && jq_is .status_code 2 && jq_is .qemu_exit 5 && jq_is ".errors[1]" "L2 triple fault at rip 0x1000"'

nl triple1 --level 1 --json "$work/r.json"; rc=$?
check "qemu exit 0: no status"    '[ $rc -eq 1 ] && grep -q "without reporting a status" "$work/out" && jq_is .status no_status && jq_is .npt null'

nl incomplete; rc=$?
check "incomplete stream fails"   '[ $rc -eq 1 ] && grep -q "no .end. line" "$work/out"'

nl qemuerr --json "$work/r.json"; rc=$?
check "qemu error shows stderr"   '[ $rc -eq 1 ] && grep -q "QEMU failed: qemu-system-x86_64: -kernel /x: could not load kernel" "$work/out" && jq_is .status qemu_failed'

start=$(date +%s)
nl hang --timeout 1 --json "$work/r.json"; rc=$?
took=$(( $(date +%s) - start ))
check "timeout: exit 1 quickly"   '[ $rc -eq 1 ] && [ $took -le 5 ]'
check "timeout: message"          'grep -q "no result after 1 s: guest hung?" "$work/out" && jq_is .status timeout && jq_is .qemu_exit null'

FAKE_MODE=pass "$NESTLAB" run --workload cpuid --accel tcg --qemu /nonexistent/qemu \
	--l1-image "$work/l1.bin" --l2-image "$work/l2.bin" >"$work/out" 2>&1; rc=$?
check "missing QEMU binary"       '[ $rc -eq 1 ] && grep -q "QEMU failed to start: No such file or directory" "$work/out"'

nl pass --json "$work/nodir/r.json"; rc=$?
check "unwritable JSON path"      '[ $rc -eq 1 ] && grep -q "cannot write $work/nodir/r.json" "$work/out"'

check "no run directory left"     '[ -z "$(ls -A "$TMPDIR")" ]'
[ "$fails" -eq 0 ]
