/*
 * SYSCALL and SYSRET that raised #UD because L1 hides EFER.SCE from the
 * CPU (msr_efer_hide), carried out for L2 (syscall_insn.c): the
 * instruction at RIP is decoded; if it is SYSCALL or SYSRET it runs on
 * L2's registers through the pure emulator (syscall_emul.h) with L2's own
 * EFER, its fault (#UD with L2's SCE clear, SYSRET's #GP) is injected
 * instead, or its single-step trap follows it. For the #UD handler of any
 * mechanism that hides SCE (MBEC's intercept design; system-call
 * interposition).
 */
#ifndef L1_CORE_SYSCALL_INSN_H
#define L1_CORE_SYSCALL_INSN_H

#include "syscall_emul.h"

struct vcpu;

enum syscall_insn_outcome {
	SYSCALL_INSN_NONE,      /* not SYSCALL/SYSRET (or unreadable): nothing done */
	SYSCALL_INSN_DONE,      /* executed: L2 continues at the new RIP and CPL */
	SYSCALL_INSN_FAULT,     /* it faults (#UD, #GP(0)): *fault says which, nothing done */
};

/* At a #UD exit: SYSCALL or SYSRET at RIP? *insn gets which; on DONE the
 * vCPU holds the result; on FAULT *fault holds the exception for the
 * caller to deliver (state unchanged). */
enum syscall_insn_outcome syscall_insn_run(struct vcpu *v, enum syscall_emul_insn *insn,
					   struct syscall_emul_result *fault);

/* Carry out a SYSRETQ (REX.W: to 64-bit mode) for L2 now, from its current
 * state, with no instruction at RIP: for a handler that completes a system
 * call on L2's kernel's behalf (interposition's denial under the trap
 * variant). DONE or FAULT (*fault says which), as syscall_insn_run. */
enum syscall_insn_outcome syscall_insn_sysret(struct vcpu *v, struct syscall_emul_result *fault);

#endif
