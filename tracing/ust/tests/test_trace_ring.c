/*
 * Unit tests of the ring consumer on a synthetic memory image: every
 * header check of trace_ring_accept, every record check, wrap-around,
 * head running backwards or past capacity, dropped, the tail written back,
 * and a producer rewriting the header after acceptance.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/exit_reason.h>
#include <nestlab/results.h>
#include "trace_fake.h"
#include "trace_ring.h"

#define IMG_SIZE (1u << 20)
#define RING_OFF 0x1000u

static uint8_t *img;
static struct trace_map map;
static struct nestlab_trace_record out[4096];

static void setup(void)
{
	img = aligned_alloc(4096, IMG_SIZE);
	cr_assert(not(eq(ptr, img, NULL)));
	memset(img, 0, IMG_SIZE);
	trace_map_wrap(&map, img, IMG_SIZE);
}

static void teardown(void)
{
	free(img);
}

TestSuite(trace_ring, .init = setup, .fini = teardown);

static struct nestlab_trace_dir_entry entry(uint32_t producer, uint64_t phys, uint64_t bytes)
{
	return (struct nestlab_trace_dir_entry){ .producer = producer, .phys = phys,
						 .bytes = bytes };
}

static struct nestlab_trace_ring *ring_with(uint32_t cap, struct trace_ring *r)
{
	struct nestlab_trace_ring *h = trace_fake_ring_init(img, RING_OFF, cap, NESTLAB_TRACE_L1);
	struct nestlab_trace_dir_entry e = entry(NESTLAB_TRACE_L1, RING_OFF,
						 NESTLAB_TRACE_RING_BYTES(cap));

	cr_assert(eq(int, trace_ring_accept(r, &map, &e), TRACE_RING_OK));
	return h;
}

static void push_exits(struct nestlab_trace_ring *h, unsigned n, uint64_t tsc0)
{
	for (unsigned i = 0; i < n; i++) {
		struct nestlab_trace_record rec = trace_fake_record(NESTLAB_TRACE_L1_EXIT, tsc0 + i,
								    NESTLAB_EXIT_CPUID, 1);

		cr_assert(eq(int, trace_fake_push(h, &rec), 0));
	}
}

Test(trace_ring, accept_checks)
{
	struct nestlab_trace_ring *h = trace_fake_ring_init(img, RING_OFF, 16, NESTLAB_TRACE_L1);
	struct nestlab_trace_dir_entry e = entry(NESTLAB_TRACE_L1, RING_OFF,
						 NESTLAB_TRACE_RING_BYTES(16));
	struct trace_ring r;

	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_OK));
	cr_assert(eq(u32, r.capacity, 16));
	cr_assert(eq(u64, r.tail, 0));

	h->magic = 0;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_BAD_MAGIC));
	h->magic = NESTLAB_TRACE_RING_MAGIC;
	h->abi = 7;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_BAD_ABI));
	h->abi = 1;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_BAD_ABI));
	h->abi = NESTLAB_TRACE_ABI;
	h->record_size = 32;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_BAD_RECSIZE));
	h->record_size = NESTLAB_TRACE_RECORD_SIZE;
	h->capacity = 0;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_BAD_CAP));
	h->capacity = 12;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_BAD_CAP));
	h->capacity = NESTLAB_TRACE_MAX_RECORDS << 1;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_BAD_CAP));
	h->capacity = 32;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_TOO_BIG));
	h->capacity = 16;
	h->producer = NESTLAB_TRACE_L2;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_BAD_PRODUCER));
	h->producer = NESTLAB_TRACE_L1;
	e.phys = IMG_SIZE - 64;
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_OUTSIDE));
	e = entry(NESTLAB_TRACE_L1, RING_OFF, 32);
	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_OUTSIDE));
	for (int i = TRACE_RING_OK; i <= TRACE_RING_BAD_PRODUCER; i++)
		cr_assert(ne(str, (char *)trace_ring_rc_name(i), "?"));
}

Test(trace_ring, max_capacity_accepted)
{
	uint64_t big = NESTLAB_TRACE_RING_BYTES(NESTLAB_TRACE_MAX_RECORDS);
	uint8_t *mem = calloc(1, big + 4096);
	struct trace_map m;
	struct trace_ring r;
	struct nestlab_trace_dir_entry e = entry(NESTLAB_TRACE_L2, 4096, big);

	cr_assert(not(eq(ptr, mem, NULL)));
	trace_map_wrap(&m, mem, big + 4096);
	trace_fake_ring_init(mem, 4096, NESTLAB_TRACE_MAX_RECORDS, NESTLAB_TRACE_L2);
	cr_assert(eq(int, trace_ring_accept(&r, &m, &e), TRACE_RING_OK));
	free(mem);
}

Test(trace_ring, drain_empty_then_records)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(16, &r);

	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 0));
	push_exits(h, 5, 100);
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 5));
	for (unsigned i = 0; i < 5; i++) {
		cr_assert(eq(u64, out[i].seq, i));
		cr_assert(eq(u64, out[i].tsc, 100 + i));
	}
	cr_assert(eq(u64, h->tail, 5));
	cr_assert(eq(u64, r.tail, 5));
	cr_assert(eq(u64, r.emitted, 5));
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 0));
}

Test(trace_ring, wrap_around)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);
	uint64_t seen = 0;

	for (int round = 0; round < 10; round++) {
		push_exits(h, 6, seen);
		cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 6));
		for (unsigned i = 0; i < 6; i++)
			cr_assert(eq(u64, out[i].seq, seen + i));
		seen += 6;
	}
	cr_assert(eq(u64, r.emitted, 60));
	cr_assert(eq(u64, r.rejected, 0));
}

Test(trace_ring, full_ring_drops_and_full_drain)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);
	struct nestlab_trace_record rec = trace_fake_record(NESTLAB_TRACE_L1_EXIT, 1, 0, 0);

	push_exits(h, 8, 0);
	cr_assert(eq(int, trace_fake_push(h, &rec), 1));
	cr_assert(eq(int, trace_fake_push(h, &rec), 1));
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 8));
	cr_assert(eq(u64, r.dropped, 2));
	cr_assert(eq(u64, r.emitted + r.rejected + r.dropped, 10));
}

/* Pushes one exit, corrupts it with `fn`, drains; returns the reject reason counted. */
static int reject_of(void (*fn)(struct nestlab_trace_record *))
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);

	push_exits(h, 3, 10);
	fn(&h->rec[1]);
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 2));
	cr_assert(eq(u64, out[0].seq, 0));
	cr_assert(eq(u64, out[1].seq, 2));
	cr_assert(eq(u64, r.rejected, 1));
	cr_assert(eq(u64, r.tail, 3));
	for (int i = 0; i < TRACE_REJECT_NR; i++)
		if (r.reject[i])
			return i;
	return -1;
}

