/*
 * Unit tests of the L2 kernel's page-table builder (guests/kernel/pt.c), on
 * simulated physical memory: a pool of 4 KiB frames addressed from 0x1000.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/pt.h"

#define NFRAMES 64

static uint64_t frames[NFRAMES][512] __attribute__((aligned(4096)));
static unsigned used;
static unsigned limit = NFRAMES;

static uint64_t sim_alloc(void *ctx)
{
	if (used == limit)
		return 0;
	memset(frames[used], 0, 4096);
	return (uint64_t)(++used) * 0x1000; /* frame i at physical (i+1) * 4 KiB */
}

static uint64_t *sim_p2v(void *ctx, uint64_t pa)
{
	cr_assert(ne(u64, pa, 0));
	cr_assert(le(u64, pa / 0x1000, used));
	return frames[pa / 0x1000 - 1];
}

static const struct pt_ops ops = { sim_alloc, sim_p2v, NULL };
static uint64_t root;

static void setup(void)
{
	used = 0;
	limit = NFRAMES;
	root = sim_alloc(NULL);
}

TestSuite(pt, .init = setup);

Test(pt, map_4k_builds_three_tables_and_walks)
{
	uint64_t pa, fl;

	cr_assert(eq(int, pt_map(&ops, root, 0x40001000, 0x123000, PT_4K, PTE_U | PTE_W), 0));
	cr_assert(eq(u32, used, 4)); /* root + PDPT + PD + PT */
	cr_assert(eq(int, pt_walk(&ops, root, 0x40001abc, &pa, &fl), 0));
	cr_assert(eq(u64, pa, 0x123abc));
	cr_assert(eq(u64, fl & (PTE_P | PTE_U | PTE_W | PTE_PS), PTE_P | PTE_U | PTE_W));
	/* the tables on the way carry U: user access needs it at every level */
	cr_assert(eq(u64, sim_p2v(NULL, root)[0] & (PTE_P | PTE_W | PTE_U), PTE_P | PTE_W | PTE_U));
	cr_assert(eq(int, pt_walk(&ops, root, 0x40002000, &pa, &fl), PT_E_NOTMAPPED));
}

Test(pt, supervisor_leaf_keeps_tables_supervisor)
{
	uint64_t pa, fl;

	cr_assert(eq(int, pt_map(&ops, root, 0x200000, 0x200000, PT_2M, PTE_W), 0));
	cr_assert(eq(u32, used, 3)); /* root + PDPT + PD */
	cr_assert(eq(u64, sim_p2v(NULL, root)[0] & PTE_U, 0));
	cr_assert(eq(int, pt_walk(&ops, root, 0x3fffff, &pa, &fl), 0));
	cr_assert(eq(u64, pa, 0x3fffff));
	cr_assert(eq(u64, fl & (PTE_U | PTE_PS | PTE_W), PTE_PS | PTE_W));
}

Test(pt, rights_are_anded_over_levels)
{
	uint64_t pa, fl;
	uint64_t *pml4;

	cr_assert(eq(int, pt_map(&ops, root, 0x40000000, 0x5000, PT_4K, PTE_U | PTE_W), 0));
	pml4 = sim_p2v(NULL, root);
	pml4[0] &= ~PTE_U; /* a supervisor table above a user leaf */
	cr_assert(eq(int, pt_walk(&ops, root, 0x40000000, &pa, &fl), 0));
	cr_assert(eq(u64, fl & PTE_U, 0));
	cr_assert(eq(u64, fl & PTE_W, PTE_W));
}

