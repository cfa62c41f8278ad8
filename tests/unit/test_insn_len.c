/* RIP-advance length check for fixed-opcode instructions (no nRIP). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../l1hyp/core/insn_len.h"

static const uint8_t cpuid[] = { 0x0F, 0xA2 };
static const uint8_t vmmcall[] = { 0x0F, 0x01, 0xD9 };

Test(insn_len, plain_instructions)
{
	uint8_t b1[] = { 0x0F, 0xA2, 0x90 };
	uint8_t b2[] = { 0x0F, 0x01, 0xD9 };

	cr_assert(eq(u32, insn_len_match(b1, sizeof(b1), true, cpuid, 2), 2));
	cr_assert(eq(u32, insn_len_match(b2, sizeof(b2), true, vmmcall, 3), 3));
	cr_assert(eq(u32, insn_len_match(b2, sizeof(b2), false, vmmcall, 3), 3));
}

Test(insn_len, prefixes_count)
{
	uint8_t b[] = { 0x66, 0x2E, 0x48, 0x0F, 0xA2 };

	cr_assert(eq(u32, insn_len_match(b, sizeof(b), true, cpuid, 2), 5));
	/* 0x48 is DEC EAX in 32-bit mode, not a prefix */
	cr_assert(eq(u32, insn_len_match(b, sizeof(b), false, cpuid, 2), 0));
}

Test(insn_len, wrong_truncated_and_too_long)
{
	uint8_t wrong[] = { 0x0F, 0xA3 };
	uint8_t trunc[] = { 0x0F, 0x01 };
	uint8_t longp[16];

	cr_assert(eq(u32, insn_len_match(wrong, 2, true, cpuid, 2), 0));
	cr_assert(eq(u32, insn_len_match(trunc, 2, true, vmmcall, 3), 0));
	for (int i = 0; i < 13; i++)
		longp[i] = 0x66;
	longp[13] = 0x0F;
	longp[14] = 0xA2;
	cr_assert(eq(u32, insn_len_match(longp, 15, true, cpuid, 2), 15));
	for (int i = 0; i < 14; i++)
		longp[i] = 0x66;
	longp[14] = 0x0F;
	longp[15] = 0xA2;
	cr_assert(eq(u32, insn_len_match(longp, 16, true, cpuid, 2), 0)); /* 16 bytes */
}