static void c_seq(struct nestlab_trace_record *x) { x->seq = 7; }
static void c_type0(struct nestlab_trace_record *x) { x->type = 0; }
static void c_type_big(struct nestlab_trace_record *x) { x->type = NESTLAB_TRACE_NR; }
static void c_type_l2(struct nestlab_trace_record *x) { x->type = NESTLAB_TRACE_L2_SYSCALL_EXIT; x->a1 = 0; x->a2 = 0; }
static void c_cpl(struct nestlab_trace_record *x) { x->cpl = 4; }
static void c_flags(struct nestlab_trace_record *x) { x->flags = 0x80; }
static void c_reserved(struct nestlab_trace_record *x) { x->reserved = 1; }
static void c_reason(struct nestlab_trace_record *x) { x->code = NESTLAB_EXIT_NR; }
static void c_phase(struct nestlab_trace_record *x)
{
	*x = trace_fake_record(NESTLAB_TRACE_L1_PHASE_BEGIN, 11, NESTLAB_MAX_PHASES, 0);
	x->seq = 1;
}
static void c_unused(struct nestlab_trace_record *x)
{
	*x = trace_fake_record(NESTLAB_TRACE_L1_PHASE_END, 11, 0, 0);
	x->seq = 1;
	x->a1 = 5;
}
static void c_end_early(struct nestlab_trace_record *x) { x->a0 = x->tsc - 1; }
static void c_valid_phase(struct nestlab_trace_record *x)
{
	*x = trace_fake_record(NESTLAB_TRACE_L1_PHASE_END, 11, NESTLAB_MAX_PHASES - 1, 0);
	x->seq = 1;
}

