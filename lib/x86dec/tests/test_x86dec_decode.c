/*
 * Unit tests for the lib/x86dec decoder: lengths of hand-picked encodings in
 * 64- and 32-bit mode (prefixes, REX cancellation, RIP-relative, 16-bit
 * addressing, VEX/EVEX/XOP, 3DNow!, the register-equality rules of gathers
 * and their neighbours), invalid-in-64-bit opcodes, the 15-byte
 * limit, truncated input, fetch faults at every byte offset, the guarantee
 * that no byte past the instruction is fetched, and the structured form.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../x86dec.h"

struct enc {
	const char *name;
	int mode;      /* 0: 64-bit, 1: 32-bit */
	int status;
	int len;       /* expected length (OK) */
	int n;
	uint8_t b[16];
};

#define E(nm, md, st, ln, ...) { nm, md, st, ln, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } }

static const struct enc encs[] = {
	E("mov rax,[rip+d32]", 0, X86DEC_OK, 7, 0x48, 0x8B, 0x05, 1, 2, 3, 4),
	E("mov eax,[esp]", 0, X86DEC_OK, 4, 0x67, 0x8B, 0x04, 0x24),
	E("mov rax,imm64", 0, X86DEC_OK, 10, 0x48, 0xB8, 1, 2, 3, 4, 5, 6, 7, 8),
	E("mov ax,imm16", 0, X86DEC_OK, 4, 0x66, 0xB8, 1, 2),
	E("REX.W then 66: REX cancelled, imm16", 0, X86DEC_OK, 5, 0x48, 0x66, 0xB8, 1, 2),
	E("66 then REX.W: imm64", 0, X86DEC_OK, 11, 0x66, 0x48, 0xB8, 1, 2, 3, 4, 5, 6, 7, 8),
	E("push imm16", 0, X86DEC_OK, 4, 0x66, 0x68, 1, 2),
	E("call rel32 with 66 (64-bit: still rel32)", 0, X86DEC_OK, 6, 0x66, 0xE8, 1, 2, 3, 4),
	E("call rel16 with 66 (32-bit)", 1, X86DEC_OK, 4, 0x66, 0xE8, 1, 2),
	E("mov al,[moffs64]", 0, X86DEC_OK, 9, 0xA0, 1, 2, 3, 4, 5, 6, 7, 8),
	E("mov al,[moffs32] with 67", 0, X86DEC_OK, 6, 0x67, 0xA0, 1, 2, 3, 4),
	E("mov al,[moffs16] 32-bit with 67", 1, X86DEC_OK, 4, 0x67, 0xA0, 1, 2),
	E("16-bit addressing [bp+si+d16]", 1, X86DEC_OK, 5, 0x67, 0x8B, 0x82, 1, 2),
	E("16-bit addressing [d16]", 1, X86DEC_OK, 5, 0x67, 0x8B, 0x06, 1, 2),
	E("SIB no base + disp32", 0, X86DEC_OK, 7, 0x8B, 0x04, 0x25, 1, 2, 3, 4),
	E("enter iw,ib", 0, X86DEC_OK, 4, 0xC8, 1, 2, 3),
	E("jmp far ptr16:32 (32-bit)", 1, X86DEC_OK, 7, 0xEA, 1, 2, 3, 4, 5, 6),
	E("jmp far invalid in 64-bit", 0, X86DEC_INVALID, 0, 0xEA, 1, 2, 3, 4, 5, 6),
	E("push es invalid in 64-bit", 0, X86DEC_INVALID, 0, 0x06),
	E("push es valid in 32-bit", 1, X86DEC_OK, 1, 0x06),
	E("daa invalid in 64-bit", 0, X86DEC_INVALID, 0, 0x27),
	E("inc eax (40) in 32-bit", 1, X86DEC_OK, 1, 0x40),
	E("lea with register operand", 0, X86DEC_INVALID, 0, 0x8D, 0xC0),
	E("lock add [rax],eax", 0, X86DEC_OK, 3, 0xF0, 0x01, 0x00),
	E("lock add eax,eax (register form)", 0, X86DEC_INVALID, 0, 0xF0, 0x01, 0xC0),
	E("lock mov", 0, X86DEC_INVALID, 0, 0xF0, 0x89, 0x00),
	E("test r/m8, imm8 (F6 /0)", 0, X86DEC_OK, 3, 0xF6, 0xC0, 0x12),
	E("not r/m8 (F6 /2) has no imm", 0, X86DEC_OK, 2, 0xF6, 0xD0),
	E("syscall", 0, X86DEC_OK, 2, 0x0F, 0x05),
	E("jz rel32", 0, X86DEC_OK, 6, 0x0F, 0x84, 1, 2, 3, 4),
	E("pshufd xmm,xmm,ib (66 0F 70)", 0, X86DEC_OK, 5, 0x66, 0x0F, 0x70, 0xC1, 0x05),
	E("pshufb (0F 38 00)", 0, X86DEC_OK, 5, 0x66, 0x0F, 0x38, 0x00, 0xC1),
	E("palignr (0F 3A 0F) ib", 0, X86DEC_OK, 6, 0x66, 0x0F, 0x3A, 0x0F, 0xC1, 0x08),
	E("mov cr3, rax ignores mod", 0, X86DEC_OK, 3, 0x0F, 0x22, 0x18),
	E("3DNow! pfmul", 0, X86DEC_OK, 4, 0x0F, 0x0F, 0xC1, 0xB4),
	E("3DNow! bad suffix", 0, X86DEC_INVALID, 0, 0x0F, 0x0F, 0xC1, 0x00),
	E("vzeroupper (VEX2, no ModRM)", 0, X86DEC_OK, 3, 0xC5, 0xF8, 0x77),
	E("vaddps ymm (VEX2)", 0, X86DEC_OK, 4, 0xC5, 0xFC, 0x58, 0xC1),
	E("vpbroadcastb (VEX3)", 0, X86DEC_OK, 5, 0xC4, 0xE2, 0x79, 0x78, 0xC1),
	E("KNC jknzd k1, rel8 (VEX map 0, as Zydis)", 0, X86DEC_OK, 5, 0xC4, 0xE0, 0x70, 0x75, 0x10),
	E("VEX map 0 with pp=66 is invalid", 0, X86DEC_INVALID, 0, 0xC4, 0xE0, 0x79, 0x74, 0x10),
	E("VEX map 0 in 32-bit mode is invalid", 1, X86DEC_INVALID, 0, 0xC4, 0xE0, 0x78, 0x74, 0x10),
	E("VEX after 66 is invalid", 0, X86DEC_INVALID, 0, 0x66, 0xC5, 0xF8, 0x77),
	E("VEX after REX is invalid", 0, X86DEC_INVALID, 0, 0x40, 0xC5, 0xF8, 0x77),
	E("C5 in 32-bit with mod!=3 is LDS", 1, X86DEC_OK, 2, 0xC5, 0x00),
	E("vaddps zmm (EVEX)", 0, X86DEC_OK, 6, 0x62, 0xF1, 0x7C, 0x48, 0x58, 0xC1),
	E("vaddps zmm {rz-sae}", 0, X86DEC_OK, 6, 0x62, 0xF1, 0x7C, 0x78, 0x58, 0xC1),
	E("EVEX z without mask", 0, X86DEC_INVALID, 0, 0x62, 0xF1, 0x7C, 0xC8, 0x58, 0xC1),
	E("EVEX L'L=11 without b", 0, X86DEC_INVALID, 0, 0x62, 0xF1, 0x7C, 0x68, 0x58, 0xC1),
	E("62 in 32-bit with mod!=3 is BOUND", 1, X86DEC_OK, 2, 0x62, 0x00),
	E("XOP vprotb ib (map 8)", 0, X86DEC_OK, 6, 0x8F, 0xE8, 0x78, 0xC0, 0xC1, 0x01),
	E("XOP bextr id (map A)", 0, X86DEC_OK, 9, 0x8F, 0xEA, 0x78, 0x10, 0xC1, 1, 2, 3, 4),
	E("8F /0 is POP", 0, X86DEC_OK, 2, 0x8F, 0xC0),
	E("66 REX.W push rax", 0, X86DEC_OK, 3, 0x66, 0x48, 0x50),
	E("66 REX.W pop rax", 0, X86DEC_OK, 3, 0x66, 0x48, 0x58),
	E("66 REX.WR push imm8", 0, X86DEC_OK, 4, 0x66, 0x4C, 0x6A, 0xFA),
	E("66 REX.WRX push [rdx]", 0, X86DEC_OK, 4, 0x66, 0x4E, 0xFF, 0x32),
	E("66 REX.WRB pop r12 (8F /0)", 0, X86DEC_OK, 4, 0x66, 0x4D, 0x8F, 0xC4),
	E("66 REX.W push imm32 (REX.W wins: imm32, not imm16)", 0, X86DEC_OK, 7, 0x66, 0x48, 0x68, 1, 2, 3, 4),
	E("tileloadd tmm0,[rax+rcx] (SIB, not VSIB)", 0, X86DEC_OK, 6, 0xC4, 0xE2, 0x7B, 0x4B, 0x04, 0x08),
	E("tileloadd needs a SIB byte", 0, X86DEC_INVALID, 0, 0xC4, 0xE2, 0x7B, 0x4B, 0x00),
	E("vpgatherdd ymm8,[rax+ymm1*4],ymm0", 0, X86DEC_OK, 6, 0xC4, 0x62, 0x7D, 0x90, 0x04, 0x88),
	E("vpgatherdd ymm0,..,ymm0: mask == dst", 0, X86DEC_INVALID, 0, 0xC4, 0xE2, 0x7D, 0x90, 0x04, 0x88),
	E("vpscatterdd [rax+zmm0]{k1},zmm0: src == index is fine", 0, X86DEC_OK, 7, 0x62, 0xF2, 0x7D, 0x49, 0xA0, 0x04, 0x00),
	E("vpgatherdd zmm0{k1},[rax+zmm0]: dst == index", 0, X86DEC_INVALID, 0, 0x62, 0xF2, 0x7D, 0x49, 0x90, 0x04, 0x00),
	E("vgatherpf0dps [rax+zmm1]{k1}: /1 == index is fine", 0, X86DEC_OK, 7, 0x62, 0xF2, 0x7D, 0x49, 0xC6, 0x0C, 0x08),
	E("15 bytes exactly", 0, X86DEC_OK, 15, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x48, 0x81, 0xC0, 1, 2, 3, 4),
	E("16 bytes: too long", 0, X86DEC_TOO_LONG, 0, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x48, 0x81, 0xC0, 1, 2, 3, 4),
	E("15 prefixes: too long", 0, X86DEC_TOO_LONG, 0, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90),
};

