/*
 * The random sequence generator of batching's differential workload
 * (guests/workloads/batch_gen.c), decoded with lib/x86dec: every sequence
 * is valid code from its first byte to its RET, with as many SYSCALLs as
 * it says, no instruction writes RSP or R15 except PUSH/POP's own RSP
 * update, and every instruction that leaves a flag undefined (AND, OR,
 * XOR, TEST, shifts and rotates, IMUL, BT) is directly followed by a CMP,
 * so the workload never observes an undefined flag.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "x86dec.h"
#include "workloads/batch_gen.h"
#include <nestlab/hypercall.h>

static int leaves_undefined(const struct x86dec_insn *in)
{
	switch (in->mnemonic) {
	case X86DEC_MN_AND: case X86DEC_MN_OR: case X86DEC_MN_XOR: case X86DEC_MN_TEST:
	case X86DEC_MN_ROL: case X86DEC_MN_ROR: case X86DEC_MN_SHL: case X86DEC_MN_SHR:
	case X86DEC_MN_SAR:
		return 1;
	}
	return in->map == 1 && (in->opcode == 0xAF || in->opcode == 0xA3); /* IMUL, BT */
}

static int writes_reserved(const struct x86dec_insn *in)
{
	const struct x86dec_operand *d = &in->op[0];

	switch (in->mnemonic) {
	case X86DEC_MN_CMP: case X86DEC_MN_TEST: case X86DEC_MN_PUSH: case X86DEC_MN_JCC:
	case X86DEC_MN_JMP: case X86DEC_MN_NOP: case X86DEC_MN_SYSCALL: case X86DEC_MN_RET:
		return 0;
	case X86DEC_MN_XCHG:
		if (in->op[1].kind == X86DEC_OP_REG &&
		    (in->op[1].reg == X86_RSP || in->op[1].reg == X86_R15))
			return 1;
		break;
	}
	if (in->mnemonic == X86DEC_MN_OTHER) {
		/* IMUL/CMOVcc r, r/m: the reg field; BSWAP: the opcode's
		 * register; SETcc and BT write r/m (checked below as op[0]
		 * is not filled: they write only the low byte / nothing) */
		unsigned reg = (((in->modrm >> 3) & 7u) | (((in->rex >> 2) & 1u) << 3));
		unsigned opr = ((in->opcode & 7u) | ((in->rex & 1u) << 3));

		if (in->map == 1 && (in->opcode == 0xAF || (in->opcode & 0xF0) == 0x40))
			return reg == X86_RSP || reg == X86_R15;
		if (in->map == 1 && (in->opcode & 0xF8) == 0xC8)
			return opr == X86_RSP || opr == X86_R15;
		if (in->map == 1 && (in->opcode & 0xF0) == 0x90) {
			unsigned rm = ((in->modrm & 7u) | ((in->rex & 1u) << 3));

			return rm == X86_RSP || rm == X86_R15;
		}
		return 0;
	}
	return d->kind == X86DEC_OP_REG && (d->reg == X86_RSP || d->reg == X86_R15);
}

Test(batch_gen, sequences_decode_and_keep_flags_defined)
{
	static uint8_t code[BATCH_GEN_CODE_MAX], block[BATCH_GEN_BLOCK];
	struct batch_gen g = { .rng = 0x9E3779B97F4A7C15ull, .demand_disp = 0x1FF00000,
			       .demand_pages = 64 };
	unsigned long subset = 0, other = 0;

	for (unsigned s = 0; s < 20000; s++) {
		size_t n = batch_gen_sequence(&g, code, block + 128), off = 0;
		unsigned syscalls = 0, need_cmp = 0;
		struct x86dec_insn in;

		cr_assert(lt(sz, n, (size_t)BATCH_GEN_CODE_MAX - 16));
		while (off < n) {
			cr_assert(eq(int, x86dec_decode_buf(&in, X86DEC_MODE_64, code + off, n - off),
				     X86DEC_OK), "sequence %u offset %zu", s, off);
			if (need_cmp)
				cr_assert(eq(int, in.mnemonic, X86DEC_MN_CMP),
					  "sequence %u offset %zu: no CMP after an undefined flag", s,
					  off);
			need_cmp = leaves_undefined(&in);
			cr_assert(not(writes_reserved(&in)), "sequence %u offset %zu writes RSP/R15",
				  s, off);
			syscalls += in.mnemonic == X86DEC_MN_SYSCALL;
			if (in.mnemonic == X86DEC_MN_OTHER && in.opcode != 0x9C && in.opcode != 0x9D)
				other++;        /* PUSHFQ/POPFQ: the prologue's and epilogue's */
			else if (in.mnemonic != X86DEC_MN_OTHER)
				subset++;
			off += in.length;
			if (off == n)
				cr_assert(eq(int, in.mnemonic, X86DEC_MN_RET));
		}
		cr_assert(eq(sz, off, n));
		cr_assert(eq(u32, syscalls, g.calls));
		cr_assert(ge(u32, g.calls, 1));
		cr_assert(le(u32, g.calls, 5));
	}
	/* both halves are exercised: a glue pick is outside the subset with
	 * probability 1/10 (batch_gen.c, glue()), so over 20000 sequences of
	 * ~25 glue picks each there are tens of thousands of each kind */
	cr_assert(gt(u64, other, 10000));
	cr_assert(gt(u64, subset, 5 * other));
}

