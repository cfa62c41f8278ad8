/*
 * Host tests for l1hyp/mm/frame_alloc.c: inward/outward rounding, merging and
 * splitting of the free ranges, the range-table limit, top-down single
 * frames, the free list (LIFO, threaded through the frames), aligned
 * contiguous blocks and exhaustion. Physical memory [0, PHYS_SIZE) is a host
 * buffer; after every step the range table and free_frames are checked for
 * consistency.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "mm/frame_alloc.h"

#define PHYS_SIZE (8ull << 20)
#define KiB 0x400ull
#define MiB 0x100000ull

static unsigned char *phys_mem;
static struct frame_alloc fa;

static void *sim_frame_ptr(void *ctx, uint64_t phys)
{
	cr_assert(eq(ptr, ctx, phys_mem));
	cr_assert(phys < PHYS_SIZE && !(phys & 0xFFF), "frame_ptr(%#lx)", (unsigned long)phys);
	return phys_mem + phys;
}

static void setup(void)
{
	phys_mem = calloc(1, PHYS_SIZE);
	cr_assert(ne(ptr, phys_mem, NULL));
	frame_alloc_init(&fa, sim_frame_ptr, phys_mem);
}

static void teardown(void)
{
	free(phys_mem);
}

TestSuite(frame_alloc, .init = setup, .fini = teardown);

/* Ranges sorted, disjoint, not adjacent, non-empty, aligned; free_frames
 * equals range frames plus free-list length. */
static void check_invariants(void)
{
	uint64_t frames = 0;

	cr_assert(fa.nr_ranges <= FRAME_ALLOC_MAX_RANGES);
	for (unsigned i = 0; i < fa.nr_ranges; i++) {
		const struct frame_range *r = &fa.range[i];

		cr_assert(r->base < r->end, "range %u empty", i);
		cr_assert(eq(u64, (r->base | r->end) & 0xFFF, 0));
		if (i)
			cr_assert(fa.range[i - 1].end < r->base, "ranges %u/%u touch", i - 1, i);
		frames += (r->end - r->base) / FRAME_SIZE;
	}
	for (uint64_t f = fa.free_list, n = 0; f != FRAME_NONE; n++) {
		cr_assert(n < PHYS_SIZE / FRAME_SIZE, "free list loops");
		frames++;
		f = *(uint64_t *)sim_frame_ptr(phys_mem, f);
	}
	cr_assert(eq(u64, fa.free_frames, frames));
}

static void assert_ranges(unsigned n, const struct frame_range *expect)
{
	check_invariants();
	cr_assert(eq(uint, fa.nr_ranges, n));
	for (unsigned i = 0; i < n; i++) {
		cr_assert(eq(u64, fa.range[i].base, expect[i].base), "range %u base", i);
		cr_assert(eq(u64, fa.range[i].end, expect[i].end), "range %u end", i);
	}
}

#define RANGES(...) (sizeof((struct frame_range[]){ __VA_ARGS__ }) / sizeof(struct frame_range)), \
		    ((struct frame_range[]){ __VA_ARGS__ })

Test(frame_alloc, empty)
{
	cr_assert(eq(uint, fa.nr_ranges, 0));
	cr_assert(eq(u64, fa.free_list, FRAME_NONE));
	cr_assert(eq(u64, fa.free_frames, 0));
	cr_assert(eq(u64, frame_alloc_page(&fa), FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x1000, 0x1000), FRAME_NONE));
}

Test(frame_alloc, add_rounds_inward)
{
	cr_assert(eq(int, frame_alloc_add(&fa, 0x1800, 0x3000), 0));
	assert_ranges(RANGES({ 0x2000, 0x4000 }));
	cr_assert(eq(u64, fa.free_frames, 2));
	/* Less than one whole frame: nothing added, not an error. */
	cr_assert(eq(int, frame_alloc_add(&fa, 0x5001, 0x1FFE), 0));
	cr_assert(eq(int, frame_alloc_add(&fa, 0x8000, 0), 0));
	assert_ranges(RANGES({ 0x2000, 0x4000 }));
	/* A range running off the top of the address space is clamped. */
	cr_assert(eq(int, frame_alloc_add(&fa, ~0ull - 0x2FFF, 0x10000), 0));
	assert_ranges(RANGES({ 0x2000, 0x4000 }, { ~0ull - 0x2FFF, ~0ull - 0xFFF }));
}

