/*
 * Nested page table builder and editor (see npt.h; views, i.e. clones,
 * sharing and execute rights, are npt_view.c's). One 4-level hierarchy in
 * the long-mode page-table format (AMD APM vol.2 5.3.3, 15.25): PML4 (level
 * 4), PDPT (3), PD (2, where 2 MiB leaves live) and PT (1). Invariants kept
 * by every operation, and relied on by the tests:
 *  - every present upper-level entry is P|RW|US, NX clear, and points to a
 *    table; every non-root table has at least one present entry (tables
 *    emptied by npt_unmap, or allocated by an npt_map that then failed, are
 *    freed at once), so nr_tables is a function of what is mapped;
 *  - every leaf is P|US, RW if NPT_W, NX if not NPT_X (APM 15.25.5: nested
 *    walks are user accesses, so US is needed at every level);
 *  - the gPA range is the 48 bits a 4-level tree indexes, hPAs are 52-bit.
 *  - sharing (npt_ops.table_refs set): a table may be reached from several
 *    hierarchies (views, npt_clone and npt_share); its reference count is
 *    the number of entries and roots that point at it. A table with more
 *    than one is never written: an edit first copies it (npt_own, copy on
 *    write: the copy takes one reference to each of its children) along
 *    the path it changes, so an edit of one view never shows in another.
 *    A root belongs to its hierarchy alone. Without table_refs nothing is
 *    shared (npt_clone copies every table), as before sharing existed.
 * The caller flushes the TLB after changes that remove or reduce rights
 * (APM 15.16: TLB_CONTROL, or a new ASID).
 */
#include "npt.h"
#include "npt_internal.h"

#include <nestlab/mem.h>
#include "../../lib/freestanding/x86_paging.h"

static uint64_t npt_leaf_bits(unsigned perms)
{
	uint64_t e = NPTE_P | NPTE_US;

	if (perms & NPT_W)
		e |= NPTE_RW;
	if (!(perms & NPT_X))
		e |= NPTE_NX;
	return e;
}

static unsigned npt_leaf_perms(uint64_t entry)
{
	unsigned perms = NPT_R;

	if (entry & NPTE_RW)
		perms |= NPT_W;
	if (!(entry & NPTE_NX))
		perms |= NPT_X;
	return perms;
}

static bool npt_perms_ok(unsigned perms)
{
	return (perms & NPT_R) && !(perms & ~NPT_RWX);
}

static bool npt_table_empty(const uint64_t *table)
{
	for (unsigned i = 0; i < NPT_ENTRIES; i++)
		if (table[i] & NPTE_P)
			return false;
	return true;
}

/* ---- references: tables shared between hierarchies ---- */

static uint32_t *npt_refs(const struct npt *npt, uint64_t entry)
{
	const struct npt_ops *o = npt->ops;

	return o->table_refs ? o->table_refs(o->ctx, entry & NPTE_ADDR) : 0;
}

/* A zeroed table, its one reference taken by the caller's entry or root. */
uint64_t *npt_new_table(struct npt *npt, uint64_t *phys)
{
	uint64_t *t = npt->ops->alloc_table(npt->ops->ctx, phys);
	uint32_t *r;

	if (t && (r = npt_refs(npt, *phys)))
		*r = 1;
	return t;
}

void npt_get(const struct npt *npt, uint64_t entry)
{
	uint32_t *r = npt_refs(npt, entry);

	if (r)
		(*r)++;
}

bool npt_is_shared(const struct npt *npt, uint64_t entry)
{
	const uint32_t *r = npt_refs(npt, entry);

	return r && *r > 1;
}

/* Drop one reference to the table at `level` that entry points to; the
 * last one frees it, and drops its own references to its children first.
 * Tables go back to ops as they came: zeroed. */
void npt_put(struct npt *npt, uint64_t entry, int level)
{
	uint32_t *r = npt_refs(npt, entry);
	uint64_t phys = entry & NPTE_ADDR, *t;

	if (r && --*r > 0)
		return;
	t = npt->ops->table_ptr(npt->ops->ctx, phys);
	for (unsigned i = 0; i < NPT_ENTRIES; i++) {
		uint64_t e = t[i];

		t[i] = 0;
		if ((e & NPTE_P) && !npt_is_leaf(e, level))
			npt_put(npt, e, level - 1);
	}
	npt->ops->free_table(npt->ops->ctx, t, phys);
}

