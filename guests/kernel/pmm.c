/*
 * Free-region choice and bump frame allocator of the L2 kernel (see pmm.h).
 */
#include "pmm.h"

static uint64_t align_up(uint64_t v)
{
	return (v + PMM_PAGE - 1) & ~(PMM_PAGE - 1);
}

static uint64_t align_down(uint64_t v)
{
	return v & ~(PMM_PAGE - 1);
}

int pmm_pick_region(const struct pmm_range *avail, unsigned navail, uint64_t kernel_end,
		    const struct pmm_range *reserved, unsigned nreserved, uint64_t limit,
		    struct pmm_range *out)
{
	uint64_t start = 0, end = 0;
	unsigned i, changed;

	for (i = 0; i < navail; i++) {
		if (avail[i].start <= kernel_end && kernel_end < avail[i].end) {
			start = kernel_end;
			end = avail[i].end;
			break;
		}
	}
	if (i == navail)
		return -1;
	if (end > limit)
		end = limit;
	/* Cut out reserved ranges until none overlaps [start, end). */
	do {
		changed = 0;
		for (i = 0; i < nreserved && start < end; i++) {
			uint64_t rs = reserved[i].start, re = reserved[i].end;

			if (re <= start || rs >= end || rs >= re)
				continue;
			if (rs <= start) {
				start = re;
			} else if (re >= end) {
				end = rs;
			} else if (rs - start >= end - re) {
				end = rs;
			} else {
				start = re;
			}
			changed = 1;
		}
	} while (changed && start < end);
	start = align_up(start);
	end = align_down(end);
	if (start == 0)
		start = PMM_PAGE;
	if (start >= end)
		return -1;
	out->start = start;
	out->end = end;
	return 0;
}

void pmm_init(struct pmm *p, uint64_t start, uint64_t end)
{
	p->next = align_up(start ? start : PMM_PAGE);
	p->end = align_down(end);
	if (p->next > p->end)
		p->next = p->end;
	p->allocated = 0;
}

uint64_t pmm_alloc(struct pmm *p)
{
	uint64_t f;

	if (p->next >= p->end)
		return 0;
	f = p->next;
	p->next += PMM_PAGE;
	p->allocated++;
	return f;
}

uint64_t pmm_free_frames(const struct pmm *p)
{
	return (p->end - p->next) / PMM_PAGE;
}
