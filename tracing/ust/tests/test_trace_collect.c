/*
 * Unit tests of the collector on a synthetic region: the directory
 * appearing late, rings listed later (the L2 ring after registration),
 * the TSC merge (stable, L1 first on ties whatever the directory order),
 * lost reports, frozen entries, the clock and the stats/diagnosis.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/exit_reason.h>
#include "trace_fake.h"
#include "trace_collect.h"
#include "trace_stats.h"

#define IMG_SIZE (1u << 20)
#define DIR_OFF  0x80000u
#define L1_OFF   (DIR_OFF + 0x1000u)
#define L2_OFF   0x10000u

static uint8_t *img;
static struct trace_map map;

struct got {
	struct nestlab_trace_record r;
	uint32_t producer;
	uint64_t ts;
};
static struct got got[256];
static unsigned ngot;
static struct trace_lost lost[16];
static unsigned nlost;

static void rec_cb(void *ctx, const struct nestlab_trace_record *r, uint32_t p, uint64_t ts)
{
	cr_assert(lt(u32, ngot, 256));
	got[ngot++] = (struct got){ *r, p, ts };
}

static void lost_cb(void *ctx, const struct trace_lost *l, uint64_t ts)
{
	cr_assert(lt(u32, nlost, 16));
	lost[nlost++] = *l;
}

static const struct trace_sink sink = { rec_cb, lost_cb, NULL };

static void setup(void)
{
	img = aligned_alloc(4096, IMG_SIZE);
	cr_assert(not(eq(ptr, img, NULL)));
	memset(img, 0, IMG_SIZE);
	trace_map_wrap(&map, img, IMG_SIZE);
	ngot = nlost = 0;
}

static void teardown(void)
{
	free(img);
}

TestSuite(trace_collect, .init = setup, .fini = teardown);

static void push(struct nestlab_trace_ring *h, uint32_t type, uint64_t tsc)
{
	struct nestlab_trace_record r = trace_fake_record(type, tsc, 0, 0);

	cr_assert(eq(int, trace_fake_push(h, &r), 0));
}

Test(trace_collect, nothing_before_map_and_directory)
{
	struct trace_collector c;

	trace_collector_init(&c, DIR_OFF, 0x1000, &sink);
	cr_assert(eq(u64, trace_collector_poll(&c, 1000), 0));
	trace_collector_attach(&c, &map);
	cr_assert(eq(u64, trace_collector_poll(&c, 1000), 0));
	cr_assert(eq(int, c.dir_rc, TRACE_DIR_ABSENT));

	trace_fake_dir_init(img, DIR_OFF);
	struct nestlab_trace_ring *h = trace_fake_ring_init(img, L1_OFF, 16, NESTLAB_TRACE_L1);
	push(h, NESTLAB_TRACE_L1_EXIT, 5);
	cr_assert(eq(u64, trace_collector_poll(&c, 1000), 0)); /* not listed yet */
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L1, L1_OFF, NESTLAB_TRACE_RING_BYTES(16), 0);
	cr_assert(eq(u64, trace_collector_poll(&c, 1000), 1));
	cr_assert(eq(u32, c.nrings, 1));
	cr_assert(eq(u64, c.events[NESTLAB_TRACE_L1_EXIT], 1));
	trace_collector_fini(&c);
}

Test(trace_collect, merge_by_tsc_l1_first_on_ties)
{
	struct trace_collector c;
	struct nestlab_trace_ring *l1, *l2;

	trace_fake_dir_init(img, DIR_OFF);
	l2 = trace_fake_ring_init(img, L2_OFF, 16, NESTLAB_TRACE_L2);
	l1 = trace_fake_ring_init(img, L1_OFF, 16, NESTLAB_TRACE_L1);
	/* L2 listed first: the tie rule must still put L1 first */
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L2, L2_OFF, NESTLAB_TRACE_RING_BYTES(16), 0);
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L1, L1_OFF, NESTLAB_TRACE_RING_BYTES(16), 0);
	trace_collector_init(&c, DIR_OFF, 0x1000, &sink);
	trace_collector_attach(&c, &map);
	cr_assert(eq(u64, trace_collector_poll(&c, 1u << 30), 0)); /* clock base */
	push(l1, NESTLAB_TRACE_L1_PHASE_BEGIN, 10);
	push(l1, NESTLAB_TRACE_L1_EXIT, 20);
	push(l1, NESTLAB_TRACE_L1_EXIT, 30);
	push(l2, NESTLAB_TRACE_L2_PHASE_BEGIN, 5);
	push(l2, NESTLAB_TRACE_L2_SYSCALL_ENTRY, 20);
	push(l2, NESTLAB_TRACE_L2_SYSCALL_EXIT, 25);
	push(l2, NESTLAB_TRACE_L2_PHASE_END, 40);
	cr_assert(eq(u64, trace_collector_poll(&c, (1u << 30) + 1000), 7));
	static const uint64_t tsc[] = { 5, 10, 20, 20, 25, 30, 40 };
	static const uint32_t prod[] = { 2, 1, 1, 2, 2, 1, 2 };
	for (unsigned i = 0; i < 7; i++) {
		cr_assert(eq(u64, got[i].r.tsc, tsc[i]));
		cr_assert(eq(u32, got[i].producer, prod[i]));
		if (i)
			cr_assert(ge(u64, got[i].ts, got[i - 1].ts));
	}
	/* guest time on the host clock: base + (ns - first ns) */
	cr_assert(eq(u64, got[0].ts, 1u << 30));
	cr_assert(eq(u64, got[6].ts, (1u << 30) + 35));
	cr_assert(eq(u64, c.events[NESTLAB_TRACE_L1_EXIT], 2));
	cr_assert(eq(u64, c.events[NESTLAB_TRACE_L2_PHASE_END], 1));
	trace_collector_fini(&c);
}