Test(frame_alloc, add_merges_and_sorts)
{
	cr_assert(eq(int, frame_alloc_add(&fa, 0x30000, 0x10000), 0));
	cr_assert(eq(int, frame_alloc_add(&fa, 0x10000, 0x10000), 0));
	assert_ranges(RANGES({ 0x10000, 0x20000 }, { 0x30000, 0x40000 }));
	/* Fills the gap exactly: both neighbours merge. */
	cr_assert(eq(int, frame_alloc_add(&fa, 0x20000, 0x10000), 0));
	assert_ranges(RANGES({ 0x10000, 0x40000 }));
	cr_assert(eq(u64, fa.free_frames, 0x30));
	/* Overlap is not counted twice. */
	cr_assert(eq(int, frame_alloc_add(&fa, 0x38000, 0x18000), 0));
	assert_ranges(RANGES({ 0x10000, 0x50000 }));
	cr_assert(eq(u64, fa.free_frames, 0x40));
	/* Covering several ranges at once. */
	cr_assert(eq(int, frame_alloc_add(&fa, 0x60000, 0x1000), 0));
	cr_assert(eq(int, frame_alloc_add(&fa, 0x70000, 0x1000), 0));
	cr_assert(eq(int, frame_alloc_add(&fa, 0x1000, 0x1000), 0));
	cr_assert(eq(int, frame_alloc_add(&fa, 0x8000, 0x70000), 0));
	assert_ranges(RANGES({ 0x1000, 0x2000 }, { 0x8000, 0x78000 }));
	cr_assert(eq(u64, fa.free_frames, 1 + 0x70));
}

Test(frame_alloc, range_table_limit)
{
	for (unsigned i = 0; i < FRAME_ALLOC_MAX_RANGES; i++)
		cr_assert(eq(int, frame_alloc_add(&fa, 0x100000 + i * 0x10000, 0x1000), 0));
	cr_assert(eq(uint, fa.nr_ranges, FRAME_ALLOC_MAX_RANGES));
	/* A 33rd disjoint range does not fit, and changes nothing. */
	cr_assert(eq(int, frame_alloc_add(&fa, 0x10000, 0x1000), -1));
	cr_assert(eq(uint, fa.nr_ranges, FRAME_ALLOC_MAX_RANGES));
	cr_assert(eq(u64, fa.free_frames, FRAME_ALLOC_MAX_RANGES));
	/* One touching an existing range merges. */
	cr_assert(eq(int, frame_alloc_add(&fa, 0x101000, 0x1000), 0));
	cr_assert(eq(uint, fa.nr_ranges, FRAME_ALLOC_MAX_RANGES));
	cr_assert(eq(u64, fa.free_frames, FRAME_ALLOC_MAX_RANGES + 1));
	/* A reserve that would split a range needs a slot: refused, nothing changed. */
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0x101000, 0x1000), 0)); /* trims, fine */
	cr_assert(eq(int, frame_alloc_add(&fa, 0x101000, 0x2000), 0));     /* [0x100000,0x103000) */
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0x101000, 0x1000), -1));
	cr_assert(eq(u64, fa.range[0].base, 0x100000));
	cr_assert(eq(u64, fa.range[0].end, 0x103000));
	check_invariants();
	/* contig from the middle of a range needs a slot too: skipped. */
	cr_assert(eq(int, frame_alloc_add(&fa, 0x103000, 0x4000), 0));     /* [0x100000,0x107000) */
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x2000, 0x2000), 0x100000)); /* tail left */
	cr_assert(eq(u64, fa.range[0].base, 0x102000));
	/* [0x104000,0x105000) would split [0x102000,0x107000): the next
	 * range that fits without a split is used instead. */
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x1000, 0x4000), 0x110000));
	cr_assert(eq(uint, fa.nr_ranges, FRAME_ALLOC_MAX_RANGES - 1));
	/* Head left only: no slot needed. */
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x3000, 0x4000), 0x104000));
	cr_assert(eq(u64, fa.range[0].end, 0x104000));
	check_invariants();
}