/* Free an emptied table of this hierarchy (its only reference is *slot). */
static void npt_free(struct npt *npt, uint64_t entry)
{
	npt_put(npt, entry, 1);         /* empty: its level does not matter */
	npt->nr_tables--;
}

/*
 * Copy on write: make the table at `level` that *slot points to this
 * hierarchy's own before an edit writes into it. If other entries share
 * it, a copy (every entry, its children gaining a reference) replaces it
 * in *slot and the shared one loses this reference. NPT_E_NOMEM leaves
 * *slot as it was. The translation is the same either way.
 */
int npt_own(struct npt *npt, uint64_t *slot, int level)
{
	uint64_t *from, *to, phys;
	uint32_t *r;

	if (!npt_is_shared(npt, *slot))
		return 0;
	to = npt_new_table(npt, &phys);
	if (!to)
		return NPT_E_NOMEM;
	from = npt_table(npt, *slot);
	for (unsigned i = 0; i < NPT_ENTRIES; i++) {
		to[i] = from[i];
		if ((from[i] & NPTE_P) && !npt_is_leaf(from[i], level))
			npt_get(npt, from[i]);
	}
	r = npt_refs(npt, *slot);
	(*r)--;                         /* > 1 before: others still hold it */
	*slot = (phys & NPTE_ADDR) | (*slot & ~NPTE_ADDR);
	return 0;
}

/* true if any page of [gpa, end) is present. */
static bool npt_any_present(const struct npt *npt, const uint64_t *table, int level,
			    uint64_t gpa, uint64_t end)
{
	while (gpa < end) {
		uint64_t next = npt_chunk_end(gpa, end, level);
		uint64_t e = table[npt_index(gpa, level)];

		if (e & NPTE_P) {
			if (npt_is_leaf(e, level))
				return true;
			if (npt_any_present(npt, npt_table(npt, e), level - 1, gpa, next))
				return true;
		}
		gpa = next;
	}
	return false;
}

/* true if any page of [gpa, end) is a hole. */
static bool npt_any_hole(const struct npt *npt, const uint64_t *table, int level,
			 uint64_t gpa, uint64_t end)
{
	while (gpa < end) {
		uint64_t next = npt_chunk_end(gpa, end, level);
		uint64_t e = table[npt_index(gpa, level)];

		if (!(e & NPTE_P))
			return true;
		if (!npt_is_leaf(e, level) &&
		    npt_any_hole(npt, npt_table(npt, e), level - 1, gpa, next))
			return true;
		gpa = next;
	}
	return false;
}

/* Map [gpa, end) -> hpa..; *done advances past each page mapped. */
static int npt_map_level(struct npt *npt, uint64_t *table, int level, uint64_t gpa,
			 uint64_t end, uint64_t hpa, uint64_t leaf, unsigned flags,
			 uint64_t *done)
{
	while (gpa < end) {
		uint64_t next = npt_chunk_end(gpa, end, level);
		uint64_t *slot = &table[npt_index(gpa, level)];

		if (level == 1) {
			*slot = (hpa & NPTE_ADDR) | leaf;
		} else if (level == 2 && (flags & NPT_MAP_ALLOW_2M) &&
			   next - gpa == NPT_PAGE_2M &&
			   !((gpa | hpa) & (NPT_PAGE_2M - 1))) {
			*slot = (hpa & NPTE_ADDR2M) | leaf | NPTE_PS;
		} else {
			int rc;

			if (!(*slot & NPTE_P)) {
				uint64_t phys;
				uint64_t *t = npt_new_table(npt, &phys);

				if (!t)
					return NPT_E_NOMEM;
				npt->nr_tables++;
				*slot = (phys & NPTE_ADDR) | NPTE_TABLE;
			} else if ((rc = npt_own(npt, slot, level - 1))) {
				return rc;
			}
			rc = npt_map_level(npt, npt_table(npt, *slot), level - 1, gpa,
					   next, hpa, leaf, flags, done);
			if (rc)
				return rc;
		}
		*done = next;
		hpa += next - gpa;
		gpa = next;
	}
	return 0;
}

/* Clear every leaf in [gpa, end), freeing tables left empty. Needs no
 * allocation: 2 MiB leaves partly covered were split beforehand. */
