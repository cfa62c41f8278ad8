/*
 * Nested page tables (AMD APM vol.2 15.25 "Nested Paging"): a pure-C builder
 * and editor for one 4-level NPT hierarchy. It runs unchanged in L1 and in
 * host tests: all memory comes through struct npt_ops.
 *
 * Entries use the long-mode page-table format (APM vol.2 5.3): P, RW, US, PS
 * (2 MiB leaves at level 2) and NX (bit 63). Nested walks are user accesses
 * (APM 15.25.5), so every present entry has US set. Permissions per leaf are
 * NPT_R (present), NPT_W, NPT_X; an empty set means not present.
 * Upper-level entries are always P|RW|US with NX clear, so the leaf decides.
 */
#ifndef NESTLAB_NPT_H
#define NESTLAB_NPT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define NPT_R  (1u << 0)
#define NPT_W  (1u << 1)
#define NPT_X  (1u << 2)
#define NPT_RWX (NPT_R | NPT_W | NPT_X)

#define NPT_PAGE_4K  0x1000ull
#define NPT_PAGE_2M  0x200000ull

/* npt_map flags */
#define NPT_MAP_ALLOW_2M (1u << 0)  /* use 2 MiB leaves where gpa, hpa, size allow */

/* Error returns (negative) */
#define NPT_E_NOMEM    (-40)  /* alloc_table failed; the tree stays consistent */
#define NPT_E_ALIGN    (-41)  /* gpa/hpa/size not 4 KiB aligned, or size 0 */
#define NPT_E_RANGE    (-42)  /* beyond 52-bit physical / wraps */
#define NPT_E_EXISTS   (-43)  /* npt_map over a present mapping */
#define NPT_E_NOTMAPPED (-44) /* npt_protect/npt_walk on a hole */
#define NPT_E_PERM     (-45)  /* perms without NPT_R (write-only, exec-only) */

/* The name and meaning of a NPT_E_* code ("unknown error" otherwise). */
const char *npt_strerror(int rc);

struct npt_ops {
	/* A zeroed 4 KiB-aligned table: returns its pointer and physical address,
	 * or NULL when out of memory. */
	uint64_t *(*alloc_table)(void *ctx, uint64_t *phys);
	void (*free_table)(void *ctx, uint64_t *table, uint64_t phys);
	/* The pointer through which the table at physical address phys is used. */
	uint64_t *(*table_ptr)(void *ctx, uint64_t phys);
	/* Where the table at phys keeps its reference count (the builder sets
	 * it when it allocates the table), or NULL in the ops: then no table
	 * is ever shared and npt_clone copies every table. */
	uint32_t *(*table_refs)(void *ctx, uint64_t phys);
	void *ctx;
};

struct npt {
	const struct npt_ops *ops;
	uint64_t *root;       /* PML4 */
	uint64_t root_phys;   /* goes into VMCB.N_CR3 */
	uint64_t nr_tables;   /* tables this hierarchy reaches, root included
			       * (shared ones too: what it would hold alone) */
};

struct npt_walk_result {
	uint64_t hpa;         /* host-physical address gpa maps to */
	unsigned perms;       /* NPT_R/W/X of the leaf */
	uint64_t page_size;   /* NPT_PAGE_4K or NPT_PAGE_2M */
	uint64_t *leaf;       /* pointer to the leaf entry (for tests, A/D bits) */
};

int  npt_init(struct npt *npt, const struct npt_ops *ops);
void npt_destroy(struct npt *npt);      /* frees every table, root included */
/* Map [gpa, gpa+size) to [hpa, hpa+size). Fails with NPT_E_EXISTS (and maps
 * nothing) if any part is already present. */
int  npt_map(struct npt *npt, uint64_t gpa, uint64_t hpa, uint64_t size,
	     unsigned perms, unsigned flags);
/* Remove mappings in the range (holes are fine). A 2 MiB leaf partly covered
 * is split into 512 4 KiB leaves first. Freed tables are returned to ops. */
int  npt_unmap(struct npt *npt, uint64_t gpa, uint64_t size);
/* Change permissions on every mapped page in the range (splitting 2 MiB leaves
 * partly covered); NPT_E_NOTMAPPED if any page in the range is a hole. */
int  npt_protect(struct npt *npt, uint64_t gpa, uint64_t size, unsigned perms);
int  npt_walk(const struct npt *npt, uint64_t gpa, struct npt_walk_result *out);

/*
 * Views (MBEC emulation, mech/mbec.c; domains, interposition): copies of a
 * hierarchy that differ from it in a few leaves, sharing every table they
 * have alike (with ops.table_refs; npt.c says how: copy on write).
 *   npt_clone      dst becomes a copy of src: a root of its own, every
 *                  table below shared (without table_refs: its own copy of
 *                  each); NPT_E_NOMEM leaves dst empty (destroyed).
 *   npt_prepare_range  make the range's tables this hierarchy's own (copy
 *                  the shared ones) and split the 2 MiB leaves its two
 *                  ends fall inside, so that a change of the range touches
 *                  only its own pages and tables; NPT_E_NOMEM may leave
 *                  some of that done, which changes no translation or
 *                  right (of this hierarchy or any other).
 *   npt_set_exec   clear (exec) or set NX on every present leaf of the
 *                  range, holes skipped, read/write rights kept; after a
 *                  successful npt_prepare_range of the same range it
 *                  cannot fail, so a caller changing several views
 *                  prepares all of them first: all or nothing.
 *   npt_share      after edits: every subtree of b that maps part of
 *                  [gpa, gpa+size) and is alike, entry for entry (A/D
 *                  bits aside), to a's at the same place becomes a's
 *                  table (b's copy is freed). No allocation, cannot fail
 *                  but for bad arguments (NPT_E_ALIGN/RANGE; NPT_E_PERM
 *                  for two hierarchies of different ops); no translation
 *                  of either changes. Roots are never shared.
 */
int  npt_clone(struct npt *dst, const struct npt *src);
int  npt_prepare_range(struct npt *npt, uint64_t gpa, uint64_t size);
int  npt_set_exec(struct npt *npt, uint64_t gpa, uint64_t size, bool exec);
int  npt_share(struct npt *a, struct npt *b, uint64_t gpa, uint64_t size);

#endif
