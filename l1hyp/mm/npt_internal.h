/*
 * What the NPT builder's two files share (npt.c: one hierarchy, its edits
 * and the references that let hierarchies share tables; npt_view.c: views,
 * i.e. clones, sharing alike subtrees, execute rights). Not for other
 * code: npt.h is the interface.
 */
#ifndef L1_MM_NPT_INTERNAL_H
#define L1_MM_NPT_INTERNAL_H

#include "npt.h"
#include "../../lib/freestanding/x86_paging.h"

/* NPT entries have the long-mode format (APM vol.2 15.25.5, 5.3.3). */
#define NPTE_P      X86_PTE_P
#define NPTE_RW     X86_PTE_RW
#define NPTE_US     X86_PTE_US
#define NPTE_PS     X86_PTE_PS       /* 2 MiB leaf when set in a PD entry */
#define NPTE_NX     X86_PTE_NX
#define NPTE_ADDR   X86_PTE_ADDR     /* bits 51:12 */
#define NPTE_ADDR2M X86_PTE_ADDR_2M  /* bits 51:21 */
#define NPTE_TABLE  (NPTE_P | NPTE_RW | NPTE_US)

#define NPT_ENTRIES  ((unsigned)X86_PT_ENTRIES)
#define NPT_GPA_LIMIT (1ull << 48)  /* what a 4-level tree translates */
#define NPT_HPA_LIMIT (1ull << 52)  /* APM 5.3: 52-bit physical addresses */

static inline unsigned npt_shift(int level)
{
	return (unsigned)X86_PT_SHIFT(level);
}

static inline unsigned npt_index(uint64_t gpa, int level)
{
	return (unsigned)(gpa >> npt_shift(level)) & (NPT_ENTRIES - 1);
}

static inline uint64_t npt_span(int level)
{
	return 1ull << npt_shift(level);
}

static inline uint64_t *npt_table(const struct npt *npt, uint64_t entry)
{
	return npt->ops->table_ptr(npt->ops->ctx, entry & NPTE_ADDR);
}

static inline bool npt_is_leaf(uint64_t entry, int level)
{
	return level == 1 || (level == 2 && (entry & NPTE_PS));
}

/* 0, or NPT_E_ALIGN / NPT_E_RANGE for a bad [gpa, gpa+size). */
static inline int npt_check_range(uint64_t gpa, uint64_t size)
{
	if (size == 0 || (gpa | size) & (NPT_PAGE_4K - 1))
		return NPT_E_ALIGN;
	if (gpa >= NPT_GPA_LIMIT || size > NPT_GPA_LIMIT - gpa)
		return NPT_E_RANGE;
	return 0;
}

/* The chunk of [gpa, end) that falls in the level-sized entry holding gpa. */
static inline uint64_t npt_chunk_end(uint64_t gpa, uint64_t end, int level)
{
	uint64_t next = (gpa & ~(npt_span(level) - 1)) + npt_span(level);

	return next < end ? next : end;
}

/* References (npt.c): a zeroed table with one reference; one reference
 * more; more than one held; one dropped (the last frees the table at
 * `level` and drops its children's). */
uint64_t *npt_new_table(struct npt *npt, uint64_t *phys);
void npt_get(const struct npt *npt, uint64_t entry);
bool npt_is_shared(const struct npt *npt, uint64_t entry);
void npt_put(struct npt *npt, uint64_t entry, int level);
/* Copy on write of the table at `level` *slot points to (npt.c). */
int npt_own(struct npt *npt, uint64_t *slot, int level);
/* Every table below `table` (at level) that reaches a page of [gpa, end)
 * this hierarchy's own: then an edit of the range writes only into its own
 * tables and needs no allocation for that. */
int npt_own_range(struct npt *npt, uint64_t *table, int level, uint64_t gpa, uint64_t end);
/* Before an edit of [gpa, end): npt_own_range, and the 2 MiB leaves its
 * ends cut split. */
int npt_split_bounds(struct npt *npt, uint64_t gpa, uint64_t end);

#endif
