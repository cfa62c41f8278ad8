/*
 * Collector polls. The directory is copied out of the mapping before it
 * is parsed; an entry, once its ring is accepted, is frozen (a later change
 * is counted in dir_changed and ignored), so the producer cannot move a
 * ring under the consumer. Rings are accepted in directory order but
 * merged in producer order (L1 rings first), which is the tie rule.
 */
#include "trace_collect.h"

#include <string.h>

void trace_collector_init(struct trace_collector *c, uint64_t dir_off, uint64_t dir_bytes,
			  const struct trace_sink *sink)
{
	memset(c, 0, sizeof(*c));
	c->dir_off = dir_off;
	c->dir_bytes = dir_bytes;
	c->dir_rc = TRACE_DIR_ABSENT;
	c->sink = *sink;
	for (unsigned i = 0; i < NESTLAB_TRACE_MAX_RINGS; i++)
		c->slot[i].ring = -1;
}

void trace_collector_attach(struct trace_collector *c, const struct trace_map *map)
{
	c->map = map;
}

void trace_collector_fini(struct trace_collector *c)
{
	c->nrings = 0;
}

static int trace_entry_same(const struct nestlab_trace_dir_entry *a,
			    const struct nestlab_trace_dir_entry *b)
{
	return a->producer == b->producer && a->phys == b->phys && a->bytes == b->bytes &&
	       a->tsc_hz == b->tsc_hz;
}

/* Inserts ring `r` keeping L1 rings before L2 rings (then directory order). */
static void trace_collector_add_ring(struct trace_collector *c, const struct trace_ring *r,
				     int slot)
{
	unsigned at = c->nrings;

	while (at > 0 && c->ring[at - 1].producer > r->producer) {
		c->ring[at] = c->ring[at - 1];
		c->ring_slot[at] = c->ring_slot[at - 1];
		c->ring_mul[at] = c->ring_mul[at - 1];
		c->reported[at] = c->reported[at - 1];
		c->slot[c->ring_slot[at]].ring = (int)at;
		at--;
	}
	c->ring[at] = *r;
	c->ring_slot[at] = slot;
	c->ring_mul[at] = trace_clock_mul(r->tsc_hz);
	memset(&c->reported[at], 0, sizeof(c->reported[at]));
	c->slot[slot].ring = (int)at;
	c->nrings++;
}

static int trace_collector_overlaps_accepted(const struct trace_collector *c,
					     const struct nestlab_trace_dir_entry *e)
{
	for (unsigned i = 0; i < c->nrings; i++) {
		const struct trace_slot *s = &c->slot[c->ring_slot[i]];

		if (trace_ranges_overlap(e->phys, e->bytes, s->e.phys, s->e.bytes))
			return 1;
	}
	return 0;
}

static void trace_collector_scan_dir(struct trace_collector *c)
{
	struct nestlab_trace_dir copy;
	struct trace_dir_view v;
	const void *src = trace_map_ptr(c->map, c->dir_off, sizeof(copy));

	if (!src) {
		c->dir_rc = TRACE_DIR_OUTSIDE;
		return;
	}
	memcpy(&copy, src, sizeof(copy));
	c->dir_rc = trace_dir_parse(&copy, c->map->size, c->dir_off, c->dir_bytes, &v);
	c->dir_magic = v.magic;
	if (c->dir_rc != TRACE_DIR_OK)
		return;
	for (uint32_t i = 0; i < v.nr_rings; i++) {
		struct trace_slot *s = &c->slot[i];
		const struct nestlab_trace_dir_entry *e = &v.entry[i].e;
		struct trace_ring r;

		if (s->ring >= 0) {
			if (!trace_entry_same(&s->e, e))
				c->dir_changed++;
			continue;
		}
		s->seen = 1;
		s->e = *e;
		s->entry_rc = v.entry[i].rc;
		if (s->entry_rc == TRACE_ENTRY_OK && trace_collector_overlaps_accepted(c, e))
			s->entry_rc = TRACE_ENTRY_OVERLAPS;
		if (s->entry_rc != TRACE_ENTRY_OK)
			continue;
		s->ring_rc = trace_ring_accept(&r, c->map, e);
		if (s->ring_rc != TRACE_RING_OK)
			continue;
		trace_collector_add_ring(c, &r, (int)i);
	}
}

