#!/bin/bash
# The example mechanism (l1hyp/mech/examples/cpuid_leaves.c) in the test
# image build/l1hyp/l1hyp-mechtest.bin: with cpuid_leaves=on it counts the
# CPUID leaves of the workload phase, exactly what the workload executes
# (workload cpuid: N x leaf 0, guests/workloads/cpuid.c); off by default;
# a bad switch value is a bad configuration; the default L1, which does not
# link it, refuses the option. QEMU TCG with icount, PASS:/FAIL:/SKIP: lines.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
L1=$BUILD/l1hyp/l1hyp-mechtest.bin
KERNEL=$BUILD/guests/l2kernel.bin
N=${N:-250}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0

if [ ! -f "$L1" ] || [ ! -f "$KERNEL" ]; then
	echo "SKIP: mech-example: $L1 or $KERNEL not built"; exit 0
fi
pass() { echo "PASS: mech-example: $*"; }
fail() { echo "FAIL: mech-example: $*"; sed 's/^/    | /' "$tmp/con" | tail -8; fails=$((fails + 1)); }

# boot IMAGE L1ARGS L2ARGS -> rc, $tmp/con
boot() {
	timeout 60 qemu-system-x86_64 -nodefaults -display none -machine pc -m 256M \
		-cpu qemu64,+svm,+npt -accel tcg -icount shift=0,sleep=off \
		-kernel "$1" -append "$2" -initrd "$KERNEL $3" \
		-serial "file:$tmp/con" -serial "file:$tmp/res" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot
	rc=$?
}

boot "$L1" "npt=eager cpuid_leaves=on" "workload=cpuid iterations=$N"
got=$(tr -d '\r' <"$tmp/con" | grep -o 'cpuid_leaves: leaf .*' | tr '\n' ';')
if [ "$rc" = 1 ] && grep -q 'mechanism cpuid_leaves: on' "$tmp/con" &&
   [ "$got" = "cpuid_leaves: leaf 0: $N;" ]; then
	pass "on: the phase's $N CPUIDs counted as leaf 0, nothing else"
else
	fail "on: rc=$rc, counts '$got', want 'cpuid_leaves: leaf 0: $N;'"
fi

boot "$L1" "npt=eager" "workload=cpuid iterations=$N"
if [ "$rc" = 1 ] && grep -q 'mechanism cpuid_leaves: off' "$tmp/con" &&
   ! grep -q 'cpuid_leaves: leaf' "$tmp/con"; then
	pass "off by default: no hook, no counts"
else
	fail "default: rc=$rc"
fi

# QEMU's exit code is (status << 1) | 1; bad_config is status 7.
boot "$L1" "npt=eager cpuid_leaves=maybe" "workload=null"
if [ "$rc" = 15 ] && grep -q 'bad L1 command line: cpuid_leaves must be on or off' "$tmp/con"; then
	pass "a bad switch value ends the run as bad_config"
else
	fail "bad value: rc=$rc, want 15"
fi

boot "$BUILD/l1hyp/l1hyp.bin" "npt=eager cpuid_leaves=on" "workload=null"
if [ "$rc" = 15 ] && grep -q 'bad L1 command line: unknown option: cpuid_leaves=on' "$tmp/con"; then
	pass "the default L1 does not link the example and refuses its switch"
else
	fail "default image: rc=$rc, want 15"
fi

[ "$fails" -eq 0 ]