Test(pt, double_map_and_large_page_conflicts)
{
	cr_assert(eq(int, pt_map(&ops, root, 0x1000, 0x1000, PT_4K, PTE_W), 0));
	cr_assert(eq(int, pt_map(&ops, root, 0x1000, 0x2000, PT_4K, PTE_W), PT_E_EXISTS));
	cr_assert(eq(int, pt_map(&ops, root, 0x400000, 0x400000, PT_2M, PTE_W), 0));
	cr_assert(eq(int, pt_map(&ops, root, 0x401000, 0x9000, PT_4K, PTE_W), PT_E_EXISTS));
	/* a 2 MiB page over an existing PT slot is refused too */
	cr_assert(eq(int, pt_map(&ops, root, 0x0, 0x0, PT_2M, PTE_W), PT_E_EXISTS));
}

Test(pt, argument_errors)
{
	cr_assert(eq(int, pt_map(&ops, root, 0x1001, 0x1000, PT_4K, 0), PT_E_ALIGN));
	cr_assert(eq(int, pt_map(&ops, root, 0x200000, 0x201000, PT_2M, 0), PT_E_ALIGN));
	cr_assert(eq(int, pt_map(&ops, root, 0x800000000000ull, 0, PT_4K, 0), PT_E_NONCANON));
	cr_assert(eq(int, pt_map(&ops, root, 0, 0, 8192, 0), PT_E_SIZE));
	cr_assert(eq(u32, used, 1));
}

Test(pt, high_half_canonical_maps)
{
	uint64_t pa, fl, va = 0xffffffff80000000ull;

	cr_assert(eq(int, pt_map(&ops, root, va, 0x7000, PT_4K, PTE_W), 0));
	cr_assert(eq(int, pt_walk(&ops, root, va + 8, &pa, &fl), 0));
	cr_assert(eq(u64, pa, 0x7008));
	cr_assert(eq(u64, sim_p2v(NULL, root)[511] & PTE_P, PTE_P));
	cr_assert(eq(int, pt_walk(&ops, root, 0x0000800000000000ull, &pa, &fl), PT_E_NONCANON));
}

Test(pt, prepare_allocates_every_pt_then_maps_allocate_nothing)
{
	uint64_t va = 0x601ff000, len = 3 * PT_2M, a, before;

	/* [0x601ff000, 0x607ff000) touches PTs for 0x600000.., 0x602.., 0x604.., 0x606.. */
	cr_assert(eq(int, pt_prepare(&ops, root, va, len, PTE_U | PTE_W), 0));
	cr_assert(eq(u32, used, 1 + 1 + 1 + 4));
	before = used;
	for (a = va; a < va + len; a += PT_4K)
		cr_assert(eq(int, pt_map(&ops, root, a, 0x100000, PT_4K, PTE_U | PTE_W), 0));
	cr_assert(eq(u64, used, before));
	cr_assert(eq(int, pt_prepare(&ops, root, va, len, PTE_U | PTE_W), 0));
	cr_assert(eq(u64, used, before)); /* idempotent */
}

Test(pt, prepare_errors)
{
	cr_assert(eq(int, pt_prepare(&ops, root, 0x1000, 0x1001, 0), PT_E_ALIGN));
	cr_assert(eq(int, pt_prepare(&ops, root, 0x7ffffffff000ull, 0x2000, 0), PT_E_NONCANON));
	cr_assert(eq(int, pt_prepare(&ops, root, 0x1000, 0, 0), 0));
	cr_assert(eq(u32, used, 1));
}

Test(pt, out_of_memory_reported)
{
	limit = 2; /* root + one table */
	cr_assert(eq(int, pt_map(&ops, root, 0x1000, 0x1000, PT_4K, 0), PT_E_NOMEM));
	cr_assert(eq(int, pt_prepare(&ops, root, 0x1000, 0x1000, 0), PT_E_NOMEM));
}

Test(pt, index_helper)
{
	uint64_t va = 0xffff8080c0605000ull;

	cr_assert(eq(u32, pt_index(va, 4), 257));
	cr_assert(eq(u32, pt_index(va, 3), 3));
	cr_assert(eq(u32, pt_index(va, 2), 3));
	cr_assert(eq(u32, pt_index(va, 1), 5));
}
