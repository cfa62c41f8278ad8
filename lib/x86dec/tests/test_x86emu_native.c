/*
 * Native-vs-emulated tests for lib/x86dec's emulator: every emulated form is
 * encoded here, run natively on the host (an executable page holds a stub
 * that loads all 16 GPRs and RFLAGS, runs the instruction, and saves them
 * back) and run through x86dec_decode + x86emu_step with the same registers
 * and memory; all GPRs, RIP, the flags the SDM defines for that instruction
 * and the touched memory must be equal. Operand values and widths are drawn
 * from a fixed-seed generator biased toward carries, sign changes and zero.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "../x86dec.h"

#define F_CF 0x001
#define F_PF 0x004
#define F_AF 0x010
#define F_ZF 0x040
#define F_SF 0x080
#define F_OF 0x800
#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

struct state {
	uint64_t gpr[16];
	uint64_t rflags;
};

/* One mapping: code page, then data page (RIP-relative reach), then stack. */
static uint8_t *region;
#define CODE (region)
#define DATA (region + 4096)
#define STACK (region + 8192)
#define STACK_TOP (region + 3 * 4096 - 256)
static struct state st_in, st_out;
static uint64_t host_rsp;
static uint8_t *insn_at;
static uint64_t comparisons;

static uint64_t rs = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* operand values: biased toward the edges where flags change */
static uint64_t rval(void)
{
	static const uint64_t edge[] = { 0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF,
					 0x80000000, 0xFFFFFFFF, 0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull,
					 ~0ull, 0x0F, 0x10 };
	uint64_t r = rnd();
	switch (r & 3) {
	case 0: return edge[(r >> 2) & 15];
	case 1: return edge[(r >> 2) & 15] + ((r >> 8) & 3) - 1;
	default: return rnd();
	}
}

static void setup(void)
{
	region = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(ne(ptr, region, MAP_FAILED));
}

static void teardown(void)
{
	munmap(region, 3 * 4096);
}

static uint8_t *e8(uint8_t *p, uint8_t b) { *p = b; return p + 1; }
static uint8_t *e64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); return p + 8; }
static uint8_t *e32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); return p + 4; }

/* mov reg, [rax + disp32] / mov [rax + disp32], reg */
static uint8_t *mov_rax_rel(uint8_t *p, int store, int reg, uint32_t disp)
{
	p = e8(p, (uint8_t)(0x48 | (reg >= 8 ? 4 : 0)));
	p = e8(p, store ? 0x89 : 0x8B);
	p = e8(p, (uint8_t)(0x80 | ((reg & 7) << 3)));
	return e32(p, disp);
}

static uint8_t *stub_insn_addr(void);

/* Build the stub around insn[0..len) and run it. */
static void run_native(const uint8_t *insn, int len)
{
	uint8_t *p = CODE;
	static const uint8_t save[] = { 0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57 };
	memcpy(p, save, sizeof(save));
	p += sizeof(save);
	p = e8(p, 0x48); p = e8(p, 0xB8); p = e64(p, (uint64_t)&host_rsp); /* mov rax, &host_rsp */
	p = e8(p, 0x48); p = e8(p, 0x89); p = e8(p, 0x20);                  /* mov [rax], rsp */
	p = e8(p, 0x48); p = e8(p, 0xB8); p = e64(p, (uint64_t)&st_in);     /* mov rax, &st_in */
	p = e8(p, 0xFF); p = e8(p, 0xB0); p = e32(p, 128);                  /* push [rax+128] */
	p = e8(p, 0x9D);                                                     /* popfq */
	for (int r = 1; r < 16; r++)
		p = mov_rax_rel(p, 0, r, (uint32_t)(8 * r));
	p = mov_rax_rel(p, 0, 0, 0);
	insn_at = p;
	cr_assert(eq(ptr, insn_at, stub_insn_addr()));
	memcpy(p, insn, (size_t)len);
	p += len;
	p = e8(p, 0x48); p = e8(p, 0xA3); p = e64(p, (uint64_t)&st_out.gpr[0]); /* mov [moffs], rax */
	p = e8(p, 0x48); p = e8(p, 0xB8); p = e64(p, (uint64_t)&st_out);
	for (int r = 1; r < 16; r++)
		p = mov_rax_rel(p, 1, r, (uint32_t)(8 * r));
	p = e8(p, 0x9C);                                                     /* pushfq */
	p = e8(p, 0x8F); p = e8(p, 0x80); p = e32(p, 128);                  /* pop [rax+128] */
	p = e8(p, 0x48); p = e8(p, 0xB8); p = e64(p, (uint64_t)&host_rsp);
	p = e8(p, 0x48); p = e8(p, 0x8B); p = e8(p, 0x20);                  /* mov rsp, [rax] */
	static const uint8_t restore[] = { 0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, 0xC3 };
	memcpy(p, restore, sizeof(restore));
	__builtin___clear_cache((char *)CODE, (char *)p + sizeof(restore));
	((void (*)(void))CODE)();
}

