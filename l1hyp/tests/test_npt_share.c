/*
 * Host tests for the NPT builder's sharing between views (l1hyp/mm/npt.c
 * with npt_ops.table_refs): a clone costs one table and shares the rest;
 * MBEC's two views under the L2 kernel's kind of policy (kernel text
 * supervisor-exec, user text user-exec, the rest neither) hold how many
 * table pages, shared and unshared; edits across 2 MiB boundaries split in
 * the edited view only; a lazily mapped page and a policy change keep
 * every view right and are shared again by npt_share; an allocation
 * failure injected at every allocation point of every edit changes no
 * view's translation, and destroying the views gives every table back.
 */
#include <stdlib.h>

#include "../../lib/freestanding/x86_paging.h"
#include "npt_test_pool.h"

#define HPA_BASE 0x40000000ull
#define MiB      0x100000ull
#define RAM      (64 * MiB)
#define NVIEWS   3

/* The L2 kernel's policy in miniature (guests/kernel/mbec.c): kernel text
 * at 1 MiB (6 pages), user text at 8 MiB + 64 KiB (4 pages). */
#define KTEXT     (1 * MiB)
#define KTEXT_SZ  (6 * 0x1000ull)
#define UTEXT     (8 * MiB + 0x10000)
#define UTEXT_SZ  (4 * 0x1000ull)

enum { BASE, USER, SUPER };
static struct npt v[NVIEWS];

static void setup(void)
{
	memset(&pool, 0, sizeof(pool));
	pool.mem = aligned_alloc(4096, (size_t)POOL_TABLES * 4096);
	cr_assert(ne(ptr, (void *)pool.mem, NULL));
	pool.fail_after = -1;
	pool.check_zero_on_free = true;
}

static void teardown(void)
{
	free(pool.mem);
}

TestSuite(npt_share, .init = setup, .fini = teardown);

/* The base view of 64 MiB of RAM (2 MiB leaves where allowed), and the
 * user and supervisor views cloned from it. */
static void views(const struct npt_ops *ops, unsigned flags)
{
	cr_assert(eq(int, npt_init(&v[BASE], ops), 0));
	cr_assert(eq(int, npt_map(&v[BASE], 0, HPA_BASE, RAM, NPT_RWX, flags), 0));
	cr_assert(eq(int, npt_clone(&v[USER], &v[BASE]), 0));
	cr_assert(eq(int, npt_clone(&v[SUPER], &v[BASE]), 0));
}

static void destroy_all(void)
{
	for (int i = NVIEWS; i-- > 0;)
		npt_destroy(&v[i]);
	cr_assert(eq(uint, pool.in_use, 0), "tables leaked");
	cr_assert(eq(uint, pool.allocs, pool.frees));
}

/* Execute rights of [gpa, gpa+size) in the two mode views, all or nothing
 * (both prepared first), then what is alike shared again: MBEC's SET. */
static int set_rights(uint64_t gpa, uint64_t size, bool user, bool super)
{
	int rc = npt_prepare_range(&v[USER], gpa, size);

	if (!rc)
		rc = npt_prepare_range(&v[SUPER], gpa, size);
	if (rc)
		return rc;
	cr_assert(eq(int, npt_set_exec(&v[USER], gpa, size, user), 0));
	cr_assert(eq(int, npt_set_exec(&v[SUPER], gpa, size, super), 0));
	cr_assert(eq(int, npt_share(&v[USER], &v[SUPER], gpa, size), 0));
	return 0;
}

/* The kernel's policy: every page neither, then its text and user text. */
static void policy(void)
{
	cr_assert(eq(int, set_rights(0, RAM, false, false), 0));
	cr_assert(eq(int, set_rights(KTEXT, KTEXT_SZ, false, true), 0));
	cr_assert(eq(int, set_rights(UTEXT, UTEXT_SZ, true, false), 0));
}

static unsigned perms_of(int view, uint64_t gpa)
{
	struct npt_walk_result r;

	cr_assert(eq(int, npt_walk(&v[view], gpa, &r), 0), "view %d gpa %#lx", view,
		  (unsigned long)gpa);
	cr_assert(eq(u64, r.hpa, HPA_BASE + gpa));
	return r.perms;
}

