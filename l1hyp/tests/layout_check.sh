#!/bin/bash
# Structural checks of L1's layout (docs/l1-design.md), each a PASS/FAIL line:
#  - the vendor split: no file under l1hyp/core, l1hyp/mm or l1hyp/mech
#    includes the VMCB or SVM headers or names an SVM_* constant or struct
#    vmcb; no .c file in l1hyp picks a vendor with #if/#ifdef;
#  - one exit-code map: SVM exit codes are turned into reasons only in
#    arch/x86/svm_exit.c;
#  - one MSR policy: the SVM MSR permission map is written only by the
#    vendor's vendor_set_msr_intercept, which only msr_table.c calls;
#  - one decoder: L1 links lib/x86dec and the old narrow decoder is gone.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
fails=0
pass() { echo "PASS: layout: $*"; }
fail() { echo "FAIL: layout: $*"; fails=$((fails + 1)); }

generic="l1hyp/core l1hyp/mm l1hyp/mech"
hits=$(grep -rnE '#include *"[^"]*(vmcb|svm)\.h"|\bSVM_[A-Z0-9_]+|struct vmcb\b' $generic)
if [ -z "$hits" ]; then
	pass "no VMCB header, SVM_* constant or struct vmcb in core/, mm/, mech/"
else
	fail "vendor names in generic code:"; echo "$hits" | sed 's/^/    /'
fi

hits=$(grep -rnE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif).*\b(SVM|VMX|AMD|INTEL|VENDOR)' \
	--include='*.c' l1hyp)
if [ -z "$hits" ]; then
	pass "no vendor #if in l1hyp/*.c: the vendor is chosen by the build's file list"
else
	fail "vendor #if in .c files:"; echo "$hits" | sed 's/^/    /'
fi

hits=$(grep -rlE '\bSVM_EXIT_[A-Z]' l1hyp --include='*.c' | grep -v '^l1hyp/arch/x86/svm_exit.c$')
if [ -z "$hits" ]; then
	pass "exit codes are mapped to reasons in one place (arch/x86/svm_exit.c)"
else
	fail "SVM exit codes used outside svm_exit.c: $hits"
fi

hits=$(grep -rlE '\bsvm_msrpm_set\b' l1hyp --include='*.c' | grep -vE '^l1hyp/arch/x86/svm_(state|msrpm)\.c$')
callers=$(grep -rlE '\bvendor_set_msr_intercept\b' l1hyp --include='*.c' | grep -vE '^l1hyp/arch/')
if [ -z "$hits" ] && [ "$callers" = "l1hyp/core/msr_table.c" ]; then
	pass "the MSR permission map is generated from the MSR table only"
else
	fail "MSR intercepts set outside the table: ${hits:-} ${callers:-}"
fi

if [ ! -f "$BUILD/l1hyp/l1hyp.elf" ]; then
	echo "SKIP: layout: $BUILD/l1hyp/l1hyp.elf not built"
elif nm "$BUILD/l1hyp/l1hyp.elf" | grep -q ' x86dec_decode_buf$' &&
     ! nm "$BUILD/l1hyp/l1hyp.elf" | grep -q 'insn_len_match' &&
     [ ! -e l1hyp/core/insn_len.c ]; then
	pass "L1 decodes with lib/x86dec (x86dec_decode_buf linked, no second decoder)"
else
	fail "L1 does not link lib/x86dec, or a second decoder is back"
fi

[ "$fails" -eq 0 ]
