/*
 * NPT views (npt.h): copies of a hierarchy that differ from it in a few
 * leaves (MBEC's per-mode execute rights, a domain's pages, an
 * interposition's breakpoint page). npt_clone shares everything below a
 * new root (or copies every table without table_refs), npt_share makes
 * the subtrees two views have alike one table again after edits, and
 * npt_prepare_range / npt_set_exec change execute rights all or nothing
 * over several views. Copy on write itself is npt.c's.
 */
#include "npt_internal.h"

/* Copy src's table at level into a fresh table of dst (*dst_entry): the
 * clone without sharing (no table_refs). */
static int npt_clone_level(struct npt *dst, const struct npt *src, const uint64_t *from,
			   uint64_t *to, int level)
{
	for (unsigned i = 0; i < NPT_ENTRIES; i++) {
		uint64_t e = from[i], *t, phys;
		int rc;

		if (!(e & NPTE_P) || npt_is_leaf(e, level)) {
			to[i] = e;
			continue;
		}
		t = npt_new_table(dst, &phys);
		if (!t)
			return NPT_E_NOMEM;
		dst->nr_tables++;
		to[i] = (phys & NPTE_ADDR) | (e & ~NPTE_ADDR);
		rc = npt_clone_level(dst, src, npt_table(src, e), t, level - 1);
		if (rc)
			return rc;
	}
	return 0;
}

int npt_clone(struct npt *dst, const struct npt *src)
{
	int rc = npt_init(dst, src->ops);

	if (rc)
		return rc;
	if (src->ops->table_refs) {
		/* A root of its own; everything below shared. */
		for (unsigned i = 0; i < NPT_ENTRIES; i++) {
			dst->root[i] = src->root[i];
			if (src->root[i] & NPTE_P)
				npt_get(dst, src->root[i]);
		}
		dst->nr_tables = src->nr_tables;
		return 0;
	}
	rc = npt_clone_level(dst, src, src->root, dst->root, 4);
	if (rc)
		npt_destroy(dst);       /* frees what the partial copy allocated */
	return rc;
}

/* ---- sharing identical subtrees (npt_share) ---- */

/* Hardware sets A (and D in leaves) on the entries it walks (APM vol.2
 * 15.25.5 and 5.4.1); L1 uses neither, so they do not make two entries
 * differ. */
#define NPTE_AD (X86_PTE_A | X86_PTE_D)

static bool npt_same_entry(uint64_t x, uint64_t y)
{
	return !((x ^ y) & ~NPTE_AD);
}

/*
 * Tables ta of a and tb of b at `level`: make each pair of their children
 * that map [gpa, end) alike one table (b's entry then points at a's child,
 * which gains a reference; b's loses one, freed with its subtree if it was
 * the last), and say whether ta and tb are now alike entry for entry.
 * Entries outside the range count as alike only when equal as they stand.
 */
static bool npt_share_level(struct npt *a, struct npt *b, const uint64_t *ta, uint64_t *tb,
			    int level, uint64_t base, uint64_t gpa, uint64_t end)
{
	bool alike = true;

	for (unsigned i = 0; i < NPT_ENTRIES; i++) {
		uint64_t x = ta[i], y = tb[i];
		uint64_t lo = base + (uint64_t)i * npt_span(level), hi = lo + npt_span(level);
		bool tables = (x & NPTE_P) && (y & NPTE_P) && !npt_is_leaf(x, level) &&
			      !npt_is_leaf(y, level);

		if (tables && (x & NPTE_ADDR) == (y & NPTE_ADDR))
			continue;                               /* shared already */
		if (tables && lo < end && gpa < hi &&
		    npt_share_level(a, b, npt_table(a, x), npt_table(b, y), level - 1, lo,
				    gpa > lo ? gpa : lo, end < hi ? end : hi)) {
			npt_get(a, x);
			tb[i] = (x & NPTE_ADDR) | (y & ~NPTE_ADDR);
			npt_put(b, y, level - 1);
			continue;
		}
		if (tables || !npt_same_entry(x, y))
			alike = false;
	}
	return alike;
}

int npt_share(struct npt *a, struct npt *b, uint64_t gpa, uint64_t size)
{
	int rc = npt_check_range(gpa, size);

	if (rc)
		return rc;
	if (a->ops != b->ops)
		return NPT_E_PERM;
	if (a->ops->table_refs)
		npt_share_level(a, b, a->root, b->root, 4, 0, gpa, gpa + size);
	return 0;
}

int npt_prepare_range(struct npt *npt, uint64_t gpa, uint64_t size)
{
	int rc = npt_check_range(gpa, size);

	return rc ? rc : npt_split_bounds(npt, gpa, gpa + size);
}

/* Set or clear NX on every present leaf of [gpa, end) (boundaries split). */
static void npt_exec_level(struct npt *npt, uint64_t *table, int level, uint64_t gpa,
			   uint64_t end, bool exec)
{
	while (gpa < end) {
		uint64_t next = npt_chunk_end(gpa, end, level);
		uint64_t *slot = &table[npt_index(gpa, level)];

		if (!(*slot & NPTE_P))
			;                       /* a hole: nothing to change */
		else if (npt_is_leaf(*slot, level))
			*slot = exec ? *slot & ~NPTE_NX : *slot | NPTE_NX;
		else
			npt_exec_level(npt, npt_table(npt, *slot), level - 1, gpa, next, exec);
		gpa = next;
	}
}

int npt_set_exec(struct npt *npt, uint64_t gpa, uint64_t size, bool exec)
{
	int rc = npt_prepare_range(npt, gpa, size);

	if (rc)
		return rc;
	npt_exec_level(npt, npt->root, 4, gpa, gpa + size, exec);
	return 0;
}