static int mread(void *ctx, uint64_t addr, unsigned size, uint64_t *v)
{
	*v = 0;
	memcpy(v, (void *)addr, size);
	return 0;
}

static int mwrite(void *ctx, uint64_t addr, unsigned size, uint64_t v)
{
	memcpy((void *)addr, &v, size);
	return 0;
}

/* Run insn natively and emulated from the same state; compare. */
static void report(const char *name)
{
	cr_log_info("%s: %llu native-vs-emulated comparisons, 0 mismatches", name, (unsigned long long)comparisons);
}

static void check(const uint8_t *insn, int len, uint64_t flag_mask, const char *what)
{
	static uint8_t data0[4096 * 2], data_native[4096 * 2];
	st_in.rflags = 0x202 | (rnd() & F_ALL);
	memcpy(data0, DATA, sizeof(data0));
	run_native(insn, len);
	memcpy(data_native, DATA, sizeof(data_native));
	memcpy(DATA, data0, sizeof(data0));
	/* the stub's own PUSHFQ wrote the 8 bytes below the final RSP: not the
	 * instruction's doing, so not compared */
	uint64_t slot = st_out.gpr[4] - 8 - (uint64_t)DATA;
	if (slot + 8 <= sizeof(data_native))
		memcpy(data_native + slot, data0 + slot, 8);

	struct x86dec_insn in;
	int s = x86dec_decode_buf(&in, X86DEC_MODE_64, insn, (size_t)len);
	cr_assert(eq(int, s, X86DEC_OK), "%s: decode", what);
	cr_assert(eq(int, in.length, len), "%s: length", what);
	struct x86emu_regs r;
	memcpy(r.gpr, st_in.gpr, sizeof(r.gpr));
	r.rip = (uint64_t)insn_at;
	r.rflags = st_in.rflags;
	struct x86emu_mem_ops m = { mread, mwrite, NULL, 0, 0 };
	int e = x86emu_step(&in, &r, &m, NULL);
	cr_assert(eq(int, e, X86EMU_DONE), "%s: emulate", what);
	for (int i = 0; i < 16; i++)
		cr_assert(eq(u64, r.gpr[i], st_out.gpr[i]), "%s: gpr %d in %016llx", what, i,
			  (unsigned long long)st_in.gpr[i]);
	cr_assert(eq(u64, r.rip, (uint64_t)insn_at + (uint64_t)len), "%s: rip", what);
	uint64_t mask = ~(uint64_t)F_ALL | flag_mask;
	cr_assert(eq(u64, r.rflags & mask, st_out.rflags & mask), "%s: rflags in %llx", what,
		  (unsigned long long)st_in.rflags);
	cr_assert(eq(int, memcmp(DATA, data_native, sizeof(data_native)), 0), "%s: memory", what);
	comparisons++;
}

/* ---- a tiny encoder for the forms under test ---- */
struct rm {
	int is_mem;
	int reg;            /* register form */
	int base, index;    /* memory: base (not RSP), index (-1 none), RIP = -2 */
	int scale_log, disp;
};

/* Random register operand, never RSP (the stub needs a valid stack). */
static int rreg(void)
{
	int r;
	do r = (int)(rnd() & 15); while (r == 4);
	return r;
}

/* Random memory operand pointing into DATA; sets the registers it uses. */
static struct rm rmem(int avoid1, int avoid2)
{
	struct rm m = { 1, 0, 0, -1, 0, 0 };
	uint64_t target = (uint64_t)DATA + 64 + (rnd() & 2047);
	if ((rnd() & 7) == 0) {
		m.base = -2; /* RIP-relative: disp fixed up by the caller */
		m.disp = (int)(target & 0xFFFFFFF);
		return m;
	}
	do m.base = rreg(); while (m.base == avoid1 || m.base == avoid2);
	if (rnd() & 1) {
		do m.index = rreg(); while (m.index == avoid1 || m.index == avoid2 || m.index == m.base);
		m.scale_log = (int)(rnd() & 3);
	}
	m.disp = (rnd() & 1) ? (int)(rnd() & 0x7F) - 64 : (int)(rnd() & 0xFFFF) - 0x8000;
	uint64_t idx = m.index >= 0 ? (rnd() & 31) : 0;
	if (m.index >= 0)
		st_in.gpr[m.index] = idx;
	st_in.gpr[m.base] = target - (uint64_t)(int64_t)m.disp - (idx << m.scale_log);
	return m;
}

