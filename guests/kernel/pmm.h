/*
 * Physical memory of the L2 kernel: choosing the free region from the
 * multiboot memory map, and a bump allocator of 4 KiB frames over it.
 *
 * A bump allocator never hands out a frame twice and never frees: every frame
 * it returns has never been touched by anything (the kernel image, the boot
 * loader's data and the page tables live elsewhere or were allocated before).
 * That is what the pagefault workload needs under L1's lazy NPT: one NPF per
 * fresh page, exactly. Pure C, host-tested.
 */
#ifndef L2_PMM_H
#define L2_PMM_H

#include <stdint.h>

#define PMM_PAGE 4096ull

struct pmm_range {
	uint64_t start, end; /* [start, end) */
};

struct pmm {
	uint64_t next, end;  /* free frames: [next, end) */
	uint64_t allocated;  /* frames handed out so far */
};

/*
 * Pick the free region: the available range (avail[0..navail)) that contains
 * kernel_end, from kernel_end up, clipped to limit and with every reserved
 * range (boot-loader data: info, memory map, command line, modules) cut out;
 * where a reserved range splits it, the larger side wins. Bounds are rounded
 * inward to 4 KiB. Returns 0 and the region, or -1 if none is left.
 */
int pmm_pick_region(const struct pmm_range *avail, unsigned navail, uint64_t kernel_end,
		    const struct pmm_range *reserved, unsigned nreserved, uint64_t limit,
		    struct pmm_range *out);

void pmm_init(struct pmm *p, uint64_t start, uint64_t end);
/* A frame's physical address, or 0 when exhausted (0 is never in the region). */
uint64_t pmm_alloc(struct pmm *p);
uint64_t pmm_free_frames(const struct pmm *p);

#endif
