/*
 * Unit tests of the trace region placement and its command-line argument.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "trace_layout.h"
#include "trace_args.h"

Test(trace_args, last_usable_8mib_of_256mib)
{
	struct trace_region r;
	char buf[64];

	cr_assert(eq(int, trace_args_place(256, &r), 0));
	cr_assert(eq(u64, r.phys, 0xf700000ull));
	cr_assert(eq(u64, r.bytes, 0x800000ull));
	cr_assert(eq(int, trace_args_format(&r, buf, sizeof(buf)), 0));
	cr_assert(eq(str, buf, "trace=0xf700000:0x800000"));
}

Test(trace_args, aligned_and_below_top)
{
	for (unsigned mib = 17; mib <= TRACE_MEM_MAX_MIB; mib += 97) {
		struct trace_region r;

		cr_assert(eq(int, trace_args_place(mib, &r), 0));
		cr_assert(eq(u64, r.phys % 4096, 0));
		cr_assert(eq(u64, r.phys + r.bytes + TRACE_TOP_GAP, (uint64_t)mib << 20));
	}
}

Test(trace_args, refused_sizes)
{
	struct trace_region r;

	cr_assert(eq(int, trace_args_place(16, &r), -1));
	cr_assert(eq(int, trace_args_place(TRACE_MEM_MAX_MIB + 1, &r), -1));
	cr_assert(eq(int, trace_args_place(16384, &r), -1));
}

Test(trace_args, arg_too_small_buffer)
{
	struct trace_region r = { 0xf800000, 0x800000 };
	char buf[8];

	cr_assert(eq(int, trace_args_format(&r, buf, sizeof(buf)), -1));
}

Test(trace_args, parse_round_trip_and_errors)
{
	struct trace_region r;

	cr_assert(eq(int, trace_args_parse("trace=0xf800000:0x800000", &r), 0));
	cr_assert(eq(u64, r.phys, 0xf800000ull));
	cr_assert(eq(u64, r.bytes, 0x800000ull));
	cr_assert(eq(int, trace_args_parse("trace=f800000:0x800000", &r), -1));
	cr_assert(eq(int, trace_args_parse("trace=0x:0x800000", &r), -1));
	cr_assert(eq(int, trace_args_parse("trace=0x1000", &r), -1));
	cr_assert(eq(int, trace_args_parse("trace=0x1000:0x1000x", &r), -1));
	cr_assert(eq(int, trace_args_parse("trace=0x11111111111111111:0x1", &r), -1));
	cr_assert(eq(int, trace_args_parse("trace=hc", &r), -1));
}
