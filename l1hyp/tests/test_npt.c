/*
 * Host tests for l1hyp/mm/npt.c: exact table counts, every page's walk result,
 * the entry encoding (AMD APM vol.2 5.3.3, 15.25.5), 2 MiB leaf splitting,
 * freeing of emptied tables, and consistency after an allocation failure
 * injected at every possible point. Tables come from a pool that stands for
 * host-physical memory at NPT_TEST_PHYS_BASE.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "mm/npt.h"
#include "../../lib/freestanding/x86_paging.h"

#define HPA_BASE          0x40000000ull
#define MiB               0x100000ull
#define GiB               0x40000000ull

/* Entry bits (lib/freestanding/x86_paging.h, checked against the APM's
 * numbers in test_guest_mem.c). */
#define E_P   X86_PTE_P
#define E_RW  X86_PTE_RW
#define E_US  X86_PTE_US
#define E_A   X86_PTE_A
#define E_D   X86_PTE_D
#define E_PS  X86_PTE_PS
#define E_NX  X86_PTE_NX
#define E_ADDR X86_PTE_ADDR

#include "npt_test_pool.h"

static struct npt npt;

static void setup(void)
{
	memset(&pool, 0, sizeof(pool));
	pool.mem = aligned_alloc(4096, (size_t)POOL_TABLES * 4096);
	cr_assert(ne(ptr, (void *)pool.mem, NULL));
	pool.fail_after = -1;
	pool.check_zero_on_free = true;
	cr_assert(eq(int, npt_init(&npt, &pool_ops), 0));
}

static void teardown(void)
{
	free(pool.mem);
}

TestSuite(npt, .init = setup, .fini = teardown);

/* Snapshot of every table in use, to prove an operation changed nothing. */
struct snap {
	uint64_t (*mem)[512];
	bool used[POOL_TABLES];
	uint64_t nr_tables;
};

static void snap_take(struct snap *s)
{
	s->mem = malloc((size_t)POOL_TABLES * 4096);
	memcpy(s->mem, pool.mem, (size_t)POOL_TABLES * 4096);
	memcpy(s->used, pool.used, sizeof(s->used));
	s->nr_tables = npt.nr_tables;
}

static void snap_assert_same(struct snap *s)
{
	cr_assert(eq(u64, npt.nr_tables, s->nr_tables));
	for (unsigned i = 0; i < POOL_TABLES; i++) {
		cr_assert(eq(int, pool.used[i], s->used[i]), "table %u use changed", i);
		if (pool.used[i])
			cr_assert(eq(int, memcmp(pool.mem[i], s->mem[i], 4096), 0),
				  "table %u changed", i);
	}
	free(s->mem);
}

static void assert_walk(uint64_t gpa, uint64_t hpa, unsigned perms, uint64_t size)
{
	struct npt_walk_result r;

	cr_assert(eq(int, npt_walk(&npt, gpa, &r), 0), "walk %#lx", (unsigned long)gpa);
	cr_assert(eq(u64, r.hpa, hpa), "hpa of %#lx", (unsigned long)gpa);
	cr_assert(eq(uint, r.perms, perms), "perms of %#lx", (unsigned long)gpa);
	cr_assert(eq(u64, r.page_size, size), "size of %#lx", (unsigned long)gpa);
}

static void assert_hole(uint64_t gpa)
{
	struct npt_walk_result r;

	cr_assert(eq(int, npt_walk(&npt, gpa, &r), NPT_E_NOTMAPPED), "%#lx mapped",
		  (unsigned long)gpa);
}

/* Every 4 KiB page of [gpa, gpa+size) maps to hpa+offset with perms. */
static void assert_region(uint64_t gpa, uint64_t hpa, uint64_t size, unsigned perms,
			  uint64_t page_size)
{
	for (uint64_t off = 0; off < size; off += 4096)
		assert_walk(gpa + off, hpa + off, perms, page_size);
}

/* The entries on the path to gpa: upper levels must be exactly table|P|RW|US
 * (no NX, nothing else), returns the leaf entry. */
