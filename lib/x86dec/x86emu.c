/*
 * Exact mini-emulator for the batching subset, 64-bit mode only: MOV (reg,
 * imm, loads/stores), MOVZX/MOVSX/MOVSXD, LEA, ADD/OR/ADC/SBB/AND/SUB/XOR/CMP,
 * TEST, INC/DEC, NEG/NOT, ROL/ROR/SHL/SHR/SAR by immediate or 1, XCHG reg/reg,
 * NOP, PUSH/POP (register, immediate, PUSH r/m); SYSCALL and the near
 * branches are recognised and reported, not executed. Flags follow the
 * "Flags Affected" sections of Intel SDM vol. 2 for each instruction (AMD
 * APM vol. 3 agrees on every defined flag); undefined flags are given fixed
 * values documented in docs/x86dec.md. Anything else: X86EMU_NOT_EMULABLE
 * with the register file and memory untouched. A store is always the last
 * memory access, and the register file is only written after it succeeded.
 */
#include "x86dec_internal.h"

#define F_CF 0x001
#define F_PF 0x004
#define F_AF 0x010
#define F_ZF 0x040
#define F_SF 0x080
#define F_OF 0x800
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t msb_of(unsigned size)
{
	return 1ull << (8 * size - 1);
}

static uint64_t read_reg(const struct x86emu_regs *r, uint8_t reg, unsigned size)
{
	if (reg >= X86DEC_REG_AH && reg < X86DEC_REG_AH + 4)
		return (r->gpr[reg - X86DEC_REG_AH] >> 8) & 0xFF;
	return r->gpr[reg & 15] & mask_of(size);
}

/* SDM vol. 1 3.4.1.1: 32-bit results zero-extend, 8/16-bit results merge */
static void write_reg(struct x86emu_regs *r, uint8_t reg, unsigned size, uint64_t v)
{
	if (reg >= X86DEC_REG_AH && reg < X86DEC_REG_AH + 4) {
		uint64_t *g = &r->gpr[reg - X86DEC_REG_AH];
		*g = (*g & ~0xFF00ull) | ((v & 0xFF) << 8);
		return;
	}
	uint64_t *g = &r->gpr[reg & 15];
	if (size >= 4)
		*g = v & mask_of(size);
	else
		*g = (*g & ~mask_of(size)) | (v & mask_of(size));
}

uint64_t x86emu_effective_address(const struct x86dec_insn *in,
				  const struct x86dec_operand *o,
				  const struct x86emu_regs *r)
{
	uint64_t a = (uint64_t)o->mem.disp;
	if (o->mem.base == X86DEC_REG_RIP)
		a += r->rip + in->length;
	else if (o->mem.base != X86DEC_REG_NONE)
		a += r->gpr[o->mem.base];
	if (o->mem.index != X86DEC_REG_NONE)
		a += r->gpr[o->mem.index] * o->mem.scale;
	if (o->mem.addr_size == 4)
		a &= 0xFFFFFFFFull;
	else if (o->mem.addr_size == 2)
		a &= 0xFFFFull;
	return a;
}

static uint64_t ea(const struct x86dec_insn *in, const struct x86dec_operand *o,
		   const struct x86emu_regs *r)
{
	return x86emu_effective_address(in, o, r);
}

static uint64_t seg_base(const struct x86dec_insn *in, const struct x86emu_mem_ops *m)
{
	/* 64-bit mode: only FS and GS have a base (APM vol. 2 4.5.3) */
	return in->pfx_seg == 0x64 ? m->fs_base : in->pfx_seg == 0x65 ? m->gs_base : 0;
}

