#!/bin/bash
# The seeded slice of the hostile-guest fuzzer that `make test` runs
# (docs/fuzz-l1.md): a few thousand blocks over CPL 0/3/mix and eager/lazy
# NPT, a few hundred hypercalls over both transports, the first malformed
# images, L1's integrity after every run; each part must give 0 findings;
# and the integrity check must catch corruption planted in a copy of L1's
# memory.
# The known open defects (known-defects.list) are left out: their templates
# are not generated, their instruction forms are refused by the guest's
# precheck (avoid=), their checks are off; so are the two templates that
# end the run by design (badram, strio: L2's fault, left to the full
# campaign for speed). Prints kvm-unit-tests-style PASS:/FAIL:/SKIP: lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
name=fuzz-smoke
fails=0
pass() { echo "PASS: $name: $*"; }
fail() { echo "FAIL: $name: $*"; fails=$((fails + 1)); }
skip() { echo "SKIP: $name: $*"; }

if ! command -v qemu-system-x86_64 >/dev/null; then
	skip "qemu-system-x86_64 not installed"; exit 0
fi
command -v jq >/dev/null || { fail "jq not installed (make deps)"; exit 1; }
for f in "$BUILD/nestlab" "$BUILD/l1hyp/l1hyp.bin" "$BUILD/l1hyp/l1hyp.elf" \
	 "$BUILD/guests/l2kernel.bin" "$BUILD/fuzz/fuzz-guest.bin" "$BUILD/fuzz/fuzzimg" \
	 "$BUILD/fuzz/mkimages" "$BUILD/fuzz/l1check"; do
	[ -f "$f" ] || { fail "$f not built (make build-tests)"; exit 1; }
done

list() {
	sed -n "s/^$1[[:space:]]\{1,\}\([a-z0-9]*\).*/\1/p" tests/fuzz/known-defects.list
}
tmpl="all$(for t in $(list tmpl) badram strio; do printf ',-%s' "$t"; done)"
avoid=$(list avoid | paste -sd, -)
checks="all$(for c in $(list check); do printf ',-%s' "$c"; done)"

tmp=$(mktemp -d /tmp/nestlab-fuzz-smoke.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
W=$tmp/campaign
t0=$(date +%s)
BUILD=$BUILD FUZZ_DIR=$W SEED=${SMOKE_SEED:-2024} BLOCKS=6000 PER_RUN=1000 HCALLS=600 \
	HC_PER_RUN=200 IMAGES=16 TMPL=$tmpl AVOID=$avoid CHECKS=$checks QUIET=1 \
	tests/fuzz/campaign.sh >"$tmp/log" 2>&1
rc=$?
dt=$(( $(date +%s) - t0 ))
if [ ! -f "$W/summary.env" ]; then
	fail "the campaign did not finish (exit $rc)"; sed 's/^/    | /' "$tmp/log" | tail -20
	exit 1
fi
. "$W/summary.env"

# show PART: the first findings of a part, with their replay lines.
show() {
	cat "$W"/$1*.events 2>/dev/null | grep '^finding' | head -5 |
		awk -F'\t' '{ printf "    | %s: %s\n    |   make fuzz-l1 %s\n", $2, substr($4, 1, 160), $3 }'
}

if [ "$findings_blocks" -eq 0 ] && [ "$blocks_ran" -ge 5900 ]; then
	pass "blocks: $blocks_ran of 6000 over CPL 0/3/mix, eager/lazy NPT, 0 findings" \
	     "($l2_ends runs ended early by L2 and resumed)"
else
	fail "blocks: $blocks_ran of 6000 ran, $findings_blocks findings"; show blk
fi
if [ "$findings_hypercalls" -eq 0 ] && [ "$hypercalls_ran" -eq 600 ]; then
	pass "hypercalls: $hypercalls_ran over VMMCALL/backdoor at CPL 0/3, all as the ABI model says"
else
	fail "hypercalls: $hypercalls_ran of 600 ran, $findings_hypercalls findings"; show hc
fi
if [ "$findings_images" -eq 0 ] && [ "$images_ran" -eq 16 ]; then
	pass "images: $images_ran malformed multiboot images, L1's verdicts as expected"
else
	fail "images: $images_ran of 16 ran, $findings_images findings"; show img-
fi
if [ "$findings_integrity" -eq 0 ] && [ "$integrity_checked" -gt 0 ]; then
	pass "integrity: L1 code/rodata, VMCB, IOPM, MSRPM, NPT intact after $integrity_checked runs" \
	     "(in $dt s)"
else
	fail "integrity: $findings_integrity failures in $integrity_checked runs"
	grep -h 'FAIL' "$W"/runs/*.int 2>/dev/null | head -5 | sed 's/^/    | /'
fi
# The integrity check must catch what it is there for: on a copy of a
# reference run's guest RAM, a flipped byte of L1's .text, of its IOPM, and
# a nested page table entry that maps guest-physical memory past L2 RAM.
negative() {
	local img=$tmp/none.bin out dir ram=$tmp/ram base=$tmp/base info iopm ncr3 ok=0
	"$BUILD/fuzz/fuzzimg" "$BUILD/fuzz/fuzz-guest.bin" "$img" "mode=none" || return 1
	"$BUILD/nestlab" run --workload null --iterations 1 --accel tcg --l2-image "$img" \
		--l2mem 16 --mem 40 --keep -q >"$tmp/neg.out" 2>&1
	dir=$(sed -n 's/^run directory kept: //p' "$tmp/neg.out")
	[ -n "$dir" ] && [ -d "$dir" ] || return 1
	cp --sparse=always "$dir/guest-ram" "$ram.0" && cp "$dir/console.log" "$tmp/neg.con"
	rm -rf "$dir"
	check() {       # check FILE [l1check options]
		"$BUILD/fuzz/l1check" --ram "$1" --elf "$BUILD/l1hyp/l1hyp.elf" \
			--console "$tmp/neg.con" "${@:2}"
	}
	info=$(check "$ram.0" --write-baseline "$base") || return 1
	iopm=$(sed -n 's/.* IOPM \([0-9a-f]*\),.*/\1/p' <<<"$info")
	ncr3=$(sed -n 's/.* NPT root \([0-9a-f]*\)$/\1/p' <<<"$info")
	[ -n "$iopm" ] && [ -n "$ncr3" ] || return 1
	patch() {       # patch FILE OFFSET HEXBYTES: a copy with those bytes
		cp --sparse=always "$ram.0" "$1"
		printf "$(sed 's/\(..\)/\\x\1/g' <<<"$3")" |
			dd of="$1" bs=1 seek=$(( $2 )) conv=notrunc status=none
	}
	patch "$ram.1" 0x100100 ff
	check "$ram.1" --baseline "$base" | grep -q '^INTEGRITY code FAIL' && ok=$((ok + 1))
	patch "$ram.2" $((0x$iopm + 0x10)) 00
	check "$ram.2" --baseline "$base" | grep -q '^INTEGRITY iopm FAIL' && ok=$((ok + 1))
	patch "$ram.3" $((0x$ncr3 + 8)) "$(od -An -v -t x1 -j $((0x$ncr3)) -N 8 "$ram.0" | tr -d ' \n')"
	check "$ram.3" --baseline "$base" | grep -q '^INTEGRITY npt FAIL' && ok=$((ok + 1))
	[ "$ok" -eq 3 ]
}
if negative; then
	pass "integrity: l1check catches a flipped L1 .text byte, IOPM byte and a stray NPT entry"
else
	fail "integrity: l1check missed a corruption planted in a copy of L1's memory"
fi
[ "$fails" -eq 0 ]
