#!/bin/bash
# Nested exits: workloads booted L0 (QEMU TCG, -icount shift=0,sleep=off)
# -> L1 (nestlab's SVM hypervisor) -> L2 (nestlab's kernel) through the
# launcher; each run's workload phase must show exactly the exits its model
# (include/nestlab/workload_model.h, via `nestlab expect`) gives, and the
# workload's own checks (hcerrors, intercepts) must all print PASS. Every
# workload that passes at level 2 runs with eager NPT and VMMCALL; the
# transport-dependent ones also over the backdoor; those that run with no
# hypercall or NPF in their phase also under lazy NPT (no stray NPF); multi
# with every program, over both transports and under lazy NPT (its context
# switches and per-process pages must not exit); the timer workload also
# under lazy NPT and at 100 kHz (one intr and one npf exit per tick).
set -u
. "$(dirname "$0")/lib.sh"
lib_init nested
lib_require l1
N=1000
ALL=null,cpuid,hypercall,pio,getpid,write,cpuid,getpid

for wl in $(lib_workloads pass 2); do
	lib_case "$wl" --workload "$wl" --iterations $N
done
for wl in hypercall write hcerrors; do
	lib_case "$wl-backdoor" --workload "$wl" --iterations $N --transport backdoor
done
for wl in null cpuid pio getpid write pagefault syscall-mix; do
	lib_case "$wl-lazy" --workload "$wl" --iterations $N --npt-lazy
done
lib_case multi-all --workload multi --iterations $N --procs $ALL
lib_case multi-all-backdoor --workload multi --iterations $N --procs $ALL --transport backdoor
lib_case multi-all-lazy --workload multi --iterations $N --procs $ALL --npt-lazy
lib_case timer-lazy --workload timer --iterations $N --npt-lazy
lib_case timer-100000hz --workload timer --iterations $N --timer-hz 100000
lib_check_all
lib_done
