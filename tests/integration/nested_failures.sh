#!/bin/bash
# Nested failure statuses: every workload whose model says it does not pass
# at level 2 (the negative tests) booted L0 -> L1 -> L2 through the launcher
# must end with the model's status and QEMU exit code (`nestlab expect`),
# the launcher must exit 1, and its output must carry the diagnosis below.
set -u
. "$(dirname "$0")/lib.sh"
lib_init nested-failures
lib_require l1

# What the launcher or L1 says about each failure.
declare -A diagnosis=(
	[triplefault]='triple fault'
	[badaccess]='outside its RAM'
	[batch-fault]='nestlab-l2: exception #PF'
)

for wl in $(lib_workloads fail 2); do
	if [ -z "${diagnosis[$wl]:-}" ]; then
		fail "$wl: no diagnosis pattern in $0"; continue
	fi
	LIB_DIAG[$wl]=${diagnosis[$wl]}
	lib_case "$wl" --workload "$wl" --iterations 1
done
lib_check_all
lib_done
