/*
 * Unit tests of the formatter shared by the L2 kernel and its ring-3
 * programs (guests/kernel/kfmt.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include "kernel/kfmt.h"

static char buf[128];

Test(kfmt, conversions)
{
	kfmt_snprintf(buf, sizeof(buf), "%s %c %d %i %u %x %X %%", "ab", 'z', -42, 7, 4000000000u,
		      0xbeefu, 0xbeefu);
	cr_assert(eq(str, buf, "ab z -42 7 4000000000 beef BEEF %"));
}

Test(kfmt, long_and_width)
{
	kfmt_snprintf(buf, sizeof(buf), "%016lx|%5lu|%05d|%3s|%lld", 0xabcul, 42ul, -7, "x",
		      (long long)INT64_MIN);
	cr_assert(eq(str, buf, "0000000000000abc|   42|-0007|  x|-9223372036854775808"));
}

Test(kfmt, unknown_conversion_printed_as_is)
{
	const char *volatile fmt = "a%qb";

	kfmt_snprintf(buf, sizeof(buf), fmt, 1);
	cr_assert(eq(str, buf, "a%qb"));
}

Test(kfmt, u64_max_and_pointer)
{
	kfmt_snprintf(buf, sizeof(buf), "%lu %p", UINT64_MAX, (void *)0x1000);
	cr_assert(eq(str, buf, "18446744073709551615 0x1000"));
}

Test(kfmt, null_string)
{
	const char *volatile s = NULL;

	kfmt_snprintf(buf, sizeof(buf), "%s", s);
	cr_assert(eq(str, buf, "(null)"));
}

Test(kfmt, truncation_returns_full_length)
{
	char small[6];

	cr_assert(eq(u64, kfmt_snprintf(small, sizeof(small), "hello world"), 11));
	cr_assert(eq(str, small, "hello"));
	cr_assert(eq(u64, kfmt_snprintf(small, 0, "abc"), 3));
}
