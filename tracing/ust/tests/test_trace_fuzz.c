/*
 * Generator fuzz test of the collector, built with clang's AddressSanitizer
 * and UndefinedBehaviorSanitizer (module.mk). The guest-RAM image sits
 * between two PROT_NONE guard pages, so a read outside it faults.
 *
 * ring_generator: a hostile producer plays random operations on a ring -
 * valid records, corrupt records of every kind, rewritten unread slots,
 * head moved backwards / past capacity / anywhere, dropped moved anywhere
 * - and the consumer drains at random moments. A model that knows what it
 * wrote predicts each drain exactly: records kept, rejected, resyncs,
 * the tail written back. NESTLAB_TRACE_FUZZ_RECORDS (default 10^6 for
 * `make test`; `make trace-fuzz` runs 2*10^7) corrupt records in all.
 *
 * dir_generator: random directories and ring headers (mutations of valid
 * ones and random bytes) through the whole collector: no crash, accepted
 * rings inside the image, clear of the directory and of each other, and
 * emitted + rejected + dropped consistent.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <nestlab/exit_reason.h>
#include <nestlab/results.h>
#include "trace_collect.h"
#include "trace_fake.h"

#define PAGE      4096u
#define IMG_SIZE  (1u << 20)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fast, deterministic per seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* An image of IMG_SIZE bytes between two inaccessible pages. */
static uint8_t *guarded_image(void)
{
	uint8_t *p = mmap(NULL, IMG_SIZE + 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert(not(eq(ptr, p, MAP_FAILED)));
	cr_assert(eq(int, mprotect(p, PAGE, PROT_NONE), 0));
	cr_assert(eq(int, mprotect(p + PAGE + IMG_SIZE, PAGE, PROT_NONE), 0));
	return p + PAGE;
}

static void guarded_free(uint8_t *img)
{
	munmap(img - PAGE, IMG_SIZE + 2 * PAGE);
}

static uint64_t fuzz_records(void)
{
	const char *s = getenv("NESTLAB_TRACE_FUZZ_RECORDS");

	return s && *s ? strtoull(s, NULL, 10) : 1000000;
}

/* What the model knows about each slot. */
struct slot_model {
	uint64_t seq;     /* the seq the slot holds */
	int fields_ok;    /* everything but seq valid for an L1 ring */
};

/* Writes a corrupt record for index idx into *r; returns whether its fields stay valid. */
static int corrupt(struct nestlab_trace_record *r, uint64_t idx)
{
	*r = trace_fake_record(NESTLAB_TRACE_L1_EXIT, idx, (uint32_t)rnd_below(NESTLAB_EXIT_NR), 1);
	r->seq = idx;
	switch (rnd_below(11)) {
	case 0: /* seq off: fields fine */
		r->seq = idx + 1 + rnd_below(1ull << 62);
		return 1;
	case 1:
		r->type = (uint16_t)(NESTLAB_TRACE_NR + rnd_below(60000));
		return 0;
	case 2:
		r->type = (uint16_t)(NESTLAB_TRACE_L2_SYSCALL_ENTRY + rnd_below(5)); /* not L1's */
		return 0;
	case 3:
		r->cpl = (uint8_t)(4 + rnd_below(252));
		return 0;
	case 4:
		r->flags = (uint8_t)(2 + rnd_below(254));
		return 0;
	case 5:
		r->reserved = 1 + rnd_below(~0ull - 1);
		return 0;
	case 6:
		r->code = (uint32_t)(NESTLAB_EXIT_NR + rnd_below(1ull << 31));
		return 0;
	case 7:
		*r = trace_fake_record(NESTLAB_TRACE_L1_PHASE_BEGIN, idx,
				       (uint32_t)(NESTLAB_MAX_PHASES + rnd_below(1000)), 0);
		r->seq = idx;
		return 0;
	case 8:
		*r = trace_fake_record(NESTLAB_TRACE_L1_PHASE_END, idx, 0, 0);
		r->seq = idx;
		r->a0 = 1 + rnd_below(~0ull - 1); /* an unused word */
		return 0;
	case 9: /* an exit whose handler ended before it began */
		r->tsc = 1 + rnd();
		if (!r->tsc)
			r->tsc = 1;
		r->a0 = rnd_below(r->tsc);
		return 0;
	default: /* random bytes, type 0 so surely invalid */
		for (unsigned i = 0; i < sizeof(*r); i++)
			((uint8_t *)r)[i] = (uint8_t)rnd();
		r->type = 0;
		return 0;
	}
}

Test(trace_fuzz, ring_generator, .timeout = 600)
{
	uint8_t *img = guarded_image();
	uint64_t want = fuzz_records(), corrupt_total = 0, drains = 0, rounds = 0;
	struct nestlab_trace_record *out = malloc(1024 * sizeof(*out));

	cr_assert(not(eq(ptr, out, NULL)));
	rng_state = 0x6e65737461626c31ull;
	while (corrupt_total < want) {
		uint32_t cap = 1u << rnd_below(11);
		uint64_t bytes = NESTLAB_TRACE_RING_BYTES(cap);
		/* anywhere, up to flush with the end of the image */
		uint64_t off = rnd_below((IMG_SIZE - bytes) / 8 + 1) * 8;
		struct nestlab_trace_ring *h;
		struct nestlab_trace_dir_entry e = { NESTLAB_TRACE_L1, 0, off, bytes, 0 };
		struct slot_model *sm = calloc(cap, sizeof(*sm));
		struct trace_map m;
		struct trace_ring r;
		uint64_t tail = 0, adv = 0, rejected = 0, emitted = 0, resyncs = 0, maxdrop = 0;

		cr_assert(not(eq(ptr, sm, NULL)));
		memset(img, 0, IMG_SIZE);
		trace_map_wrap(&m, img, IMG_SIZE);
		h = trace_fake_ring_init(img, off, cap, NESTLAB_TRACE_L1);
		cr_assert(eq(int, trace_ring_accept(&r, &m, &e), TRACE_RING_OK));
		for (unsigned i = 0; i < cap; i++)
			sm[i].seq = ~0ull;
		rounds++;

		for (unsigned op = 0; op < 4000 && corrupt_total < want; op++) {
			uint64_t head = h->head, k = rnd_below(100);

			if (k < 40) { /* produce, valid or corrupt */
				struct nestlab_trace_record rec;
				unsigned s = (unsigned)(head & (cap - 1));
				int bad = rnd_below(3) == 0;

				if (head - tail >= cap && rnd_below(4)) {
					h->dropped++;
					continue;
				}
				if (bad) {
					sm[s].fields_ok = corrupt(&rec, head);
					corrupt_total++;
				} else {
					rec = trace_fake_record(NESTLAB_TRACE_L1_EXIT, head,
								(uint32_t)rnd_below(NESTLAB_EXIT_NR), 1);
					rec.seq = head;
					sm[s].fields_ok = 1;
				}
				sm[s].seq = rec.seq;
				h->rec[s] = rec;
				h->head = head + 1;
			} else if (k < 50) { /* rewrite a slot, read or not */
				struct nestlab_trace_record rec;
				unsigned s = (unsigned)rnd_below(cap);

				sm[s].fields_ok = corrupt(&rec, rnd_below(2) ? head : rnd());
				sm[s].seq = rec.seq;
				h->rec[s] = rec;
				corrupt_total++;
			} else if (k < 53) { /* head anywhere */
				switch (rnd_below(4)) {
				case 0: h->head = head - rnd_below(head + 1); break;
				case 1: h->head = tail + cap + 1 + rnd_below(1000); break;
				case 2: h->head = rnd(); break;
				default: h->head = tail + rnd_below(cap + 1); break;
				}
			} else if (k < 56) { /* dropped anywhere */
				h->dropped = rnd_below(2) ? rnd() : h->dropped + rnd_below(10);
			} else if (k < 58) { /* the header under the consumer's feet */
				h->capacity = (uint32_t)rnd();
				h->magic = (uint32_t)rnd();
				h->tail = rnd();
			} else if (k < 75) { /* drain, predicted */
				uint64_t hd = h->head, kept_want = 0, rej_want = 0, d = h->dropped;
				size_t kept;

				if (hd < tail) {
					resyncs++;
				} else if (hd - tail > cap) {
					resyncs++;
					rej_want = hd - tail;
					adv += hd - tail;
				} else {
					for (uint64_t i = tail; i < hd; i++) {
						const struct slot_model *x = &sm[i & (cap - 1)];

						if (x->fields_ok && x->seq == i)
							kept_want++;
						else
							rej_want++;
					}
					adv += hd - tail;
				}
				if (d > maxdrop)
					maxdrop = d;
				else if (d < maxdrop)
					resyncs++;
				kept = trace_ring_drain(&r, &m, out);
				drains++;
				cr_assert(eq(u64, kept, kept_want));
				cr_assert(eq(u64, r.rejected - rejected, rej_want));
				for (size_t i = 0; i < kept; i++) {
					cr_assert(ge(u64, out[i].seq, tail));
					cr_assert(lt(u64, out[i].seq, hd));
					cr_assert(i == 0 || out[i].seq > out[i - 1].seq);
				}
				rejected = r.rejected;
				emitted += kept;
				tail = hd;
				cr_assert(eq(u64, r.tail, tail));
				cr_assert(eq(u64, h->tail, tail));
				cr_assert(eq(u64, r.emitted, emitted));
				cr_assert(eq(u64, r.resyncs, resyncs));
				cr_assert(eq(u64, r.dropped, maxdrop));
				/* every index the head moved forward over: emitted or rejected */
				cr_assert(eq(u64, r.emitted + r.rejected, adv));
				cr_assert(eq(u32, r.capacity, cap));
			}
		}
		free(sm);
	}
	cr_log_info("ring_generator: %lu corrupt records, %lu drains, %lu rings",
		    (unsigned long)corrupt_total, (unsigned long)drains, (unsigned long)rounds);
	fprintf(stderr, "trace fuzz: %lu corrupt records, %lu drains, %lu rings: 0 crashes\n",
		(unsigned long)corrupt_total, (unsigned long)drains, (unsigned long)rounds);
	free(out);
	guarded_free(img);
}

static void noop_record(void *ctx, const struct nestlab_trace_record *r, uint32_t p, uint64_t ts)
{
	uint64_t *n = ctx;

	(*n)++;
}

/* A directory entry: mostly plausible, sometimes wild. */
static struct nestlab_trace_dir_entry random_entry(uint64_t dir_off)
{
	struct nestlab_trace_dir_entry e = { 0 };
	uint32_t cap = 1u << rnd_below(8);

	e.producer = (uint32_t)(rnd_below(8) ? 1 + rnd_below(2) : rnd());
	e.bytes = rnd_below(6) ? NESTLAB_TRACE_RING_BYTES(cap) : rnd();
	switch (rnd_below(6)) {
	case 0: e.phys = rnd(); break;
	case 1: e.phys = dir_off + rnd_below(PAGE); break;
	case 2: e.phys = IMG_SIZE - rnd_below(4 * PAGE); break;
	default: e.phys = rnd_below(IMG_SIZE / 64) * 64; break;
	}
	if (rnd_below(8) == 0)
		e.phys |= rnd_below(8);
	e.tsc_hz = rnd_below(2) ? 0 : rnd();
	return e;
}

Test(trace_fuzz, dir_generator, .timeout = 600)
{
	uint8_t *img = guarded_image();
	unsigned rounds = (unsigned)(fuzz_records() / 100);

	rng_state = 0x6e65737461626c32ull;
	for (unsigned round = 0; round < rounds; round++) {
		uint64_t dir_off = rnd_below(4) ? IMG_SIZE - 8 * PAGE : rnd_below(IMG_SIZE);
		struct nestlab_trace_dir *d;
		struct trace_collector c;
		uint64_t n = 0;
		struct trace_sink sink = { noop_record, NULL, &n };
		struct trace_map m;

		dir_off &= ~7ull;
		memset(img, 0, IMG_SIZE);
		trace_map_wrap(&m, img, IMG_SIZE);
		trace_collector_init(&c, dir_off, PAGE, &sink);
		trace_collector_attach(&c, &m);
		if (dir_off + sizeof(*d) <= IMG_SIZE) {
			d = (void *)(img + dir_off);
			trace_fake_dir_init(img, dir_off);
			for (unsigned i = 0, nr = (unsigned)rnd_below(5); i < nr; i++) {
				struct nestlab_trace_dir_entry e = random_entry(dir_off);

				trace_fake_dir_add(img, dir_off, e.producer, e.phys, e.bytes, e.tsc_hz);
				/* a ring header where it points, if it fits, sometimes mangled */
				if (e.phys + 64 <= IMG_SIZE && e.phys + 64 > e.phys && !(e.phys & 7)) {
					uint64_t room = (IMG_SIZE - e.phys - 64) / 64;
					uint32_t cap = 1u << rnd_below(8);
					struct nestlab_trace_ring *h;

					if (cap > room)
						continue;
					h = trace_fake_ring_init(img, e.phys, cap, e.producer);
					if (rnd_below(3) == 0)
						((uint32_t *)h)[rnd_below(5)] = (uint32_t)rnd();
					for (uint32_t j = 0; j < cap; j++) {
						uint32_t t = 1 + (uint32_t)rnd_below(NESTLAB_TRACE_NR - 1);
						struct nestlab_trace_record rec =
							trace_fake_record(t, rnd(), 0, 0);

						if (trace_fake_push(h, &rec))
							break;
					}
					h->dropped = rnd_below(4) ? 0 : rnd();
					h->head = rnd_below(4) ? h->head : rnd();
				}
			}
			if (rnd_below(4) == 0)
				((uint32_t *)d)[rnd_below(sizeof(*d) / 4)] = (uint32_t)rnd();
			if (rnd_below(10) == 0)
				for (unsigned i = 0; i < sizeof(*d); i++)
					((uint8_t *)d)[i] = (uint8_t)rnd();
		}
		for (int p = 0; p < 3; p++)
			trace_collector_poll(&c, 1000 + (uint64_t)p);

		for (unsigned k = 0; k < c.nrings; k++) {
			const struct trace_ring *r = &c.ring[k];
			uint64_t len = NESTLAB_TRACE_RING_BYTES(r->capacity);

			cr_assert(trace_map_contains(&m, r->off, len));
			cr_assert(not(trace_ranges_overlap(r->off, len, dir_off, PAGE)));
			for (unsigned j = 0; j < k; j++)
				cr_assert(not(trace_ranges_overlap(r->off, len, c.ring[j].off,
					NESTLAB_TRACE_RING_BYTES(c.ring[j].capacity))));
			cr_assert(eq(u64, r->emitted + r->rejected <= r->tail || r->resyncs, 1));
		}
		cr_assert(eq(u64, n, c.emitted));
		trace_collector_fini(&c);
	}
	guarded_free(img);
}
