/* Operands of emulated instructions (guest_operand.h). */
#include "guest_operand.h"
#include "vcpu.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include <nestlab/status.h>

static uint64_t segment_base(const struct vcpu *v, const struct x86dec_insn *insn,
			     const struct x86dec_operand *op)
{
	struct vcpu_segment s;
	enum vcpu_seg seg;

	switch (insn->pfx_seg) {
	case 0x26: seg = VCPU_SEG_ES; break;
	case 0x2E: seg = VCPU_SEG_CS; break;
	case 0x36: seg = VCPU_SEG_SS; break;
	case 0x3E: seg = VCPU_SEG_DS; break;
	case 0x64: seg = VCPU_SEG_FS; break;
	case 0x65: seg = VCPU_SEG_GS; break;
	default:
		seg = (op->mem.base == X86_RSP || op->mem.base == X86_RBP) ?
		      VCPU_SEG_SS : VCPU_SEG_DS;
	}
	if (v->exit.long_mode && seg != VCPU_SEG_FS && seg != VCPU_SEG_GS)
		return 0;
	vendor_segment(v, seg, &s);
	return s.base;
}

int guest_read_rm(struct vcpu *v, const struct x86dec_insn *insn, unsigned size,
		  uint64_t *val, struct guest_fault *f)
{
	struct x86dec_operand op;
	struct guest_paging pg;
	uint64_t linear = 0, mask = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	unsigned acc = v->exit.cpl == 3 ? GUEST_ACC_USER : 0;

	*f = (struct guest_fault){ .vector = GUEST_FAULT_NONE };
	x86dec_rm_operand(insn, size, &op);
	if (op.kind == X86DEC_OP_REG) {
		if (op.reg >= X86DEC_REG_AH && op.reg < X86DEC_REG_AH + 4)
			*val = v->regs.gpr[op.reg - X86DEC_REG_AH] >> 8 & 0xFF;
		else
			*val = v->regs.gpr[op.reg & 15] & mask;
		return 0;
	}
	linear = segment_base(v, insn, &op) +
		 x86emu_effective_address(insn, &op, &v->regs);
	if (!v->exit.long_mode)
		linear = (uint32_t)linear;
	*val = 0;
	vendor_paging(v, &pg);
	return guest_copy_from_virt_ex(&v->gm, &pg, linear, val, size, acc, 0, f);
}

unsigned guest_operand_fault(struct vcpu *v, int rc, const struct guest_fault *f,
			     const char *what)
{
	if (f->vector == X86_EXC_PF) {
		vendor_inject_exception(v, X86_EXC_PF, true, f->pf_error, f->addr);
		return 0;
	}
	if (f->vector == X86_EXC_GP) {
		vendor_inject_exception(v, X86_EXC_GP, true, 0, 0);
		return 0;
	}
	return vcpu_stop(v, rc == GUEST_MEM_E_OUTSIDE ? NESTLAB_STATUS_L2_BAD_ACCESS :
			 NESTLAB_STATUS_L1_ERROR, true,
			 "%s at L2 RIP %lx: operand at %lx: %s", what, v->regs.rip,
			 f->addr, guest_mem_strerror(rc));
}
