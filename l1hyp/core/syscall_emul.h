/*
 * SYSCALL and SYSRET, emulated as the AMD APM vol.3 ("SYSCALL", "SYSRET",
 * chapter 4 instruction reference) writes them out in pseudo-code, for an
 * L1 that makes them fault on purpose: with the guest's EFER.SCE hidden
 * (the control block's SCE = 0, the guest's own SCE kept by L1) both raise
 * #UD (APM vol.3 SYSCALL/SYSRET: "#UD if EFER.SCE = 0"), L1 intercepts the
 * #UD and calls syscall_emul with the guest's own SCE. Users: MBEC's
 * intercept design (mech/mbec_intercept.c); system-call interposition.
 *
 * Pure and freestanding: a function of struct syscall_emul_cpu alone (no
 * vCPU, no vendor), host-tested (tests/unit/test_syscall_emul.c).
 * Segment attributes use struct vcpu_segment's packed form (type[3:0] S
 * DPL[1:0] P AVL L D/B G, APM vol.2 4.7-4.8).
 */
#ifndef L1_CORE_SYSCALL_EMUL_H
#define L1_CORE_SYSCALL_EMUL_H

#include <stdint.h>
#include <stdbool.h>
#include "../arch/vcpu_vendor.h"

enum syscall_emul_insn {
	SYSCALL_EMUL_SYSCALL,   /* 0F 05 */
	SYSCALL_EMUL_SYSRET,    /* 0F 07 (REX.W: to 64-bit mode) */
};

/* What the two instructions read and write. efer holds the guest's own
 * SCE; cr4 is read for LA57 only (the canonical width). */
struct syscall_emul_cpu {
	uint64_t rip, rflags, rcx, r11;
	struct vcpu_segment cs, ss;
	unsigned cpl;
	uint64_t cr0, cr4, efer;
	uint64_t star, lstar, cstar, sfmask;
};

/* The packed attributes SYSCALL and SYSRET load (APM vol.3 pseudo-code:
 * "64-bit code, dpl0", ...): code = type 0xB (execute/read, accessed),
 * stack = type 3 (read/write, accessed); S, P, G set; L or D/B as the
 * mode says. */
#define SYSCALL_EMUL_CS64_DPL0 0xA9Bu
#define SYSCALL_EMUL_CS32_DPL0 0xC9Bu
#define SYSCALL_EMUL_SS_DPL0   0xC93u
#define SYSCALL_EMUL_CS64_DPL3 0xAFBu
#define SYSCALL_EMUL_CS32_DPL3 0xCFBu

struct syscall_emul_result {
	int vector;             /* -1: done; else the exception (state untouched) */
	bool has_error;
	uint32_t error;
	/* RFLAGS.TF was set before the instruction: the single-step #DB trap
	 * follows it (APM vol.2 13.1.1.3: a trap after the instruction that
	 * began with TF = 1, whatever the instruction left in TF). */
	bool single_step;
};

/* Execute insn of len bytes at c->rip on c: on success every register the
 * APM's pseudo-code writes is updated, result.vector = -1. rex_w: the
 * instruction's REX.W (SYSRET's operand size 64). */
struct syscall_emul_result syscall_emul(struct syscall_emul_cpu *c, enum syscall_emul_insn insn,
					unsigned len, bool rex_w);

#endif
