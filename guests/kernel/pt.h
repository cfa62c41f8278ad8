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
#include "../../lib/freestanding/x86_paging.h"

/* The kernel's short names for the long-mode entry bits (x86_paging.h). */
#define PTE_P    X86_PTE_P
#define PTE_W    X86_PTE_RW
#define PTE_U    X86_PTE_US
#define PTE_A    X86_PTE_A
#define PTE_D    X86_PTE_D
#define PTE_PS   X86_PTE_PS   /* in a PDE: 2 MiB page */
#define PTE_G    X86_PTE_G
#define PTE_NX   X86_PTE_NX
#define PTE_ADDR X86_PTE_ADDR

#define PT_4K X86_PAGE_4K
#define PT_2M X86_PAGE_2M

#define PT_E_NOMEM    (-80) /* alloc returned 0 */
#define PT_E_EXISTS   (-81) /* something is already mapped there */
#define PT_E_ALIGN    (-82) /* va or pa not aligned to the page size */
#define PT_E_NONCANON (-83) /* va not canonical (48-bit) */
#define PT_E_NOTMAPPED (-84) /* nothing is mapped there */
#define PT_E_SIZE     (-85) /* page size neither 4 KiB nor 2 MiB */

/* The name and meaning of a PT_E_* code ("unknown error" otherwise). */
const char *pt_strerror(int rc);

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
	return (unsigned)((va >> X86_PT_SHIFT(level)) & (X86_PT_ENTRIES - 1));
}

static inline int pt_canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1FFFF;
}

#endif