/* Emit [prefixes] [REX] opcode ModRM [SIB] [disp]; returns pointer after disp.
 * *ripfix is set to the disp position for RIP-relative operands. */
static uint8_t *emit(uint8_t *p, int size, int force_rex, const uint8_t *opc, int oplen, int regf,
		     struct rm rm, uint8_t **ripfix)
{
	int rex = 0;
	if (size == 2) p = e8(p, 0x66);
	if (size == 8) rex |= 8;
	if (regf >= 8) rex |= 4;
	if (rm.is_mem) {
		if (rm.index >= 8) rex |= 2;
		if (rm.base >= 8) rex |= 1;
	} else if (rm.reg >= 8) {
		rex |= 1;
	}
	if (rex || force_rex) p = e8(p, (uint8_t)(0x40 | rex));
	memcpy(p, opc, (size_t)oplen);
	p += oplen;
	if (!rm.is_mem)
		return e8(p, (uint8_t)(0xC0 | ((regf & 7) << 3) | (rm.reg & 7)));
	if (rm.base == -2) {
		p = e8(p, (uint8_t)(((regf & 7) << 3) | 5));
		*ripfix = p;
		return e32(p, 0);
	}
	int mod = (rm.disp >= -128 && rm.disp < 128) ? 1 : 2;
	if (rm.index >= 0 || (rm.base & 7) == 4) {
		p = e8(p, (uint8_t)((mod << 6) | ((regf & 7) << 3) | 4));
		int idx = rm.index >= 0 ? rm.index : 4;
		p = e8(p, (uint8_t)((rm.scale_log << 6) | ((idx & 7) << 3) | (rm.base & 7)));
	} else {
		p = e8(p, (uint8_t)((mod << 6) | ((regf & 7) << 3) | (rm.base & 7)));
	}
	return mod == 1 ? e8(p, (uint8_t)rm.disp) : e32(p, (uint32_t)rm.disp);
}

/* RIP-relative: the displacement is relative to the end of the instruction
 * at its final address insn_at (the stub's prefix has a fixed length). */
static uint8_t *stub_insn_addr(void)
{
	return CODE + 10 + 10 + 3 + 10 + 6 + 1 + 15 * 7 + 7; /* run_native's prologue */
}

static void fix_rip(uint8_t *buf, uint8_t *ripfix, int len, struct rm rm)
{
	if (!ripfix)
		return;
	uint64_t target = (uint64_t)DATA + 64 + (rnd() & 2047);
	int64_t d = (int64_t)(target - ((uint64_t)stub_insn_addr() + (uint64_t)len));
	uint32_t d32 = (uint32_t)d;
	memcpy(ripfix, &d32, 4);
	(void)buf;
	(void)rm;
}

static void rand_regs(void)
{
	for (int i = 0; i < 16; i++)
		st_in.gpr[i] = rval();
	st_in.gpr[4] = (uint64_t)STACK_TOP;
}

static const int sizes[4] = { 1, 2, 4, 8 };

/* two-operand ALU op (00-3B), both directions, register and memory forms */
static void alu_rr(int aluop, int iters, uint64_t fmask)
{
	for (int i = 0; i < iters; i++) {
		rand_regs();
		int size = sizes[rnd() & 3], dir = (int)(rnd() & 1), reg = rreg();
		uint8_t opc = (uint8_t)((aluop << 3) | (dir << 1) | (size > 1));
		struct rm rm = { 0, rreg(), 0, -1, 0, 0 };
		if (rnd() & 1)
			rm = rmem(reg, -1);
		uint8_t buf[16], *fix = NULL;
		int len = (int)(emit(buf, size, size == 1 && (rnd() & 1), &opc, 1, reg, rm, &fix) - buf);
		fix_rip(buf, fix, len, rm);
		char what[64];
		snprintf(what, sizeof(what), "alu %d dir %d size %d", aluop, dir, size);
		check(buf, len, fmask, what);
	}
}

static const uint64_t alu_flags[8] = {
	F_ALL, F_ALL & ~F_AF, F_ALL, F_ALL, F_ALL & ~F_AF, F_ALL, F_ALL & ~F_AF, F_ALL,
};

Test(x86emu_native, alu_reg_and_mem, .init = setup, .fini = teardown)
{
	for (int op = 0; op < 8; op++)
		alu_rr(op, 250, alu_flags[op]);
	report("alu_reg_and_mem");
}

