#!/bin/bash
# Nested exits: workloads booted L0 (QEMU TCG, -icount shift=0,sleep=off)
# -> L1 (nestlab's SVM hypervisor) -> L2 (nestlab's kernel) through the
# launcher; each run's workload phase must show exactly the exits its model
# (include/nestlab/workload_model.h, via `nestlab expect`) gives, and the
# workload's own checks (hcerrors, intercepts) must all print PASS. Every
# workload that passes at level 2 runs with eager NPT and VMMCALL; the
# transport-dependent ones also over the backdoor; those that run with no
# hypercall or NPF in their phase also under lazy NPT (no stray NPF).
set -u
. "$(dirname "$0")/lib.sh"
lib_init nested
lib_require l1
N=1000

for wl in $(lib_workloads pass 2); do
	lib_case "$wl" --workload "$wl" --iterations $N
done
for wl in hypercall write hcerrors; do
	lib_case "$wl-backdoor" --workload "$wl" --iterations $N --transport backdoor
done
for wl in null cpuid pio getpid write pagefault syscall-mix; do
	lib_case "$wl-lazy" --workload "$wl" --iterations $N --npt-lazy
done
lib_check_all
lib_done
