/*
 * The exit oracle: what an instruction L1 intercepts and emulates must do,
 * checked on the guest side right after it. Before such an instruction
 * runs in a single-stepped block (step.c), oracle_arm() records the
 * registers and places an instruction breakpoint (DR0, APM vol.2 13.1.1.5)
 * on the next instruction: whether or not L1 delivers the single-step trap
 * it owes after emulating (13.1.4: RFLAGS.TF), the guest stops there, and
 * oracle_check_db() compares the state with the model; an exception
 * instead goes to oracle_check_exc(). Classes of findings are the CHECK_*
 * bits, selectable with checks=.
 */
#ifndef FUZZ_ORACLE_H
#define FUZZ_ORACLE_H

#include <stdint.h>
#include "x86dec.h"

struct trap_frame;

enum check_class {
	CHECK_STEPLOST,  /* no #DB single-step trap after an emulated instruction */
	CHECK_RIPADV,    /* RIP after an intercepted instruction is not the next one */
	CHECK_REGS,      /* registers or flags the instruction must not change did */
	CHECK_RESULT,    /* a result the model pins down is wrong (CPUID, RDMSR, IN) */
	CHECK_FAULT,     /* faulted where the model says it completes, or the reverse */
	CHECK_VECTOR,    /* an exception no instruction of the block explains */
	CHECK_STATE,     /* guest state after the block (EFER.SVME visible) */
	CHECK_NR
};

extern const char *const check_names[CHECK_NR];

/* Instruction kinds the oracle knows (those L1 intercepts, and HLT). */
enum insn_kind {
	IK_OTHER, IK_CPUID, IK_RDMSR, IK_WRMSR, IK_IN, IK_OUT, IK_INS, IK_OUTS,
	IK_VMMCALL, IK_SVM, IK_MONITOR, IK_HLT, IK_NR
};

extern const char *const insn_kind_names[IK_NR];

enum oracle_expect { EXP_COMPLETE, EXP_FAULT, EXP_EITHER };

struct oracle {
	int armed;
	enum insn_kind kind;
	uint64_t rip, next;
	uint64_t origin;            /* where the guest stood when arming: rip, or
				     * the MOV SS / STI whose shadow rip is in */
	unsigned len, mode32, cpl;
	uint64_t gpr[16], rflags;
	unsigned port, size;        /* IN/OUT */
	uint8_t modrm;
	enum oracle_expect expect;
	unsigned fault_vec[2];
	uint16_t may_change;        /* GPRs (REX order) allowed to change */
};

enum insn_kind insn_kind(const struct x86dec_insn *in);

/* Whether the instruction exits to L1 (or is HLT): the oracle's subjects. */
static inline int insn_exits(enum insn_kind k)
{
	return k != IK_OTHER;
}

/* Arms the oracle for `in`, about to run at rip with the frame's registers
 * (and RFLAGS | rflags_set: the IF an STI in front of it sets). */
void oracle_arm(const struct trap_frame *f, const struct x86dec_insn *in,
		uint64_t rip, unsigned mode32, uint64_t rflags_set);
/* At the first #DB after arming (DR6 as read); disarms. */
void oracle_check_db(const struct trap_frame *f, uint64_t dr6);
/* At an exception ending the unit while armed; disarms. */
void oracle_check_exc(const struct trap_frame *f);
void oracle_disarm(void);

#endif
