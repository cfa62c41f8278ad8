/* The trace ring producer (lib/trace/trace_producer.h): geometry, records
 * in order with their sequence numbers, drops when the consumer lags (never
 * an overwrite), wrap-around once the consumer advances, tail read only
 * when the last one read says full, the directory. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>
#include "../../lib/trace/trace_producer.h"

static _Alignas(64) unsigned char mem[NESTLAB_TRACE_RING_BYTES(8) + 100];

Test(trace_producer, capacity_is_the_largest_power_of_two)
{
	cr_assert(eq(u32, trace_ring_capacity_for(63), 0));
	cr_assert(eq(u32, trace_ring_capacity_for(NESTLAB_TRACE_RING_BYTES(1)), 1));
	cr_assert(eq(u32, trace_ring_capacity_for(NESTLAB_TRACE_RING_BYTES(7)), 4));
	cr_assert(eq(u32, trace_ring_capacity_for(NESTLAB_TRACE_RING_BYTES(8)), 8));
	cr_assert(eq(u32, trace_ring_capacity_for(0x7ff000), 65536));
	cr_assert(eq(u32, trace_ring_capacity_for(1ull << 40), NESTLAB_TRACE_MAX_RECORDS));
}

Test(trace_producer, records_drops_and_wrap)
{
	struct trace_producer p;
	struct nestlab_trace_ring *r = (void *)mem;

	memset(mem, 0xAB, sizeof(mem));
	cr_assert(eq(u32, trace_ring_init(&p, mem, sizeof(mem), NESTLAB_TRACE_L1), 8));
	cr_assert(eq(u32, r->magic, NESTLAB_TRACE_RING_MAGIC));
	cr_assert(eq(u32, r->capacity, 8));
	cr_assert(eq(u32, r->producer, NESTLAB_TRACE_L1));
	for (unsigned i = 0; i < 10; i++)
		trace_emit(&p, 100 + i, NESTLAB_TRACE_L1_EXIT, 3, NESTLAB_TRACE_F_IN_PHASE,
			   i, 0x401000 + i, i * 2, i * 3, i * 4);
	/* Full after 8: two drops, nothing overwritten. */
	cr_assert(eq(u64, r->head, 8));
	cr_assert(eq(u64, r->dropped, 2));
	for (unsigned i = 0; i < 8; i++) {
		const struct nestlab_trace_record *rec = &r->rec[i];

		cr_assert(eq(u64, rec->tsc, 100 + i));
		cr_assert(eq(u16, rec->type, NESTLAB_TRACE_L1_EXIT));
		cr_assert(eq(u8, rec->cpl, 3));
		cr_assert(eq(u8, rec->flags, NESTLAB_TRACE_F_IN_PHASE));
		cr_assert(eq(u32, rec->code, i));
		cr_assert(eq(u64, rec->rip, 0x401000 + i));
		cr_assert(eq(u64, rec->a0, i * 2));
		cr_assert(eq(u64, rec->a1, i * 3));
		cr_assert(eq(u64, rec->a2, i * 4));
		cr_assert(eq(u64, rec->seq, i));
		cr_assert(eq(u64, rec->reserved, 0));
	}
	/* The consumer takes 3: three more fit, in slots 0..2. */
	r->tail = 3;
	for (unsigned i = 0; i < 4; i++)
		trace_emit(&p, 200 + i, NESTLAB_TRACE_L2_PAGE_FAULT, 0, 0, 0, 0, 0, 0, 0);
	cr_assert(eq(u64, r->head, 11));
	cr_assert(eq(u64, r->dropped, 3));
	cr_assert(eq(u64, r->rec[0].tsc, 200));
	cr_assert(eq(u64, r->rec[0].seq, 8));
	cr_assert(eq(u64, r->rec[2].seq, 10));
	cr_assert(eq(u64, r->rec[3].tsc, 103));       /* unread: untouched */
}