Test(x86emu_native, alu_imm, .init = setup, .fini = teardown)
{
	for (int i = 0; i < 1600; i++) {
		rand_regs();
		int size = sizes[rnd() & 3], aluop = (int)(rnd() & 7), form = (int)(rnd() % 3);
		uint8_t buf[24], *fix = NULL, *p;
		struct rm rm = { 0, rreg(), 0, -1, 0, 0 };
		if (rnd() & 1)
			rm = rmem(-1, -1);
		if (form == 2 && size > 1 && !rm.is_mem && 0) form = 0;
		if (form == 0 || size == 1) { /* 80 / 81 */
			uint8_t opc = size == 1 ? 0x80 : 0x81;
			p = emit(buf, size, size == 1 && (rnd() & 1), &opc, 1, aluop, rm, &fix);
			uint64_t imm = rval();
			if (size == 1) p = e8(p, (uint8_t)imm);
			else if (size == 2) { memcpy(p, &imm, 2); p += 2; }
			else p = e32(p, (uint32_t)imm);
		} else if (form == 1) { /* 83 ib */
			uint8_t opc = 0x83;
			p = emit(buf, size, 0, &opc, 1, aluop, rm, &fix);
			p = e8(p, (uint8_t)rval());
		} else { /* 04/05 accumulator forms */
			p = buf;
			if (size == 2) p = e8(p, 0x66);
			if (size == 8) p = e8(p, 0x48);
			p = e8(p, (uint8_t)((aluop << 3) | 5));
			uint64_t imm = rval();
			if (size == 2) { memcpy(p, &imm, 2); p += 2; } else p = e32(p, (uint32_t)imm);
		}
		int len = (int)(p - buf);
		fix_rip(buf, fix, len, rm);
		check(buf, len, alu_flags[aluop], "alu imm");
	}
	report("alu_imm");
}

Test(x86emu_native, test_mov_movx_lea, .init = setup, .fini = teardown)
{
	for (int i = 0; i < 1800; i++) {
		rand_regs();
		int size = sizes[rnd() & 3], reg = rreg(), kind = (int)(rnd() % 9);
		uint8_t buf[24], *fix = NULL, *p = buf;
		struct rm rm = { 0, rreg(), 0, -1, 0, 0 };
		if (rnd() & 1)
			rm = rmem(reg, -1);
		uint64_t fm = F_ALL;
		uint8_t opc[2];
		switch (kind) {
		case 0: /* TEST r/m, r */
			opc[0] = (uint8_t)(0x84 | (size > 1));
			p = emit(buf, size, size == 1 && (rnd() & 1), opc, 1, reg, rm, &fix);
			fm = F_ALL & ~F_AF;
			break;
		case 1: /* TEST r/m, imm */
			opc[0] = (uint8_t)(0xF6 | (size > 1));
			p = emit(buf, size, 0, opc, 1, 0, rm, &fix);
			{ uint64_t imm = rval(); int n = size == 1 ? 1 : size == 2 ? 2 : 4; memcpy(p, &imm, (size_t)n); p += n; }
			fm = F_ALL & ~F_AF;
			break;
		case 2: case 3: /* MOV r/m,r and r,r/m */
			opc[0] = (uint8_t)(0x88 | (kind == 3 ? 2 : 0) | (size > 1));
			p = emit(buf, size, size == 1 && (rnd() & 1), opc, 1, reg, rm, &fix);
			break;
		case 4: /* MOV r/m, imm */
			opc[0] = (uint8_t)(0xC6 | (size > 1));
			p = emit(buf, size, 0, opc, 1, 0, rm, &fix);
			{ uint64_t imm = rval(); int n = size == 1 ? 1 : size == 2 ? 2 : 4; memcpy(p, &imm, (size_t)n); p += n; }
			break;
		case 5: { /* MOV r, imm (B0/B8, imm64 with REX.W) */
			struct rm r0 = { 0, reg, 0, -1, 0, 0 };
			(void)r0;
			if (size == 2) p = e8(p, 0x66);
			int rex = (size == 8 ? 8 : 0) | (reg >= 8 ? 1 : 0);
			if (rex || (size == 1 && (rnd() & 1))) p = e8(p, (uint8_t)(0x40 | rex));
			p = e8(p, (uint8_t)((size == 1 ? 0xB0 : 0xB8) | (reg & 7)));
			uint64_t imm = rval();
			memcpy(p, &imm, (size_t)size);
			p += size;
			rm.is_mem = 0;
			fix = NULL;
			break;
		}
		case 6: /* MOVZX / MOVSX r, r/m8|16 */
			opc[0] = 0x0F;
			opc[1] = (uint8_t)(0xB6 | ((rnd() & 1) ? 8 : 0) | (rnd() & 1));
			if (size == 1) size = 4;
			p = emit(buf, size, rnd() & 1, opc, 2, reg, rm, &fix);
			break;
		case 7: /* MOVSXD r64, r/m32 (and the plain r32 form) */
			opc[0] = 0x63;
			p = emit(buf, (rnd() & 1) ? 8 : 4, 0, opc, 1, reg, rm, &fix);
			break;
		case 8: /* LEA */
			opc[0] = 0x8D;
			if (!rm.is_mem) rm = rmem(reg, -1);
			if (size == 1) size = 8;
			p = emit(buf, size, 0, opc, 1, reg, rm, &fix);
			break;
		}
		int len = (int)(p - buf);
		fix_rip(buf, fix, len, rm);
		check(buf, len, fm, "test/mov/movx/lea");
	}
	report("test_mov_movx_lea");
}

