/*
 * Collector results in a pipe-friendly struct, and the one-line diagnosis
 * the launcher prints and writes when a trace could not be collected.
 */
#include "trace_stats.h"

#include <stdio.h>
#include <string.h>

void trace_stats_fill(const struct trace_collector *c, struct trace_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->magic = TRACE_STATS_MAGIC;
	st->map_state = c->map ? TRACE_MAPPED : TRACE_NO_FILE;
	st->dir_rc = c->dir_rc;
	st->dir_magic = c->dir_magic;
	for (unsigned i = 0; i < NESTLAB_TRACE_MAX_RINGS; i++) {
		const struct trace_slot *s = &c->slot[i];

		st->slot[i].seen = s->seen;
		st->slot[i].entry_rc = s->entry_rc;
		st->slot[i].ring_rc = s->ring_rc;
		st->slot[i].accepted = s->ring >= 0;
		st->slot[i].producer = s->e.producer;
		st->slot[i].phys = s->e.phys;
		st->slot[i].bytes = s->e.bytes;
	}
	st->nrings = c->nrings;
	for (unsigned k = 0; k < c->nrings; k++) {
		const struct trace_ring *r = &c->ring[k];
		struct trace_ring_stats *rs = &st->ring[k];

		rs->producer = r->producer;
		rs->capacity = r->capacity;
		rs->phys = r->off;
		rs->bytes = c->slot[c->ring_slot[k]].e.bytes;
		rs->tsc_hz = r->tsc_hz;
		rs->tail = r->tail;
		rs->emitted = r->emitted;
		rs->rejected = r->rejected;
		rs->dropped = r->dropped;
		rs->resyncs = r->resyncs;
		memcpy(rs->reject, r->reject, sizeof(rs->reject));
	}
	memcpy(st->events, c->events, sizeof(st->events));
	st->emitted = c->emitted;
	st->dropped = trace_collector_dropped(c);
	st->rejected = trace_collector_rejected(c);
	st->resyncs = trace_collector_resyncs(c);
	st->lost_events = c->lost_events;
	st->polls = c->polls;
	st->dir_changed = c->dir_changed;
	st->clock_ahead = c->clock.ahead;
	st->clock_behind = c->clock.behind;
}

void trace_stats_problem(const struct trace_stats *st, uint64_t dir_off, char *buf, size_t len)
{
	size_t n;

	buf[0] = '\0';
	if (st->map_state == TRACE_MAP_FAILED) {
		snprintf(buf, len, "guest RAM file: %s", st->map_error);
		return;
	}
	if (st->map_state == TRACE_NO_FILE) {
		snprintf(buf, len, "the guest RAM file never appeared (QEMU did not start)");
		return;
	}
	if (st->nrings)
		return;
	if (st->dir_rc == TRACE_DIR_ABSENT) {
		snprintf(buf, len, "no trace directory found at 0x%llx: the guest never wrote one "
			 "(its image does not trace yet, or it stopped before tracing was set up)",
			 (unsigned long long)dir_off);
		return;
	}
	if (st->dir_rc != TRACE_DIR_OK) {
		snprintf(buf, len, "trace directory at 0x%llx refused: %s (magic 0x%08x)",
			 (unsigned long long)dir_off, trace_dir_rc_name(st->dir_rc), st->dir_magic);
		return;
	}
	n = (size_t)snprintf(buf, len, "trace directory at 0x%llx lists no usable ring",
			     (unsigned long long)dir_off);
	for (unsigned i = 0; i < NESTLAB_TRACE_MAX_RINGS && n < len; i++) {
		if (!st->slot[i].seen)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "; ring %u at 0x%llx: %s", i,
				      (unsigned long long)st->slot[i].phys,
				      st->slot[i].entry_rc ? trace_entry_rc_name(st->slot[i].entry_rc)
				      : trace_ring_rc_name(st->slot[i].ring_rc));
	}
}