static int parity8(uint64_t v)
{
	uint8_t b = (uint8_t)v;
	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

static uint64_t szp(uint64_t res, unsigned size)
{
	uint64_t f = 0;
	res &= mask_of(size);
	if (!res) f |= F_ZF;
	if (res & msb_of(size)) f |= F_SF;
	if (parity8(res)) f |= F_PF;
	return f;
}

/* result and flags of a two-operand ALU op; cf_in for ADC/SBB */
static uint64_t alu(uint8_t mn, uint64_t a, uint64_t b, unsigned size, uint64_t cf_in, uint64_t *flags)
{
	uint64_t m = mask_of(size), s = msb_of(size), res, f = 0;
	a &= m;
	b &= m;
	switch (mn) {
	case X86DEC_MN_ADD: case X86DEC_MN_ADC: {
		uint64_t c = mn == X86DEC_MN_ADC ? cf_in : 0;
		res = (a + b + c) & m;
		/* carry out of the top bit, computed without overflow */
		uint64_t carry = size >= 8 ? (res < a || (c && res == a)) : ((a + b + c) >> (8 * size)) & 1;
		if (carry) f |= F_CF;
		if (((a ^ res) & (b ^ res)) & s) f |= F_OF;
		if ((a ^ b ^ res) & 0x10) f |= F_AF;
		break;
	}
	case X86DEC_MN_SUB: case X86DEC_MN_SBB: case X86DEC_MN_CMP: {
		uint64_t c = mn == X86DEC_MN_SBB ? cf_in : 0;
		res = (a - b - c) & m;
		if (a < b || (c && a == b)) f |= F_CF;
		if (((a ^ b) & (a ^ res)) & s) f |= F_OF;
		if ((a ^ b ^ res) & 0x10) f |= F_AF;
		break;
	}
	case X86DEC_MN_AND: case X86DEC_MN_TEST: res = a & b; break;
	case X86DEC_MN_OR: res = a | b; break;
	default: res = a ^ b; break; /* XOR */
	}
	*flags = f | szp(res, size);
	return res;
}

struct opval {
	int is_mem;
	uint64_t addr;
};

static int load(const struct x86dec_insn *in, const struct x86dec_operand *o, const struct x86emu_regs *r,
		const struct x86emu_mem_ops *m, uint64_t *v, struct opval *where)
{
	where->is_mem = 0;
	switch (o->kind) {
	case X86DEC_OP_REG:
		*v = read_reg(r, o->reg, o->size);
		return 0;
	case X86DEC_OP_IMM:
		*v = (uint64_t)o->imm & mask_of(o->size);
		return 0;
	case X86DEC_OP_MEM:
		where->is_mem = 1;
		where->addr = ea(in, o, r) + seg_base(in, m);
		if (m->read(m->ctx, where->addr, o->size, v))
			return -1;
		*v &= mask_of(o->size);
		return 0;
	default:
		return -1;
	}
}

static int cond_true(uint8_t cc, uint64_t f)
{
	int cf = !!(f & F_CF), zf = !!(f & F_ZF), sf = !!(f & F_SF), of = !!(f & F_OF), pf = !!(f & F_PF);
	int t;
	switch (cc >> 1) {
	case 0: t = of; break;
	case 1: t = cf; break;
	case 2: t = zf; break;
	case 3: t = cf || zf; break;
	case 4: t = sf; break;
	case 5: t = pf; break;
	case 6: t = sf != of; break;
	default: t = zf || sf != of; break;
	}
	return (cc & 1) ? !t : t;
}

/* SDM vol. 2 "RCL/RCR/ROL/ROR" and "SAL/SAR/SHL/SHR" operation sections */
static int shift(uint8_t mn, uint64_t v, unsigned size, unsigned count_in, uint64_t flags_in,
		 uint64_t *res, uint64_t *flags)
{
	unsigned bits = 8 * size;
	unsigned count = count_in & (size == 8 ? 0x3F : 0x1F);
	uint64_t m = mask_of(size), s = msb_of(size), r, f = flags_in;
	v &= m;
	if (count == 0) {
		*res = v;
		*flags = flags_in;
		return 0;
	}
	switch (mn) {
	case X86DEC_MN_ROL: case X86DEC_MN_ROR: {
		unsigned t = count % bits;
		if (mn == X86DEC_MN_ROL)
			r = t ? ((v << t) | (v >> (bits - t))) & m : v;
		else
			r = t ? ((v >> t) | (v << (bits - t))) & m : v;
		f &= ~(F_CF | F_OF);
		int cf = mn == X86DEC_MN_ROL ? (int)(r & 1) : !!(r & s);
		if (cf) f |= F_CF;
		int of = mn == X86DEC_MN_ROL ? (!!(r & s)) ^ cf : (!!(r & s)) ^ (!!(r & (s >> 1)));
		if (of) f |= F_OF; /* defined for count 1 only; same formula otherwise */
		*res = r;
		*flags = f;
		return 0;
	}
	case X86DEC_MN_SHL: {
		int cf = count <= bits ? (int)((v >> (bits - count)) & 1) : 0;
		r = count < bits ? (v << count) & m : 0;
		f = szp(r, size);
		if (cf) f |= F_CF;
		if ((!!(r & s)) ^ cf) f |= F_OF;
		break;
	}
	case X86DEC_MN_SHR: {
		int cf = count <= bits ? (int)((v >> (count - 1)) & 1) : 0;
		r = count < bits ? v >> count : 0;
		f = szp(r, size);
		if (cf) f |= F_CF;
		if (v & s) f |= F_OF;
		break;
	}
	case X86DEC_MN_SAR: {
		int64_t sv = (int64_t)(v << (64 - bits)) >> (64 - bits);
		unsigned c = count < bits ? count : bits - 1;
		int cf = count < bits ? (int)((sv >> (count - 1)) & 1) : (sv < 0);
		r = (uint64_t)(sv >> c) & m;
		if (count >= bits) r = sv < 0 ? m : 0;
		f = szp(r, size);
		if (cf) f |= F_CF;
		break;
	}
	default:
		return -1;
	}
	/* AF is undefined for shifts: left clear */
	*res = r;
	*flags = (flags_in & ~F_ARITH) | f;
	return 0;
}

static int store(const struct x86dec_insn *in, const struct x86dec_operand *o, struct x86emu_regs *r,
		 const struct x86emu_mem_ops *m, const struct opval *where, uint64_t v)
{
	if (o->kind == X86DEC_OP_MEM)
		return m->write(m->ctx, where->addr, o->size, v & mask_of(o->size)) ? -1 : 0;
	write_reg(r, o->reg, o->size, v);
	return 0;
}

int x86emu_step(const struct x86dec_insn *in, struct x86emu_regs *regs,
		const struct x86emu_mem_ops *m, struct x86emu_branch *br)
{
	if (in->status != X86DEC_OK || in->mode != X86DEC_MODE_64 || in->encoding != X86DEC_ENC_LEGACY)
		return X86EMU_NOT_EMULABLE;
	if (in->pfx_lock || in->pfx_rep)
		return X86EMU_NOT_EMULABLE; /* keep the subset free of LOCK/REP/BND/HLE semantics */

	struct x86emu_regs r = *regs; /* work on a copy: commit only on success */
	const struct x86dec_operand *o0 = &in->op[0], *o1 = &in->op[1];
	uint64_t next = r.rip + in->length, a, b, res, f;
	struct opval w0, w1;

	switch (in->mnemonic) {
	case X86DEC_MN_NOP:
		break;
	case X86DEC_MN_MOV:
		if (load(in, o1, &r, m, &a, &w1))
			return X86EMU_MEM_FAULT;
		if (o0->kind == X86DEC_OP_MEM)
			w0.addr = ea(in, o0, &r) + seg_base(in, m);
		if (store(in, o0, &r, m, &w0, a))
			return X86EMU_MEM_FAULT;
		break;
	case X86DEC_MN_MOVZX: case X86DEC_MN_MOVSX: case X86DEC_MN_MOVSXD:
		if (load(in, o1, &r, m, &a, &w1))
			return X86EMU_MEM_FAULT;
		if (in->mnemonic != X86DEC_MN_MOVZX && o1->size < 8) {
			unsigned sh = 64 - 8 * o1->size;
			a = (uint64_t)((int64_t)(a << sh) >> sh);
		}
		write_reg(&r, o0->reg, o0->size, a);
		break;
	case X86DEC_MN_LEA:
		write_reg(&r, o0->reg, o0->size, ea(in, o1, &r));
		break;
	case X86DEC_MN_ADD: case X86DEC_MN_OR: case X86DEC_MN_ADC: case X86DEC_MN_SBB:
	case X86DEC_MN_AND: case X86DEC_MN_SUB: case X86DEC_MN_XOR: case X86DEC_MN_CMP:
	case X86DEC_MN_TEST:
		if (load(in, o0, &r, m, &a, &w0) || load(in, o1, &r, m, &b, &w1))
			return X86EMU_MEM_FAULT;
		res = alu(in->mnemonic, a, b, o0->size, r.rflags & F_CF, &f);
		if (in->mnemonic != X86DEC_MN_CMP && in->mnemonic != X86DEC_MN_TEST &&
		    store(in, o0, &r, m, &w0, res))
			return X86EMU_MEM_FAULT;
		r.rflags = (r.rflags & ~F_ARITH) | f;
		break;
	case X86DEC_MN_INC: case X86DEC_MN_DEC:
		if (load(in, o0, &r, m, &a, &w0))
			return X86EMU_MEM_FAULT;
		res = alu(in->mnemonic == X86DEC_MN_INC ? X86DEC_MN_ADD : X86DEC_MN_SUB, a, 1, o0->size, 0, &f);
		if (store(in, o0, &r, m, &w0, res))
			return X86EMU_MEM_FAULT;
		r.rflags = (r.rflags & ~(F_ARITH & ~F_CF)) | (f & ~F_CF); /* CF unaffected */
		break;
	case X86DEC_MN_NEG:
		if (load(in, o0, &r, m, &a, &w0))
			return X86EMU_MEM_FAULT;
		res = alu(X86DEC_MN_SUB, 0, a, o0->size, 0, &f);
		if (store(in, o0, &r, m, &w0, res))
			return X86EMU_MEM_FAULT;
		r.rflags = (r.rflags & ~F_ARITH) | f; /* CF = (src != 0) falls out of 0 - src */
		break;
	case X86DEC_MN_NOT:
		if (load(in, o0, &r, m, &a, &w0))
			return X86EMU_MEM_FAULT;
		if (store(in, o0, &r, m, &w0, ~a))
			return X86EMU_MEM_FAULT;
		break;
	case X86DEC_MN_ROL: case X86DEC_MN_ROR: case X86DEC_MN_SHL: case X86DEC_MN_SHR: case X86DEC_MN_SAR:
		if (load(in, o0, &r, m, &a, &w0))
			return X86EMU_MEM_FAULT;
		if (shift(in->mnemonic, a, o0->size, (unsigned)o1->imm, r.rflags, &res, &f))
			return X86EMU_NOT_EMULABLE;
		if (store(in, o0, &r, m, &w0, res))
			return X86EMU_MEM_FAULT;
		r.rflags = f;
		break;
	case X86DEC_MN_XCHG:
		if (o0->kind != X86DEC_OP_REG || o1->kind != X86DEC_OP_REG)
			return X86EMU_NOT_EMULABLE; /* memory XCHG is locked: outside the subset */
		a = read_reg(&r, o0->reg, o0->size);
		b = read_reg(&r, o1->reg, o1->size);
		write_reg(&r, o0->reg, o0->size, b);
		write_reg(&r, o1->reg, o1->size, a);
		break;
	case X86DEC_MN_PUSH: {
		/* SDM vol. 2 PUSH: the operand is read before RSP is decremented */
		unsigned size = o0->size;
		if (o0->kind == X86DEC_OP_IMM)
			a = (uint64_t)o0->imm;
		else if (load(in, o0, &r, m, &a, &w0))
			return X86EMU_MEM_FAULT;
		uint64_t sp = r.gpr[X86_RSP] - size;
		if (m->write(m->ctx, sp, size, a & mask_of(size)))
			return X86EMU_MEM_FAULT;
		r.gpr[X86_RSP] = sp;
		break;
	}
	case X86DEC_MN_POP: {
		unsigned size = o0->size;
		if (o0->kind != X86DEC_OP_REG)
			return X86EMU_NOT_EMULABLE; /* POP r/m to memory: outside the subset */
		if (m->read(m->ctx, r.gpr[X86_RSP], size, &a))
			return X86EMU_MEM_FAULT;
		r.gpr[X86_RSP] += size;
		write_reg(&r, o0->reg, size, a); /* POP RSP: the loaded value wins */
		break;
	}
	case X86DEC_MN_SYSCALL:
		return X86EMU_SYSCALL;
	case X86DEC_MN_JCC: case X86DEC_MN_JMP: case X86DEC_MN_CALL: case X86DEC_MN_RET:
		if (br) {
			br->mnemonic = in->mnemonic;
			br->cond = in->cond;
			br->fallthrough = next;
			br->indirect = in->mnemonic == X86DEC_MN_RET || o0->kind == X86DEC_OP_REG ||
				       o0->kind == X86DEC_OP_MEM;
			br->target = o0->kind == X86DEC_OP_REL ? next + (uint64_t)o0->imm : 0;
			br->taken = in->mnemonic != X86DEC_MN_JCC || cond_true(in->cond, r.rflags);
		}
		return X86EMU_BRANCH;
	default:
		return X86EMU_NOT_EMULABLE;
	}
	r.rip = next;
	*regs = r;
	return X86EMU_DONE;
}
