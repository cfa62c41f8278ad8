#!/bin/bash
# Level-1 boot test of the L2 kernel: boots build/guests/l2kernel.bin directly
# on QEMU (TCG, -icount shift=0,sleep=off: deterministic) once per workload
# and checks QEMU's exit code ((status << 1) | 1, status.h) and the results
# stream on COM2 (results.h): the phase named after the workload, the status
# line and the "end" line. triplefault and badaccess are negative tests that
# must NOT pass. Prints kvm-unit-tests-style PASS:/FAIL:/SKIP: lines; the
# guest's own console goes to a log file so its lines are not counted here.
set -u
BUILD=${BUILD:-build}
KERNEL=$BUILD/guests/l2kernel.bin
ITER=${ITER:-200}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0

if [ ! -f "$KERNEL" ]; then
	echo "FAIL: level1: $KERNEL not built"; exit 1
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "SKIP: level1: qemu-system-x86_64 not installed"; exit 0
fi

# boot NAME APPEND -> sets rc, con (console file), res (results file)
boot() {
	con=$tmp/$1.con; res=$tmp/$1.res
	: >"$res"
	timeout 30 qemu-system-x86_64 -nodefaults -display none -machine pc -m 128M \
		-cpu qemu64 -accel tcg -icount shift=0,sleep=off \
		-kernel "$KERNEL" -append "$2" \
		-serial "file:$con" -serial "file:$res" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot
	rc=$?
}

fail() {
	echo "FAIL: level1: $1"
	sed 's/^/    console: /' "$con" | tail -8
	sed 's/^/    results: /' "$res"
	failed=$((failed + 1))
}

# expect_pass TESTNAME WORKLOAD APPEND
expect_pass() {
	boot "$1" "$3"
	if [ "$rc" -ne 1 ]; then fail "$1: QEMU exit code $rc, want 1 (PASS)"; return; fi
	if ! head -1 "$res" | grep -qx 'nestlab-results 1 producer=l2'; then
		fail "$1: no results header"; return; fi
	if ! grep -Eq "^phase 0 $2 tsc=[0-9]+\$" "$res"; then fail "$1: no phase '$2'"; return; fi
	if ! grep -qx 'status 0' "$res"; then fail "$1: no 'status 0'"; return; fi
	if [ "$(tail -1 "$res")" != end ]; then fail "$1: stream not ended"; return; fi
	if grep -q '^exit ' "$res"; then fail "$1: exit lines at level 1"; return; fi
	if ! grep -q "^nestlab-l2: workload $2 iterations [0-9]*: PASS" "$con"; then
		fail "$1: no summary line"; return; fi
	echo "PASS: level1: $1 ($(grep '^phase' "$res" | cut -d' ' -f4))"
}

for w in null cpuid hypercall pio getpid write pagefault syscall-mix hcerrors; do
	expect_pass "$w" "$w" "workload=$w iterations=$ITER"
done
expect_pass hypercall-backdoor hypercall "workload=hypercall iterations=$ITER transport=backdoor"
expect_pass pagefault-0 pagefault "workload=pagefault iterations=0"

# write N prints exactly N dots
boot write-dots "workload=write iterations=37"
if [ "$rc" -eq 1 ] && grep -qx '\.\{37\}' "$con"; then
	echo "PASS: level1: write 37 prints 37 dots"
else
	fail "write 37 prints 37 dots (rc=$rc)"
fi

# Negative tests: must not pass.
boot triplefault "workload=triplefault"
if [ "$rc" -eq 0 ] && ! grep -q '^end$' "$res"; then
	echo "PASS: level1: triplefault stops QEMU without a status (rc 0)"
else
	fail "triplefault: QEMU exit code $rc, want 0 (shutdown, no status)"
fi
boot badaccess "workload=badaccess"
if [ "$rc" -eq 3 ] && grep -qx 'status 1' "$res" && grep -q '^badaccess: read 0x' "$con"; then
	echo "PASS: level1: badaccess ends WORKLOAD_FAIL (rc 3)"
else
	fail "badaccess: QEMU exit code $rc, want 3 (WORKLOAD_FAIL)"
fi

# Bad command lines: status NESTLAB_STATUS_BAD_CONFIG (7) -> QEMU exit 15.
for bad in "workload=nonesuch" "workload=cpuid iterations=12x" "transport=carrier-pigeon"; do
	boot badcfg "$bad"
	if [ "$rc" -eq 15 ] && grep -qx 'status 7' "$res" && grep -q 'bad command line' "$con"; then
		echo "PASS: level1: bad command line '$bad' -> BAD_CONFIG"
	else
		fail "bad command line '$bad': QEMU exit code $rc, want 15"
	fi
done

# More pages than 128 MiB of RAM can back: BAD_CONFIG, not a crash.
boot pf-too-big "workload=pagefault iterations=40000"
if [ "$rc" -eq 15 ] && grep -qx 'status 7' "$res"; then
	echo "PASS: level1: pagefault 40000 (beyond RAM) -> BAD_CONFIG"
else
	fail "pagefault 40000 (beyond RAM): QEMU exit code $rc, want 15"
fi

[ "$failed" -eq 0 ]
