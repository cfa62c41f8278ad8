/*
 * LTR, emulated (L1 intercepts TR writes): QEMU's TCG, the L0 below, aborts
 * on some loads a CPU answers with an exception (a null selector), so L1
 * makes every check itself, in the order of APM vol.3 "LTR" and vol.2
 * 4.8.3 / 12.2.5 (the 16-byte TSS descriptor of long mode):
 *   CR0.PE = 0                              #UD
 *   CPL != 0                                #GP(0)
 *   null selector                           #GP(0)
 *   TI = 1, beyond the GDT limit,
 *   not an available TSS (type 1 or 9; long mode: 9 only),
 *   long mode: upper type bits not zero or a non-canonical base
 *                                           #GP(selector)
 *   not present                             #NP(selector)
 * then the descriptor is marked busy in the GDT (an implicit supervisor
 * write, A/D as the CPU sets them) and TR is loaded with it. Descriptor
 * reads and the busy write that fault raise the #PF the CPU would.
 * TR's hidden type is loaded as the descriptor read it, "available", the
 * way QEMU's own LTR loads it: QEMU's I/O permission check refuses a TR
 * whose cached type is busy (target/i386 check_io), while a CPU looks only
 * at TR's base and limit there, and VMRUN checks no TR type (APM 15.5.1).
 */
#include "vcpu.h"
#include "exit_core.h"
#include "guest_insn.h"
#include "guest_operand.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include "../../lib/freestanding/x86_regs.h"

#define DESC_TYPE_TSS16_AVAIL 0x1
#define DESC_TYPE_TSS_AVAIL   0x9
#define DESC_TYPE_BUSY        0x2   /* the busy bit of a TSS type */
#define DESC_S                (1ull << 44)
#define DESC_P                (1ull << 47)
#define DESC_G                (1ull << 55)

static unsigned fault(struct vcpu *v, unsigned vector, uint16_t error)
{
	vendor_inject_exception(v, vector, vector != X86_EXC_UD, error, 0);
	return 0;
}

unsigned exit_tr_write(struct vcpu *v)
{
	const struct x86dec_insn *insn;
	struct vcpu_segment gdtr, tr;
	struct guest_paging pg;
	struct guest_fault f;
	uint64_t sel64, desc[2] = { 0, 0 }, addr;
	uint16_t sel;
	unsigned type, size;
	bool lm = vendor_efer(v) & EFER_LMA;
	int rc = guest_decode_at_rip(v, &insn);

	if (rc)
		return guest_insn_fail(v, rc, "LTR");
	if (!(insn->encoding == X86DEC_ENC_LEGACY && insn->map == 1 &&
	      insn->opcode == 0x00 && ((insn->modrm >> 3) & 7) == 3))
		return guest_insn_fail(v, GUEST_INSN_E_MISMATCH, "LTR");
	if (!(vendor_read_cr(v, 0) & CR0_PE) || (v->regs.rflags & (1ull << 17)))
		return fault(v, X86_EXC_UD, 0);         /* real or virtual-8086 mode */
	if (v->exit.cpl != 0)
		return fault(v, X86_EXC_GP, 0);
	rc = guest_read_rm(v, insn, 2, &sel64, &f);
	if (rc)
		return guest_operand_fault(v, rc, &f, "LTR");
	sel = (uint16_t)sel64;
	if ((sel & 0xFFFC) == 0)
		return fault(v, X86_EXC_GP, 0);
	if (sel & 4)
		return fault(v, X86_EXC_GP, sel & 0xFFFC);
	size = lm ? 16 : 8;
	vendor_segment(v, VCPU_SEG_GDTR, &gdtr);
	if ((uint32_t)(sel & 0xFFF8) + size - 1 > gdtr.limit)
		return fault(v, X86_EXC_GP, sel & 0xFFFC);
	addr = gdtr.base + (sel & 0xFFF8);
	if (!lm)
		addr = (uint32_t)addr;
	vendor_paging(v, &pg);
	rc = guest_copy_from_virt_ex(&v->gm, &pg, addr, desc, size, GUEST_ACC_IMPLICIT,
				     0, &f);
	if (rc)
		return guest_operand_fault(v, rc, &f, "LTR descriptor read");
	type = (desc[0] >> 40) & 0xF;
	if ((desc[0] & DESC_S) ||
	    !(type == DESC_TYPE_TSS_AVAIL || (!lm && type == DESC_TYPE_TSS16_AVAIL)))
		return fault(v, X86_EXC_GP, sel & 0xFFFC);
	if (!(desc[0] & DESC_P))
		return fault(v, X86_EXC_NP, sel & 0xFFFC);
	tr = (struct vcpu_segment){
		.selector = sel,
		.attr = (uint16_t)(((desc[0] >> 40) & 0xFF) | ((desc[0] >> 44) & 0xF00)),
		.base = ((desc[0] >> 16) & 0xFFFFFF) | ((desc[0] >> 32) & 0xFF000000),
		.limit = (uint32_t)((desc[0] & 0xFFFF) | ((desc[0] >> 32) & 0xF0000)),
	};
	if (lm) {
		/* The upper half: base 63:32, then a zero type field. */
		tr.base |= desc[1] << 32;
		if ((desc[1] >> 40) & 0x1F ||
		    (uint64_t)((int64_t)(tr.base << 16) >> 16) != tr.base)
			return fault(v, X86_EXC_GP, sel & 0xFFFC);
	}
	if (desc[0] & DESC_G)
		tr.limit = (tr.limit << 12) | 0xFFF;
	/* Mark it busy: byte 5 of the descriptor holds P, DPL, S and type. */
	{
		uint8_t access = (uint8_t)(desc[0] >> 40) | DESC_TYPE_BUSY;

		rc = guest_copy_to_virt_ex(&v->gm, &pg, addr + 5, &access, 1,
					   GUEST_ACC_WRITE | GUEST_ACC_IMPLICIT, 0, &f);
		if (rc)
			return guest_operand_fault(v, rc, &f, "LTR busy bit");
	}
	vendor_set_segment(v, VCPU_SEG_TR, &tr);
	vcpu_advance_rip(v, insn->length);
	return 0;
}