Test(x86dec_decode, table_of_encodings)
{
	for (unsigned i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		const struct enc *e = &encs[i];
		struct x86dec_insn in;
		int s = x86dec_decode_buf(&in, e->mode ? X86DEC_MODE_32 : X86DEC_MODE_64, e->b, (size_t)e->n);
		cr_assert(eq(int, s, e->status), "%s: status", e->name);
		if (s == X86DEC_OK)
			cr_assert(eq(int, in.length, e->len), "%s: length", e->name);
	}
}

/* ---- fetch callback with a fault at a chosen offset ---- */
struct fctx {
	const uint8_t *b;
	unsigned n, fault_at, max_req, calls;
};

static unsigned fetch(void *c, unsigned off, uint8_t *dst, unsigned len, int *fault)
{
	struct fctx *f = c;
	unsigned got = 0;
	f->calls++;
	while (got < len) {
		unsigned o = off + got;
		if (o + 1 > f->max_req) f->max_req = o + 1;
		if (o == f->fault_at) { *fault = 1; break; }
		if (o >= f->n) { *fault = 0; break; }
		dst[got++] = f->b[o];
	}
	return got;
}

Test(x86dec_decode, fetch_fault_at_every_offset)
{
	unsigned checked = 0;
	for (unsigned i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		const struct enc *e = &encs[i];
		if (e->status != X86DEC_OK)
			continue;
		enum x86dec_mode mode = e->mode ? X86DEC_MODE_32 : X86DEC_MODE_64;
		/* no fault: same answer as the buffer API, nothing fetched past the end */
		struct fctx f0 = { e->b, (unsigned)e->n, ~0u, 0, 0 };
		struct x86dec_insn in;
		cr_assert(eq(int, x86dec_decode(&in, mode, fetch, &f0), X86DEC_OK), "%s", e->name);
		cr_assert(eq(int, in.length, e->len), "%s", e->name);
		cr_assert(eq(u32, f0.max_req, (unsigned)e->len), "%s: fetched past the instruction", e->name);
		for (int k = 0; k < e->len; k++) {
			struct fctx f = { e->b, (unsigned)e->n, (unsigned)k, 0, 0 };
			int s = x86dec_decode(&in, mode, fetch, &f);
			cr_assert(eq(int, s, X86DEC_FETCH_FAULT), "%s: fault at %d", e->name, k);
			cr_assert(eq(int, in.fault_offset, k), "%s: fault offset", e->name);
			cr_assert(eq(u32, f.max_req, (unsigned)k + 1), "%s: fetched past the fault", e->name);
			checked++;
		}
		/* a fault right after the instruction is never seen */
		struct fctx f1 = { e->b, (unsigned)e->n, (unsigned)e->len, 0, 0 };
		cr_assert(eq(int, x86dec_decode(&in, mode, fetch, &f1), X86DEC_OK), "%s: fault after", e->name);
	}
	cr_log_info("fetch faults checked at %u offsets", checked);
	cr_assert(gt(u32, checked, 200));
}