static void trace_collector_emit(struct trace_collector *c, unsigned k,
				 const struct nestlab_trace_record *r, uint64_t host_now)
{
	uint64_t ts = trace_clock_stamp(&c->clock, trace_clock_ns(r->tsc, c->ring_mul[k]),
					host_now);

	c->events[r->type]++;
	c->emitted++;
	c->sink.record(c->sink.ctx, r, c->ring[k].producer, ts);
}

/* Refills ring k's window when it is used up; 0 when the ring has nothing left. */
static int trace_collector_refill(struct trace_collector *c, unsigned k)
{
	if (c->wpos[k] < c->wlen[k])
		return 1;
	c->wpos[k] = 0;
	c->wlen[k] = trace_ring_read(&c->ring[k], c->map, c->win[k], TRACE_WINDOW);
	return c->wlen[k] > 0;
}

/*
 * Stable merge by TSC of what every ring holds at this poll; ties go to the
 * lower ring index (L1 rings come first). One ring: straight through.
 */
static void trace_collector_merge(struct trace_collector *c, uint64_t host_now)
{
	unsigned live = 0;

	for (unsigned k = 0; k < c->nrings; k++) {
		c->wpos[k] = c->wlen[k] = 0;
		if (trace_ring_begin(&c->ring[k], c->map) && trace_collector_refill(c, k))
			live |= 1u << k;
	}
	if (live == 1) {
		do {
			for (size_t i = 0; i < c->wlen[0]; i++)
				trace_collector_emit(c, 0, &c->win[0][i], host_now);
			c->wpos[0] = c->wlen[0];
		} while (trace_collector_refill(c, 0));
		return;
	}
	while (live) {
		int best = -1;
		uint64_t best_tsc = 0;

		for (unsigned k = 0; k < c->nrings; k++) {
			uint64_t tsc;

			if (!(live & (1u << k)))
				continue;
			tsc = c->win[k][c->wpos[k]].tsc;
			if (best < 0 || tsc < best_tsc) {
				best = (int)k;
				best_tsc = tsc;
			}
		}
		trace_collector_emit(c, (unsigned)best, &c->win[best][c->wpos[best]], host_now);
		c->wpos[best]++;
		if (!trace_collector_refill(c, (unsigned)best))
			live &= ~(1u << best);
	}
}

static void trace_collector_report_lost(struct trace_collector *c, unsigned k)
{
	const struct trace_ring *r = &c->ring[k];
	struct trace_lost *rep = &c->reported[k];
	struct trace_lost l = {
		.producer = r->producer, .ring = (uint32_t)c->ring_slot[k],
		.dropped = r->dropped - rep->dropped, .rejected = r->rejected - rep->rejected,
		.resyncs = r->resyncs - rep->resyncs, .tail = r->tail,
	};

	if (!l.dropped && !l.rejected && !l.resyncs)
		return;
	rep->dropped = r->dropped;
	rep->rejected = r->rejected;
	rep->resyncs = r->resyncs;
	c->lost_events++;
	if (c->sink.lost)
		c->sink.lost(c->sink.ctx, &l, c->clock.last);
}

uint64_t trace_collector_poll(struct trace_collector *c, uint64_t host_now)
{
	uint64_t before = c->emitted;

	if (!c->map)
		return 0;
	if (!c->clock_started) {
		trace_clock_init(&c->clock, host_now);
		c->clock_started = 1;
	}
	c->polls++;
	trace_collector_scan_dir(c);
	trace_collector_merge(c, host_now);
	for (unsigned k = 0; k < c->nrings; k++)
		trace_collector_report_lost(c, k);
	return c->emitted - before;
}

uint64_t trace_collector_dropped(const struct trace_collector *c)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < c->nrings; k++)
		n += c->ring[k].dropped;
	return n;
}

uint64_t trace_collector_rejected(const struct trace_collector *c)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < c->nrings; k++)
		n += c->ring[k].rejected;
	return n;
}

uint64_t trace_collector_resyncs(const struct trace_collector *c)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < c->nrings; k++)
		n += c->ring[k].resyncs;
	return n;
}
