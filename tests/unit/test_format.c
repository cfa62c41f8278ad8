/* The freestanding printf engine against the C library's for each form. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdint.h>
#include "../../lib/freestanding/format.h"

static char out[256];
static size_t out_len;

static void sink(void *ctx, char c) { out[out_len++] = c; out[out_len] = 0; }

static const char *fmt(const char *f, ...)
{
	va_list ap;

	out_len = 0;
	out[0] = 0;
	va_start(ap, f);
	format_v(sink, 0, f, ap);
	va_end(ap);
	return out;
}

Test(format, matches_libc)
{
	char ref[256];

	snprintf(ref, sizeof(ref), "%d %u %x %X %s %c %%", -42, 42u, 0xbeefu, 0xbeefu, "s", 'c');
	cr_assert(eq(str, (char *)fmt("%d %u %x %X %s %c %%", -42, 42u, 0xbeefu, 0xbeefu, "s", 'c'), ref));
	snprintf(ref, sizeof(ref), "%016lx|%8s|%5d|%05d|%lu", 0x1234ul, "ab", -7, -7, UINT64_MAX);
	cr_assert(eq(str, (char *)fmt("%016lx|%8s|%5d|%05d|%lu", 0x1234ul, "ab", -7, -7, UINT64_MAX), ref));
	cr_assert(eq(str, (char *)fmt("%p", (void *)0x10), "0x0000000000000010"));
	cr_assert(eq(str, (char *)fmt("%s", (char *)NULL), "(null)"));
	cr_assert(eq(str, (char *)fmt("%ld", INT64_MIN + 1), "-9223372036854775807"));
}