Test(trace_producer, tail_is_read_only_at_the_limit)
{
	struct trace_producer p;
	struct nestlab_trace_ring *r = (void *)mem;

	memset(mem, 0, sizeof(mem));
	cr_assert(eq(u32, trace_ring_init(&p, mem, sizeof(mem), NESTLAB_TRACE_L1), 8));
	cr_assert(eq(u64, p.limit, 8));
	cr_assert(eq(u64, p.slot_mask, 7 * NESTLAB_TRACE_RECORD_SIZE));
	/* Below the limit tail is not read: nonsense there changes nothing. */
	r->tail = 1000;
	for (unsigned i = 0; i < 8; i++)
		trace_emit(&p, 10 + i, NESTLAB_TRACE_L2_PAGE_FAULT, 0, 0, 0, 0, 0, 0, 0);
	cr_assert(eq(u64, r->head, 8));
	cr_assert(eq(u64, r->dropped, 0));
	/* At the limit it is: a tail ahead of head counts as full, and the
	 * limit stays, so every further record reads tail again. */
	trace_emit(&p, 20, NESTLAB_TRACE_L2_PAGE_FAULT, 0, 0, 0, 0, 0, 0, 0);
	trace_emit(&p, 21, NESTLAB_TRACE_L2_PAGE_FAULT, 0, 0, 0, 0, 0, 0, 0);
	cr_assert(eq(u64, r->head, 8));
	cr_assert(eq(u64, r->dropped, 2));
	cr_assert(eq(u64, p.limit, 8));
	/* A real tail: room up to tail + capacity. */
	r->tail = 5;
	trace_emit(&p, 30, NESTLAB_TRACE_L2_PAGE_FAULT, 0, 0, 0, 0, 0, 0, 0);
	cr_assert(eq(u64, p.limit, 13));
	cr_assert(eq(u64, r->head, 9));
	cr_assert(eq(u64, r->rec[0].tsc, 30));
	cr_assert(eq(u64, r->rec[0].seq, 8));
	cr_assert(eq(u64, r->rec[1].tsc, 11));       /* unread: untouched */
	for (unsigned i = 0; i < 5; i++)
		trace_emit(&p, 40 + i, NESTLAB_TRACE_L2_PAGE_FAULT, 0, 0, 0, 0, 0, 0, 0);
	cr_assert(eq(u64, r->head, 13));
	cr_assert(eq(u64, r->dropped, 3));           /* the fifth: full at 13 */
	cr_assert(eq(u64, r->rec[4].tsc, 43));
	cr_assert(eq(u64, r->rec[5].tsc, 15));       /* unread: untouched */
}

Test(trace_producer, directory)
{
	struct nestlab_trace_dir d;

	memset(&d, 0, sizeof(d));
	trace_dir_init(&d);
	cr_assert(eq(u32, d.magic, NESTLAB_TRACE_DIR_MAGIC));
	cr_assert(eq(u32, d.nr_rings, 0));
	for (unsigned i = 0; i < NESTLAB_TRACE_MAX_RINGS; i++)
		cr_assert(eq(int, trace_dir_add(&d, NESTLAB_TRACE_L2, 0x1000 * (i + 1), 0x2000, 0), 0));
	cr_assert(eq(int, trace_dir_add(&d, NESTLAB_TRACE_L2, 0x9000, 0x2000, 0), -1));
	cr_assert(eq(u32, d.nr_rings, NESTLAB_TRACE_MAX_RINGS));
	cr_assert(eq(u64, d.ring[2].phys, 0x3000));
	cr_assert(eq(u32, d.ring[2].producer, NESTLAB_TRACE_L2));
}

Test(trace_producer, a_ring_too_small_is_refused)
{
	struct trace_producer p;

	cr_assert(eq(u32, trace_ring_init(&p, mem, 64, NESTLAB_TRACE_L1), 0));
	cr_assert(eq(ptr, (void *)p.ring, NULL));
}
