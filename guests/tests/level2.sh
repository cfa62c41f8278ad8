#!/bin/bash
# Level-2 check of the L2 kernel under nestlab's L1 (build/l1hyp/l1hyp.bin),
# QEMU TCG with SVM+NPT, -icount shift=0,sleep=off: each workload's phase must
# show exactly the exits it is built to cause (results.h "exit 0 <reason>
# <count> <cycles>" lines), and the negative tests must end with their status.
# SKIPs when L1 is not built. PASS:/FAIL:/SKIP: lines; guest output to files.
set -u
BUILD=${BUILD:-build}
KERNEL=$BUILD/guests/l2kernel.bin
L1=$BUILD/l1hyp/l1hyp.bin
N=${N:-100}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0

if [ ! -f "$L1" ] || [ ! -f "$KERNEL" ]; then
	echo "SKIP: level2: $L1 or $KERNEL not built"; exit 0
fi

# run L1ARGS L2ARGS -> rc, con, res
run() {
	con=$tmp/con; res=$tmp/res
	: >"$res"
	timeout 60 qemu-system-x86_64 -nodefaults -display none -machine pc -m 256M \
		-cpu qemu64,+svm,+npt -accel tcg -icount shift=0,sleep=off \
		-kernel "$L1" -append "$1" -initrd "$KERNEL $2" \
		-serial "file:$con" -serial "file:$res" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot
	rc=$?
}

fail() {
	echo "FAIL: level2: $1"
	sed 's/^/    console: /' "$con" | tail -6
	sed 's/^/    results: /' "$res"
	failed=$((failed + 1))
}

# sorted "reason count" lines -> "a 1;b 2" ("" for none)
norm() { sort | grep -v '^$' | tr '\n' ';' | sed 's/;$//'; }

# expect NAME L1ARGS L2ARGS "reason count ..." (phase 0's exits, sorted)
expect() {
	local want got
	run "$2" "$3"
	want=$(echo "$4" | xargs -n2 | norm)
	got=$(awk '$1 == "exit" && $2 == "0" { print $3, $4 }' "$res" | norm)
	if [ "$rc" -ne 1 ] || ! grep -qx 'status 0' "$res" || [ "$(tail -1 "$res")" != end ]; then
		fail "$1: QEMU exit code $rc, want 1 (PASS)"
	elif [ "$got" != "$want" ]; then
		fail "$1: phase exits {$got}, want {$want}"
	else
		echo "PASS: level2: $1: phase exits {$want}"
	fi
}

expect "null"                 npt=eager "workload=null"                   ""
expect "cpuid $N"             npt=eager "workload=cpuid iterations=$N"     "cpuid $N"
expect "hypercall $N vmmcall" npt=eager "workload=hypercall iterations=$N" "vmmcall $N"
expect "hypercall $N backdoor" npt=eager "workload=hypercall iterations=$N transport=backdoor" "ioio $N"
expect "pio $N"               npt=eager "workload=pio iterations=$N"       "ioio $N"
expect "getpid $N"            npt=eager "workload=getpid iterations=$N"    ""
expect "write $N"             npt=eager "workload=write iterations=$N"     "vmmcall $N"
expect "syscall-mix $N"       npt=eager "workload=syscall-mix iterations=$N" ""
expect "pagefault $N lazy"    npt=lazy  "workload=pagefault iterations=$N" "npf $N"
expect "null lazy"            npt=lazy  "workload=null"                   ""
expect "cpuid $N lazy"        npt=lazy  "workload=cpuid iterations=$N"     "cpuid $N"
expect "write $N lazy"        npt=lazy  "workload=write iterations=$N"     "vmmcall $N"
expect "pio $N lazy"          npt=lazy  "workload=pio iterations=$N"       "ioio $N"
expect "getpid $N lazy"       npt=lazy  "workload=getpid iterations=$N"    ""
expect "syscall-mix $N lazy"  npt=lazy  "workload=syscall-mix iterations=$N" ""

run npt=eager "workload=hcerrors"
if [ "$rc" -eq 1 ] && [ "$(grep -c '^L2: PASS: hcerrors' "$con")" -eq 8 ]; then
	echo "PASS: level2: hcerrors: 8 checks hold"
else
	fail "hcerrors (rc $rc)"
fi
run npt=eager "workload=triplefault"
if [ "$rc" -eq 5 ] && grep -qx 'status 2' "$res"; then
	echo "PASS: level2: triplefault ends L2_SHUTDOWN"
else
	fail "triplefault: rc $rc, want 5 (status 2, L2_SHUTDOWN)"
fi
run npt=eager "workload=badaccess"
if [ "$rc" -eq 7 ] && grep -qx 'status 3' "$res"; then
	echo "PASS: level2: badaccess ends L2_BAD_ACCESS"
else
	fail "badaccess: rc $rc, want 7 (status 3, L2_BAD_ACCESS)"
fi

[ "$failed" -eq 0 ]
