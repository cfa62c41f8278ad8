#!/bin/bash
# The test kernel (guests/tests/testkernel/, docs/platform.md "The test
# kernel") at both levels, through the launcher (TCG, icount): at level 1
# directly on QEMU's own devices, at level 2 under nestlab's L1, which
# emulates them. Its console lines (PASS:/FAIL:/SKIP: and the SUMMARY; at
# level 2 L1 prefixes them with "L2: ") are taken from each run's kept
# console.log. Asserted: level 1 passes (launcher verdict pass, a SUMMARY
# with 0 unexpected failures that counts the lines printed); level 2 passes
# the same way; and the two levels printed identical lines (diff shown on
# failure); and at level 2 with L1's lapic=full, where the x2APIC and
# TSC-deadline groups that level 1 skips run and pass. TESTKERNEL_L2=0
# runs the level-1 half only (one SKIP line for level 2).
set -u
. "$(dirname "$0")/lib.sh"
lib_init testkernel
TK=$BUILD/guests/testkernel.elf
L2_IMAGE=$TK                      # what lib_require checks
LEVEL2=${TESTKERNEL_L2:-1}
if [ "$LEVEL2" = 1 ]; then lib_require l1; else lib_require; fi

# The kept run directory of run NAME (printed by --keep).
rundir() { sed -n 's/^run directory kept: //p' "$OUT/$1.log" | tail -1; }

# lines NAME: the kernel's own lines of run NAME in $OUT/NAME.lines.
lines() {
	local con
	con="$(rundir "$1")/console.log"
	[ -f "$con" ] || { : >"$OUT/$1.lines"; return 1; }
	sed 's/\r$//; s/^L2: //' "$con" | grep -E '^(PASS|FAIL|SKIP|SUMMARY): ' >"$OUT/$1.lines"
}

# check_level NAME LEVEL: the run passed and its lines add up.
check_level() {
	local name=$1 what="level $2" st rc sum n_pass n_fail n_skip tests fails skips
	rc=$(cat "$OUT/$name.rc" 2>/dev/null || echo none)
	st=$(jq -r '.status // "none"' "$OUT/$name.json" 2>/dev/null || echo no_json)
	if ! lines "$name"; then
		fail "$what: no console (nestlab exit $rc, status $st)"; show "$OUT/$name.log"; return 1
	fi
	sum=$(grep '^SUMMARY: ' "$OUT/$name.lines" | tail -1)
	n_pass=$(grep -c '^PASS: ' "$OUT/$name.lines")
	n_fail=$(grep -c '^FAIL: ' "$OUT/$name.lines")
	n_skip=$(grep -c '^SKIP: ' "$OUT/$name.lines")
	read -r tests fails skips < <(sed -n \
		's/^SUMMARY: \([0-9]*\) tests, \([0-9]*\) unexpected failures, \([0-9]*\) skipped$/\1 \2 \3/p' \
		<<<"$sum")
	if [ -z "$sum" ] || [ -z "${tests:-}" ]; then
		fail "$what: no SUMMARY line (nestlab exit $rc, status $st)"
		sed 's/^/    | /' "$OUT/$name.lines" | tail -15; return 1
	fi
	if [ "$tests" != $((n_pass + n_fail)) ] || [ "$fails" != "$n_fail" ] ||
	   [ "$skips" != "$n_skip" ]; then
		fail "$what: '$sum' but $n_pass PASS, $n_fail FAIL, $n_skip SKIP lines"; return 1
	fi
	if [ "$rc" != 0 ] || [ "$st" != pass ] || [ "$fails" != 0 ]; then
		fail "$what: status $st, nestlab exit $rc, $sum"
		grep '^FAIL: ' "$OUT/$name.lines" | sed 's/^/    | /'
		[ "$n_fail" = 0 ] && show "$OUT/$name.log"
		return 1
	fi
	pass "$what: $sum"
}

export TMPDIR=$OUT                # the kept run directories go with $OUT
lib_spawn l1 --level 1 --workload null --l2-image "$TK" --keep
if [ "$LEVEL2" = 1 ]; then
	lib_spawn l2 --level 2 --workload null --l2-image "$TK" --keep
	lib_spawn l2full --level 2 --workload null --l2-image "$TK" --keep --l1-option lapic=full
fi
wait

check_level l1 1
if [ "$LEVEL2" != 1 ]; then
	skip "level 2 (TESTKERNEL_L2=0)"
elif check_level l2 2 || [ -s "$OUT/l2.lines" ]; then
	if diff -u --label level1 --label level2 "$OUT/l1.lines" "$OUT/l2.lines" >"$OUT/diff"; then
		pass "levels 1 and 2 print identical lines ($(wc -l <"$OUT/l1.lines") lines)"
	else
		fail "levels 1 and 2 differ ($(grep -c '^[-+][^-+]' "$OUT/diff") lines)"
		sed 's/^/    /' "$OUT/diff"
	fi
fi
# L1's lapic=full offers x2APIC and TSC-deadline, which QEMU 7.2's TCG does
# not: the groups level 1 skips run, pass, and skip nothing; every line of
# level 1 that is not a SKIP is printed the same.
if [ "$LEVEL2" = 1 ] && check_level l2full "2 (lapic=full)"; then
	n_skip=$(grep -c '^SKIP: ' "$OUT/l2full.lines")
	n_x2=$(grep -Ec '^PASS: (x2apic|tsc-deadline): ' "$OUT/l2full.lines")
	if [ "$n_skip" != 0 ] || [ "$n_x2" = 0 ]; then
		fail "level 2 (lapic=full): $n_skip SKIP lines, $n_x2 x2apic/tsc-deadline checks"
	elif ! diff <(grep -Ev '^(SKIP|SUMMARY): ' "$OUT/l1.lines") \
		    <(grep -Ev '^(SKIP|SUMMARY): |^PASS: (x2apic|tsc-deadline): ' \
			  "$OUT/l2full.lines") >"$OUT/diff.full"; then
		fail "level 2 (lapic=full): the other groups differ from level 1"
		sed 's/^/    /' "$OUT/diff.full"
	else
		pass "level 2 (lapic=full): $n_x2 x2APIC and TSC-deadline checks pass, the rest as at level 1"
	fi
fi
lib_done