static void npt_unmap_level(struct npt *npt, uint64_t *table, int level,
			    uint64_t gpa, uint64_t end)
{
	while (gpa < end) {
		uint64_t next = npt_chunk_end(gpa, end, level);
		uint64_t *slot = &table[npt_index(gpa, level)];

		if (*slot & NPTE_P) {
			if (npt_is_leaf(*slot, level)) {
				*slot = 0;
			} else {
				uint64_t *child = npt_table(npt, *slot);

				npt_unmap_level(npt, child, level - 1, gpa, next);
				if (npt_table_empty(child)) {
					uint64_t e = *slot;

					*slot = 0;
					npt_free(npt, e);
				}
			}
		}
		gpa = next;
	}
}

/* Set the perms of every leaf in [gpa, end) (all present, boundaries split). */
static void npt_protect_level(struct npt *npt, uint64_t *table, int level,
			      uint64_t gpa, uint64_t end, uint64_t leaf)
{
	/* Keep the address, PS and the A/D bits the hardware may have set. */
	const uint64_t perm_bits = NPTE_P | NPTE_RW | NPTE_US | NPTE_NX;

	while (gpa < end) {
		uint64_t next = npt_chunk_end(gpa, end, level);
		uint64_t *slot = &table[npt_index(gpa, level)];

		if (npt_is_leaf(*slot, level))
			*slot = (*slot & ~perm_bits) | leaf;
		else
			npt_protect_level(npt, npt_table(npt, *slot), level - 1, gpa, next, leaf);
		gpa = next;
	}
}

/*
 * If gpa falls strictly inside a 2 MiB leaf, replace the leaf by a PT of 512
 * 4 KiB leaves with the same addresses, rights and A/D bits. The PT is filled
 * before it is linked, so a concurrent walker sees either form.
 */
static int npt_split_at(struct npt *npt, uint64_t gpa)
{
	uint64_t *table = npt->root;
	uint64_t *slot, *pt, phys, base, bits;

	if (!(gpa & (NPT_PAGE_2M - 1)) || gpa >= NPT_GPA_LIMIT)
		return 0;
	for (int level = 4; level > 2; level--) {
		uint64_t *e = &table[npt_index(gpa, level)];
		int rc;

		if (!(*e & NPTE_P))
			return 0;
		if ((rc = npt_own(npt, e, level - 1)))
			return rc;
		table = npt_table(npt, *e);
	}
	slot = &table[npt_index(gpa, 2)];
	if (!(*slot & NPTE_P) || !(*slot & NPTE_PS))
		return 0;

	pt = npt_new_table(npt, &phys);
	if (!pt)
		return NPT_E_NOMEM;
	npt->nr_tables++;
	base = *slot & NPTE_ADDR2M;
	/* P, RW, US, PWT, PCD, A, D, G, NX carry over; PS and PAT (bit 12 in a
	 * 2 MiB leaf, APM 5.3.4) do not. */
	bits = *slot & ~(NPTE_ADDR | NPTE_PS);
	for (unsigned i = 0; i < NPT_ENTRIES; i++)
		pt[i] = (base + (uint64_t)i * NPT_PAGE_4K) | bits;
	*slot = (phys & NPTE_ADDR) | NPTE_TABLE;
	return 0;
}

/* Before an edit of [gpa, end): its tables this hierarchy's own, and the
 * 2 MiB leaves its ends cut split. NPT_E_NOMEM may leave some of that
 * done, which changes no translation. */
int npt_split_bounds(struct npt *npt, uint64_t gpa, uint64_t end)
{
	int rc = npt_own_range(npt, npt->root, 4, gpa, end);

	if (!rc)
		rc = npt_split_at(npt, gpa);
	if (!rc && end < NPT_GPA_LIMIT)
		rc = npt_split_at(npt, end);
	return rc;
}

int npt_own_range(struct npt *npt, uint64_t *table, int level, uint64_t gpa,
			 uint64_t end)
{
	while (gpa < end) {
		uint64_t next = npt_chunk_end(gpa, end, level);
		uint64_t *slot = &table[npt_index(gpa, level)];
		int rc;

		if ((*slot & NPTE_P) && !npt_is_leaf(*slot, level)) {
			if ((rc = npt_own(npt, slot, level - 1)) ||
			    (rc = npt_own_range(npt, npt_table(npt, *slot), level - 1, gpa, next)))
				return rc;
		}
		gpa = next;
	}
	return 0;
}

int npt_init(struct npt *npt, const struct npt_ops *ops)
{
	uint64_t phys;

	npt->ops = ops;
	npt->nr_tables = 0;
	npt->root = npt_new_table(npt, &phys);
	if (!npt->root) {
		npt->root_phys = 0;
		return NPT_E_NOMEM;
	}
	npt->root_phys = phys;
	npt->nr_tables = 1;
	return 0;
}

