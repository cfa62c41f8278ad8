/*
 * Protection domains (docs/mbec.md, "Protection domains"; seed 004,
 * "isolating guest code and data using multiple nested page tables"): the
 * contract between L1's mechanism (l1hyp/mech/domain.c) and an L2 kernel
 * that asks for one. A domain is a set of guest-physical pages (its code
 * and data) that L1 maps only in the domain's own view of L2 RAM; in the
 * view the rest of L2 runs in they are absent. The domain is entered only
 * through its gate: NESTLAB_HC_DOMAIN_CALL moves the vCPU into the
 * domain's view and on to the gate, NESTLAB_HC_DOMAIN_RETURN (from inside)
 * moves it back to just after the CALL. An access to a domain page from
 * outside is a nested page fault L1 reports and turns into a #PF for L2
 * (not present; CR2 the address accessed), as for an absent page.
 */
#ifndef NESTLAB_DOMAIN_H
#define NESTLAB_DOMAIN_H

#include <stdint.h>

#define NESTLAB_DOMAIN_MAGIC      0x4E4D4F44u /* "DOMN" in memory order */
#define NESTLAB_DOMAIN_VERSION    1u
#define NESTLAB_DOMAIN_RANGES_MAX 4u
#define NESTLAB_DOMAIN_PAGES_MAX  64u         /* in all ranges */

struct nestlab_domain_range {
	uint64_t gpa;           /* 4 KiB-aligned, in L2 RAM */
	uint64_t pages;         /* >= 1 */
};

/* What NESTLAB_HC_DOMAIN_CREATE reads (once) at its arg0, a kernel
 * virtual address. */
struct nestlab_domain_desc {
	uint32_t magic;         /* NESTLAB_DOMAIN_MAGIC */
	uint32_t version;       /* NESTLAB_DOMAIN_VERSION */
	uint64_t gate;          /* the entry point: a virtual address whose page is in a range */
	uint32_t nr_ranges;     /* 1..NESTLAB_DOMAIN_RANGES_MAX */
	uint32_t reserved;      /* 0 */
	struct nestlab_domain_range range[NESTLAB_DOMAIN_RANGES_MAX];
};

#endif
