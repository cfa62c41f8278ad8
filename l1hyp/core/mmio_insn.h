/*
 * Which access an instruction that touched MMIO makes, from its decoded
 * form (lib/x86dec): the MOV forms device drivers use for MMIO registers
 * (SDM vol.2 "MOV", "MOVZX"; APM vol.3 the same), in 64-bit and 32-bit
 * mode:
 *   MOV m, r / MOV m, imm      a store of the operand size (also the
 *                              moffs forms A2/A3 from AL/eAX);
 *   MOV r, m                   a load into r (8/16-bit loads merge, 32-bit
 *                              ones zero-extend into the 64-bit register,
 *                              SDM vol.1 3.4.1.1);
 *                              (also A0/A1 into AL/eAX);
 *   MOVZX r, m8 / m16          a load, zero-extended to r's size.
 * Anything else (an ALU operation on MMIO, string instructions, LOCKed
 * accesses) is refused: the caller reports it. Pure: host-tested.
 */
#ifndef L1_MMIO_INSN_H
#define L1_MMIO_INSN_H

#include <stdint.h>
#include <stdbool.h>
#include "../../lib/x86dec/x86dec.h"

struct mmio_access {
	bool write;
	unsigned size;          /* bytes moved on the bus: 1, 2, 4, 8 */
	uint64_t value;         /* write: what is stored */
	uint8_t reg;            /* read: destination register (x86dec numbering) */
	unsigned reg_size;      /* read: destination size in bytes */
};

/* 0 and *a filled, or -1 when insn is not one of the forms above. regs
 * gives the source register's value for a store. */
int mmio_insn_access(const struct x86dec_insn *insn, const struct x86emu_regs *regs,
		     struct mmio_access *a);

/* A completed read: value (the size bytes read) into the destination
 * register as the instruction writes it. */
void mmio_insn_complete_read(const struct mmio_access *a, struct x86emu_regs *regs,
			     uint64_t value);

#endif