Test(trace_ring, record_checks)
{
	cr_assert(eq(int, reject_of(c_seq), TRACE_REJECT_SEQ));
	cr_assert(eq(int, reject_of(c_type0), TRACE_REJECT_TYPE));
	cr_assert(eq(int, reject_of(c_type_big), TRACE_REJECT_TYPE));
	cr_assert(eq(int, reject_of(c_type_l2), TRACE_REJECT_TYPE));
	cr_assert(eq(int, reject_of(c_cpl), TRACE_REJECT_FIELD));
	cr_assert(eq(int, reject_of(c_flags), TRACE_REJECT_FIELD));
	cr_assert(eq(int, reject_of(c_reserved), TRACE_REJECT_FIELD));
	cr_assert(eq(int, reject_of(c_reason), TRACE_REJECT_FIELD));
	cr_assert(eq(int, reject_of(c_phase), TRACE_REJECT_FIELD));
	cr_assert(eq(int, reject_of(c_unused), TRACE_REJECT_FIELD));
	cr_assert(eq(int, reject_of(c_end_early), TRACE_REJECT_FIELD));
}

/* An l1_exit as L1 writes it: a0 the handler's end, raw qualifier words. */
static struct nestlab_trace_record raw_exit(uint32_t reason, uint64_t tsc, uint64_t end,
					    uint64_t a1, uint64_t a2)
{
	struct nestlab_trace_record x = trace_fake_record(NESTLAB_TRACE_L1_EXIT, tsc, reason, 1);

	x.a0 = end;
	x.a1 = a1;
	x.a2 = a2;
	return x;
}

Test(trace_ring, l1_exit_words_decoded)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(16, &r);
	const uint64_t junk = 0xa5a5a5a5a5a5a5a5ull;
	const struct {
		struct nestlab_trace_record in;
		uint64_t cycles, qual, qual2;
	} c[] = {
		/* cpuid: RAX, RCX; leaf and subleaf are their low halves */
		{ raw_exit(NESTLAB_EXIT_CPUID, 1000, 1313, 0xdeadbeef00000007ull,
			   0x1234567800000001ull), 313, 7, 1 },
		/* msr: index, write bit; EDX:EAX whole */
		{ raw_exit(NESTLAB_EXIT_MSR, 2000, 2000, (junk << 40) | 1ull << 32 | 0xc0000080u,
			   0x1122334455667788ull), 0, 0x1c0000080ull, 0x1122334455667788ull },
		/* ioio: port, flags; EAX */
		{ raw_exit(NESTLAB_EXIT_IOIO, 3000, 3129, (junk << 24) | 0x11u << 16 | 0x3f8,
			   0xffffffff000000abull), 129, 0x1103f8, 0xab },
		/* exceptions: vector, error code; CR2 whole */
		{ raw_exit(NESTLAB_EXIT_EXCP_PF, 4000, 4500, 0x0000000600a5a50eull,
			   0xffff800000001000ull), 500, 0x000000060000000eull,
			   0xffff800000001000ull },
		/* npf and vmmcall: every bit as written */
		{ raw_exit(NESTLAB_EXIT_NPF, 5000, 5001, 0x000ffffffffff000ull, junk), 1,
			   0x000ffffffffff000ull, junk },
		{ raw_exit(NESTLAB_EXIT_VMMCALL, 6000, 6820, junk, 0), 820, junk, 0 },
		/* the largest handler there can be */
		{ raw_exit(NESTLAB_EXIT_HLT, 0, ~0ull, 0, 0), ~0ull, 0, 0 },
	};
	size_t n = sizeof(c) / sizeof(c[0]);

	for (size_t i = 0; i < n; i++)
		cr_assert(eq(int, trace_fake_push(h, &c[i].in), 0));
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), n));
	for (size_t i = 0; i < n; i++) {
		cr_assert(eq(u64, out[i].tsc, c[i].in.tsc));
		cr_assert(eq(u32, out[i].code, c[i].in.code));
		cr_assert(eq(u64, out[i].a0, c[i].cycles));
		cr_assert(eq(u64, out[i].a1, c[i].qual));
		cr_assert(eq(u64, out[i].a2, c[i].qual2));
	}
}

