/*
 * The trampoline generator and the hot-set selection (lib/tramp/tramp.h):
 * every byte the generator emits decodes (lib/x86dec) to exactly the
 * intended instruction; the code runs natively in this process against a
 * real table of functions, with and without a retpoline thunk, and every
 * index, hot or cold, reaches its own entry with the arguments untouched;
 * bad specs are refused; the hot set is the top-k counts, ties in index
 * order, zeros never.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include <sys/mman.h>
#include "../tramp.h"
#include "../../x86dec/x86dec.h"
#include "tramp_native.h"

#define NFN 8

static long f0(long a) { return a + 0; }
static long f1(long a) { return a + 10; }
static long f2(long a) { return a + 20; }
static long f3(long a) { return a + 30; }
static long f4(long a) { return a + 40; }
static long f5(long a) { return a + 50; }
static long f6(long a) { return a + 60; }
static long f7(long a) { return a + 70; }
static long (*const table[NFN])(long) = { f0, f1, f2, f3, f4, f5, f6, f7 };

static uint8_t *code_page(void)
{
	uint8_t *p = tramp_page_near((const void *)f0);

	cr_assert(ne(ptr, p, NULL), "no free page within rel32 reach of the code");
	return p;
}

static void make_executable(uint8_t *p)
{
	cr_assert(eq(int, mprotect(p, 4096, PROT_READ | PROT_EXEC), 0)); /* W^X */
}

Test(tramp, every_index_reaches_its_entry_natively)
{
	const struct tramp_hot hot[] = {
		{ 5, (uint64_t)f5 }, { 2, (uint64_t)f2 }, { 7, (uint64_t)f7 },
	};
	for (int with_thunk = 0; with_thunk < 2; with_thunk++) {
		uint8_t *p = code_page();
		struct tramp_spec s = {
			.hot = hot, .nhot = 3, .index_reg = 0, .table = (uint64_t)table,
			.thunk = with_thunk ? (uint64_t)(p + 2048) : 0, .load_addr = (uint64_t)p,
		};
		size_t len = 0;

		memcpy(p + 2048, tramp_retpoline_r11, sizeof(tramp_retpoline_r11));
		cr_assert(eq(int, tramp_generate(&s, p, 2048, &len), 0));
		cr_assert(eq(sz, len, tramp_size(&s)));
		make_executable(p);
		for (long i = 0; i < NFN; i++)
			for (long a = -1; a <= 1000; a += 1001)
				cr_assert(eq(long, tramp_call(p, i, a), a + 10 * i),
					  "index %ld arg %ld thunk %d", i, a, with_thunk);
		munmap(p, 4096);
	}
}

static void decode_at(const uint8_t *code, size_t len, size_t *off, struct x86dec_insn *in)
{
	cr_assert(lt(sz, *off, len));
	cr_assert(eq(int, x86dec_decode_buf(in, X86DEC_MODE_64, code + *off, len - *off),
		     X86DEC_OK), "decode at %zu", *off);
	*off += in->length;
}

/* Each emitted instruction, decoded: CMP idx, imm (imm8 form under 128);
 * JE to the entry's target; MOV R11, imm64 (the table); MOV R11,
 * [R11 + idx*8]; JMP rel32 to the thunk, or JMP R11. For RAX and R9. */
Test(tramp, every_instruction_decodes_as_intended)
{
	const struct tramp_hot hot[] = {
		{ 0, 0x401000 }, { 127, 0x402000 }, { 128, 0x403000 }, { 70000, 0x3FF000 },
	};
	const unsigned regs[] = { 0, 9, 15 };

	for (unsigned r = 0; r < 3; r++)
	for (int thunk = 0; thunk < 2; thunk++) {
		struct tramp_spec s = {
			.hot = hot, .nhot = 4, .index_reg = regs[r], .table = 0xFFFF888000123000ull,
			.thunk = thunk ? 0x404000 : 0, .load_addr = 0x400000,
		};
		uint8_t code[256];
		size_t len, off = 0;
		struct x86dec_insn in;

		cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), 0));
		for (unsigned i = 0; i < 4; i++) {
			decode_at(code, len, &off, &in);
			cr_assert(eq(u32, in.mnemonic, X86DEC_MN_CMP));
			cr_assert(eq(u32, in.op[0].kind, X86DEC_OP_REG));
			cr_assert(eq(u32, in.op[0].reg, regs[r]));
			cr_assert(eq(u32, in.op[0].size, 8));
			cr_assert(eq(u32, in.op[1].kind, X86DEC_OP_IMM));
			cr_assert(eq(i64, in.op[1].imm, hot[i].index));
			cr_assert(eq(u32, in.length, hot[i].index < 128 ? 4 : 7));
			decode_at(code, len, &off, &in);
			cr_assert(eq(u32, in.mnemonic, X86DEC_MN_JCC));
			cr_assert(eq(u32, in.cond, 4));                 /* E/Z */
			cr_assert(eq(u32, in.op[0].kind, X86DEC_OP_REL));
			cr_assert(eq(u64, s.load_addr + off + (uint64_t)in.op[0].imm, hot[i].target));
		}
		decode_at(code, len, &off, &in);
		cr_assert(eq(u32, in.mnemonic, X86DEC_MN_MOV));
		cr_assert(eq(u32, in.op[0].reg, TRAMP_SCRATCH_REG));
		cr_assert(eq(u32, in.op[1].kind, X86DEC_OP_IMM));
		cr_assert(eq(u64, (uint64_t)in.op[1].imm, s.table));
		decode_at(code, len, &off, &in);
		cr_assert(eq(u32, in.mnemonic, X86DEC_MN_MOV));
		cr_assert(eq(u32, in.op[0].reg, TRAMP_SCRATCH_REG));
		cr_assert(eq(u32, in.op[1].kind, X86DEC_OP_MEM));
		cr_assert(eq(u32, in.op[1].mem.base, TRAMP_SCRATCH_REG));
		cr_assert(eq(u32, in.op[1].mem.index, regs[r]));
		cr_assert(eq(u32, in.op[1].mem.scale, 8));
		cr_assert(eq(i64, in.op[1].mem.disp, 0));
		decode_at(code, len, &off, &in);
		cr_assert(eq(u32, in.mnemonic, X86DEC_MN_JMP));
		if (thunk) {
			cr_assert(eq(u32, in.op[0].kind, X86DEC_OP_REL));
			cr_assert(eq(u64, s.load_addr + off + (uint64_t)in.op[0].imm, s.thunk));
		} else {
			cr_assert(eq(u32, in.op[0].kind, X86DEC_OP_REG));
			cr_assert(eq(u32, in.op[0].reg, TRAMP_SCRATCH_REG));
		}
		cr_assert(eq(sz, off, len), "nothing after the fallback");
		cr_assert(eq(sz, len, tramp_size(&s)));
	}
}