Test(x86emu_native, unary_and_shifts, .init = setup, .fini = teardown)
{
	for (int i = 0; i < 2400; i++) {
		rand_regs();
		int size = sizes[rnd() & 3], kind = (int)(rnd() % 4);
		uint8_t buf[24], *fix = NULL, *p;
		struct rm rm = { 0, rreg(), 0, -1, 0, 0 };
		if (rnd() & 1)
			rm = rmem(-1, -1);
		uint8_t opc;
		uint64_t fm = F_ALL;
		if (kind == 0) { /* INC/DEC */
			opc = (uint8_t)(0xFE | (size > 1));
			p = emit(buf, size, size == 1 && (rnd() & 1), &opc, 1, (int)(rnd() & 1), rm, &fix);
		} else if (kind == 1) { /* NOT/NEG */
			opc = (uint8_t)(0xF6 | (size > 1));
			p = emit(buf, size, 0, &opc, 1, 2 + (int)(rnd() & 1), rm, &fix);
		} else { /* ROL ROR SHL SHR SAR by imm8 or 1 */
			static const int ext[5] = { 0, 1, 4, 5, 7 };
			int e = ext[rnd() % 5], by1 = kind == 3;
			opc = (uint8_t)((by1 ? 0xD0 : 0xC0) | (size > 1));
			p = emit(buf, size, 0, &opc, 1, e, rm, &fix);
			unsigned cnt = by1 ? 1 : (unsigned)(rnd() % 72);
			if (!by1) p = e8(p, (uint8_t)cnt);
			unsigned width = 8u * (unsigned)size, c = cnt & (size == 8 ? 63 : 31);
			if (c == 0) {
				fm = F_ALL;
			} else if (e <= 1) { /* rotates: CF always, OF for count 1, rest untouched */
				fm = F_ALL & ~F_OF;
				if (c == 1) fm |= F_OF;
			} else {
				fm = F_SF | F_ZF | F_PF;
				if (c < width) fm |= F_CF;
				if (c == 1) fm |= F_OF;
			}
		}
		int len = (int)(p - buf);
		fix_rip(buf, fix, len, rm);
		check(buf, len, fm, "unary/shift");
	}
	report("unary_and_shifts");
}

Test(x86emu_native, xchg_nop_push_pop, .init = setup, .fini = teardown)
{
	for (int i = 0; i < 1500; i++) {
		rand_regs();
		int kind = (int)(rnd() % 8), reg = rreg(), size = sizes[rnd() & 3];
		uint8_t buf[24], *fix = NULL, *p = buf, opc;
		struct rm rm = { 0, rreg(), 0, -1, 0, 0 };
		switch (kind) {
		case 0: /* XCHG r/m, r (register form) */
			opc = (uint8_t)(0x86 | (size > 1));
			p = emit(buf, size, size == 1 && (rnd() & 1), &opc, 1, reg, rm, &fix);
			break;
		case 1: /* XCHG eAX, r (90+r, not RSP, not plain NOP) */
			if (size == 1) size = 4;
			if (reg == 0) reg = 8;
			if (size == 2) p = e8(p, 0x66);
			if (size == 8 || reg >= 8) p = e8(p, (uint8_t)(0x40 | (size == 8 ? 8 : 0) | (reg >= 8)));
			p = e8(p, (uint8_t)(0x90 | (reg & 7)));
			break;
		case 2: { /* NOP forms */
			static const uint8_t nops[][10] = {
				{ 1, 0x90 }, { 2, 0x66, 0x90 }, { 3, 0x0F, 0x1F, 0x00 },
				{ 5, 0x0F, 0x1F, 0x44, 0x00, 0x00 }, { 8, 0x0F, 0x1F, 0x84, 0x00, 0, 0, 0, 0 },
				{ 9, 0x66, 0x0F, 0x1F, 0x84, 0x00, 0, 0, 0, 0 },
			};
			int k = (int)(rnd() % 6);
			memcpy(buf, nops[k] + 1, nops[k][0]);
			p = buf + nops[k][0];
			break;
		}
		case 3: /* PUSH r64 / r16 */
			if (rnd() & 1) p = e8(p, 0x66);
			if (reg >= 8) p = e8(p, 0x41);
			p = e8(p, (uint8_t)(0x50 | (reg & 7)));
			break;
		case 4: /* POP r64 / r16 */
			if (rnd() & 1) p = e8(p, 0x66);
			if (reg >= 8) p = e8(p, 0x41);
			p = e8(p, (uint8_t)(0x58 | (reg & 7)));
			break;
		case 5: /* PUSH imm8 / imm32 */
			if (rnd() & 1) { p = e8(p, 0x6A); p = e8(p, (uint8_t)rval()); }
			else { p = e8(p, 0x68); p = e32(p, (uint32_t)rval()); }
			break;
		case 6: /* PUSH r/m64 */
			opc = 0xFF;
			rm = rmem(-1, -1);
			p = emit(buf, 4, 0, &opc, 1, 6, rm, &fix);
			break;
		case 7: /* PUSH RSP / POP RSP style: push then pop of RSP itself */
			p = e8(p, (rnd() & 1) ? 0x54 : 0x5C);
			if (buf[0] == 0x5C) { /* POP RSP loads a new stack pointer: keep it valid */
				uint64_t v = (uint64_t)STACK_TOP - 64;
				memcpy((void *)STACK_TOP, &v, 8);
			}
			break;
		}
		int len = (int)(p - buf);
		fix_rip(buf, fix, len, rm);
		check(buf, len, F_ALL, "xchg/nop/push/pop");
	}
	report("xchg_nop_push_pop");
}