static uint64_t path_leaf(uint64_t gpa, int *leaf_level)
{
	uint64_t *t = npt.root;

	for (int level = 4; level >= 1; level--) {
		uint64_t e = t[(gpa >> (12 + 9 * (level - 1))) & 511];

		cr_assert(ne(u64, e & E_P, 0), "level %d not present", level);
		cr_assert(ne(u64, e & E_US, 0), "level %d lacks U", level);
		if (level == 1 || (level == 2 && (e & E_PS))) {
			*leaf_level = level;
			return e;
		}
		cr_assert(eq(u64, e & ~E_ADDR, E_P | E_RW | E_US), "upper entry bits");
		t = pool_ptr(&pool, e & E_ADDR);
	}
	return 0;
}

Test(npt, init_and_destroy)
{
	cr_assert(eq(u64, npt.nr_tables, 1));
	cr_assert(eq(u64, npt.root_phys, NPT_TEST_PHYS_BASE));
	cr_assert(eq(ptr, npt.root, pool.mem[0]));
	assert_hole(0);
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 64 * MiB, NPT_RWX, 0), 0));
	pool.check_zero_on_free = false;     /* destroy frees populated tables */
	npt_destroy(&npt);
	cr_assert(eq(uint, pool.in_use, 0));
	cr_assert(eq(u64, npt.nr_tables, 0));
	cr_assert(eq(ptr, npt.root, NULL));
}

Test(npt, init_nomem)
{
	struct npt n2;

	pool.fail_after = 0;
	cr_assert(eq(int, npt_init(&n2, &pool_ops), NPT_E_NOMEM));
	cr_assert(eq(ptr, n2.root, NULL));
	cr_assert(eq(u64, n2.nr_tables, 0));
}

Test(npt, map_64m_2m_leaves)
{
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 64 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	/* PML4 + PDPT + PD, 32 2 MiB leaves, no PT. */
	cr_assert(eq(u64, npt.nr_tables, 3));
	cr_assert(eq(uint, pool.in_use, 3));
	assert_region(0, HPA_BASE, 64 * MiB, NPT_RWX, NPT_PAGE_2M);
	assert_walk(0x3FF123, HPA_BASE + 0x3FF123, NPT_RWX, NPT_PAGE_2M);
	assert_hole(64 * MiB);
	assert_hole(1 * GiB);
}

Test(npt, map_64m_4k_leaves)
{
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 64 * MiB, NPT_RWX, 0), 0));
	/* PML4 + PDPT + PD + 32 PTs. */
	cr_assert(eq(u64, npt.nr_tables, 35));
	assert_region(0, HPA_BASE, 64 * MiB, NPT_RWX, NPT_PAGE_4K);
	assert_walk(0x1234, HPA_BASE + 0x1234, NPT_RWX, NPT_PAGE_4K);
	assert_hole(64 * MiB);
}