Test(x86dec_decode, truncated_at_every_length)
{
	for (unsigned i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		const struct enc *e = &encs[i];
		if (e->status != X86DEC_OK)
			continue;
		for (int k = 0; k < e->len; k++) {
			struct x86dec_insn in;
			int s = x86dec_decode_buf(&in, e->mode ? X86DEC_MODE_32 : X86DEC_MODE_64, e->b, (size_t)k);
			/* an invalid encoding can be recognised before its end; a valid one cannot */
			cr_assert(eq(int, s, X86DEC_TRUNCATED), "%s: cut at %d", e->name, k);
			cr_assert(eq(int, in.fault_offset, k), "%s: cut at %d", e->name, k);
		}
	}
}

Test(x86dec_decode, longer_than_15_bytes_of_input)
{
	uint8_t b[32];
	memset(b, 0x90, sizeof(b));
	struct x86dec_insn in;
	cr_assert(eq(int, x86dec_decode_buf(&in, X86DEC_MODE_64, b, sizeof(b)), X86DEC_OK));
	cr_assert(eq(int, in.length, 1));
	memset(b, 0x66, sizeof(b));
	cr_assert(eq(int, x86dec_decode_buf(&in, X86DEC_MODE_64, b, sizeof(b)), X86DEC_TOO_LONG));
	cr_assert(eq(u32, x86dec_length(X86DEC_MODE_64, b, sizeof(b)), 0));
}