Test(trace_collect, l2_ring_registered_later)
{
	struct trace_collector c;
	struct nestlab_trace_ring *l1, *l2;

	trace_fake_dir_init(img, DIR_OFF);
	l1 = trace_fake_ring_init(img, L1_OFF, 16, NESTLAB_TRACE_L1);
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L1, L1_OFF, NESTLAB_TRACE_RING_BYTES(16), 0);
	trace_collector_init(&c, DIR_OFF, 0x1000, &sink);
	trace_collector_attach(&c, &map);
	push(l1, NESTLAB_TRACE_L1_EXIT, 1);
	cr_assert(eq(u64, trace_collector_poll(&c, 1u << 30), 1));
	l2 = trace_fake_ring_init(img, L2_OFF, 16, NESTLAB_TRACE_L2);
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L2, L2_OFF, NESTLAB_TRACE_RING_BYTES(16), 0);
	push(l2, NESTLAB_TRACE_L2_PHASE_BEGIN, 2);
	push(l1, NESTLAB_TRACE_L1_EXIT, 3);
	cr_assert(eq(u64, trace_collector_poll(&c, 1u << 30), 2));
	cr_assert(eq(u32, c.nrings, 2));
	cr_assert(eq(u32, got[1].producer, NESTLAB_TRACE_L2));
	cr_assert(eq(u32, got[2].producer, NESTLAB_TRACE_L1));
	trace_collector_fini(&c);
}

Test(trace_collect, lost_reports_deltas)
{
	struct trace_collector c;
	struct nestlab_trace_ring *l1;

	trace_fake_dir_init(img, DIR_OFF);
	l1 = trace_fake_ring_init(img, L1_OFF, 4, NESTLAB_TRACE_L1);
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L1, L1_OFF, NESTLAB_TRACE_RING_BYTES(4), 0);
	trace_collector_init(&c, DIR_OFF, 0x1000, &sink);
	trace_collector_attach(&c, &map);
	for (int i = 0; i < 6; i++) {
		struct nestlab_trace_record r = trace_fake_record(NESTLAB_TRACE_L1_EXIT, i, 0, 0);
		trace_fake_push(l1, &r);
	}
	l1->rec[1].cpl = 9;
	cr_assert(eq(u64, trace_collector_poll(&c, 1u << 30), 3));
	cr_assert(eq(u32, nlost, 1));
	cr_assert(eq(u64, lost[0].dropped, 2));
	cr_assert(eq(u64, lost[0].rejected, 1));
	cr_assert(eq(u64, lost[0].tail, 4));
	cr_assert(eq(u64, trace_collector_poll(&c, 1u << 30), 0));
	cr_assert(eq(u32, nlost, 1)); /* nothing new: no report */
	l1->dropped += 3;
	trace_collector_poll(&c, 1u << 30);
	cr_assert(eq(u32, nlost, 2));
	cr_assert(eq(u64, lost[1].dropped, 3));
	cr_assert(eq(u64, lost[1].rejected, 0));
	cr_assert(eq(u64, c.lost_events, 2));
	cr_assert(eq(u64, c.emitted + trace_collector_dropped(&c) + trace_collector_rejected(&c),
		     l1->head + l1->dropped));

	struct trace_stats st;
	trace_stats_fill(&c, &st);
	cr_assert(eq(u64, st.emitted, 3));
	cr_assert(eq(u64, st.dropped, 5));
	cr_assert(eq(u64, st.rejected, 1));
	cr_assert(eq(u64, st.ring[0].reject[TRACE_REJECT_FIELD], 1));
	cr_assert(eq(u32, st.magic, TRACE_STATS_MAGIC));
	trace_collector_fini(&c);
}