Test(npt, allow_2m_needs_aligned_hpa)
{
	/* gpa 2 MiB aligned, hpa only 4 KiB aligned: 4 KiB leaves only. */
	cr_assert(eq(int, npt_map(&npt, 2 * MiB, HPA_BASE + 0x1000, 4 * MiB, NPT_RWX,
				  NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(u64, npt.nr_tables, 3 + 2));
	assert_region(2 * MiB, HPA_BASE + 0x1000, 4 * MiB, NPT_RWX, NPT_PAGE_4K);
}

Test(npt, allow_2m_mixed_range)
{
	/* [0x1FF000, 0x401000): one 4K page, one 2M leaf, one 4K page. */
	cr_assert(eq(int, npt_map(&npt, 0x1FF000, HPA_BASE + 0x1FF000, 2 * MiB + 0x2000,
				  NPT_R | NPT_W, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(u64, npt.nr_tables, 3 + 2));
	assert_walk(0x1FF000, HPA_BASE + 0x1FF000, NPT_R | NPT_W, NPT_PAGE_4K);
	assert_region(0x200000, HPA_BASE + 0x200000, 2 * MiB, NPT_R | NPT_W, NPT_PAGE_2M);
	assert_walk(0x400000, HPA_BASE + 0x400000, NPT_R | NPT_W, NPT_PAGE_4K);
	assert_hole(0x1FE000);
	assert_hole(0x401000);
}

Test(npt, entry_encoding)
{
	static const struct { unsigned perms; uint64_t bits; } cases[] = {
		{ NPT_R,                 E_P | E_US | E_NX },
		{ NPT_R | NPT_W,         E_P | E_US | E_RW | E_NX },
		{ NPT_R | NPT_X,         E_P | E_US },
		{ NPT_RWX,               E_P | E_US | E_RW },
	};
	int level;

	for (unsigned i = 0; i < 4; i++) {
		uint64_t gpa = i * 0x1000, hpa = HPA_BASE + 0x10000 * (i + 1);

		cr_assert(eq(int, npt_map(&npt, gpa, hpa, 0x1000, cases[i].perms, 0), 0));
		cr_assert(eq(u64, path_leaf(gpa, &level), hpa | cases[i].bits));
		cr_assert(eq(int, level, 1));
		assert_walk(gpa, hpa, cases[i].perms, NPT_PAGE_4K);
	}
	for (unsigned i = 0; i < 4; i++) {
		uint64_t gpa = (i + 1) * 2 * MiB, hpa = 8 * GiB + i * 2 * MiB;

		cr_assert(eq(int, npt_map(&npt, gpa, hpa, 2 * MiB, cases[i].perms,
					  NPT_MAP_ALLOW_2M), 0));
		cr_assert(eq(u64, path_leaf(gpa, &level), hpa | cases[i].bits | E_PS));
		cr_assert(eq(int, level, 2));
	}
}

Test(npt, high_addresses_and_levels)
{
	uint64_t top = (1ull << 48) - 0x1000, hpa_top = (1ull << 52) - 0x1000;
	int level;

	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0x1000, NPT_RWX, 0), 0));
	cr_assert(eq(int, npt_map(&npt, 512 * GiB, HPA_BASE, 0x1000, NPT_R, 0), 0));
	cr_assert(eq(int, npt_map(&npt, top, hpa_top, 0x1000, NPT_R, 0), 0));
	cr_assert(eq(u64, npt.nr_tables, 1 + 3 + 3 + 3));
	assert_walk(top + 0xFFF, hpa_top + 0xFFF, NPT_R, NPT_PAGE_4K);
	cr_assert(eq(u64, path_leaf(top, &level), hpa_top | E_P | E_US | E_NX));
	assert_walk(512 * GiB, HPA_BASE, NPT_R, NPT_PAGE_4K);
	cr_assert(eq(int, npt_walk(&npt, 1ull << 48, &(struct npt_walk_result){ 0 }),
		     NPT_E_RANGE));
}

Test(npt, argument_errors_change_nothing)
{
	struct snap s;

	cr_assert(eq(int, npt_map(&npt, 0x10000, HPA_BASE, 0x1000, NPT_RWX, 0), 0));
	snap_take(&s);
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0x1000, 0, 0), NPT_E_PERM));
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0x1000, NPT_W, 0), NPT_E_PERM));
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0x1000, NPT_X, 0), NPT_E_PERM));
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0x1000, NPT_W | NPT_X, 0), NPT_E_PERM));
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0x1000, NPT_R | 8, 0), NPT_E_PERM));
	cr_assert(eq(int, npt_map(&npt, 0x800, HPA_BASE, 0x1000, NPT_R, 0), NPT_E_ALIGN));
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE + 8, 0x1000, NPT_R, 0), NPT_E_ALIGN));
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0x800, NPT_R, 0), NPT_E_ALIGN));
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0, NPT_R, 0), NPT_E_ALIGN));
	cr_assert(eq(int, npt_map(&npt, (1ull << 48) - 0x1000, HPA_BASE, 0x2000, NPT_R, 0),
		     NPT_E_RANGE));
	cr_assert(eq(int, npt_map(&npt, 1ull << 48, HPA_BASE, 0x1000, NPT_R, 0), NPT_E_RANGE));
	cr_assert(eq(int, npt_map(&npt, ~0xFFFull, HPA_BASE, 0x2000, NPT_R, 0), NPT_E_RANGE));
	cr_assert(eq(int, npt_map(&npt, 0, (1ull << 52) - 0x1000, 0x2000, NPT_R, 0),
		     NPT_E_RANGE));
	cr_assert(eq(int, npt_map(&npt, 0, ~0xFFFull, 0x2000, NPT_R, 0), NPT_E_RANGE));
	cr_assert(eq(int, npt_unmap(&npt, 0x10800, 0x1000), NPT_E_ALIGN));
	cr_assert(eq(int, npt_unmap(&npt, 0x10000, 0), NPT_E_ALIGN));
	cr_assert(eq(int, npt_unmap(&npt, 1ull << 48, 0x1000), NPT_E_RANGE));
	cr_assert(eq(int, npt_protect(&npt, 0x10000, 0x1000, NPT_W), NPT_E_PERM));
	cr_assert(eq(int, npt_protect(&npt, 0x10000, 0x1000, 0), NPT_E_PERM));
	cr_assert(eq(int, npt_protect(&npt, 0x10000, 0xFFF, NPT_R), NPT_E_ALIGN));
	snap_assert_same(&s);
	assert_walk(0x10000, HPA_BASE, NPT_RWX, NPT_PAGE_4K);
}

