/*
 * Operands of an intercepted instruction that L1 emulates: the ModRM r/m
 * operand read from a register or from L2 memory, and written back.
 * Memory operands are at segment base + effective address (lib/x86dec),
 * read and written with the rights of an access at L2's CPL; in 64-bit
 * mode only FS and GS have a base (APM vol.2 4.5.3), in 32-bit mode the
 * base of DS, or SS for RSP/RBP-based addresses, or of the override
 * prefix. Segment limits are not checked (L2's segments are flat).
 */
#ifndef L1_GUEST_OPERAND_H
#define L1_GUEST_OPERAND_H

#include <stdint.h>
#include "../../lib/x86dec/x86dec.h"
#include "guest_mem.h"

struct vcpu;

/* Read the r/m operand of insn, size bytes (1, 2, 4, 8), zero-extended into
 * *val. 0, or GUEST_MEM_E_* with *f describing the fault. */
int guest_read_rm(struct vcpu *v, const struct x86dec_insn *insn, unsigned size,
		  uint64_t *val, struct guest_fault *f);

/* The architectural answer to a failed operand access: #PF or #GP as the
 * CPU raises them, or a stop for accesses outside L2 RAM. Handler flags. */
unsigned guest_operand_fault(struct vcpu *v, int rc, const struct guest_fault *f,
			     const char *what);

#endif