Test(trace_collect, accepted_entry_frozen_and_overlap_refused)
{
	struct trace_collector c;
	struct nestlab_trace_dir *d = (void *)(img + DIR_OFF);
	struct nestlab_trace_ring *l1;

	trace_fake_dir_init(img, DIR_OFF);
	l1 = trace_fake_ring_init(img, L1_OFF, 16, NESTLAB_TRACE_L1);
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L1, L1_OFF, NESTLAB_TRACE_RING_BYTES(16), 0);
	trace_collector_init(&c, DIR_OFF, 0x1000, &sink);
	trace_collector_attach(&c, &map);
	trace_collector_poll(&c, 1u << 30);
	d->ring[0].phys = L2_OFF;                  /* moved after acceptance: ignored */
	push(l1, NESTLAB_TRACE_L1_EXIT, 1);
	cr_assert(eq(u64, trace_collector_poll(&c, 1u << 30), 1));
	cr_assert(eq(u64, c.dir_changed, 1));
	d->ring[0].phys = L1_OFF;
	/* a second entry over the accepted ring */
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L2, L1_OFF + 64, 0x1000, 0);
	trace_collector_poll(&c, 1u << 30);
	cr_assert(eq(u32, c.nrings, 1));
	cr_assert(eq(int, c.slot[1].entry_rc, TRACE_ENTRY_OVERLAPS));

	struct trace_stats st;
	char why[300];
	trace_stats_fill(&c, &st);
	trace_stats_problem(&st, DIR_OFF, why, sizeof(why));
	cr_assert(eq(str, why, ""));
	trace_collector_fini(&c);
}

Test(trace_collect, problems_named)
{
	struct trace_collector c;
	struct trace_stats st;
	char why[300];

	trace_collector_init(&c, DIR_OFF, 0x1000, &sink);
	trace_stats_fill(&c, &st);
	trace_stats_problem(&st, DIR_OFF, why, sizeof(why));
	cr_assert(not(eq(ptr, strstr(why, "never appeared"), NULL)));

	trace_collector_attach(&c, &map);
	trace_collector_poll(&c, 1);
	trace_stats_fill(&c, &st);
	trace_stats_problem(&st, DIR_OFF, why, sizeof(why));
	cr_assert(not(eq(ptr, strstr(why, "no trace directory found at 0x80000"), NULL)));

	*(uint32_t *)(img + DIR_OFF) = 0xdeadbeef;
	trace_collector_poll(&c, 1);
	trace_stats_fill(&c, &st);
	trace_stats_problem(&st, DIR_OFF, why, sizeof(why));
	cr_assert(not(eq(ptr, strstr(why, "bad directory magic"), NULL)));

	trace_fake_dir_init(img, DIR_OFF);
	trace_fake_dir_add(img, DIR_OFF, NESTLAB_TRACE_L1, L1_OFF, 0x1000, 0); /* no header */
	trace_collector_poll(&c, 1);
	trace_stats_fill(&c, &st);
	trace_stats_problem(&st, DIR_OFF, why, sizeof(why));
	cr_assert(not(eq(ptr, strstr(why, "ring 0 at 0x81000: bad ring magic"), NULL)));
	trace_collector_fini(&c);
}

Test(trace_clock, scale_and_clamps)
{
	struct trace_clock k;

	cr_assert(eq(u64, trace_clock_ns(12345, trace_clock_mul(0)), 12345));
	cr_assert(eq(u64, trace_clock_ns(12345, trace_clock_mul(1000000000)), 12345));
	cr_assert(eq(u64, trace_clock_ns(3000000000ull, trace_clock_mul(3000000000ull)), 999999999));
	cr_assert(eq(u64, trace_clock_ns(~0ull, trace_clock_mul(1)), ~0ull));
	trace_clock_init(&k, 1000);
	cr_assert(eq(u64, trace_clock_stamp(&k, 500, 5000), 1000));  /* first record at base */
	cr_assert(eq(u64, trace_clock_stamp(&k, 800, 5000), 1300));
	cr_assert(eq(u64, trace_clock_stamp(&k, 700, 5000), 1300));  /* behind: held */
	cr_assert(eq(u64, k.behind, 1));
	cr_assert(eq(u64, trace_clock_stamp(&k, 9000, 5000), 5000)); /* ahead of host: held */
	cr_assert(eq(u64, k.ahead, 1));
	cr_assert(eq(u64, trace_clock_stamp(&k, 100, 6000), 5000));  /* before the first */
	cr_assert(eq(u64, trace_clock_stamp(&k, ~0ull, ~0ull), ~0ull));
}