Test(npt, map_over_existing_changes_nothing)
{
	struct snap s;

	cr_assert(eq(int, npt_map(&npt, 2 * MiB, HPA_BASE, 2 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_map(&npt, 1 * GiB + 0x5000, HPA_BASE, 0x1000, NPT_R, 0), 0));
	snap_take(&s);
	/* Overlaps the 2M leaf at its far end: the first 2 MiB would be new. */
	cr_assert(eq(int, npt_map(&npt, 0, 8 * GiB, 8 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M),
		     NPT_E_EXISTS));
	cr_assert(eq(int, npt_map(&npt, 0, 8 * GiB, 8 * MiB, NPT_RWX, 0), NPT_E_EXISTS));
	/* One 4K page inside a 2M leaf. */
	cr_assert(eq(int, npt_map(&npt, 3 * MiB, 8 * GiB, 0x1000, NPT_R, 0), NPT_E_EXISTS));
	/* The last page of a range hits a lone 4K mapping. */
	cr_assert(eq(int, npt_map(&npt, 1 * GiB, 8 * GiB, 0x6000, NPT_R, 0), NPT_E_EXISTS));
	snap_assert_same(&s);
	assert_hole(0);
	assert_hole(1 * GiB);
	assert_walk(3 * MiB, HPA_BASE + MiB, NPT_RWX, NPT_PAGE_2M);
}

Test(npt, protect_splits_2m_leaf)
{
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 64 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_protect(&npt, 2 * MiB + 0x1000, 0x1000, NPT_R), 0));
	cr_assert(eq(u64, npt.nr_tables, 4));
	for (uint64_t off = 0; off < 2 * MiB; off += 0x1000) {
		uint64_t gpa = 2 * MiB + off;

		assert_walk(gpa, HPA_BASE + gpa, off == 0x1000 ? NPT_R : NPT_RWX, NPT_PAGE_4K);
	}
	assert_region(0, HPA_BASE, 2 * MiB, NPT_RWX, NPT_PAGE_2M);
	assert_region(4 * MiB, HPA_BASE + 4 * MiB, 60 * MiB, NPT_RWX, NPT_PAGE_2M);

	/* The whole 2M region again: no new table, and no merge back. */
	cr_assert(eq(int, npt_protect(&npt, 2 * MiB, 2 * MiB, NPT_R | NPT_X), 0));
	cr_assert(eq(u64, npt.nr_tables, 4));
	assert_region(2 * MiB, HPA_BASE + 2 * MiB, 2 * MiB, NPT_R | NPT_X, NPT_PAGE_4K);

	/* A whole 2M leaf keeps its size; a range cutting two leaves splits both. */
	cr_assert(eq(int, npt_protect(&npt, 8 * MiB, 2 * MiB, NPT_R), 0));
	cr_assert(eq(u64, npt.nr_tables, 4));
	assert_region(8 * MiB, HPA_BASE + 8 * MiB, 2 * MiB, NPT_R, NPT_PAGE_2M);
	cr_assert(eq(int, npt_protect(&npt, 11 * MiB, 2 * MiB, NPT_R | NPT_W), 0));
	cr_assert(eq(u64, npt.nr_tables, 6));
	assert_region(10 * MiB, HPA_BASE + 10 * MiB, 1 * MiB, NPT_RWX, NPT_PAGE_4K);
	assert_region(11 * MiB, HPA_BASE + 11 * MiB, 2 * MiB, NPT_R | NPT_W, NPT_PAGE_4K);
	assert_region(13 * MiB, HPA_BASE + 13 * MiB, 1 * MiB, NPT_RWX, NPT_PAGE_4K);
}

