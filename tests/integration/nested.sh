#!/bin/bash
# Integration tests: every workload booted L0 (QEMU TCG, deterministic icount)
# -> L1 (nestlab's SVM hypervisor) -> L2 (nestlab's kernel) through the
# launcher, with exact exit counts asserted on the workload's phase in the
# JSON results; the negative tests check each failure's status and message;
# every workload also runs at level 1. Prints kvm-unit-tests-style
# PASS:/FAIL: lines; exits non-zero if any failed.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
NESTLAB="$BUILD/nestlab"
OUT=$(mktemp -d /tmp/nestlab-itest.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
fails=0

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run NAME ARGS... : runs nestlab, leaves JSON in $OUT/NAME.json, output in $OUT/NAME.log
run() {
	local name=$1; shift
	timeout 150 "$NESTLAB" run --accel tcg --timeout 120 --json "$OUT/$name.json" "$@" \
		>"$OUT/$name.log" 2>&1
	echo $? >"$OUT/$name.rc"
}

show_log() { sed 's/^/    | /' "$OUT/$1.log" | tail -25; }

# expect_phase NAME WORKLOAD JQ-OBJECT ARGS...: run passes and the workload's
# phase has exactly these exits.
expect_phase() {
	local name=$1 wl=$2 want=$3; shift 3
	run "$name" --workload "$wl" "$@"
	local rc; rc=$(cat "$OUT/$name.rc")
	if [ "$rc" != 0 ]; then
		fail "$name: nestlab exited $rc"; show_log "$name"; return
	fi
	local got
	got=$(jq -c --arg wl "$wl" '[.phases[] | select(.name == $wl)] | if length == 1 then .[0].exits else "phase \($wl) missing or repeated" end' "$OUT/$name.json")
	if jq -e --argjson got "$got" --argjson want "$want" -n '$got == $want' >/dev/null 2>&1; then
		pass "$name: phase exits $got"
	else
		fail "$name: phase exits $got, expected $want"; show_log "$name"
	fi
}

# expect_failure NAME STATUS MESSAGE-REGEX ARGS...: run fails (exit 1) with
# that status name, and the console/diagnosis matches the regex.
expect_failure() {
	local name=$1 status=$2 re=$3; shift 3
	local t0=$SECONDS
	run "$name" "$@"
	local rc st; rc=$(cat "$OUT/$name.rc")
	st=$(jq -r .status "$OUT/$name.json" 2>/dev/null)
	if [ "$rc" = 1 ] && [ "$st" = "$status" ] && grep -Eq "$re" "$OUT/$name.log"; then
		pass "$name: status $st, reported in $((SECONDS - t0)) s"
	else
		fail "$name: rc=$rc status=$st (expected 1 / $status, message /$re/)"; show_log "$name"
	fi
}

N=1000
expect_phase cpuid-l2          cpuid       "{\"cpuid\":$N}"   --iterations $N
expect_phase hypercall-vmmcall hypercall   "{\"vmmcall\":$N}" --iterations $N --transport vmmcall
expect_phase hypercall-backdoor hypercall  "{\"ioio\":$N}"    --iterations $N --transport backdoor
expect_phase pio-l2            pio         "{\"ioio\":$N}"    --iterations $N
expect_phase getpid-l2         getpid      '{}'               --iterations $N
expect_phase null-l2           null        '{}'               --iterations $N
expect_phase write-l2          write       '{"vmmcall":100}'  --iterations 100
expect_phase write-backdoor    write       '{"ioio":100}'     --iterations 100 --transport backdoor
expect_phase pagefault-lazy    pagefault   '{"npf":300}'      --iterations 300 --npt-lazy
expect_phase pagefault-eager   pagefault   '{}'               --iterations 300
expect_phase syscall-mix-l2    syscall-mix '{}'               --iterations $N
expect_phase cpuid-lazy        cpuid       "{\"cpuid\":$N}"   --iterations $N --npt-lazy
# 8 bad hypercalls, of which one is a (failing) phase-end marker: markers
# never count in a phase, so exactly 7 exits; each check prints PASS in L2.
expect_phase hcerrors-l2       hcerrors    '{"vmmcall":7}'    --iterations 1 --verbose
n=$(grep -c '^L2: PASS: hcerrors:' "$OUT/hcerrors-l2.log")
if [ "$n" = 8 ] && ! grep -q '^L2: FAIL' "$OUT/hcerrors-l2.log"; then
	pass "hcerrors-l2: all 8 bad hypercalls got their error codes"
else
	fail "hcerrors-l2: $n of 8 checks passed"; show_log hcerrors-l2
fi

# L1's intercept policy seen from L2: refused MSRs get #GP, SVM instructions
# #UD, EFER.SVME and CPUID's SVM bit are hidden; one exit per probe.
expect_phase intercepts-l2 intercepts \
	'{"cpuid":4,"msr":5,"vmrun":1,"vmload":1,"vmsave":1,"stgi":1,"clgi":1,"skinit":1,"invlpga":1}' \
	--iterations 1 --verbose
n=$(grep -c '^L2: PASS: intercepts:' "$OUT/intercepts-l2.log")
if [ "$n" = 15 ] && ! grep -q '^L2: FAIL' "$OUT/intercepts-l2.log"; then
	pass "intercepts-l2: all 15 intercept checks hold in L2"
else
	fail "intercepts-l2: $n of 15 checks passed"; show_log intercepts-l2
fi

expect_failure triplefault-l2 l2_shutdown 'triple fault' --workload triplefault --iterations 1
expect_failure badaccess-l2   l2_bad_access 'outside its RAM' --workload badaccess --iterations 1

# L1's own failures, straight from QEMU (the launcher always passes a good
# configuration): the QEMU exit code carries the status, (status << 1) | 1.
l1_direct() {
	local name=$1 cpu=$2 append=$3 want_rc=$4 re=$5
	timeout 60 qemu-system-x86_64 -nodefaults -display none -no-reboot -machine pc \
		-m 256M -cpu "$cpu" -accel tcg -kernel "$BUILD/l1hyp/l1hyp.bin" -append "$append" \
		-initrd "$BUILD/guests/l2kernel.bin workload=null iterations=1" \
		-serial "file:$OUT/$name.log" -serial "file:$OUT/$name.res" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 >/dev/null 2>&1
	local rc=$?
	if [ "$rc" = "$want_rc" ] && grep -Eq "$re" "$OUT/$name.log" &&
	   grep -q '^end$' "$OUT/$name.res"; then
		pass "$name: QEMU exit $rc, $(grep -Eo "$re" "$OUT/$name.log" | head -1)"
	else
		fail "$name: QEMU exit $rc (expected $want_rc, message /$re/)"; show_log "$name"
	fi
}
l1_direct no-svm  qemu64,-svm      "npt=eager" 13 'no SVM .*-cpu qemu64,\+svm,\+npt'
l1_direct no-npt  qemu64,+svm      "npt=eager" 13 'without nested paging'
l1_direct bad-l1-cmdline qemu64,+svm,+npt "npt=sometimes" 15 'bad L1 command line: npt must be eager or lazy'

for wl in null cpuid hypercall pio getpid write pagefault syscall-mix hcerrors intercepts; do
	run "$wl-l1" --workload "$wl" --iterations 100 --level 1
	rc=$(cat "$OUT/$wl-l1.rc")
	if [ "$rc" = 0 ] && jq -e --arg wl "$wl" '.status == "pass" and ([.phases[] | select(.name == $wl)] | length == 1)' "$OUT/$wl-l1.json" >/dev/null; then
		pass "$wl-l1: passes at level 1"
	else
		fail "$wl-l1: rc=$rc"; show_log "$wl-l1"
	fi
done

[ "$fails" -eq 0 ]