Test(frame_alloc, reserve_splits_and_trims)
{
	cr_assert(eq(int, frame_alloc_add(&fa, 0, 16 * MiB), 0));
	cr_assert(eq(int, frame_alloc_reserve(&fa, 1 * MiB, 1 * MiB), 0));
	assert_ranges(RANGES({ 0, 1 * MiB }, { 2 * MiB, 16 * MiB }));
	cr_assert(eq(u64, fa.free_frames, 15 * MiB / 0x1000));
	/* Rounded outward: two bytes inside one page take that page, two
	 * bytes across a page boundary take both pages. */
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0x3007FF, 2), 0));
	assert_ranges(RANGES({ 0, 1 * MiB }, { 2 * MiB, 0x300000 }, { 0x301000, 16 * MiB }));
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0x500FFF, 2), 0));
	assert_ranges(RANGES({ 0, 1 * MiB }, { 2 * MiB, 0x300000 }, { 0x301000, 0x500000 },
			     { 0x502000, 16 * MiB }));
	/* Trim a start, trim an end, remove a whole range, in one call. */
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0xFF000, 0x302000), 0));
	assert_ranges(RANGES({ 0, 0xFF000 }, { 0x401000, 0x500000 }, { 0x502000, 16 * MiB }));
	/* Len 0 and holes: nothing. */
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0x400000, 0), 0));
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0x200000, 0x100000), 0));
	/* To the top of the address space. */
	cr_assert(eq(int, frame_alloc_reserve(&fa, 15 * MiB, ~0ull), 0));
	assert_ranges(RANGES({ 0, 0xFF000 }, { 0x401000, 0x500000 }, { 0x502000, 15 * MiB }));
	/* Everything. */
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0, 16 * MiB), 0));
	assert_ranges(0, NULL);
	cr_assert(eq(u64, fa.free_frames, 0));
}

Test(frame_alloc, pages_top_down_then_none)
{
	cr_assert(eq(int, frame_alloc_add(&fa, 0x1000, 0x2000), 0));
	cr_assert(eq(int, frame_alloc_add(&fa, 0x10000, 0x1000), 0));
	cr_assert(eq(u64, frame_alloc_page(&fa), 0x10000));
	assert_ranges(RANGES({ 0x1000, 0x3000 }));
	cr_assert(eq(u64, frame_alloc_page(&fa), 0x2000));
	cr_assert(eq(u64, frame_alloc_page(&fa), 0x1000));
	assert_ranges(0, NULL);
	cr_assert(eq(u64, frame_alloc_page(&fa), FRAME_NONE));
	cr_assert(eq(u64, fa.free_frames, 0));
}

Test(frame_alloc, free_list_reuse)
{
	cr_assert(eq(int, frame_alloc_add(&fa, 0x100000, 0x4000), 0));
	uint64_t a = frame_alloc_page(&fa), b = frame_alloc_page(&fa);

	cr_assert(eq(u64, a, 0x103000));
	cr_assert(eq(u64, b, 0x102000));
	cr_assert(eq(u64, fa.free_frames, 2));
	frame_free_page(&fa, a);
	frame_free_page(&fa, b);
	cr_assert(eq(u64, fa.free_frames, 4));
	cr_assert(eq(u64, fa.free_list, b));
	cr_assert(eq(u64, *(uint64_t *)(phys_mem + b), a));     /* link in the frame */
	cr_assert(eq(u64, *(uint64_t *)(phys_mem + a), FRAME_NONE));
	check_invariants();
	/* Misaligned or FRAME_NONE frees are ignored. */
	frame_free_page(&fa, 0x100800);
	frame_free_page(&fa, FRAME_NONE);
	cr_assert(eq(u64, fa.free_frames, 4));
	/* LIFO, before the ranges. */
	cr_assert(eq(u64, frame_alloc_page(&fa), b));
	cr_assert(eq(u64, frame_alloc_page(&fa), a));
	cr_assert(eq(u64, fa.free_list, FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_page(&fa), 0x101000));
	/* Freed frames are not given to contig. */
	frame_free_page(&fa, 0x101000);
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x2000, 0x1000), FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x1000, 0x1000), 0x100000));
	cr_assert(eq(u64, frame_alloc_page(&fa), 0x101000));
	cr_assert(eq(u64, frame_alloc_page(&fa), FRAME_NONE));
	check_invariants();
}