Test(npt, split_keeps_accessed_dirty)
{
	struct npt_walk_result r;
	int level;

	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 2 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_walk(&npt, 0, &r), 0));
	*r.leaf |= E_A | E_D;                   /* as the processor would */
	cr_assert(eq(int, npt_protect(&npt, 0x3000, 0x1000, NPT_R), 0));
	cr_assert(eq(u64, path_leaf(0x3000, &level), (HPA_BASE + 0x3000) | E_P | E_US | E_NX | E_A | E_D));
	cr_assert(eq(u64, path_leaf(0x4000, &level), (HPA_BASE + 0x4000) | E_P | E_US | E_RW | E_A | E_D));
	cr_assert(eq(int, level, 1));
}

Test(npt, protect_hole_changes_nothing)
{
	struct snap s;

	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 2 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_map(&npt, 4 * MiB, HPA_BASE, 0x3000, NPT_RWX, 0), 0));
	snap_take(&s);
	/* Range = the 2M leaf (would be split at 1M) + a hole after it. */
	cr_assert(eq(int, npt_protect(&npt, 1 * MiB, 2 * MiB, NPT_R), NPT_E_NOTMAPPED));
	/* A hole in the middle of 4K pages. */
	cr_assert(eq(int, npt_protect(&npt, 4 * MiB, 0x4000, NPT_R), NPT_E_NOTMAPPED));
	cr_assert(eq(int, npt_protect(&npt, 1 * GiB, 0x1000, NPT_R), NPT_E_NOTMAPPED));
	snap_assert_same(&s);
	cr_assert(eq(int, npt_protect(&npt, 4 * MiB, 0x3000, NPT_R), 0));
	assert_region(4 * MiB, HPA_BASE, 0x3000, NPT_R, NPT_PAGE_4K);
}

Test(npt, unmap_frees_emptied_tables)
{
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 64 * MiB, NPT_RWX, 0), 0));
	cr_assert(eq(u64, npt.nr_tables, 35));
	/* The first 2 MiB: one PT emptied and freed. */
	cr_assert(eq(int, npt_unmap(&npt, 0, 2 * MiB), 0));
	cr_assert(eq(u64, npt.nr_tables, 34));
	assert_hole(0);
	assert_hole(2 * MiB - 0x1000);
	assert_walk(2 * MiB, HPA_BASE + 2 * MiB, NPT_RWX, NPT_PAGE_4K);
	/* Part of a PT: nothing freed. */
	cr_assert(eq(int, npt_unmap(&npt, 2 * MiB, 0x1000), 0));
	cr_assert(eq(u64, npt.nr_tables, 34));
	assert_hole(2 * MiB);
	assert_walk(2 * MiB + 0x1000, HPA_BASE + 2 * MiB + 0x1000, NPT_RWX, NPT_PAGE_4K);
	/* Everything, holes included: back to the root alone, all zero. */
	cr_assert(eq(int, npt_unmap(&npt, 0, 1 * GiB), 0));
	cr_assert(eq(u64, npt.nr_tables, 1));
	cr_assert(eq(uint, pool.in_use, 1));
	for (unsigned i = 0; i < 512; i++)
		cr_assert(eq(u64, npt.root[i], 0));
	/* Unmapping a hole is fine and changes nothing. */
	cr_assert(eq(int, npt_unmap(&npt, 0, 0x1000), 0));
	cr_assert(eq(u64, npt.nr_tables, 1));
}

Test(npt, unmap_across_pml4_entries)
{
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 0x1000, NPT_RWX, 0), 0));
	cr_assert(eq(int, npt_map(&npt, 1 * GiB, HPA_BASE, 2 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_map(&npt, 512 * GiB, HPA_BASE, 0x1000, NPT_RWX, 0), 0));
	cr_assert(eq(u64, npt.nr_tables, 1 + 3 + 1 + 3));
	cr_assert(eq(int, npt_unmap(&npt, 0x1000, 1024 * GiB), 0));
	cr_assert(eq(u64, npt.nr_tables, 4));
	assert_walk(0, HPA_BASE, NPT_RWX, NPT_PAGE_4K);
	assert_hole(1 * GiB);
	assert_hole(512 * GiB);
}