/*
 * PUSH/POP operand size with 66 and REX together: in 64-bit mode these are
 * d64 instructions (SDM vol. 2 table A-1, AMD APM vol. 3 1.2.7): 66 alone
 * gives a 16-bit push/pop, REX.W = 1 gives 64 bits whether or not 66 is
 * there, and a REX that is not the last prefix is ignored. First the exact
 * encodings the differential check reported, then every prefix combination
 * over each form (50+r, 58+r, 6A, 68, FF /6 register and memory, 8F /0
 * register), all against the CPU.
 */
static const struct { uint8_t n, b[7]; const char *what; } stack_examples[] = {
	{ 3, { 0x66, 0x48, 0x50 }, "66 48 50: push rax" },
	{ 3, { 0x66, 0x48, 0x58 }, "66 48 58: pop rax" },
	{ 4, { 0x66, 0x4C, 0x6A, 0xFA }, "66 4c 6a fa: push -6 (64-bit)" },
	{ 4, { 0x66, 0x4E, 0xFF, 0x32 }, "66 4e ff 32: push qword [rdx]" },
	{ 4, { 0x66, 0x4D, 0x8F, 0xC4 }, "66 4d 8f c4: pop r12" },
};

Test(x86emu_native, push_pop_66_rexw_examples, .init = setup, .fini = teardown)
{
	for (unsigned i = 0; i < sizeof(stack_examples) / sizeof(stack_examples[0]); i++) {
		for (int k = 0; k < 20; k++) {
			rand_regs();
			/* FF /6 [rdx]: rdx points into DATA */
			st_in.gpr[X86_RDX] = (uint64_t)DATA + 64 + (rnd() & 2047);
			check(stack_examples[i].b, stack_examples[i].n, F_ALL, stack_examples[i].what);
		}
		struct x86dec_insn in;
		x86dec_decode_buf(&in, X86DEC_MODE_64, stack_examples[i].b, stack_examples[i].n);
		cr_assert(eq(int, in.opsize, 8), "%s: opsize", stack_examples[i].what);
		cr_assert(eq(int, in.op[0].size, 8), "%s: operand size", stack_examples[i].what);
	}
	report("push_pop_66_rexw_examples");
}