/* Every page of every view as the policy says. */
static void assert_policy(void)
{
	for (uint64_t gpa = 0; gpa < RAM; gpa += 0x1000) {
		bool k = gpa - KTEXT < KTEXT_SZ, u = gpa - UTEXT < UTEXT_SZ;

		cr_assert(eq(uint, perms_of(BASE, gpa), NPT_RWX));
		cr_assert(eq(uint, perms_of(USER, gpa), NPT_R | NPT_W | (u ? NPT_X : 0)),
			  "user view %#lx", (unsigned long)gpa);
		cr_assert(eq(uint, perms_of(SUPER, gpa), NPT_R | NPT_W | (k ? NPT_X : 0)),
			  "supervisor view %#lx", (unsigned long)gpa);
	}
}

Test(npt_share, a_clone_costs_its_root)
{
	views(&pool_ops_shared, 0);
	/* 4 KiB leaves: PML4, PDPT, PD and 32 PTs */
	cr_assert(eq(u64, v[BASE].nr_tables, 35));
	cr_assert(eq(u64, v[USER].nr_tables, 35));
	cr_assert(eq(uint, pool.in_use, 35 + 2));
	cr_assert(ne(u64, v[USER].root_phys, v[BASE].root_phys));
	for (uint64_t gpa = 0; gpa < RAM; gpa += 0x1000)
		cr_assert(eq(uint, perms_of(USER, gpa), NPT_RWX));
	destroy_all();

	setup();
	views(&pool_ops, 0);                    /* unshared: 3 full copies */
	cr_assert(eq(uint, pool.in_use, 3 * 35));
	destroy_all();
}

/*
 * MBEC's views under the kernel's policy. 4 KiB leaves (lazy NPT's shape):
 * the user and supervisor views differ only in the PTs of the 2 MiB
 * holding the kernel text and of the one holding the user text, so those
 * two PTs and the path to them (root, PDPT, PD) are each view's own and
 * the 30 other PTs (no page executable in either mode) are one shared
 * copy: 35 + 2 * 5 + 30 = 75 table pages, against 3 * 35 = 105 unshared.
 * 2 MiB leaves (eager NPT's): base PML4, PDPT, PD; each view its own
 * PML4, PDPT, PD and the 2 PTs its splits made: 3 + 2 * 5 = 13 either way.
 */
Test(npt_share, the_kernel_policy_table_pages)
{
	views(&pool_ops_shared, 0);
	policy();
	assert_policy();
	cr_assert(eq(uint, pool.in_use, 75));
	cr_assert(eq(u64, v[USER].nr_tables + v[SUPER].nr_tables + v[BASE].nr_tables, 105));
	destroy_all();

	setup();
	views(&pool_ops, 0);
	policy();
	assert_policy();
	cr_assert(eq(uint, pool.in_use, 105));
	destroy_all();

	setup();
	views(&pool_ops_shared, NPT_MAP_ALLOW_2M);
	policy();
	assert_policy();
	cr_assert(eq(uint, pool.in_use, 13));
	destroy_all();

	setup();
	views(&pool_ops, NPT_MAP_ALLOW_2M);
	policy();
	cr_assert(eq(uint, pool.in_use, 13));
	destroy_all();
}

/* An edit across a 2 MiB boundary splits both leaves in the edited view;
 * the views that shared them keep their 2 MiB leaves. */