Test(npt, unmap_splits_2m_leaf)
{
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 4 * MiB, NPT_R | NPT_X, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_unmap(&npt, 0x5000, 0x1000), 0));
	cr_assert(eq(u64, npt.nr_tables, 4));
	for (uint64_t gpa = 0; gpa < 2 * MiB; gpa += 0x1000) {
		if (gpa == 0x5000)
			assert_hole(gpa);
		else
			assert_walk(gpa, HPA_BASE + gpa, NPT_R | NPT_X, NPT_PAGE_4K);
	}
	assert_region(2 * MiB, HPA_BASE + 2 * MiB, 2 * MiB, NPT_R | NPT_X, NPT_PAGE_2M);
	/* Unmapping the rest of the split region frees its PT. */
	cr_assert(eq(int, npt_unmap(&npt, 0, 2 * MiB), 0));
	cr_assert(eq(u64, npt.nr_tables, 3));
	/* A whole 2M leaf goes without splitting; then the PD and PDPT go too. */
	cr_assert(eq(int, npt_unmap(&npt, 2 * MiB, 2 * MiB), 0));
	cr_assert(eq(u64, npt.nr_tables, 1));
	cr_assert(eq(uint, pool.allocs - pool.frees, 1));
}

/* Injected allocation failure at every point of a 64 MiB 4K mapping that
 * needs 32 new PTs, over a tree that already holds a mapping: the call fails
 * with NPT_E_NOMEM and the tree is exactly what it was. */
Test(npt, map_nomem_rolls_back_exactly)
{
	cr_assert(eq(int, npt_map(&npt, 256 * MiB, HPA_BASE, 0x1000, NPT_R, 0), 0));
	cr_assert(eq(u64, npt.nr_tables, 4));
	for (long k = 0; k < 32; k++) {
		struct snap s;

		snap_take(&s);
		pool.fail_after = k;
		cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 64 * MiB, NPT_RWX, 0), NPT_E_NOMEM),
			  "k=%ld", k);
		snap_assert_same(&s);
		assert_hole(0);
		assert_hole(64 * MiB - 0x1000);
		assert_walk(256 * MiB, HPA_BASE, NPT_R, NPT_PAGE_4K);
	}
	/* PDPT and PD exist already: exactly 32 more allocations succeed it. */
	pool.fail_after = 32;
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 64 * MiB, NPT_RWX, 0), 0));
	cr_assert(eq(u64, npt.nr_tables, 4 + 32));
	cr_assert(eq(long, pool.fail_after, 0));
}

Test(npt, map_nomem_from_empty_tree)
{
	/* Across two PML4 entries: [512G - 2M, 512G + 2M) needs a PDPT, a PD
	 * and a PT under each: 6 tables. */
	uint64_t gpa = 512 * GiB - 2 * MiB;

	for (long k = 0; k < 6; k++) {
		pool.fail_after = k;
		cr_assert(eq(int, npt_map(&npt, gpa, HPA_BASE, 4 * MiB, NPT_RWX, 0), NPT_E_NOMEM));
		cr_assert(eq(u64, npt.nr_tables, 1), "k=%ld", k);
		cr_assert(eq(uint, pool.in_use, 1));
	}
	pool.fail_after = 6;
	cr_assert(eq(int, npt_map(&npt, gpa, HPA_BASE, 4 * MiB, NPT_RWX, 0), 0));
	cr_assert(eq(u64, npt.nr_tables, 7));
	assert_region(gpa, HPA_BASE, 4 * MiB, NPT_RWX, NPT_PAGE_4K);
}

Test(npt, split_nomem_changes_nothing)
{
	struct snap s;

	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 4 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	snap_take(&s);
	pool.fail_after = 0;
	cr_assert(eq(int, npt_protect(&npt, 0x1000, 0x1000, NPT_R), NPT_E_NOMEM));
	cr_assert(eq(int, npt_unmap(&npt, 0x1000, 0x1000), NPT_E_NOMEM));
	snap_assert_same(&s);
	assert_region(0, HPA_BASE, 4 * MiB, NPT_RWX, NPT_PAGE_2M);
}