Test(trace_ring, other_records_not_decoded)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);
	struct nestlab_trace_record a = trace_fake_record(NESTLAB_TRACE_L1_HYPERCALL, 50, 3, 0);
	struct nestlab_trace_record b = trace_fake_record(NESTLAB_TRACE_L1_MECH, 60, 2, 0);

	a.a0 = 5;               /* status, below tsc: not a TSC */
	a.a1 = ~0ull;
	b.a0 = 1;
	b.a1 = ~0ull;
	b.a2 = 0xa5a5a5a5a5a5a5a5ull;
	cr_assert(eq(int, trace_fake_push(h, &a), 0));
	cr_assert(eq(int, trace_fake_push(h, &b), 0));
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 2));
	cr_assert(eq(u64, out[0].a0, 5));
	cr_assert(eq(u64, out[0].a1, ~0ull));
	cr_assert(eq(u64, out[1].a0, 1));
	cr_assert(eq(u64, out[1].a1, ~0ull));
	cr_assert(eq(u64, out[1].a2, 0xa5a5a5a5a5a5a5a5ull));
}

Test(trace_ring, exit_qual_bits_per_reason)
{
	uint64_t m1, m2;

	for (uint32_t reason = 0; reason < NESTLAB_EXIT_NR; reason++) {
		uint64_t w1 = ~0ull, w2 = ~0ull;

		switch (reason) {
		case NESTLAB_EXIT_CPUID: w1 = w2 = 0xffffffffull; break;
		case NESTLAB_EXIT_MSR: w1 = 0x1ffffffffull; break;
		case NESTLAB_EXIT_IOIO: w1 = 0xffffffull; w2 = 0xffffffffull; break;
		case NESTLAB_EXIT_EXCP_DE ... NESTLAB_EXIT_EXCP_OTHER:
			w1 = 0xffffffff000000ffull;
			break;
		}
		trace_exit_qual_bits(reason, &m1, &m2);
		cr_assert(eq(u64, m1, w1), "reason %u", reason);
		cr_assert(eq(u64, m2, w2), "reason %u", reason);
	}
}

Test(trace_ring, valid_phase_record_kept)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);

	push_exits(h, 3, 10);
	c_valid_phase(&h->rec[1]);
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 3));
	cr_assert(eq(u64, r.rejected, 0));
}

Test(trace_ring, l2_ring_refuses_l1_records)
{
	struct nestlab_trace_ring *h = trace_fake_ring_init(img, RING_OFF, 8, NESTLAB_TRACE_L2);
	struct nestlab_trace_dir_entry e = entry(NESTLAB_TRACE_L2, RING_OFF,
						 NESTLAB_TRACE_RING_BYTES(8));
	struct nestlab_trace_record a = trace_fake_record(NESTLAB_TRACE_L1_EXIT, 1, 0, 1);
	struct nestlab_trace_record b = trace_fake_record(NESTLAB_TRACE_L2_PHASE_BEGIN, 2, 0, 0);
	struct trace_ring r;

	cr_assert(eq(int, trace_ring_accept(&r, &map, &e), TRACE_RING_OK));
	trace_fake_push(h, &a);
	trace_fake_push(h, &b);
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 1));
	cr_assert(eq(u32, out[0].type, NESTLAB_TRACE_L2_PHASE_BEGIN));
	cr_assert(eq(u64, r.reject[TRACE_REJECT_TYPE], 1));
}