Test(x86dec_decode, structured_lea_sib)
{
	static const uint8_t b[] = { 0x48, 0x8D, 0x44, 0x8B, 0x10 }; /* lea rax,[rbx+rcx*4+0x10] */
	struct x86dec_insn in;
	cr_assert(eq(int, x86dec_decode_buf(&in, X86DEC_MODE_64, b, sizeof(b)), X86DEC_OK));
	cr_assert(eq(int, in.mnemonic, X86DEC_MN_LEA));
	cr_assert(eq(int, in.operand_count, 2));
	cr_assert(eq(int, in.op[0].kind, X86DEC_OP_REG));
	cr_assert(eq(int, in.op[0].reg, X86_RAX));
	cr_assert(eq(int, in.op[0].size, 8));
	cr_assert(eq(int, in.op[1].kind, X86DEC_OP_MEM));
	cr_assert(eq(int, in.op[1].mem.base, X86_RBX));
	cr_assert(eq(int, in.op[1].mem.index, X86_RCX));
	cr_assert(eq(int, in.op[1].mem.scale, 4));
	cr_assert(eq(i64, in.op[1].mem.disp, 0x10));
}

Test(x86dec_decode, structured_registers_and_immediates)
{
	struct x86dec_insn in;
	static const uint8_t movah[] = { 0x88, 0xE0 };       /* mov al, ah */
	x86dec_decode_buf(&in, X86DEC_MODE_64, movah, 2);
	cr_assert(eq(int, in.mnemonic, X86DEC_MN_MOV));
	cr_assert(eq(int, in.op[1].reg, X86DEC_REG_AH));
	static const uint8_t movspl[] = { 0x40, 0x88, 0xE0 }; /* mov al, spl */
	x86dec_decode_buf(&in, X86DEC_MODE_64, movspl, 3);
	cr_assert(eq(int, in.op[1].reg, X86_RSP));
	cr_assert(eq(int, in.op[1].size, 1));
	static const uint8_t sub83[] = { 0x49, 0x83, 0xEC, 0xF0 }; /* sub r12, -16 */
	x86dec_decode_buf(&in, X86DEC_MODE_64, sub83, 4);
	cr_assert(eq(int, in.mnemonic, X86DEC_MN_SUB));
	cr_assert(eq(int, in.op[0].reg, X86_R12));
	cr_assert(eq(i64, in.op[1].imm, -16));
	static const uint8_t riprel[] = { 0x48, 0x89, 0x05, 0x10, 0, 0, 0 }; /* mov [rip+16], rax */
	x86dec_decode_buf(&in, X86DEC_MODE_64, riprel, 7);
	cr_assert(eq(int, in.op[0].kind, X86DEC_OP_MEM));
	cr_assert(eq(int, in.op[0].mem.base, X86DEC_REG_RIP));
	cr_assert(eq(i64, in.op[0].mem.disp, 16));
	static const uint8_t jcc[] = { 0x7C, 0xF0 }; /* jl -16 */
	x86dec_decode_buf(&in, X86DEC_MODE_64, jcc, 2);
	cr_assert(eq(int, in.mnemonic, X86DEC_MN_JCC));
	cr_assert(eq(int, in.cond, 0xC));
	cr_assert(eq(int, in.op[0].kind, X86DEC_OP_REL));
	cr_assert(eq(i64, in.op[0].imm, -16));
	static const uint8_t sc[] = { 0x0F, 0x05 };
	x86dec_decode_buf(&in, X86DEC_MODE_64, sc, 2);
	cr_assert(eq(int, in.mnemonic, X86DEC_MN_SYSCALL));
	static const uint8_t cpuid[] = { 0x0F, 0xA2 };
	x86dec_decode_buf(&in, X86DEC_MODE_64, cpuid, 2);
	cr_assert(eq(int, in.mnemonic, X86DEC_MN_OTHER));
	cr_assert(eq(int, in.operand_count, 0));
	static const uint8_t m16[] = { 0x67, 0x8B, 0x42, 0x08 }; /* 32-bit mode: mov eax,[bp+si+8] */
	x86dec_decode_buf(&in, X86DEC_MODE_32, m16, 4);
	cr_assert(eq(int, in.op[1].mem.base, X86_RBP));
	cr_assert(eq(int, in.op[1].mem.index, X86_RSI));
	cr_assert(eq(int, in.op[1].mem.addr_size, 2));
}

