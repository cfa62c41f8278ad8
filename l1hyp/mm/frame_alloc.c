/*
 * L1's physical frame allocator (see frame_alloc.h). Free memory is a sorted
 * table of disjoint, non-adjacent [base, end) ranges taken from the multiboot
 * memory map (Multiboot Specification 0.6.96, 3.3), minus what
 * frame_alloc_reserve carves out. Single frames come first from the free list
 * (a LIFO threaded through the first 8 bytes of each freed frame), then from
 * the top of the highest range, so that low, large aligned blocks stay
 * available for frame_alloc_contig (first fit, lowest address). Frames given
 * back with frame_free_page only ever return to the free list.
 */
#include "frame_alloc.h"

#include <nestlab/mem.h>

static void fa_remove_at(struct frame_alloc *fa, unsigned i)
{
	for (unsigned j = i; j + 1 < fa->nr_ranges; j++)
		fa->range[j] = fa->range[j + 1];
	fa->nr_ranges--;
}

/* Insert r at index i (a free slot must exist). */
static void fa_insert_at(struct frame_alloc *fa, unsigned i, struct frame_range r)
{
	for (unsigned j = fa->nr_ranges; j > i; j--)
		fa->range[j] = fa->range[j - 1];
	fa->range[i] = r;
	fa->nr_ranges++;
}

void frame_alloc_init(struct frame_alloc *fa,
		      void *(*frame_ptr)(void *ctx, uint64_t phys), void *ctx)
{
	memset(fa, 0, sizeof(*fa));
	fa->free_list = FRAME_NONE;
	fa->frame_ptr = frame_ptr;
	fa->ctx = ctx;
}

int frame_alloc_add(struct frame_alloc *fa, uint64_t base, uint64_t len)
{
	uint64_t end, overlap = 0;
	unsigned i, touching = 0;

	if (len > ~0ull - base)             /* clamp a range that wraps */
		len = ~0ull - base;
	end = (base + len) & ~(FRAME_SIZE - 1);
	if (base & (FRAME_SIZE - 1)) {
		if (base > ~0ull - FRAME_SIZE)
			return 0;
		base = (base + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
	}
	if (end <= base)
		return 0;

	for (i = 0; i < fa->nr_ranges; i++) {
		const struct frame_range *r = &fa->range[i];

		if (r->end >= base && r->base <= end) {
			uint64_t lo = r->base > base ? r->base : base;
			uint64_t hi = r->end < end ? r->end : end;

			touching++;
			if (hi > lo)
				overlap += hi - lo;
		}
	}
	if (!touching && fa->nr_ranges == FRAME_ALLOC_MAX_RANGES)
		return -1;

	fa->free_frames += (end - base - overlap) / FRAME_SIZE;
	/* Merge every range that overlaps or touches [base, end) into it. */
	for (i = 0; i < fa->nr_ranges;) {
		struct frame_range *r = &fa->range[i];

		if (r->end >= base && r->base <= end) {
			if (r->base < base)
				base = r->base;
			if (r->end > end)
				end = r->end;
			fa_remove_at(fa, i);
		} else {
			i++;
		}
	}
	for (i = 0; i < fa->nr_ranges && fa->range[i].base < base; i++)
		;
	fa_insert_at(fa, i, (struct frame_range){ base, end });
	return 0;
}

int frame_alloc_reserve(struct frame_alloc *fa, uint64_t base, uint64_t len)
{
	uint64_t end;

	if (len == 0)
		return 0;
	if (len > ~0ull - base || base + len > ~0ull - (FRAME_SIZE - 1))
		end = ~0ull;    /* runs to the top of the address space */
	else
		end = (base + len + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
	base &= ~(FRAME_SIZE - 1);

	/* Only one range can contain the reservation strictly inside it; that
	 * one needs a second slot. Check before changing anything. */
	for (unsigned i = 0; i < fa->nr_ranges; i++) {
		const struct frame_range *r = &fa->range[i];

		if (r->base < base && r->end > end &&
		    fa->nr_ranges == FRAME_ALLOC_MAX_RANGES)
			return -1;
	}

	for (unsigned i = 0; i < fa->nr_ranges;) {
		struct frame_range *r = &fa->range[i];

		if (r->end <= base || r->base >= end) {
			i++;
		} else if (r->base >= base && r->end <= end) {
			fa->free_frames -= (r->end - r->base) / FRAME_SIZE;
			fa_remove_at(fa, i);
		} else if (r->base < base && r->end > end) {
			struct frame_range tail = { end, r->end };

			fa->free_frames -= (end - base) / FRAME_SIZE;
			r->end = base;
			fa_insert_at(fa, i + 1, tail);
			i += 2;
		} else if (r->base < base) {
			fa->free_frames -= (r->end - base) / FRAME_SIZE;
			r->end = base;
			i++;
		} else {
			fa->free_frames -= (end - r->base) / FRAME_SIZE;
			r->base = end;
			i++;
		}
	}
	return 0;
}

uint64_t frame_alloc_page(struct frame_alloc *fa)
{
	uint64_t phys;

	if (fa->free_list != FRAME_NONE) {
		phys = fa->free_list;
		fa->free_list = *(uint64_t *)fa->frame_ptr(fa->ctx, phys);
		fa->free_frames--;
		return phys;
	}
	if (fa->nr_ranges == 0)
		return FRAME_NONE;

	struct frame_range *top = &fa->range[fa->nr_ranges - 1];

	top->end -= FRAME_SIZE;
	phys = top->end;
	if (top->end == top->base)
		fa->nr_ranges--;
	fa->free_frames--;
	return phys;
}

uint64_t frame_alloc_contig(struct frame_alloc *fa, uint64_t size, uint64_t align)
{
	if (size == 0 || (size & (FRAME_SIZE - 1)) ||
	    align < FRAME_SIZE || (align & (align - 1)))
		return FRAME_NONE;

	for (unsigned i = 0; i < fa->nr_ranges; i++) {
		struct frame_range *r = &fa->range[i];
		uint64_t start, stop;

		if (r->base > ~0ull - (align - 1))
			continue;
		start = (r->base + align - 1) & ~(align - 1);
		if (start >= r->end || size > r->end - start)
			continue;
		stop = start + size;

		if (start > r->base && stop < r->end) {
			/* Carving from the middle leaves two pieces. */
			if (fa->nr_ranges == FRAME_ALLOC_MAX_RANGES)
				continue;
			fa_insert_at(fa, i + 1, (struct frame_range){ stop, r->end });
			r->end = start;
		} else if (start > r->base) {
			r->end = start;
		} else if (stop < r->end) {
			r->base = stop;
		} else {
			fa_remove_at(fa, i);
		}
		fa->free_frames -= size / FRAME_SIZE;
		return start;
	}
	return FRAME_NONE;
}

void frame_free_page(struct frame_alloc *fa, uint64_t phys)
{
	if (phys == FRAME_NONE || (phys & (FRAME_SIZE - 1)))
		return;
	*(uint64_t *)fa->frame_ptr(fa->ctx, phys) = fa->free_list;
	fa->free_list = phys;
	fa->free_frames++;
}
