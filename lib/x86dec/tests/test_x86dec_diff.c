/*
 * Fast differential subset run by `make test`: 10^5 biased random inputs per
 * mode, truncated copies of them, 10^5 register-field sweep inputs per mode,
 * and the text of the C library, decoded by lib/x86dec and by Zydis; 0
 * disagreements on validity class, length and structured operand width
 * (deliberate exception: MVEX, see x86dec_diffcore.c). Plus, by name, the
 * encodings an independent check once found us wrong on. The full campaign
 * (10^7 per mode and several binaries) is `make x86dec-campaign`.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <Zydis/Zydis.h>
#include <stdio.h>
#include "x86dec_diffcore.h"

#define FAST_N 100000

static void run_random(enum x86dec_mode mode, uint64_t seed)
{
	struct diff_stats st = { 0 };
	diff_random(mode, FAST_N, seed, &st, stderr);
	cr_log_info("%s: %llu inputs, %llu both valid, %llu both invalid, %llu MVEX exceptions, %llu disagreements",
		    mode == X86DEC_MODE_64 ? "64-bit" : "32-bit", (unsigned long long)st.inputs,
		    (unsigned long long)st.both_valid, (unsigned long long)st.both_invalid,
		    (unsigned long long)st.exceptions, (unsigned long long)st.disagreements);
	cr_assert(eq(u64, st.inputs, FAST_N));
	cr_assert(gt(u64, st.both_valid, FAST_N / 5)); /* the generator reaches valid forms */
	cr_assert(eq(u64, st.disagreements, 0));
}

Test(x86dec_diff, random_64) { run_random(X86DEC_MODE_64, 101); }
Test(x86dec_diff, random_32) { run_random(X86DEC_MODE_32, 202); }

/* Truncated input: every prefix length of random strings; Zydis says
 * NO_MORE_DATA where we say TRUNCATED. */
Test(x86dec_diff, truncated)
{
	for (int m = 0; m < 2; m++) {
		struct diff_stats st = { 0 };
		uint64_t s = 77 + (uint64_t)m;
		uint8_t buf[16];
		for (int i = 0; i < 20000; i++) {
			diff_gen(&s, (enum x86dec_mode)m, buf);
			diff_one((enum x86dec_mode)m, buf, (size_t)(1 + i % 14), &st, stderr);
		}
		cr_log_info("truncated %d: %llu inputs, %llu disagreements", m, (unsigned long long)st.inputs,
			    (unsigned long long)st.disagreements);
		cr_assert(eq(u64, st.disagreements, 0));
	}
}

Test(x86dec_diff, libc_text)
{
	struct diff_stats st = { 0 };
	long n = diff_elf("/usr/lib/x86_64-linux-gnu/libc.so.6", &st, stderr);
	if (n < 0)
		cr_skip_test("libc.so.6 not readable");
	cr_log_info("libc: %ld instructions, %llu disagreements", n, (unsigned long long)st.disagreements);
	cr_assert(gt(i64, n, 10000));
	cr_assert(eq(u64, st.disagreements, 0));
}

/*
 * The encodings an independent differential check found us wrong on, each
 * with its exact status, length and (for the structured subset) operand
 * width, asserted both for lib/x86dec and for Zydis, so that a change on
 * either side shows up here by name.
 */
struct known {
	const char *what;
	int status, len, width; /* width: 0 = not compared */
	int n;
	uint8_t b[15];
};

#define K(w, st, ln, wd, ...) { w, st, ln, wd, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } }

