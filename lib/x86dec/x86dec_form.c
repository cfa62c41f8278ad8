/*
 * Structured form of the documented subset (docs/x86dec.md "Structured
 * subset"): MOV/MOVZX/MOVSX/MOVSXD/LEA, the ALU group, TEST, INC/DEC, NEG/NOT,
 * rotates and shifts by immediate or 1, XCHG, NOP, PUSH/POP, SYSCALL and the
 * near branches Jcc/JMP/CALL/RET. Opcode assignments: Intel SDM vol. 2 tables
 * and A-6 (groups); ModRM/SIB operand forms: SDM 2.1.5, with the
 * 16-bit forms of table 2-1 outside 64-bit mode. Everything else valid keeps
 * X86DEC_MN_OTHER with only the raw fields filled.
 */
#include "x86dec_internal.h"

static const uint8_t alu_mn[8] = {
	X86DEC_MN_ADD, X86DEC_MN_OR, X86DEC_MN_ADC, X86DEC_MN_SBB,
	X86DEC_MN_AND, X86DEC_MN_SUB, X86DEC_MN_XOR, X86DEC_MN_CMP,
};
static const uint8_t shift_mn[8] = {
	X86DEC_MN_ROL, X86DEC_MN_ROR, X86DEC_MN_RCL, X86DEC_MN_RCR,
	X86DEC_MN_SHL, X86DEC_MN_SHR, X86DEC_MN_SHL, X86DEC_MN_SAR,
};

static int64_t sext_n(uint64_t v, unsigned n)
{
	if (n >= 8)
		return (int64_t)v;
	unsigned sh = 64 - 8 * n;
	return (int64_t)(v << sh) >> sh;
}

/* register operand number for width size: REX-less byte regs 4-7 are AH..BH */
static uint8_t gpr(const struct x86dec_insn *in, unsigned num, unsigned size)
{
	if (size == 1 && !in->rex && num >= 4 && num < 8)
		return (uint8_t)(X86DEC_REG_AH + num - 4);
	return (uint8_t)num;
}

static void op_reg(struct x86dec_insn *in, unsigned i, unsigned num, unsigned size)
{
	struct x86dec_operand *o = &in->op[i];
	o->kind = X86DEC_OP_REG;
	o->size = (uint8_t)size;
	o->reg = gpr(in, num, size);
}

static void op_imm(struct x86dec_insn *in, unsigned i, int64_t v, unsigned size)
{
	struct x86dec_operand *o = &in->op[i];
	o->kind = X86DEC_OP_IMM;
	o->size = (uint8_t)size;
	o->imm = v;
}

static void op_modrm_reg(struct x86dec_insn *in, unsigned i, unsigned size)
{
	op_reg(in, i, ((in->modrm >> 3) & 7) | ((in->rex & 4) << 1), size);
}

/* r/m operand: register or memory (SDM 2.1.5) */
void x86dec_rm_operand(const struct x86dec_insn *in, unsigned size, struct x86dec_operand *o)
{
	uint8_t mod = in->modrm >> 6, rm = in->modrm & 7;

	*o = (struct x86dec_operand){ 0 };
	if (mod == 3) {
		o->kind = X86DEC_OP_REG;
		o->size = (uint8_t)size;
		o->reg = gpr(in, rm | ((in->rex & 1) << 3), size);
		return;
	}
	o->kind = X86DEC_OP_MEM;
	o->size = (uint8_t)size;
	o->mem.base = o->mem.index = X86DEC_REG_NONE;
	o->mem.scale = 1;
	o->mem.seg = in->pfx_seg;
	o->mem.addr_size = in->addrsize;
	o->mem.disp = in->disp;
	if (in->addrsize == 2) {
		static const uint8_t b16[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP, X86_RSI, X86_RDI, X86_RBP, X86_RBX };
		static const uint8_t i16[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI, 0xFF, 0xFF, 0xFF, 0xFF };
		if (!(mod == 0 && rm == 6))
			o->mem.base = b16[rm];
		o->mem.index = i16[rm];
		return;
	}
	if (rm == 4) {
		uint8_t base = in->sib & 7, idx = ((in->sib >> 3) & 7) | ((in->rex & 2) << 2);
		o->mem.scale = (uint8_t)(1 << (in->sib >> 6));
		if (idx != 4)
			o->mem.index = idx;
		if (!(base == 5 && mod == 0))
			o->mem.base = base | ((in->rex & 1) << 3);
	} else if (rm == 5 && mod == 0) {
		if (in->mode == X86DEC_MODE_64)
			o->mem.base = X86DEC_REG_RIP;
	} else {
		o->mem.base = rm | ((in->rex & 1) << 3);
	}
}

