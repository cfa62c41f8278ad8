/*
 * 4-level x86-64 page tables for the L2 kernel (AMD APM vol.2 5.3 "Long-Mode
 * Page Translation", 5.4 "Page-Translation-Table Entry Fields"; Intel SDM
 * vol.3 4.5): map 4 KiB and 2 MiB pages, pre-build the tables a range will
 * need, and walk. Pure C: tables are reached through a phys_to_virt callback
 * and new ones come from an alloc callback (the kernel's direct map and frame
 * allocator; malloc'd pages in host tests). Host-tested.
 */
#ifndef L2_PT_H
#define L2_PT_H

#include <stdint.h>

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_U    (1ull << 2)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)  /* in a PDE: 2 MiB page */
#define PTE_G    (1ull << 8)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

#define PT_4K (1ull << 12)
#define PT_2M (1ull << 21)

#define PT_E_NOMEM    (-1) /* alloc returned 0 */
#define PT_E_EXISTS   (-2) /* something is already mapped there */
#define PT_E_ALIGN    (-3) /* va or pa not aligned to the page size */
#define PT_E_NONCANON (-4) /* va not canonical (48-bit) */
#define PT_E_NOTMAPPED (-5)
#define PT_E_SIZE     (-6) /* page size neither 4 KiB nor 2 MiB */

struct pt_ops {
	/* Physical address of a zeroed 4 KiB frame, or 0. */
	uint64_t (*alloc)(void *ctx);
	/* Where the kernel can read/write the 4 KiB frame at physical pa. */
	uint64_t *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

/*
 * Map va -> pa, a page of size PT_4K or PT_2M, leaf flags "flags" (PTE_P is
 * added). Missing tables are allocated; table entries on the way get P|W and
 * the leaf's U bit (the U/S and R/W rights of a walk are the AND of every
 * level, APM vol.2 5.6), so a supervisor leaf never makes a table user-visible.
 */
int pt_map(const struct pt_ops *o, uint64_t root, uint64_t va, uint64_t pa,
	   uint64_t size, uint64_t flags);

/* Allocate every table (down to the PT level) that 4 KiB mappings of
 * [va, va+len) will need, with table flags P|W|(flags & PTE_U). */
int pt_prepare(const struct pt_ops *o, uint64_t root, uint64_t va, uint64_t len,
	       uint64_t flags);

/*
 * Translate va: 0 and *pa, *flags (the leaf's flags with U and W replaced by
 * the AND over all levels), or PT_E_NOTMAPPED / PT_E_NONCANON.
 */
int pt_walk(const struct pt_ops *o, uint64_t root, uint64_t va, uint64_t *pa,
	    uint64_t *flags);

/* Index of va in the table at level (4 = PML4 ... 1 = PT). */
static inline unsigned pt_index(uint64_t va, int level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 511);
}

static inline int pt_canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1FFFF;
}

#endif