static const struct known known[] = {
	/* d64 stack operations: REX.W wins over 66 (SDM vol. 2 table A-1) */
	K("66 48 50 push rax", X86DEC_OK, 3, 64, 0x66, 0x48, 0x50),
	K("66 48 58 pop rax", X86DEC_OK, 3, 64, 0x66, 0x48, 0x58),
	K("66 4c 6a fa push -6", X86DEC_OK, 4, 64, 0x66, 0x4C, 0x6A, 0xFA),
	K("66 4e ff 32 push [rdx]", X86DEC_OK, 4, 64, 0x66, 0x4E, 0xFF, 0x32),
	K("66 4d 8f c4 pop r12", X86DEC_OK, 4, 64, 0x66, 0x4D, 0x8F, 0xC4),
	K("66 50 push ax", X86DEC_OK, 2, 16, 0x66, 0x50),
	K("48 66 50 push ax (REX not last)", X86DEC_OK, 3, 16, 0x48, 0x66, 0x50),
	/* AMX tile loads/stores: SIB-addressed (not VSIB), vvvv unused, so no
	 * register-equality rule */
	K("c4 e2 7b 4b 04 08 tileloadd tmm0, [rax+rcx]", X86DEC_OK, 6, 0, 0xC4, 0xE2, 0x7B, 0x4B, 0x04, 0x08),
	K("c4 e2 79 4b 04 08 tileloaddt1 tmm0, [rax+rcx]", X86DEC_OK, 6, 0, 0xC4, 0xE2, 0x79, 0x4B, 0x04, 0x08),
	K("c4 e2 7a 4b 04 08 tilestored [rax+rcx], tmm0", X86DEC_OK, 6, 0, 0xC4, 0xE2, 0x7A, 0x4B, 0x04, 0x08),
	K("c4 e2 7b 4b 0c 08 tileloadd tmm1, [rax+rcx]", X86DEC_OK, 6, 0, 0xC4, 0xE2, 0x7B, 0x4B, 0x0C, 0x08),
	K("c4 e2 7b 4b 00 tileloadd without SIB", X86DEC_INVALID, 0, 0, 0xC4, 0xE2, 0x7B, 0x4B, 0x00),
	/* VEX gathers: destination, index, mask pairwise distinct; ymm8 and
	 * ymm0 are distinct even though their ModRM.reg bits are equal */
	K("c4 62 7d 90 04 88 vpgatherdd ymm8, [rax+ymm1*4], ymm0", X86DEC_OK, 6, 0,
	  0xC4, 0x62, 0x7D, 0x90, 0x04, 0x88),
	K("c4 62 fd 93 04 08 vgatherqpd ymm8, [rax+ymm1], ymm0", X86DEC_OK, 6, 0,
	  0xC4, 0x62, 0xFD, 0x93, 0x04, 0x08),
	K("c4 e2 7d 90 04 88 vpgatherdd ymm0, .., ymm0: mask == destination", X86DEC_INVALID, 0, 0,
	  0xC4, 0xE2, 0x7D, 0x90, 0x04, 0x88),
	K("c4 e2 75 90 04 08 vpgatherdd ymm0, [rax+ymm1], ymm1: mask == index", X86DEC_INVALID, 0, 0,
	  0xC4, 0xE2, 0x75, 0x90, 0x04, 0x08),
	K("c4 e2 75 90 14 10 vpgatherdd ymm2, [rax+ymm2], ymm1: destination == index", X86DEC_INVALID, 0, 0,
	  0xC4, 0xE2, 0x75, 0x90, 0x14, 0x10),
	/* EVEX scatters: no "destination differs from index" rule */
	K("62 f2 7d 49 a0 04 00 vpscatterdd [rax+zmm0]{k1}, zmm0", X86DEC_OK, 7, 0,
	  0x62, 0xF2, 0x7D, 0x49, 0xA0, 0x04, 0x00),
	K("62 f2 fd 49 a3 0c 08 vscatterqpd [rax+zmm1]{k1}, zmm1", X86DEC_OK, 7, 0,
	  0x62, 0xF2, 0xFD, 0x49, 0xA3, 0x0C, 0x08),
	K("62 f2 7d 49 90 04 00 vpgatherdd zmm0{k1}, [rax+zmm0]: destination == index", X86DEC_INVALID, 0, 0,
	  0x62, 0xF2, 0x7D, 0x49, 0x90, 0x04, 0x00),
	K("62 f2 7d 49 90 04 08 vpgatherdd zmm0{k1}, [rax+zmm1]", X86DEC_OK, 7, 0,
	  0x62, 0xF2, 0x7D, 0x49, 0x90, 0x04, 0x08),
	/* AVX512PF prefetches: ModRM.reg is an opcode extension, not a register */
	K("62 f2 7d 49 c6 0c 08 vgatherpf0dps [rax+zmm1]{k1}", X86DEC_OK, 7, 0,
	  0x62, 0xF2, 0x7D, 0x49, 0xC6, 0x0C, 0x08),
	K("62 f2 7d 49 c6 2c 28 vscatterpf0dps [rax+zmm5]{k1}", X86DEC_OK, 7, 0,
	  0x62, 0xF2, 0x7D, 0x49, 0xC6, 0x2C, 0x28),
	K("62 f2 fd 49 c7 14 10 vgatherpf1qpd [rax+zmm2]{k1}", X86DEC_OK, 7, 0,
	  0x62, 0xF2, 0xFD, 0x49, 0xC7, 0x14, 0x10),
	/* FP16 complex multiply: destination differs from both sources; zmm8
	 * and zmm0 are distinct */
	K("62 76 7f 48 d6 c0 vfcmulcph zmm8, zmm0, zmm0", X86DEC_OK, 6, 0, 0x62, 0x76, 0x7F, 0x48, 0xD6, 0xC0),
	K("62 f6 7f 48 d6 c0 vfcmulcph zmm0, zmm0, zmm0", X86DEC_INVALID, 0, 0, 0x62, 0xF6, 0x7F, 0x48, 0xD6, 0xC0),
};

