#!/bin/bash
# L1's own failures, straight from QEMU (the launcher always passes L1 a good
# configuration): a CPU without SVM, SVM without nested paging, a bad L1
# command line. The QEMU exit code carries L1's status, (status << 1) | 1
# (status.h); the console names the reason; the results stream still ends.
set -u
. "$(dirname "$0")/lib.sh"
lib_init l1-direct
lib_require l1

# l1_direct NAME CPU L1-APPEND STATUS REGEX
l1_direct() {
	local name=$1 cpu=$2 append=$3 want
	want=$(lib_qemu_exit "$4")
	lib_boot "$name" "$append" "$cpu" "$L2_IMAGE workload=null iterations=1"
	if [ "$rc" = "$want" ] && grep -Eq "$5" "$OUT/$name.con" &&
	   grep -q '^end$' "$OUT/$name.res"; then
		pass "$name: QEMU exit $rc, $(grep -Eo "$5" "$OUT/$name.con" | head -1)"
	else
		fail "$name: QEMU exit $rc (want $want, $4, message /$5/)"; show "$OUT/$name.con"
	fi
}

l1_direct no-svm         qemu64,-svm      npt=eager     NO_SVM 'no SVM .*-cpu qemu64,\+svm,\+npt'
l1_direct no-npt         qemu64,+svm      npt=eager     NO_SVM 'without nested paging'
l1_direct bad-l1-cmdline qemu64,+svm,+npt npt=sometimes BAD_CONFIG \
	'bad L1 command line: npt must be eager or lazy'
lib_done