Test(npt_share, an_edit_across_2m_splits_only_the_edited_view)
{
	struct npt_walk_result r;

	views(&pool_ops_shared, NPT_MAP_ALLOW_2M);
	cr_assert(eq(uint, pool.in_use, 5));
	cr_assert(eq(int, npt_prepare_range(&v[USER], 2 * MiB - 0x2000, 0x4000), 0));
	cr_assert(eq(int, npt_set_exec(&v[USER], 2 * MiB - 0x2000, 0x4000, false), 0));
	/* the user view: its own PDPT and PD, and two PTs */
	cr_assert(eq(uint, pool.in_use, 5 + 2 + 2));
	for (uint64_t gpa = 0; gpa < 4 * MiB; gpa += 0x1000) {
		bool nx = gpa - (2 * MiB - 0x2000) < 0x4000;

		cr_assert(eq(int, npt_walk(&v[USER], gpa, &r), 0));
		cr_assert(eq(u64, r.page_size, NPT_PAGE_4K));
		cr_assert(eq(uint, r.perms, nx ? NPT_R | NPT_W : NPT_RWX));
		cr_assert(eq(int, npt_walk(&v[SUPER], gpa, &r), 0));
		cr_assert(eq(u64, r.page_size, NPT_PAGE_2M));
		cr_assert(eq(uint, r.perms, NPT_RWX));
		cr_assert(eq(int, npt_walk(&v[BASE], gpa, &r), 0));
		cr_assert(eq(u64, r.page_size, NPT_PAGE_2M));
	}
	cr_assert(eq(int, npt_walk(&v[USER], 4 * MiB, &r), 0));
	cr_assert(eq(u64, r.page_size, NPT_PAGE_2M));
	destroy_all();
}

/*
 * Lazy NPT in miniature: the views share a PT, a newly touched page is
 * mapped in each view with its own right (as mech/mbec_fault.c mirrors
 * it), each edit copying the shared PT for its view; npt_share makes the
 * user and supervisor copies one again when they are alike, and every
 * view translates the page right throughout.
 */
Test(npt_share, a_lazy_map_in_every_view_is_shared_again)
{
	uint64_t page = 20 * MiB + 0x5000;
	unsigned before;

	cr_assert(eq(int, npt_init(&v[BASE], &pool_ops_shared), 0));
	cr_assert(eq(int, npt_map(&v[BASE], 20 * MiB, HPA_BASE + 20 * MiB, 0x5000, NPT_RWX, 0), 0));
	cr_assert(eq(int, npt_clone(&v[USER], &v[BASE]), 0));
	cr_assert(eq(int, npt_clone(&v[SUPER], &v[BASE]), 0));
	cr_assert(eq(int, set_rights(20 * MiB, 0x5000, false, false), 0));
	before = pool.in_use;                   /* base 4; the views: roots, one shared path */
	cr_assert(eq(uint, before, 4 + 2 + 3));
	for (int i = 0; i < NVIEWS; i++) {
		cr_assert(eq(int, npt_map(&v[i], page, HPA_BASE + page, 0x1000, NPT_R | NPT_W, 0), 0));
		cr_assert(eq(int, npt_prepare_range(&v[i], page, 0x1000), 0));
		cr_assert(eq(int, npt_set_exec(&v[i], page, 0x1000, i == BASE), 0));
	}
	/* the user view's map copied the shared path; the supervisor's then
	 * owned it alone */
	cr_assert(eq(uint, pool.in_use, before + 3));
	cr_assert(eq(int, npt_share(&v[USER], &v[SUPER], page, 0x1000), 0));
	cr_assert(eq(uint, pool.in_use, before));
	cr_assert(eq(uint, perms_of(BASE, page), NPT_RWX));
	cr_assert(eq(uint, perms_of(USER, page), NPT_R | NPT_W));
	cr_assert(eq(uint, perms_of(SUPER, page), NPT_R | NPT_W));
	cr_assert(eq(uint, perms_of(USER, 20 * MiB), NPT_R | NPT_W));
	cr_assert(eq(uint, perms_of(BASE, 20 * MiB), NPT_RWX));
	destroy_all();
}

/* A policy change in one mode's view only, and back: the other views
 * never see it; once alike again, npt_share gives the copy back. A/D bits
 * the hardware set do not keep two tables apart. */
