/*
 * L1's physical frame allocator, fed from the multiboot memory map: free
 * ranges (carved around reserved regions such as L1's image and modules),
 * single 4 KiB frames with a free list threaded through freed frames, and
 * large aligned contiguous blocks (L2 RAM, so that 2 MiB NPT leaves can be
 * used). Pure C: frame contents are reached through frame_ptr, so host tests
 * run it over a buffer.
 */
#ifndef NESTLAB_FRAME_ALLOC_H
#define NESTLAB_FRAME_ALLOC_H

#include <stdint.h>

#define FRAME_SIZE             0x1000ull
#define FRAME_NONE             (~0ull)
#define FRAME_ALLOC_MAX_RANGES 32

struct frame_range { uint64_t base, end; };   /* [base, end), page aligned */

struct frame_alloc {
	struct frame_range range[FRAME_ALLOC_MAX_RANGES]; /* sorted, disjoint */
	unsigned nr_ranges;
	uint64_t free_list;          /* first freed frame or FRAME_NONE */
	uint64_t free_frames;        /* frames available, ranges + free list */
	void *(*frame_ptr)(void *ctx, uint64_t phys);
	void *ctx;
};

void     frame_alloc_init(struct frame_alloc *fa,
			  void *(*frame_ptr)(void *ctx, uint64_t phys), void *ctx);
/* Add free memory (rounded inward to 4 KiB). 0, or -1 if the range table is full. */
int      frame_alloc_add(struct frame_alloc *fa, uint64_t base, uint64_t len);
/* Remove [base, base+len) (rounded outward) from the free ranges. 0 or -1. */
int      frame_alloc_reserve(struct frame_alloc *fa, uint64_t base, uint64_t len);
/* One 4 KiB frame (not zeroed), or FRAME_NONE. */
uint64_t frame_alloc_page(struct frame_alloc *fa);
/* size bytes (4 KiB multiple) contiguous, aligned to align (power of two
 * >= 4 KiB), from the ranges; FRAME_NONE if no range fits. */
uint64_t frame_alloc_contig(struct frame_alloc *fa, uint64_t size, uint64_t align);
void     frame_free_page(struct frame_alloc *fa, uint64_t phys);

#endif