static void op_rm(struct x86dec_insn *in, unsigned i, unsigned size)
{
	x86dec_rm_operand(in, size, &in->op[i]);
}

void x86dec_form(struct x86dec_insn *in)
{
	if (in->encoding != X86DEC_ENC_LEGACY)
		return;
	const int m64 = in->mode == X86DEC_MODE_64;
	/* 2, 4, 8: the decoder's effective operand size, which in 64-bit mode
	 * already applies the d64/f64 rules of the stack operations and near
	 * branches (REX.W over 66; SDM vol. 2 table A-1, APM vol. 3 1.2.7) */
	const unsigned v = in->opsize;
	const uint8_t op = in->opcode, reg = (in->modrm >> 3) & 7;
	uint8_t mn = X86DEC_MN_OTHER;
	unsigned n = 0;

	if (in->map == 0) {
		if (op < 0x40 && (op & 7) < 6) {
			mn = alu_mn[op >> 3];
			unsigned s = (op & 1) ? v : 1;
			switch (op & 7) {
			case 0: case 1: op_rm(in, 0, s); op_modrm_reg(in, 1, s); break;
			case 2: case 3: op_modrm_reg(in, 0, s); op_rm(in, 1, s); break;
			case 4: op_reg(in, 0, X86_RAX, 1); op_imm(in, 1, sext_n(in->imm, 1), 1); break;
			case 5: op_reg(in, 0, X86_RAX, v); op_imm(in, 1, sext_n(in->imm, in->imm_size), v); break;
			}
			n = 2;
		} else if (op >= 0x80 && op <= 0x83) {
			unsigned s = op == 0x81 || op == 0x83 ? v : 1;
			mn = alu_mn[reg];
			op_rm(in, 0, s);
			op_imm(in, 1, sext_n(in->imm, in->imm_size), s);
			n = 2;
		} else if (op == 0x84 || op == 0x85) {
			unsigned s = op & 1 ? v : 1;
			mn = X86DEC_MN_TEST;
			op_rm(in, 0, s);
			op_modrm_reg(in, 1, s);
			n = 2;
		} else if (op == 0xA8 || op == 0xA9) {
			unsigned s = op & 1 ? v : 1;
			mn = X86DEC_MN_TEST;
			op_reg(in, 0, X86_RAX, s);
			op_imm(in, 1, sext_n(in->imm, in->imm_size), s);
			n = 2;
		} else if (op == 0xF6 || op == 0xF7) {
			unsigned s = op & 1 ? v : 1;
			static const uint8_t f6[8] = { X86DEC_MN_TEST, X86DEC_MN_TEST, X86DEC_MN_NOT, X86DEC_MN_NEG };
			mn = f6[reg];
			if (mn) {
				op_rm(in, 0, s);
				n = 1;
				if (reg < 2) {
					op_imm(in, 1, sext_n(in->imm, in->imm_size), s);
					n = 2;
				}
			}
		} else if (op >= 0x88 && op <= 0x8B) {
			unsigned s = op & 1 ? v : 1;
			mn = X86DEC_MN_MOV;
			if (op < 0x8A) { op_rm(in, 0, s); op_modrm_reg(in, 1, s); }
			else { op_modrm_reg(in, 0, s); op_rm(in, 1, s); }
			n = 2;
		} else if ((op == 0xC6 || op == 0xC7) && reg == 0) {
			unsigned s = op & 1 ? v : 1;
			mn = X86DEC_MN_MOV;
			op_rm(in, 0, s);
			op_imm(in, 1, sext_n(in->imm, in->imm_size), s);
			n = 2;
		} else if (op >= 0xB0 && op <= 0xBF) {
			unsigned s = op >= 0xB8 ? v : 1;
			mn = X86DEC_MN_MOV;
			op_reg(in, 0, (op & 7) | ((in->rex & 1) << 3), s);
			op_imm(in, 1, (int64_t)in->imm, s); /* full width: no extension needed */
			n = 2;
		} else if (op == 0x8D && (in->modrm >> 6) != 3) {
			mn = X86DEC_MN_LEA;
			op_modrm_reg(in, 0, v);
			op_rm(in, 1, v);
			n = 2;
		} else if (op == 0x63 && m64) {
			mn = X86DEC_MN_MOVSXD;
			op_modrm_reg(in, 0, v);
			op_rm(in, 1, v == 8 ? 4 : v);
			n = 2;
		} else if ((op == 0xFE && reg < 2) || (op == 0xFF && reg < 2)) {
			mn = reg ? X86DEC_MN_DEC : X86DEC_MN_INC;
			op_rm(in, 0, op == 0xFE ? 1 : v);
			n = 1;
		} else if (!m64 && op >= 0x40 && op <= 0x4F) {
			mn = op < 0x48 ? X86DEC_MN_INC : X86DEC_MN_DEC;
			op_reg(in, 0, op & 7, v);
			n = 1;
		} else if (op == 0xC0 || op == 0xC1 || op == 0xD0 || op == 0xD1) {
			unsigned s = op & 1 ? v : 1;
			mn = shift_mn[reg];
			op_rm(in, 0, s);
			op_imm(in, 1, op >= 0xD0 ? 1 : (int64_t)(in->imm & 0xFF), 1);
			n = 2;
		} else if (op == 0x86 || op == 0x87) {
			unsigned s = op & 1 ? v : 1;
			mn = X86DEC_MN_XCHG;
			op_rm(in, 0, s);
			op_modrm_reg(in, 1, s);
			n = 2;
		} else if (op >= 0x90 && op <= 0x97) {
			unsigned r = (op & 7) | ((in->rex & 1) << 3);
			if (r == 0) {
				mn = in->pfx_rep == 0xF3 ? X86DEC_MN_OTHER /* PAUSE */ : X86DEC_MN_NOP;
			} else {
				mn = X86DEC_MN_XCHG;
				op_reg(in, 0, r, v);
				op_reg(in, 1, X86_RAX, v);
				n = 2;
			}
		} else if (op >= 0x50 && op <= 0x5F) {
			mn = op < 0x58 ? X86DEC_MN_PUSH : X86DEC_MN_POP;
			op_reg(in, 0, (op & 7) | ((in->rex & 1) << 3), v);
			n = 1;
		} else if (op == 0x6A || op == 0x68) {
			mn = X86DEC_MN_PUSH;
			op_imm(in, 0, sext_n(in->imm, in->imm_size), v);
			n = 1;
		} else if (op == 0x8F && reg == 0) {
			mn = X86DEC_MN_POP;
			op_rm(in, 0, v);
			n = 1;
		} else if (op == 0xFF && reg == 6) {
			mn = X86DEC_MN_PUSH;
			op_rm(in, 0, v);
			n = 1;
		} else if ((op >= 0x70 && op <= 0x7F) || op == 0xEB || op == 0xE9 || op == 0xE8) {
			mn = op == 0xE8 ? X86DEC_MN_CALL : op >= 0xE9 ? X86DEC_MN_JMP : X86DEC_MN_JCC;
			in->cond = op & 15;
			in->op[0].kind = X86DEC_OP_REL;
			in->op[0].size = (uint8_t)v;
			in->op[0].imm = sext_n(in->imm, in->imm_size);
			n = 1;
		} else if (op == 0xFF && (reg == 2 || reg == 4)) {
			mn = reg == 2 ? X86DEC_MN_CALL : X86DEC_MN_JMP;
			op_rm(in, 0, v);
			n = 1;
		} else if (op == 0xC3 || op == 0xC2) {
			mn = X86DEC_MN_RET;
			if (op == 0xC2) {
				op_imm(in, 0, (int64_t)in->imm, 2);
				n = 1;
			}
		}
	} else if (in->map == 1) {
		if (op == 0x05 && m64) {
			mn = X86DEC_MN_SYSCALL;
		} else if (op >= 0x80 && op <= 0x8F) {
			mn = X86DEC_MN_JCC;
			in->cond = op & 15;
			in->op[0].kind = X86DEC_OP_REL;
			in->op[0].size = (uint8_t)v;
			in->op[0].imm = sext_n(in->imm, in->imm_size);
			n = 1;
		} else if (op == 0xB6 || op == 0xB7 || op == 0xBE || op == 0xBF) {
			mn = op < 0xB8 ? X86DEC_MN_MOVZX : X86DEC_MN_MOVSX;
			op_modrm_reg(in, 0, v);
			op_rm(in, 1, op & 1 ? 2 : 1);
			n = 2;
		} else if (op == 0x1F && reg == 0) {
			mn = X86DEC_MN_NOP;
		}
	}
	in->mnemonic = mn;
	in->operand_count = (uint8_t)(mn ? n : 0);
}