/*
 * Effective operand size of the d64 stack operations and f64 near branches
 * in 64-bit mode (SDM vol. 2 table A-1, AMD APM vol. 3 1.2.7): 64 bits by
 * default, 16 with 66, and 64 again when REX.W is present too (REX.W wins
 * over 66); a REX that is not the last prefix is ignored. The structured
 * form's operand has that width, and the emulator moves RSP by it.
 */
Test(x86dec_decode, stack_operand_size)
{
	static const struct { uint8_t n, b[8]; uint8_t mode, opsize, mn; } t[] = {
		{ 1, { 0x50 }, 0, 8, X86DEC_MN_PUSH },
		{ 2, { 0x66, 0x50 }, 0, 2, X86DEC_MN_PUSH },
		{ 3, { 0x66, 0x48, 0x50 }, 0, 8, X86DEC_MN_PUSH },
		{ 3, { 0x48, 0x66, 0x50 }, 0, 2, X86DEC_MN_PUSH },      /* REX not last: ignored */
		{ 3, { 0x66, 0x41, 0x50 }, 0, 2, X86DEC_MN_PUSH },      /* REX.B without W: push r8w */
		{ 3, { 0x66, 0x48, 0x58 }, 0, 8, X86DEC_MN_POP },
		{ 2, { 0x66, 0x58 }, 0, 2, X86DEC_MN_POP },
		{ 4, { 0x66, 0x4C, 0x6A, 0xFA }, 0, 8, X86DEC_MN_PUSH },
		{ 3, { 0x66, 0x6A, 0xFA }, 0, 2, X86DEC_MN_PUSH },
		{ 7, { 0x66, 0x48, 0x68, 1, 2, 3, 4 }, 0, 8, X86DEC_MN_PUSH },
		{ 4, { 0x66, 0x68, 1, 2 }, 0, 2, X86DEC_MN_PUSH },
		{ 4, { 0x66, 0x4E, 0xFF, 0x32 }, 0, 8, X86DEC_MN_PUSH },
		{ 3, { 0x66, 0xFF, 0x32 }, 0, 2, X86DEC_MN_PUSH },
		{ 2, { 0xFF, 0x32 }, 0, 8, X86DEC_MN_PUSH },
		{ 4, { 0x66, 0x4D, 0x8F, 0xC4 }, 0, 8, X86DEC_MN_POP },
		{ 3, { 0x66, 0x8F, 0xC0 }, 0, 2, X86DEC_MN_POP },
		{ 6, { 0x66, 0xE8, 1, 2, 3, 4 }, 0, 8, X86DEC_MN_CALL },  /* f64: 66 ignored */
		{ 3, { 0x66, 0xFF, 0xD0 }, 0, 8, X86DEC_MN_CALL },
		{ 1, { 0x50 }, 1, 4, X86DEC_MN_PUSH },                   /* 32-bit mode: ordinary rule */
		{ 2, { 0x66, 0x50 }, 1, 2, X86DEC_MN_PUSH },
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct x86dec_insn in;
		int s = x86dec_decode_buf(&in, t[i].mode ? X86DEC_MODE_32 : X86DEC_MODE_64, t[i].b, t[i].n);
		cr_assert(eq(int, s, X86DEC_OK), "case %u", i);
		cr_assert(eq(int, in.length, t[i].n), "case %u", i);
		cr_assert(eq(int, in.opsize, t[i].opsize), "case %u: opsize", i);
		cr_assert(eq(int, in.mnemonic, t[i].mn), "case %u: mnemonic", i);
		cr_assert(eq(int, in.op[0].size, t[i].opsize), "case %u: operand size", i);
	}
}
