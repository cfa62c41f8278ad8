/*
 * Software-interrupt instructions at an INTn-intercept exit (swint_insn.h).
 *
 * The gate check follows the instruction's pseudo-code (Intel SDM vol.2
 * "INT n/INTO/INT3/INT1", AMD APM vol.3 "INT n"): in protected mode
 * (CR0.PE = 1, not virtual-8086) the vector's descriptor must lie inside
 * the IDT's limit (8-byte entries; 16 in long mode, APM vol.2 8.9.1) and
 * be a gate of a type the mode allows (long mode: 64-bit interrupt or
 * trap gate, types 0xE/0xF; legacy: task 5, 16-bit 6/7, 32-bit 0xE/0xF),
 * else #GP(vector * 8 + 2); for INT n, INT3 and INTO (not INT1) the gate's
 * DPL must be >= CPL, else #GP(vector * 8 + 2); the gate must be present,
 * else #NP(vector * 8 + 2). The error code is the IDT form of a selector
 * error code (bit 1 IDT, EXT 0: the instruction raised it). The gate is
 * read once, as an implicit supervisor access through L2's page tables;
 * if it cannot be read, L1 queues the event anyway and the CPU's delivery
 * raises what it raises. Real mode and virtual-8086 mode are left to the
 * CPU the same way (the IVT has no DPL; VM86 INT n depends on IOPL/VME).
 */
#include "swint_insn.h"
#include "vcpu.h"
#include "guest_insn.h"
#include "guest_mem.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"

#define GATE_P        (1u << 7)
#define GATE_DPL(a)   (((a) >> 5) & 3u)
#define GATE_TYPE(a)  ((a) & 0xFu)

/* The instruction and what it raises; false if it is none of the four. */
static bool decode(const struct x86dec_insn *d, struct swint_insn *s)
{
	if (d->encoding != X86DEC_ENC_LEGACY || d->map != 0)
		return false;
	switch (d->opcode) {
	case 0xCD: s->kind = SWINT_INTN; s->vector = (unsigned)(d->imm & 0xFF); break;
	case 0xCC: s->kind = SWINT_INT3; s->vector = X86_EXC_BP; break;
	case 0xCE: s->kind = SWINT_INTO; s->vector = X86_EXC_OF; break;
	case 0xF1: s->kind = SWINT_INT1; s->vector = X86_EXC_DB; break;
	default:   return false;
	}
	s->len = d->length;
	return true;
}

static bool type_ok(unsigned type, bool long_mode)
{
	if (long_mode)
		return type == 0xE || type == 0xF;
	return type == 0x5 || type == 0x6 || type == 0x7 || type == 0xE || type == 0xF;
}

/* The gate check: -1 (passes, or L1 cannot read the gate: *read false),
 * or the vector of the fault the instruction raises instead. */
static int gate_check(struct vcpu *v, const struct swint_insn *s, bool *read)
{
	struct vcpu_segment idtr;
	struct guest_paging pg;
	bool lm = (vendor_efer(v) & EFER_LMA) != 0;
	unsigned size = lm ? 16 : 8, attr;
	uint8_t gate[16];

	*read = false;
	if (!(vendor_read_cr(v, 0) & CR0_PE) || (v->regs.rflags & RFLAGS_VM))
		return -1;
	vendor_segment(v, VCPU_SEG_IDTR, &idtr);
	if ((uint64_t)s->vector * size + size - 1 > idtr.limit)
		return X86_EXC_GP;
	vendor_paging(v, &pg);
	if (guest_copy_from_virt(&v->gm, &pg, idtr.base + (uint64_t)s->vector * size, gate,
				 size, GUEST_ACC_IMPLICIT, 0))
		return -1;
	*read = true;
	attr = gate[5];                 /* P, DPL, 0, type (APM vol.2 4.8.4) */
	if (!type_ok(GATE_TYPE(attr), lm))
		return X86_EXC_GP;
	if (s->kind != SWINT_INT1 && GATE_DPL(attr) < v->exit.cpl)
		return X86_EXC_GP;
	if (!(attr & GATE_P))
		return X86_EXC_NP;
	return -1;
}

int swint_insn_run(struct vcpu *v, struct swint_insn *out)
{
	const struct x86dec_insn *d;
	int rc = guest_decode_at_rip(v, &d);

	if (rc)
		return rc;
	*out = (struct swint_insn){ .fault = -1 };
	if (!decode(d, out))
		return GUEST_INSN_E_MISMATCH;
	out->fault = gate_check(v, out, &out->gate_read);
	if (out->fault >= 0)
		/* A fault: RIP stays at the instruction (SDM vol.3 6.5). */
		vendor_inject_exception(v, (unsigned)out->fault, true, out->vector * 8 + 2, 0);
	else
		vendor_inject_soft_event(v, out->vector, out->len, out->kind == SWINT_INTN);
	return 0;
}