Test(x86emu_native, push_pop_prefix_combinations, .init = setup, .fini = teardown)
{
	/* prefix sets: none, 66, REX.W, 66 REX.W, REX.W 66 (REX not last:
	 * ignored), 66 REX (W = 0) - each REX with random R/X/B on top */
	static const char *const pfx_name[6] = { "-", "66", "REX.W", "66 REX.W", "REX.W 66", "66 REX.W0" };
	for (int i = 0; i < 1200; i++) {
		rand_regs();
		int pf = (int)(rnd() % 6), form = (int)(rnd() % 7), reg = rreg();
		int rxb = (int)(rnd() & 7);
		uint8_t buf[24], *p = buf, *fix = NULL;
		struct rm rm = { 0, reg, 0, -1, 0, 0 };
		if (form == 4)
			rm = rmem(-1, -1);
		/* REX.B / REX.X pick the register or memory operand below; R is ignored */
		if (form == 4) {
			rxb = (rxb & 4) | (rm.index >= 8 ? 2 : 0) | (rm.base >= 8 ? 1 : 0);
			if (rm.base == -2)
				rxb &= 4 | 2; /* RIP-relative: REX.B has no base to extend */
		} else {
			rxb = (rxb & 6) | (reg >= 8);
		}
		int rex = 0x40 | rxb;
		switch (pf) {
		case 1: p = e8(p, 0x66); break;
		case 2: p = e8(p, (uint8_t)(rex | 8)); break;
		case 3: p = e8(p, 0x66); p = e8(p, (uint8_t)(rex | 8)); break;
		case 4: p = e8(p, (uint8_t)(rex | 8)); p = e8(p, 0x66); break;
		case 5: p = e8(p, 0x66); p = e8(p, (uint8_t)rex); break;
		default: break;
		}
		/* where no REX is emitted (or it was cancelled), registers 8-15
		 * cannot be reached: fall back to the low eight */
		if (pf <= 1 || pf == 4) {
			reg &= 7;
			if (reg == 4)
				reg = 3;
			if (form == 4 && rm.base != -2 && (rm.base >= 8 || rm.index >= 8)) {
				rm = (struct rm){ 1, 0, X86_RBX, -1, 0, 8 };
				st_in.gpr[X86_RBX] = (uint64_t)DATA + 64 + (rnd() & 2047) - 8;
			}
			rm.reg = reg;
		}
		switch (form) {
		case 0: p = e8(p, (uint8_t)(0x50 | (reg & 7))); break;                /* PUSH r */
		case 1: p = e8(p, (uint8_t)(0x58 | (reg & 7))); break;                /* POP r */
		case 2: p = e8(p, 0x6A); p = e8(p, (uint8_t)rval()); break;           /* PUSH imm8 */
		case 3: {                                                              /* PUSH imm16/32 */
			int w16 = (pf == 1 || pf == 4 || pf == 5);
			uint64_t imm = rval();
			p = e8(p, 0x68);
			memcpy(p, &imm, w16 ? 2 : 4);
			p += w16 ? 2 : 4;
			break;
		}
		case 4: case 5: {                                                      /* PUSH r/m (FF /6) */
			p = e8(p, 0xFF);
			if (form == 5) {
				p = e8(p, (uint8_t)(0xC0 | (6 << 3) | (reg & 7)));
				break;
			}
			if (rm.base == -2) {
				p = e8(p, (uint8_t)((6 << 3) | 5));
				fix = p;
				p = e32(p, 0);
			} else if (rm.index >= 0 || (rm.base & 7) == 4) {
				int mod = (rm.disp >= -128 && rm.disp < 128) ? 1 : 2;
				int idx = rm.index >= 0 ? rm.index : 4;
				p = e8(p, (uint8_t)((mod << 6) | (6 << 3) | 4));
				p = e8(p, (uint8_t)((rm.scale_log << 6) | ((idx & 7) << 3) | (rm.base & 7)));
				p = mod == 1 ? e8(p, (uint8_t)rm.disp) : e32(p, (uint32_t)rm.disp);
			} else {
				int mod = (rm.disp >= -128 && rm.disp < 128) ? 1 : 2;
				p = e8(p, (uint8_t)((mod << 6) | (6 << 3) | (rm.base & 7)));
				p = mod == 1 ? e8(p, (uint8_t)rm.disp) : e32(p, (uint32_t)rm.disp);
			}
			break;
		}
		case 6: p = e8(p, 0x8F); p = e8(p, (uint8_t)(0xC0 | (reg & 7))); break; /* POP r/m (8F /0) */
		}
		int len = (int)(p - buf);
		fix_rip(buf, fix, len, rm);
		char what[64];
		snprintf(what, sizeof(what), "stack form %d, prefixes %s", form, pfx_name[pf]);
		check(buf, len, F_ALL, what);
		/* and the decoded width is what the CPU moved RSP by */
		struct x86dec_insn in;
		x86dec_decode_buf(&in, X86DEC_MODE_64, buf, (size_t)len);
		uint64_t moved = form == 1 || form == 6 ? st_out.gpr[4] - st_in.gpr[4]
							: st_in.gpr[4] - st_out.gpr[4];
		if (!(form == 1 && reg == 4) && !(form == 6 && reg == 4))
			cr_assert(eq(u64, moved, in.op[0].size), "%s: RSP moved by the operand size", what);
	}
	report("push_pop_prefix_combinations");
}