/* Exit mode (exit-random): no SYSCALL; the exiting instructions it counts,
 * each after the register it needs: OUT/IN of AL after MOV EDX, port;
 * CPUID after MOV EAX, leaf; VMMCALL after MOV EAX, magic; MOV ECX, NOP or
 * VERSION. */
Test(batch_gen, exit_mode)
{
	static uint8_t code[BATCH_GEN_CODE_MAX], block[BATCH_GEN_BLOCK];
	struct batch_gen g = { .rng = 0x9E3779B97F4A7C15ull, .demand_disp = 0x1FF00000,
			       .demand_pages = 64, .exits = 1, .port = 0x3FF };
	unsigned long total[NESTLAB_L1_BATCH_KIND_NR] = { 0 };

	for (unsigned s = 0; s < 5000; s++) {
		size_t n = batch_gen_sequence(&g, code, block + 128), off = 0;
		unsigned seen[NESTLAB_L1_BATCH_KIND_NR] = { 0 }, sum = 0;
		struct x86dec_insn in, prev = { 0 }, prev2 = { 0 };

		while (off < n) {
			cr_assert(eq(int, x86dec_decode_buf(&in, X86DEC_MODE_64, code + off, n - off),
				     X86DEC_OK), "sequence %u offset %zu", s, off);
			cr_assert(not(eq(int, in.mnemonic, X86DEC_MN_SYSCALL)));
			if (in.map == 0 && (in.opcode == 0xEE || in.opcode == 0xEC)) {
				cr_assert(eq(int, prev.opcode, 0xBA));       /* MOV EDX, imm32 */
				cr_assert(eq(u64, prev.imm, 0x3FF));
				seen[NESTLAB_L1_BATCH_KIND_IOIO]++;
			} else if (in.map == 1 && in.opcode == 0xA2) {
				cr_assert(eq(int, prev.opcode, 0xB8));
				seen[NESTLAB_L1_BATCH_KIND_CPUID]++;
			} else if (in.map == 1 && in.opcode == 0x01 && in.modrm == 0xD9) {
				cr_assert(eq(int, prev2.opcode, 0xB8));
				cr_assert(eq(u64, prev2.imm, NESTLAB_HC_MAGIC));
				cr_assert(eq(int, prev.opcode, 0xB9));
				cr_assert(le(u64, prev.imm, 1));             /* VERSION 0, NOP 1 */
				seen[NESTLAB_L1_BATCH_KIND_VMMCALL]++;
			}
			prev2 = prev;
			prev = in;
			off += in.length;
		}
		for (unsigned k = 0; k < NESTLAB_L1_BATCH_KIND_NR; k++) {
			cr_assert(eq(u32, seen[k], g.kinds[k]), "sequence %u kind %u", s, k);
			sum += seen[k];
			total[k] += seen[k];
		}
		cr_assert(eq(u32, sum, g.calls));
	}
	for (unsigned k = 0; k < NESTLAB_L1_BATCH_KIND_MSR; k++)
		cr_assert(gt(u64, total[k], 1000));
	cr_assert(eq(u64, total[NESTLAB_L1_BATCH_KIND_MSR], 0));
}
