/*
 * A software-interrupt instruction at an INTn-intercept exit
 * (NESTLAB_EXIT_SWINT), carried out for L2 (swint_insn.c): the instruction
 * at RIP is decoded (INT n CD ib, INT3 CC, INTO CE, INT1 F1; AMD APM vol.3
 * "INT n/INTO/INT3", Intel SDM vol.2 "INT n/INTO/INT3/INT1"), its IDT gate
 * is checked the way the instruction checks it, and its event is queued
 * for L2 with the return address past the instruction
 * (vendor_inject_soft_event), or the gate check's fault instead. For any
 * mechanism that intercepts INT n (MBEC's intercept design).
 *
 * Why L1 checks the gate itself: SVM has no next RIP for this exit under
 * QEMU's TCG, so the event is injected with RIP already past the
 * instruction, and a #GP/#NP of the delivery would then report that RIP,
 * not the instruction's as the architecture says (the fault's RIP is the
 * INT's). Checking first gives the exact fault at the exact RIP.
 */
#ifndef L1_CORE_SWINT_INSN_H
#define L1_CORE_SWINT_INSN_H

#include <stdint.h>
#include <stdbool.h>

struct vcpu;

enum swint_kind { SWINT_INTN, SWINT_INT3, SWINT_INTO, SWINT_INT1 };

struct swint_insn {
	enum swint_kind kind;
	unsigned vector;        /* the IDT vector it raises */
	unsigned len;           /* its length in bytes (prefixes included) */
	int fault;              /* -1, or the exception the gate check raised instead
				 * (#GP or #NP, error code vector * 8 + 2) */
	bool gate_read;         /* L1 read the gate (false: L2's IDT is not readable,
				 * and the CPU's own delivery decides) */
};

/* At a SWINT exit: decode at RIP, check the gate, queue the event (or the
 * gate's fault). 0 with *out filled, or a GUEST_INSN_E_* code (nothing
 * queued; guest_insn_fail gives the architectural answer). */
int swint_insn_run(struct vcpu *v, struct swint_insn *out);

#endif
