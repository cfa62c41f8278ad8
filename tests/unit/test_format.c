/*
 * The freestanding printf engine shared by L1, the L2 kernel and its ring-3
 * programs (lib/freestanding/format.c): each conversion against the C
 * library's, plus snprintf truncation and sink output.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdint.h>
#include "../../lib/freestanding/format.h"

static char buf[128];
static char out[256];
static size_t out_len;

static void sink(void *ctx, char c) { out[out_len++] = c; out[out_len] = 0; }

static size_t to_sink(const char *f, ...)
{
	va_list ap;
	size_t n;

	out_len = 0;
	out[0] = 0;
	va_start(ap, f);
	n = format_v(sink, 0, f, ap);
	va_end(ap);
	return n;
}

Test(format, matches_libc)
{
	char ref[256];

	snprintf(ref, sizeof(ref), "%d %u %x %X %s %c %%", -42, 42u, 0xbeefu, 0xbeefu, "s", 'c');
	format_snprintf(buf, sizeof(buf), "%d %u %x %X %s %c %%", -42, 42u, 0xbeefu, 0xbeefu, "s", 'c');
	cr_assert(eq(str, buf, ref));
	snprintf(ref, sizeof(ref), "%016lx|%8s|%5d|%05d|%lu", 0x1234ul, "ab", -7, -7, UINT64_MAX);
	format_snprintf(buf, sizeof(buf), "%016lx|%8s|%5d|%05d|%lu", 0x1234ul, "ab", -7, -7, UINT64_MAX);
	cr_assert(eq(str, buf, ref));
}

Test(format, sink_gets_every_character_and_the_count)
{
	cr_assert(eq(u64, to_sink("%s=%lu\n", "exits", 1000ul), 11));
	cr_assert(eq(str, out, "exits=1000\n"));
}
Test(format, conversions)
{
	format_snprintf(buf, sizeof(buf), "%s %c %d %i %u %x %X %%", "ab", 'z', -42, 7, 4000000000u,
		      0xbeefu, 0xbeefu);
	cr_assert(eq(str, buf, "ab z -42 7 4000000000 beef BEEF %"));
}

Test(format, long_and_width)
{
	format_snprintf(buf, sizeof(buf), "%016lx|%5lu|%05d|%3s|%lld", 0xabcul, 42ul, -7, "x",
		      (long long)INT64_MIN);
	cr_assert(eq(str, buf, "0000000000000abc|   42|-0007|  x|-9223372036854775808"));
}

Test(format, unknown_conversion_printed_as_is)
{
	const char *volatile fmt = "a%qb";

	format_snprintf(buf, sizeof(buf), fmt, 1);
	cr_assert(eq(str, buf, "a%qb"));
}

Test(format, u64_max_and_pointer)
{
	format_snprintf(buf, sizeof(buf), "%lu %p", UINT64_MAX, (void *)0x1000);
	cr_assert(eq(str, buf, "18446744073709551615 0x1000"));
}

Test(format, null_string)
{
	const char *volatile s = NULL;

	format_snprintf(buf, sizeof(buf), "%s", s);
	cr_assert(eq(str, buf, "(null)"));
}

Test(format, truncation_returns_full_length)
{
	char small[6];

	cr_assert(eq(u64, format_snprintf(small, sizeof(small), "hello world"), 11));
	cr_assert(eq(str, small, "hello"));
	cr_assert(eq(u64, format_snprintf(small, 0, "abc"), 3));
}