Test(frame_alloc, contig_aligned)
{
	cr_assert(eq(int, frame_alloc_add(&fa, 0x1000, 8 * MiB - 0x1000), 0));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 2 * MiB, 2 * MiB), 2 * MiB));
	assert_ranges(RANGES({ 0x1000, 2 * MiB }, { 4 * MiB, 8 * MiB }));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 4 * MiB, 4 * MiB), 4 * MiB));
	assert_ranges(RANGES({ 0x1000, 2 * MiB }));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 2 * MiB, 2 * MiB), FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 2 * MiB, 0x1000), FRAME_NONE));
	/* Head kept, tail kept. */
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x3000, 0x10000), 0x10000));
	assert_ranges(RANGES({ 0x1000, 0x10000 }, { 0x13000, 2 * MiB }));
	cr_assert(eq(u64, fa.free_frames, (2 * MiB - 0x1000) / 0x1000 - 3));
	/* Bad arguments. */
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0, 0x1000), FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x1800, 0x1000), FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x1000, 0x3000), FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x1000, 0x800), FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x1000, 0), FRAME_NONE));
	check_invariants();
}

Test(frame_alloc, exhaustion)
{
	uint64_t got[4];

	cr_assert(eq(int, frame_alloc_add(&fa, 0x200000, 0x4000), 0));
	for (unsigned i = 0; i < 4; i++) {
		got[i] = frame_alloc_page(&fa);
		cr_assert(eq(u64, got[i], 0x203000 - i * 0x1000));
	}
	cr_assert(eq(u64, frame_alloc_page(&fa), FRAME_NONE));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 0x1000, 0x1000), FRAME_NONE));
	cr_assert(eq(u64, fa.free_frames, 0));
	frame_free_page(&fa, got[2]);
	cr_assert(eq(u64, frame_alloc_page(&fa), got[2]));
	cr_assert(eq(u64, frame_alloc_page(&fa), FRAME_NONE));
	check_invariants();
}

/* What L1 does at boot: the multiboot map of a 128 MiB PC, minus the low
 * 1 MiB and L1's image, then 64 MiB of 2 MiB-aligned L2 RAM. */
Test(frame_alloc, l1_boot_scenario)
{
	cr_assert(eq(int, frame_alloc_add(&fa, 0, 0x9FC00), 0));
	cr_assert(eq(int, frame_alloc_add(&fa, 1 * MiB, 127 * MiB), 0));
	assert_ranges(RANGES({ 0, 0x9F000 }, { 1 * MiB, 128 * MiB }));
	cr_assert(eq(int, frame_alloc_reserve(&fa, 0, 1 * MiB), 0));
	cr_assert(eq(int, frame_alloc_reserve(&fa, 1 * MiB, 0x56789), 0));
	assert_ranges(RANGES({ 0x157000, 128 * MiB }));
	cr_assert(eq(u64, frame_alloc_contig(&fa, 64 * MiB, 2 * MiB), 2 * MiB));
	assert_ranges(RANGES({ 0x157000, 2 * MiB }, { 66 * MiB, 128 * MiB }));
	cr_assert(eq(u64, frame_alloc_page(&fa), 128 * MiB - 0x1000));
	cr_assert(eq(u64, fa.free_frames, (2 * MiB - 0x157000 + 62 * MiB) / 0x1000 - 1));
}
