/*
 * Fast differential subset run by `make test`: 10^5 biased random inputs per
 * mode, truncated copies of them, and the text of the C library, decoded by
 * lib/x86dec and by Zydis; 0 disagreements on validity class and length
 * (deliberate exception: MVEX, see x86dec_diffcore.c). The full campaign
 * (10^7 per mode and several binaries) is `make x86dec-campaign`.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
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
