/*
 * The table pool of the NPT builder's host tests (test_npt.c,
 * test_npt_share.c): 4 KiB tables from a buffer that stands for
 * host-physical memory at NPT_TEST_PHYS_BASE, every allocation and free
 * counted and checked (a freed table must be zero, a bad or double free
 * fails the test), allocation failure injectable (fail_after), and a
 * reference count per table for the sharing builder (pool_ops_shared).
 * Included once per test file: everything is static.
 */
#ifndef NPT_TEST_POOL_H
#define NPT_TEST_POOL_H

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdbool.h>
#include <string.h>

#include "mm/npt.h"

#define POOL_TABLES       1024u
#define NPT_TEST_PHYS_BASE 0x7000000ull

struct pool {
	uint64_t (*mem)[512];
	bool used[POOL_TABLES];
	unsigned in_use;
	long fail_after;    /* allocations left before failing; < 0: never */
	unsigned allocs, frees;
	bool check_zero_on_free;
	uint32_t refs[POOL_TABLES];     /* pool_ops_shared's table_refs */
};

static struct pool pool;

static uint64_t *pool_alloc(void *ctx, uint64_t *phys)
{
	struct pool *p = ctx;

	if (p->fail_after == 0)
		return NULL;
	if (p->fail_after > 0)
		p->fail_after--;
	for (unsigned i = 0; i < POOL_TABLES; i++) {
		if (!p->used[i]) {
			p->used[i] = true;
			p->in_use++;
			p->allocs++;
			memset(p->mem[i], 0xAB, 4096); /* stale contents ... */
			memset(p->mem[i], 0, 4096);    /* ... zeroed as the contract says */
			*phys = NPT_TEST_PHYS_BASE + (uint64_t)i * 4096;
			return p->mem[i];
		}
	}
	return NULL;
}

static uint64_t *pool_ptr(void *ctx, uint64_t phys)
{
	struct pool *p = ctx;
	uint64_t i = (phys - NPT_TEST_PHYS_BASE) / 4096;

	cr_assert(phys >= NPT_TEST_PHYS_BASE && i < POOL_TABLES && !(phys & 0xFFF),
		  "table_ptr(%#lx) outside the pool", (unsigned long)phys);
	cr_assert(p->used[i], "table_ptr(%#lx) on a free table", (unsigned long)phys);
	return p->mem[i];
}

static void pool_free(void *ctx, uint64_t *table, uint64_t phys)
{
	struct pool *p = ctx;
	uint64_t i = (phys - NPT_TEST_PHYS_BASE) / 4096;

	cr_assert(i < POOL_TABLES && p->used[i], "double or bad free %#lx", (unsigned long)phys);
	cr_assert(eq(ptr, table, p->mem[i]));
	if (p->check_zero_on_free)
		for (unsigned k = 0; k < 512; k++)
			cr_assert(eq(u64, table[k], 0), "freed table not empty");
	p->used[i] = false;
	p->in_use--;
	p->frees++;
}

static uint32_t *pool_refs(void *ctx, uint64_t phys)
{
	struct pool *p = ctx;
	uint64_t i = (phys - NPT_TEST_PHYS_BASE) / 4096;

	cr_assert(phys >= NPT_TEST_PHYS_BASE && i < POOL_TABLES && p->used[i],
		  "table_refs(%#lx) of no table in use", (unsigned long)phys);
	return &p->refs[i];
}

/* Without table_refs: nothing shared (each clone its own tables). */
static const struct npt_ops pool_ops = {
	.alloc_table = pool_alloc,
	.free_table = pool_free,
	.table_ptr = pool_ptr,
	.ctx = &pool,
};

/* With them: views share what they have alike. */
static const struct npt_ops pool_ops_shared = {
	.alloc_table = pool_alloc,
	.free_table = pool_free,
	.table_ptr = pool_ptr,
	.table_refs = pool_refs,
	.ctx = &pool,
};


#endif