static int zydis_status(const uint8_t *b, size_t n, ZydisDecodedInstruction *zi)
{
	static ZydisDecoder d;
	static int init;
	if (!init) {
		ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
		init = 1;
	}
	ZyanStatus s = ZydisDecoderDecodeInstruction(&d, NULL, b, n, zi);
	if (ZYAN_SUCCESS(s))
		return X86DEC_OK;
	if (s == ZYDIS_STATUS_NO_MORE_DATA)
		return X86DEC_TRUNCATED;
	if (s == ZYDIS_STATUS_INSTRUCTION_TOO_LONG)
		return X86DEC_TOO_LONG;
	return X86DEC_INVALID;
}

Test(x86dec_diff, known_disagreements)
{
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct known *k = &known[i];
		struct x86dec_insn in;
		ZydisDecodedInstruction zi;
		int zs = zydis_status(k->b, (size_t)k->n, &zi);
		int s = x86dec_decode_buf(&in, X86DEC_MODE_64, k->b, (size_t)k->n);
		cr_assert(eq(int, zs, k->status), "%s: Zydis status", k->what);
		cr_assert(eq(int, s, k->status), "%s: our status", k->what);
		if (k->status != X86DEC_OK)
			continue;
		cr_assert(eq(int, zi.length, k->len), "%s: Zydis length", k->what);
		cr_assert(eq(int, in.length, k->len), "%s: our length", k->what);
		if (k->width) {
			cr_assert(eq(int, zi.operand_width, k->width), "%s: Zydis operand width", k->what);
			cr_assert(eq(int, in.op[0].size * 8, k->width), "%s: our operand width", k->what);
		}
	}
}

/* Register-field sweep (x86dec_diffcore.c, diff_gen_regs): every register
 * field from a pool of two or three numbers, so register-equality rules are
 * exercised both ways; legacy stack operations under 66/REX combinations. */
static void run_regs(enum x86dec_mode mode, uint64_t seed)
{
	struct diff_stats st = { 0 };
	diff_random_regs(mode, FAST_N, seed, &st, stderr);
	cr_log_info("register sweep %s: %llu inputs, %llu both valid, %llu both invalid, %llu disagreements",
		    mode == X86DEC_MODE_64 ? "64-bit" : "32-bit", (unsigned long long)st.inputs,
		    (unsigned long long)st.both_valid, (unsigned long long)st.both_invalid,
		    (unsigned long long)st.disagreements);
	cr_assert(eq(u64, st.inputs, FAST_N));
	cr_assert(gt(u64, st.both_valid, FAST_N / 10));
	cr_assert(eq(u64, st.disagreements, 0));
}

Test(x86dec_diff, register_sweep_64) { run_regs(X86DEC_MODE_64, 303); }
Test(x86dec_diff, register_sweep_32) { run_regs(X86DEC_MODE_32, 404); }