/* ---- views (npt_clone, npt_prepare_range, npt_set_exec) ---------------- */

static void assert_walk_in(const struct npt *t, uint64_t gpa, uint64_t hpa, unsigned perms,
			   uint64_t size)
{
	struct npt_walk_result r;

	cr_assert(eq(int, npt_walk(t, gpa, &r), 0), "walk %#lx", (unsigned long)gpa);
	cr_assert(eq(u64, r.hpa, hpa), "hpa of %#lx", (unsigned long)gpa);
	cr_assert(eq(uint, r.perms, perms), "perms of %#lx", (unsigned long)gpa);
	cr_assert(eq(u64, r.page_size, size), "size of %#lx", (unsigned long)gpa);
}

/* A clone has its own tables with the same leaves; changing it leaves the
 * source alone; a clone that runs out of memory is destroyed, every table
 * it took given back. */
Test(npt, clone_is_a_separate_copy)
{
	struct npt view;

	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 8 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_map(&npt, 1 * GiB, HPA_BASE + 64 * MiB, 0x3000, NPT_R | NPT_W, 0), 0));
	cr_assert(eq(int, npt_clone(&view, &npt), 0));
	cr_assert(eq(u64, view.nr_tables, npt.nr_tables));
	cr_assert(ne(u64, view.root_phys, npt.root_phys));
	for (uint64_t gpa = 0; gpa < 8 * MiB; gpa += 0x1000)
		assert_walk_in(&view, gpa, HPA_BASE + gpa, NPT_RWX, NPT_PAGE_2M);
	assert_walk_in(&view, 1 * GiB + 0x2000, HPA_BASE + 64 * MiB + 0x2000, NPT_R | NPT_W,
		       NPT_PAGE_4K);
	cr_assert(eq(int, npt_set_exec(&view, 0, 8 * MiB, false), 0));
	assert_walk(0x5000, HPA_BASE + 0x5000, NPT_RWX, NPT_PAGE_2M);       /* source unchanged */
	assert_walk_in(&view, 0x5000, HPA_BASE + 0x5000, NPT_R | NPT_W, NPT_PAGE_2M);
	npt_destroy(&view);

	for (long fail = 0; fail < (long)npt.nr_tables; fail++) {
		unsigned before = pool.in_use;

		pool.fail_after = fail;
		cr_assert(eq(int, npt_clone(&view, &npt), NPT_E_NOMEM), "fail after %ld", fail);
		cr_assert(eq(uint, pool.in_use, before), "tables leaked (fail after %ld)", fail);
		cr_assert(eq(ptr, view.root, NULL));
	}
	pool.fail_after = -1;
}

/* Execute rights of a range: only NX changes, on present pages only (holes
 * skipped, nothing mapped), 2 MiB leaves split where the range cuts them,
 * kept whole where it covers them. */
