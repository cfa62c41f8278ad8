/* The MMIO access of an instruction (mmio_insn.h). */
#include "mmio_insn.h"

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t reg_value(const struct x86emu_regs *r, uint8_t reg, unsigned size)
{
	if (reg >= X86DEC_REG_AH && reg < X86DEC_REG_AH + 4)
		return (r->gpr[reg - X86DEC_REG_AH] >> 8) & 0xFF;
	return r->gpr[reg & 15] & size_mask(size);
}

static bool good_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

int mmio_insn_access(const struct x86dec_insn *insn, const struct x86emu_regs *regs,
		     struct mmio_access *a)
{
	const struct x86dec_operand *dst = &insn->op[0], *src = &insn->op[1];

	if (insn->status != X86DEC_OK || insn->pfx_lock || insn->pfx_rep)
		return -1;
	*a = (struct mmio_access){ 0 };
	/* MOV AL/eAX <-> moffs (A0-A3: an absolute address, no ModRM) */
	if (insn->encoding == X86DEC_ENC_LEGACY && insn->map == 0 &&
	    insn->opcode >= 0xA0 && insn->opcode <= 0xA3) {
		a->size = (insn->opcode & 1) ? insn->opsize : 1;
		a->write = insn->opcode >= 0xA2;
		a->reg = X86_RAX;
		a->reg_size = a->size;
		if (a->write)
			a->value = reg_value(regs, X86_RAX, a->size);
		return 0;
	}
	if (insn->operand_count != 2)
		return -1;
	if (insn->mnemonic == X86DEC_MN_MOV && dst->kind == X86DEC_OP_MEM) {
		if (src->kind == X86DEC_OP_REG)
			a->value = reg_value(regs, src->reg, dst->size);
		else if (src->kind == X86DEC_OP_IMM)
			a->value = (uint64_t)src->imm & size_mask(dst->size);
		else
			return -1;
		a->write = true;
		a->size = dst->size;
		return good_size(a->size) ? 0 : -1;
	}
	if ((insn->mnemonic == X86DEC_MN_MOV || insn->mnemonic == X86DEC_MN_MOVZX) &&
	    dst->kind == X86DEC_OP_REG && src->kind == X86DEC_OP_MEM) {
		a->size = src->size;
		a->reg = dst->reg;
		a->reg_size = dst->size;
		if (insn->mnemonic == X86DEC_MN_MOV && a->size != a->reg_size)
			return -1;
		return good_size(a->size) && good_size(a->reg_size) ? 0 : -1;
	}
	return -1;
}

void mmio_insn_complete_read(const struct mmio_access *a, struct x86emu_regs *regs,
			     uint64_t value)
{
	uint64_t m = size_mask(a->reg_size), *g;

	value &= size_mask(a->size);           /* MOVZX: the rest is zero */
	if (a->reg >= X86DEC_REG_AH && a->reg < X86DEC_REG_AH + 4) {
		g = &regs->gpr[a->reg - X86DEC_REG_AH];
		*g = (*g & ~0xFF00ull) | ((value & 0xFF) << 8);
		return;
	}
	g = &regs->gpr[a->reg & 15];
	if (a->reg_size >= 4)
		*g = value & m;                 /* 32-bit results zero-extend */
	else
		*g = (*g & ~m) | (value & m);
}
