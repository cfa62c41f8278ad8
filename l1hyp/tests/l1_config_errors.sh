#!/bin/bash
# L1's answers to bad configurations, straight from QEMU (the launcher
# always passes a good one): each must end the run with bad_config (QEMU
# exit 15 = status 7 << 1 | 1) and a message that names the sizes, before
# L1 allocates anything. PASS:/FAIL:/SKIP: lines.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
L1=$BUILD/l1hyp/l1hyp.bin
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0

if [ ! -f "$L1" ]; then
	echo "SKIP: l1-config: $L1 not built"; exit 0
fi

# boot L1ARGS MODULE -> rc, $tmp/con
boot() {
	timeout 60 qemu-system-x86_64 -nodefaults -display none -machine pc -m 256M \
		-cpu qemu64,+svm,+npt -accel tcg -kernel "$L1" -append "$1" -initrd "$2" \
		-serial "file:$tmp/con" -serial "file:$tmp/res" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot
	rc=$?
}

# An image larger than L2 RAM above 1 MiB (l2mem=8: 7 MiB): 8 MiB of zeros.
truncate -s 8M "$tmp/big.img"
boot "l2mem=8" "$tmp/big.img"
if [ "$rc" = 15 ] && grep -q 'the L2 kernel module is 8192 KiB, more than L2 RAM above 1 MiB can hold (l2mem=8 MiB)' "$tmp/con" &&
   grep -qx 'status 7' "$tmp/res"; then
	echo "PASS: l1-config: an oversized L2 image is bad_config with its size"
else
	echo "FAIL: l1-config: oversized image: rc=$rc"; tail -3 "$tmp/con"; fails=$((fails + 1))
fi

# lapic= takes mirror or full (docs/platform.md): anything else is bad_config
# naming the choices, before L2 runs.
L2K=$BUILD/guests/l2kernel.bin
if [ -f "$L2K" ]; then
	boot "l2mem=64 lapic=maybe" "$L2K workload=null iterations=1"
	if [ "$rc" = 15 ] && grep -q 'bad L1 command line: lapic= takes mirror or full' "$tmp/con" &&
	   grep -qx 'status 7' "$tmp/res"; then
		echo "PASS: l1-config: lapic=maybe is bad_config naming mirror and full"
	else
		echo "FAIL: l1-config: lapic=maybe: rc=$rc"; tail -3 "$tmp/con"; fails=$((fails + 1))
	fi
else
	echo "SKIP: l1-config: lapic=: $L2K not built"
fi

[ "$fails" -eq 0 ]