Test(npt, set_exec_changes_only_nx)
{
	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 8 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_map(&npt, 16 * MiB, HPA_BASE + 16 * MiB, 0x2000, NPT_R, 0), 0));
	cr_assert(eq(int, npt_protect(&npt, 0x3000, 0x1000, NPT_R | NPT_X), 0));  /* read-only page */
	/* [1 MiB, 5 MiB): cuts the leaves at 0 and 4 MiB, covers [2, 4) whole */
	cr_assert(eq(int, npt_set_exec(&npt, 1 * MiB, 4 * MiB, false), 0));
	assert_region(0, HPA_BASE, 0x3000, NPT_RWX, NPT_PAGE_4K);
	assert_walk(0x3000, HPA_BASE + 0x3000, NPT_R | NPT_X, NPT_PAGE_4K);
	assert_region(0x4000, HPA_BASE + 0x4000, 1 * MiB - 0x4000, NPT_RWX, NPT_PAGE_4K);
	assert_region(1 * MiB, HPA_BASE + 1 * MiB, 1 * MiB, NPT_R | NPT_W, NPT_PAGE_4K);
	assert_region(2 * MiB, HPA_BASE + 2 * MiB, 2 * MiB, NPT_R | NPT_W, NPT_PAGE_2M);
	assert_region(4 * MiB, HPA_BASE + 4 * MiB, 1 * MiB, NPT_R | NPT_W, NPT_PAGE_4K);
	assert_region(5 * MiB, HPA_BASE + 5 * MiB, 1 * MiB, NPT_RWX, NPT_PAGE_4K);
	/* a range over holes and a read-only mapping: rights kept, holes stay */
	cr_assert(eq(int, npt_set_exec(&npt, 8 * MiB, 16 * MiB, false), 0));
	assert_hole(8 * MiB);
	assert_hole(12 * MiB);
	assert_walk(16 * MiB + 0x1000, HPA_BASE + 16 * MiB + 0x1000, NPT_R, NPT_PAGE_4K);
	cr_assert(eq(int, npt_set_exec(&npt, 16 * MiB, 0x1000, true), 0));
	assert_walk(16 * MiB, HPA_BASE + 16 * MiB, NPT_R | NPT_X, NPT_PAGE_4K);
	assert_walk(16 * MiB + 0x1000, HPA_BASE + 16 * MiB + 0x1000, NPT_R, NPT_PAGE_4K);
	/* back to executable: X set again, W kept */
	cr_assert(eq(int, npt_set_exec(&npt, 1 * MiB, 4 * MiB, true), 0));
	assert_region(1 * MiB, HPA_BASE + 1 * MiB, 1 * MiB, NPT_RWX, NPT_PAGE_4K);
	assert_region(2 * MiB, HPA_BASE + 2 * MiB, 2 * MiB, NPT_RWX, NPT_PAGE_2M);
	assert_region(4 * MiB, HPA_BASE + 4 * MiB, 1 * MiB, NPT_RWX, NPT_PAGE_4K);
	cr_assert(eq(int, npt_set_exec(&npt, 0x1001, 0x1000, true), NPT_E_ALIGN));
	cr_assert(eq(int, npt_set_exec(&npt, 0, 0, true), NPT_E_ALIGN));
	cr_assert(eq(int, npt_set_exec(&npt, 1ull << 48, 0x1000, true), NPT_E_RANGE));
}

/* All or nothing over two views: npt_prepare_range may fail (out of
 * memory) with no translation or right changed; once it succeeded for a
 * range, npt_set_exec of that range takes no table. */
Test(npt, prepare_then_set_exec_cannot_fail)
{
	struct npt view;
	struct npt_walk_result r;

	cr_assert(eq(int, npt_map(&npt, 0, HPA_BASE, 8 * MiB, NPT_RWX, NPT_MAP_ALLOW_2M), 0));
	cr_assert(eq(int, npt_clone(&view, &npt), 0));
	pool.fail_after = 1;                           /* the second split fails */
	cr_assert(eq(int, npt_prepare_range(&view, 1 * MiB, 4 * MiB), NPT_E_NOMEM));
	pool.fail_after = -1;
	for (uint64_t gpa = 0; gpa < 8 * MiB; gpa += 0x1000) {
		cr_assert(eq(int, npt_walk(&view, gpa, &r), 0));
		cr_assert(eq(u64, r.hpa, HPA_BASE + gpa));
		cr_assert(eq(uint, r.perms, NPT_RWX));
	}
	cr_assert(eq(int, npt_prepare_range(&view, 1 * MiB, 4 * MiB), 0));
	pool.fail_after = 0;                           /* no table left at all */
	cr_assert(eq(int, npt_set_exec(&view, 1 * MiB, 4 * MiB, false), 0));
	pool.fail_after = -1;
	assert_walk_in(&view, 1 * MiB, HPA_BASE + 1 * MiB, NPT_R | NPT_W, NPT_PAGE_4K);
	assert_walk_in(&view, 4 * MiB + 0x1000, HPA_BASE + 4 * MiB + 0x1000, NPT_R | NPT_W,
		       NPT_PAGE_4K);
	assert_walk_in(&view, 5 * MiB, HPA_BASE + 5 * MiB, NPT_RWX, NPT_PAGE_4K);
	npt_destroy(&view);
}