Test(npt_share, a_policy_change_and_back)
{
	unsigned shared;
	struct npt_walk_result r;

	views(&pool_ops_shared, 0);
	policy();
	shared = pool.in_use;
	cr_assert(eq(int, npt_prepare_range(&v[USER], 40 * MiB, 0x1000), 0));
	cr_assert(eq(int, npt_set_exec(&v[USER], 40 * MiB, 0x1000, true), 0));
	cr_assert(eq(uint, pool.in_use, shared + 1));   /* the user view's copy of one PT */
	cr_assert(eq(uint, perms_of(USER, 40 * MiB), NPT_RWX));
	cr_assert(eq(uint, perms_of(SUPER, 40 * MiB), NPT_R | NPT_W));
	cr_assert(eq(int, npt_share(&v[USER], &v[SUPER], 0, RAM), 0));
	cr_assert(eq(uint, pool.in_use, shared + 1));   /* not alike: stays */
	cr_assert(eq(int, npt_set_exec(&v[USER], 40 * MiB, 0x1000, false), 0));
	cr_assert(eq(int, npt_walk(&v[SUPER], 40 * MiB + 0x3000, &r), 0));
	*r.leaf |= X86_PTE_A | X86_PTE_D;               /* as a walk would set them */
	cr_assert(eq(int, npt_share(&v[USER], &v[SUPER], 0, RAM), 0));
	cr_assert(eq(uint, pool.in_use, shared));
	assert_policy();
	cr_assert(eq(int, npt_share(&v[USER], &v[SUPER], 0x1001, 0x1000), NPT_E_ALIGN));
	destroy_all();
}

/* Every page of every view (its rights, and whether it maps its own
 * host page), to compare before and after a failed edit. Not the page
 * size: a split that took place before the failure changes none of it. */
static unsigned *snapshot(void)
{
	unsigned *s = malloc(NVIEWS * (RAM >> 12) * sizeof(*s));
	struct npt_walk_result r;

	for (int i = 0; i < NVIEWS; i++)
		for (uint64_t p = 0; p < RAM >> 12; p++)
			s[i * (RAM >> 12) + p] = npt_walk(&v[i], p << 12, &r) ? 0 :
				r.perms | (r.hpa == HPA_BASE + (p << 12) ? 0x100 : 0);
	return s;
}

enum edit { E_SET, E_MAP, E_UNMAP, E_PROTECT, E_NR };

/* One edit of the user view across shared tables and a 2 MiB boundary. */
static int edit(enum edit e)
{
	switch (e) {
	case E_SET:     return npt_set_exec(&v[USER], 6 * MiB - 0x3000, 0x6000, true);
	case E_MAP:     return npt_map(&v[USER], RAM + 2 * MiB, HPA_BASE + RAM, 0x1000, NPT_R, 0);
	case E_UNMAP:   return npt_unmap(&v[USER], 10 * MiB - 0x1000, 0x3000);
	case E_PROTECT: return npt_protect(&v[USER], 12 * MiB - 0x1000, 0x2000, NPT_R);
	case E_NR:      break;
	}
	return -1;
}

/*
 * Rollback: each edit with the k-th allocation failing, for every k until
 * it needs no more: NPT_E_NOMEM and no view's translation changed (the
 * copies and splits it made stay, reachable, translating the same); then
 * the edit succeeds; at the end every table goes back.
 */
Test(npt_share, allocation_failure_at_every_point_changes_no_view)
{
	for (int flags = 0; flags <= 1; flags++) {
		for (enum edit e = 0; e < E_NR; e++) {
			unsigned *before;
			long k;
			int rc;

			setup();
			views(&pool_ops_shared, flags ? NPT_MAP_ALLOW_2M : 0);
			policy();
			before = snapshot();
			for (k = 0;; k++) {
				unsigned *now;

				pool.fail_after = k;
				rc = edit(e);
				pool.fail_after = -1;
				if (rc != NPT_E_NOMEM)
					break;
				now = snapshot();
				cr_assert(eq(int, memcmp(now, before, NVIEWS * (RAM >> 12) *
						       sizeof(*now)), 0),
					  "edit %d, failure at allocation %ld changed a view", e, k);
				free(now);
			}
			cr_assert(eq(int, rc, 0), "edit %d: %d", e, rc);
			cr_assert(gt(long, k, 0), "edit %d allocated nothing", e);
			/* the other views still as before */
			{
				unsigned *now = snapshot();
				size_t n = RAM >> 12;

				cr_assert(eq(int, memcmp(now, before, n * sizeof(*now)), 0));
				cr_assert(eq(int, memcmp(now + 2 * n, before + 2 * n,
						       n * sizeof(*now)), 0));
				free(now);
			}
			free(before);
			destroy_all();
			free(pool.mem);
		}
	}
	setup();
}