/* Not emulable and faulting accesses leave everything unchanged. */
static int fault_read(void *ctx, uint64_t a, unsigned s, uint64_t *v) { *v = 0; return 1; }
static int fault_write(void *ctx, uint64_t a, unsigned s, uint64_t v) { return 1; }

Test(x86emu_native, nothing_changes_on_refusal)
{
	static const uint8_t cases[][8] = {
		{ 3, 0x0F, 0xA2 },             /* CPUID: not emulable */
		{ 2, 0x0F, 0x05 },             /* SYSCALL: recognised */
		{ 3, 0x48, 0x01, 0x03 },       /* add [rbx], rax: memory fault */
		{ 3, 0x48, 0x8B, 0x03 },       /* mov rax, [rbx]: memory fault */
		{ 1, 0x50 },                   /* push rax: memory fault */
		{ 3, 0xF0, 0x01, 0x03 },       /* lock add: not emulable */
		{ 2, 0xEB, 0x10 },             /* jmp: branch */
	};
	static const int expect[] = { X86EMU_NOT_EMULABLE, X86EMU_SYSCALL, X86EMU_MEM_FAULT, X86EMU_MEM_FAULT,
				      X86EMU_MEM_FAULT, X86EMU_NOT_EMULABLE, X86EMU_BRANCH };
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct x86dec_insn in;
		cr_assert(eq(int, x86dec_decode_buf(&in, X86DEC_MODE_64, cases[i] + 1, cases[i][0]), X86DEC_OK));
		struct x86emu_regs r, r0;
		for (int k = 0; k < 16; k++) r.gpr[k] = 0x1000 * (uint64_t)k + 7;
		r.rip = 0x400000;
		r.rflags = 0x246;
		r0 = r;
		struct x86emu_mem_ops m = { fault_read, fault_write, NULL, 0, 0 };
		struct x86emu_branch br;
		cr_assert(eq(int, x86emu_step(&in, &r, &m, &br), expect[i]), "case %u", i);
		cr_assert(eq(int, memcmp(&r, &r0, sizeof(r)), 0), "case %u changed state", i);
	}
}

Test(x86emu_native, branch_targets)
{
	struct x86dec_insn in;
	struct x86emu_regs r = { { 0 }, 0x1000, 0x202 | F_ZF };
	struct x86emu_branch br;
	struct x86emu_mem_ops m = { fault_read, fault_write, NULL, 0, 0 };
	static const uint8_t jz[] = { 0x0F, 0x84, 0x10, 0x00, 0x00, 0x00 };
	cr_assert(eq(int, x86dec_decode_buf(&in, X86DEC_MODE_64, jz, sizeof(jz)), X86DEC_OK));
	cr_assert(eq(int, x86emu_step(&in, &r, &m, &br), X86EMU_BRANCH));
	cr_assert(eq(int, br.mnemonic, X86DEC_MN_JCC));
	cr_assert(eq(u64, br.target, 0x1016));
	cr_assert(eq(u64, br.fallthrough, 0x1006));
	cr_assert(eq(int, br.taken, 1));
	static const uint8_t jne[] = { 0x75, 0xFE };
	x86dec_decode_buf(&in, X86DEC_MODE_64, jne, sizeof(jne));
	cr_assert(eq(int, x86emu_step(&in, &r, &m, &br), X86EMU_BRANCH));
	cr_assert(eq(u64, br.target, 0x1000));
	cr_assert(eq(int, br.taken, 0));
	static const uint8_t call[] = { 0xE8, 0x00, 0xF0, 0xFF, 0xFF };
	x86dec_decode_buf(&in, X86DEC_MODE_64, call, sizeof(call));
	cr_assert(eq(int, x86emu_step(&in, &r, &m, &br), X86EMU_BRANCH));
	cr_assert(eq(int, br.mnemonic, X86DEC_MN_CALL));
	cr_assert(eq(u64, br.target, 0x1005 - 0x1000));
	static const uint8_t ret[] = { 0xC3 };
	x86dec_decode_buf(&in, X86DEC_MODE_64, ret, 1);
	cr_assert(eq(int, x86emu_step(&in, &r, &m, &br), X86EMU_BRANCH));
	cr_assert(eq(int, br.mnemonic, X86DEC_MN_RET));
	cr_assert(eq(int, br.indirect, 1));
	static const uint8_t jmpind[] = { 0xFF, 0xE0 };
	x86dec_decode_buf(&in, X86DEC_MODE_64, jmpind, 2);
	cr_assert(eq(int, x86emu_step(&in, &r, &m, &br), X86EMU_BRANCH));
	cr_assert(eq(int, br.mnemonic, X86DEC_MN_JMP));
	cr_assert(eq(int, br.indirect, 1));
}