Test(trace_ring, head_backwards_resyncs)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);

	push_exits(h, 6, 0);
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 6));
	h->head = 2;
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 0));
	cr_assert(eq(u64, r.resyncs, 1));
	cr_assert(eq(u64, r.tail, 2));
	cr_assert(eq(u64, h->tail, 2));
	/* the producer carries on from its head: records 2.. are read again */
	push_exits(h, 3, 50);
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 3));
	cr_assert(eq(u64, out[0].seq, 2));
	cr_assert(eq(u64, r.emitted, 9));
}

Test(trace_ring, head_past_capacity_rejects_and_resyncs)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);

	push_exits(h, 3, 0);
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 3));
	h->head = 3 + 9;
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 0));
	cr_assert(eq(u64, r.resyncs, 1));
	cr_assert(eq(u64, r.rejected, 9));
	cr_assert(eq(u64, r.reject[TRACE_REJECT_OVERRUN], 9));
	cr_assert(eq(u64, r.tail, 12));
	cr_assert(eq(u64, h->tail, 12));
	h->head = ~0ull;
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 0));
	cr_assert(eq(u64, r.tail, ~0ull));
	cr_assert(eq(u64, r.resyncs, 2));
}

Test(trace_ring, head_exactly_capacity_ahead_is_read)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);

	push_exits(h, 8, 0);
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 8));
	cr_assert(eq(u64, r.resyncs, 0));
	(void)h;
}

Test(trace_ring, dropped_highest_and_backwards)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);

	h->dropped = 5;
	trace_ring_drain(&r, &map, out);
	cr_assert(eq(u64, r.dropped, 5));
	h->dropped = 3;
	trace_ring_drain(&r, &map, out);
	cr_assert(eq(u64, r.dropped, 5));
	cr_assert(eq(u64, r.resyncs, 1));
	h->dropped = 9;
	trace_ring_drain(&r, &map, out);
	cr_assert(eq(u64, r.dropped, 9));
}

Test(trace_ring, header_rewritten_after_accept_is_ignored)
{
	struct trace_ring r;
	struct nestlab_trace_ring *h = ring_with(8, &r);

	push_exits(h, 4, 0);
	h->capacity = 1u << 30;
	h->magic = 0;
	h->tail = 12345;
	cr_assert(eq(sz, trace_ring_drain(&r, &map, out), 4));
	cr_assert(eq(u32, r.capacity, 8));
	cr_assert(eq(u64, h->tail, 4));
}

Test(trace_ring, record_names)
{
	cr_assert(eq(str, (char *)trace_type_info(NESTLAB_TRACE_L1_EXIT)->name, "l1_exit"));
	cr_assert(eq(str, (char *)trace_type_info(NESTLAB_TRACE_L1_EXIT)->code, "reason"));
	cr_assert(eq(u32, trace_type_info(NESTLAB_TRACE_L2_PAGE_FAULT)->producer, NESTLAB_TRACE_L2));
	cr_assert(eq(u32, trace_type_info(NESTLAB_TRACE_L1_MECH)->producer, NESTLAB_TRACE_L1));
	cr_assert(eq(u32, trace_type_by_name("l2_phase_end"), NESTLAB_TRACE_L2_PHASE_END));
	cr_assert(eq(u32, trace_type_by_name("nope"), NESTLAB_TRACE_NONE));
	cr_assert(eq(ptr, (void *)trace_type_info(0), NULL));
	cr_assert(eq(ptr, (void *)trace_type_info(NESTLAB_TRACE_NR), NULL));
	cr_assert(eq(str, (char *)trace_producer_name(NESTLAB_TRACE_L2), "l2"));
	cr_assert(eq(str, (char *)trace_producer_name(0), "?"));
	for (int i = 0; i < TRACE_REJECT_NR; i++)
		cr_assert(ne(str, (char *)trace_reject_name(i), "?"));
}
