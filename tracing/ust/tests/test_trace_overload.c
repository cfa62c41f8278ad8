/*
 * Overload test: a host thread produces 10^5 records into a 32-record
 * ring, following the producer protocol, while the collector drains it
 * as fast as it can; the ring overflows often. Every record is either
 * emitted or counted as dropped by the producer, exactly, and what is
 * emitted comes out in order, undamaged.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/exit_reason.h>
#include "trace_collect.h"
#include "trace_fake.h"

#define IMG_SIZE  (1u << 16)
#define DIR_OFF   0u
#define RING_OFF  0x1000u
#define PRODUCED  100000u
#define CAPACITY  32u

struct overload {
	struct nestlab_trace_ring *ring;
	volatile int done;
	uint64_t last_tsc, emitted, out_of_order;
};

static void *producer(void *arg)
{
	struct overload *o = arg;

	for (uint64_t i = 1; i <= PRODUCED; i++) {
		struct nestlab_trace_record r = trace_fake_record(NESTLAB_TRACE_L1_EXIT, i,
								  NESTLAB_EXIT_CPUID, 1);

		trace_fake_push(o->ring, &r);
		if (!(i & 63))
			sched_yield(); /* let the consumer in on 2 cores too */
	}
	__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_record(void *ctx, const struct nestlab_trace_record *r, uint32_t p, uint64_t ts)
{
	struct overload *o = ctx;

	if (r->tsc <= o->last_tsc || r->a0 != 300 + (r->tsc & 63))
		o->out_of_order++;
	o->last_tsc = r->tsc;
	o->emitted++;
}

Test(trace_overload, tiny_ring_accounts_every_record, .timeout = 60)
{
	uint8_t *img = aligned_alloc(4096, IMG_SIZE);
	struct overload o = { 0 };
	struct trace_sink sink = { on_record, NULL, &o };
	struct trace_collector c;
	struct trace_map m;
	pthread_t t;
	uint64_t polls = 0;

	cr_assert(not(eq(ptr, img, NULL)));
	memset(img, 0, IMG_SIZE);
	trace_map_wrap(&m, img, IMG_SIZE);
	trace_fake_dir_init(img, DIR_OFF);
	o.ring = trace_fake_ring_init(img, RING_OFF, CAPACITY, NESTLAB_TRACE_L1);
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L1, RING_OFF,
			   NESTLAB_TRACE_RING_BYTES(CAPACITY), 0);
	trace_collector_init(&c, DIR_OFF, 0x1000, &sink);
	trace_collector_attach(&c, &m);

	cr_assert(eq(int, pthread_create(&t, NULL, producer, &o), 0));
	while (!__atomic_load_n(&o.done, __ATOMIC_ACQUIRE)) {
		trace_collector_poll(&c, ~0ull);
		polls++;
	}
	pthread_join(t, NULL);
	trace_collector_poll(&c, ~0ull);

	cr_log_info("overload: %lu emitted, %lu dropped, %lu polls", (unsigned long)o.emitted,
		    (unsigned long)trace_collector_dropped(&c), (unsigned long)polls);
	cr_assert(eq(u64, o.emitted + trace_collector_dropped(&c), PRODUCED));
	cr_assert(eq(u64, trace_collector_rejected(&c), 0));
	cr_assert(eq(u64, trace_collector_resyncs(&c), 0));
	cr_assert(eq(u64, o.out_of_order, 0));
	cr_assert(eq(u64, c.emitted, o.emitted));
	cr_assert(eq(u64, o.ring->head, o.emitted));
	cr_assert(eq(u64, o.ring->tail, o.ring->head));
	cr_assert(gt(u64, o.emitted, 0));
	trace_collector_fini(&c);
	free(img);
}