Test(tramp, bad_specs_and_limits)
{
	struct tramp_hot hot[TRAMP_MAX_HOT + 1];
	struct tramp_spec s = { .hot = hot, .nhot = 2, .index_reg = 0, .table = 0x1000,
				.load_addr = 0x400000 };
	uint8_t code[2048];
	size_t len = 0;

	for (unsigned i = 0; i <= TRAMP_MAX_HOT; i++)
		hot[i] = (struct tramp_hot){ i, 0x401000 };
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), 0));
	s.index_reg = 4;                                        /* RSP */
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), TRAMP_E_INVAL));
	s.index_reg = TRAMP_SCRATCH_REG;
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), TRAMP_E_INVAL));
	s.index_reg = 16;
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), TRAMP_E_INVAL));
	s.index_reg = 0;
	hot[1].index = 0;                                       /* twice */
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), TRAMP_E_INVAL));
	hot[1].index = TRAMP_MAX_INDEX + 1u;
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), TRAMP_E_INVAL));
	hot[1].index = 1;
	s.nhot = TRAMP_MAX_HOT + 1;
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), TRAMP_E_INVAL));
	cr_assert(eq(sz, tramp_size(&s), 0));
	s.nhot = TRAMP_MAX_HOT;
	cr_assert(eq(int, tramp_generate(&s, code, tramp_size(&s) - 1, &len), TRAMP_E_SPACE));
	cr_assert(eq(int, tramp_generate(&s, code, tramp_size(&s), &len), 0));
	hot[3].target = 0x400000 + (1ull << 31) + 100;          /* beyond rel32 */
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), TRAMP_E_RANGE));
	hot[3].target = 0x401000;
	s.thunk = 1ull << 40;
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), TRAMP_E_RANGE));
	s.thunk = 0;
	s.nhot = 0;                                             /* only the fallback */
	cr_assert(eq(int, tramp_generate(&s, code, sizeof(code), &len), 0));
	cr_assert(eq(sz, len, 10 + 4 + 3));
	cr_assert(eq(str, (char *)tramp_strerror(TRAMP_E_SPACE),
		     "TRAMP_E_SPACE (the code does not fit the buffer)"));
	cr_assert(eq(str, (char *)tramp_strerror(0), "unknown error"));
}

Test(tramp, hot_set_selection)
{
	const uint64_t counts[] = { 5, 0, 9, 5, 1, 9, 0, 2 };
	const uint64_t zeros[4] = { 0 };
	const uint64_t one[] = { 0, 0, 3 };
	uint32_t out[TRAMP_MAX_HOT];

	cr_assert(eq(u32, tramp_select(counts, 8, 3, out), 3));
	cr_assert(eq(u32, out[0], 2));                /* 9, lower index first */
	cr_assert(eq(u32, out[1], 5));
	cr_assert(eq(u32, out[2], 0));                /* 5 at 0 before 5 at 3 */
	cr_assert(eq(u32, tramp_select(counts, 8, 8, out), 6));   /* zeros never */
	const uint32_t want[] = { 2, 5, 0, 3, 7, 4 };
	for (unsigned i = 0; i < 6; i++)
		cr_assert(eq(u32, out[i], want[i]));
	cr_assert(eq(u32, tramp_select(counts, 8, 0, out), 0));
	cr_assert(eq(u32, tramp_select(zeros, 4, 2, out), 0));
	cr_assert(eq(u32, tramp_select(one, 3, 2, out), 1));
	cr_assert(eq(u32, out[0], 2));
	cr_assert(eq(u32, tramp_select(counts, 0, 2, out), 0));
}