void npt_destroy(struct npt *npt)
{
	if (!npt->root)
		return;
	npt_put(npt, npt->root_phys, 4);        /* the root's one reference */
	npt->nr_tables = 0;
	npt->root = NULL;
	npt->root_phys = 0;
}

int npt_map(struct npt *npt, uint64_t gpa, uint64_t hpa, uint64_t size,
	    unsigned perms, unsigned flags)
{
	uint64_t end = gpa + size, done = gpa;
	int rc = npt_check_range(gpa, size);

	if (rc)
		return rc;
	if (hpa & (NPT_PAGE_4K - 1))
		return NPT_E_ALIGN;
	if (hpa >= NPT_HPA_LIMIT || size > NPT_HPA_LIMIT - hpa)
		return NPT_E_RANGE;
	if (!npt_perms_ok(perms))
		return NPT_E_PERM;
	if (npt_any_present(npt, npt->root, 4, gpa, end))
		return NPT_E_EXISTS;

	rc = npt_map_level(npt, npt->root, 4, gpa, end, hpa, npt_leaf_bits(perms),
			   flags, &done);
	if (rc) {
		/* Undo: [gpa, done) is what this call mapped, and the page at
		 * done was a hole on a path of tables this call may have just
		 * allocated; unmapping through it frees those again. */
		uint64_t undo_end = done + NPT_PAGE_4K;

		npt_unmap_level(npt, npt->root, 4, gpa, undo_end < end ? undo_end : end);
	}
	return rc;
}

int npt_unmap(struct npt *npt, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;
	int rc = npt_check_range(gpa, size);

	if (rc)
		return rc;
	rc = npt_split_bounds(npt, gpa, end);
	if (rc)
		return rc;
	npt_unmap_level(npt, npt->root, 4, gpa, end);
	return 0;
}

int npt_protect(struct npt *npt, uint64_t gpa, uint64_t size, unsigned perms)
{
	uint64_t end = gpa + size;
	int rc = npt_check_range(gpa, size);

	if (rc)
		return rc;
	if (!npt_perms_ok(perms))
		return NPT_E_PERM;
	if (npt_any_hole(npt, npt->root, 4, gpa, end))
		return NPT_E_NOTMAPPED;
	rc = npt_split_bounds(npt, gpa, end);
	if (rc)
		return rc;
	npt_protect_level(npt, npt->root, 4, gpa, end, npt_leaf_bits(perms));
	return 0;
}

int npt_walk(const struct npt *npt, uint64_t gpa, struct npt_walk_result *out)
{
	uint64_t *table = npt->root;

	if (gpa >= NPT_GPA_LIMIT)
		return NPT_E_RANGE;
	for (int level = 4; level >= 1; level--) {
		uint64_t *slot = &table[npt_index(gpa, level)];

		if (!(*slot & NPTE_P))
			return NPT_E_NOTMAPPED;
		if (npt_is_leaf(*slot, level)) {
			uint64_t size = level == 2 ? NPT_PAGE_2M : NPT_PAGE_4K;
			uint64_t mask = level == 2 ? NPTE_ADDR2M : NPTE_ADDR;

			out->hpa = (*slot & mask) | (gpa & (size - 1));
			out->perms = npt_leaf_perms(*slot);
			out->page_size = size;
			out->leaf = slot;
			return 0;
		}
		table = npt_table(npt, *slot);
	}
	return NPT_E_NOTMAPPED; /* not reached: level 1 entries are leaves */
}

const char *npt_strerror(int rc)
{
	switch (rc) {
	case NPT_E_NOMEM: return "NPT_E_NOMEM (alloc_table failed; the tree stays consistent)";
	case NPT_E_ALIGN: return "NPT_E_ALIGN (gpa/hpa/size not 4 KiB aligned, or size 0)";
	case NPT_E_RANGE: return "NPT_E_RANGE (beyond 52-bit physical / wraps)";
	case NPT_E_EXISTS: return "NPT_E_EXISTS (npt_map over a present mapping)";
	case NPT_E_NOTMAPPED: return "NPT_E_NOTMAPPED (npt_protect/npt_walk on a hole)";
	case NPT_E_PERM: return "NPT_E_PERM (perms without NPT_R (write-only, exec-only))";
	}
	return "unknown error";
}

