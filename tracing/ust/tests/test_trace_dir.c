/*
 * Unit tests of the directory parser: every header and entry check, on
 * directory copies built in memory.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "trace_dir.h"

#define FILE_SIZE 0x100000ull
#define DIR_OFF   0xf0000ull
#define DIR_BYTES 0x1000ull

static struct nestlab_trace_dir dir_ok(void)
{
	struct nestlab_trace_dir d;

	memset(&d, 0, sizeof(d));
	d.magic = NESTLAB_TRACE_DIR_MAGIC;
	d.abi = NESTLAB_TRACE_ABI;
	d.nr_rings = 2;
	d.ring[0] = (struct nestlab_trace_dir_entry){ NESTLAB_TRACE_L1, 0, DIR_OFF + DIR_BYTES,
						      0x8000, 0 };
	d.ring[1] = (struct nestlab_trace_dir_entry){ NESTLAB_TRACE_L2, 0, 0x10000, 0x4040,
						      1000000000 };
	return d;
}

static enum trace_dir_rc parse(const struct nestlab_trace_dir *d, struct trace_dir_view *v)
{
	return trace_dir_parse(d, FILE_SIZE, DIR_OFF, DIR_BYTES, v);
}

Test(trace_dir, valid_two_rings)
{
	struct nestlab_trace_dir d = dir_ok();
	struct trace_dir_view v;

	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_OK));
	cr_assert(eq(u32, v.nr_rings, 2));
	cr_assert(eq(int, v.entry[0].rc, TRACE_ENTRY_OK));
	cr_assert(eq(int, v.entry[1].rc, TRACE_ENTRY_OK));
	cr_assert(eq(u64, v.entry[1].e.tsc_hz, 1000000000ull));
}

Test(trace_dir, header_checks)
{
	struct nestlab_trace_dir d = dir_ok();
	struct trace_dir_view v;

	d.magic = 0;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_ABSENT));
	d.magic = 0x12345678;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_BAD_MAGIC));
	cr_assert(eq(u32, v.magic, 0x12345678));
	d = dir_ok();
	d.abi = NESTLAB_TRACE_ABI + 1;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_BAD_ABI));
	d.abi = 1;              /* ABI 1: l1_exit's words meant something else */
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_BAD_ABI));
	d = dir_ok();
	d.nr_rings = NESTLAB_TRACE_MAX_RINGS + 1;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_BAD_NR));
	d.nr_rings = 0xffffffff;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_BAD_NR));
	d = dir_ok();
	d.nr_rings = 0;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_OK));
	cr_assert(eq(u32, v.nr_rings, 0));
}

Test(trace_dir, directory_outside_file)
{
	struct nestlab_trace_dir d = dir_ok();
	struct trace_dir_view v;

	cr_assert(eq(int, trace_dir_parse(&d, FILE_SIZE, FILE_SIZE - 16, DIR_BYTES, &v),
		     TRACE_DIR_OUTSIDE));
	cr_assert(eq(int, trace_dir_parse(&d, FILE_SIZE, ~0ull - 8, DIR_BYTES, &v),
		     TRACE_DIR_OUTSIDE));
	cr_assert(eq(int, trace_dir_parse(&d, FILE_SIZE, 0, 16, &v), TRACE_DIR_OUTSIDE));
}

static enum trace_entry_rc entry_rc(struct nestlab_trace_dir_entry e)
{
	struct nestlab_trace_dir d = dir_ok();
	struct trace_dir_view v;

	d.ring[1] = e;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_OK));
	cr_assert(eq(int, v.entry[0].rc, TRACE_ENTRY_OK));
	return v.entry[1].rc;
}

Test(trace_dir, entry_checks)
{
	const uint32_t L2 = NESTLAB_TRACE_L2;

	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ 0, 0, 0x10000, 0x1000, 0 }),
		     TRACE_ENTRY_BAD_PRODUCER));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ 3, 0, 0x10000, 0x1000, 0 }),
		     TRACE_ENTRY_BAD_PRODUCER));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, 0x10004, 0x1000, 0 }),
		     TRACE_ENTRY_MISALIGNED));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, 0x10000, 127, 0 }),
		     TRACE_ENTRY_TOO_SMALL));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, 0x10000, 128, 0 }),
		     TRACE_ENTRY_OK));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, FILE_SIZE - 64, 128, 0 }),
		     TRACE_ENTRY_OUTSIDE));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, FILE_SIZE + 8, 128, 0 }),
		     TRACE_ENTRY_OUTSIDE));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, 0x10000, ~0ull - 7, 0 }),
		     TRACE_ENTRY_OUTSIDE));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, ~0ull - 7, 0x1000, 0 }),
		     TRACE_ENTRY_OUTSIDE));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, DIR_OFF - 64, 128, 0 }),
		     TRACE_ENTRY_OVERLAPS_DIR));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, DIR_OFF, 0x2000, 0 }),
		     TRACE_ENTRY_OVERLAPS_DIR));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, DIR_OFF - 128, 128, 0 }),
		     TRACE_ENTRY_OK));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, DIR_OFF + DIR_BYTES + 0x7ff8,
								  128, 0 }), TRACE_ENTRY_OVERLAPS));
	cr_assert(eq(int, entry_rc((struct nestlab_trace_dir_entry){ L2, 0, DIR_OFF + DIR_BYTES + 0x8000,
								  128, 0 }), TRACE_ENTRY_OK));
}

Test(trace_dir, bad_entry_does_not_hide_others)
{
	struct nestlab_trace_dir d = dir_ok();
	struct trace_dir_view v;

	d.ring[0].producer = 9;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_OK));
	cr_assert(eq(int, v.entry[0].rc, TRACE_ENTRY_BAD_PRODUCER));
	cr_assert(eq(int, v.entry[1].rc, TRACE_ENTRY_OK));
}

Test(trace_dir, overlap_only_against_valid_entries)
{
	struct nestlab_trace_dir d = dir_ok();
	struct trace_dir_view v;

	/* entry 0 is bad (misaligned); entry 1 over the same range is still fine */
	d.ring[0].phys += 4;
	d.ring[1] = d.ring[0];
	d.ring[1].phys -= 4;
	d.ring[1].producer = NESTLAB_TRACE_L2;
	cr_assert(eq(int, parse(&d, &v), TRACE_DIR_OK));
	cr_assert(eq(int, v.entry[0].rc, TRACE_ENTRY_MISALIGNED));
	cr_assert(eq(int, v.entry[1].rc, TRACE_ENTRY_OK));
}

Test(trace_dir, names)
{
	for (int i = TRACE_DIR_OK; i <= TRACE_DIR_OUTSIDE; i++)
		cr_assert(ne(str, (char *)trace_dir_rc_name(i), "?"));
	for (int i = TRACE_ENTRY_OK; i <= TRACE_ENTRY_OVERLAPS; i++)
		cr_assert(ne(str, (char *)trace_entry_rc_name(i), "?"));
}
