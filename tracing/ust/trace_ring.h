/*
 * Consumer side of one trace ring (struct nestlab_trace_ring). The ring
 * lives in guest memory and may be rewritten at any moment by an untrusted
 * producer, so the consumer copies the header once when it accepts the
 * ring, keeps capacity and its own tail from then on, and on every drain
 * reads only head and dropped from the ring, copies the records out, and
 * checks the copies. It writes tail back, and nothing else.
 *
 * Accounting, per ring: every index the head moved forward over is
 * counted exactly once, as emitted (a valid record) or rejected (a bad
 * record, or skipped because head ran more than capacity ahead); so for a
 * producer whose head only grows, emitted + rejected == head and
 * emitted + rejected + dropped == what it produced.
 */
#ifndef NESTLAB_TRACE_RING_H
#define NESTLAB_TRACE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <nestlab/trace.h>
#include "trace_map.h"
#include "trace_record.h"

enum trace_ring_rc {
	TRACE_RING_OK          = 0,
	TRACE_RING_OUTSIDE     = 1, /* entry not inside the map */
	TRACE_RING_BAD_MAGIC   = 2,
	TRACE_RING_BAD_ABI     = 3,
	TRACE_RING_BAD_RECSIZE = 4,
	TRACE_RING_BAD_CAP     = 5, /* 0, not a power of two, or > NESTLAB_TRACE_MAX_RECORDS */
	TRACE_RING_TOO_BIG     = 6, /* capacity does not fit in the entry's bytes */
	TRACE_RING_BAD_PRODUCER = 7, /* header's producer differs from the entry's */
};

struct trace_ring {
	uint32_t producer;
	uint32_t capacity;
	uint64_t off;         /* file offset of the header */
	uint64_t tsc_hz;      /* from the directory entry */
	uint64_t tail;        /* ours: the authoritative tail */
	uint64_t emitted;     /* valid records handed out */
	uint64_t rejected;    /* indices counted but not handed out */
	uint64_t reject[TRACE_REJECT_NR];
	uint64_t dropped;     /* the producer's drop count, highest seen */
	uint64_t resyncs;     /* head ran backwards or too far ahead; dropped ran backwards */
	uint64_t end;         /* this drain: the head read by trace_ring_begin */
};

/* Checks the ring header that `e` points to and fills `r`. */
enum trace_ring_rc trace_ring_accept(struct trace_ring *r, const struct trace_map *m,
				     const struct nestlab_trace_dir_entry *e);
const char *trace_ring_rc_name(enum trace_ring_rc rc);

/*
 * A drain in steps, so the collector can merge rings through small
 * cache-resident windows: trace_ring_begin() reads head (and dropped),
 * handles a head that ran backwards or too far, and returns how many
 * records are there to read; trace_ring_read() copies up to `max` of them
 * into `out`, checks the copies, keeps the valid ones (in ring order) at
 * the start of `out` and returns how many it kept, writing tail back as it
 * goes; it returns 0 only when the drain is complete.
 */
uint64_t trace_ring_begin(struct trace_ring *r, const struct trace_map *m);
size_t trace_ring_read(struct trace_ring *r, const struct trace_map *m,
		       struct nestlab_trace_record *out, size_t max);
/* True while trace_ring_read() has records left in this drain. */
static inline int trace_ring_pending(const struct trace_ring *r)
{
	return r->tail < r->end;
}

/*
 * Drains the ring once, whole: `out` must hold r->capacity records.
 * Returns how many valid records it kept at the start of `out`.
 */
size_t trace_ring_drain(struct trace_ring *r, const struct trace_map *m,
			struct nestlab_trace_record *out);

#endif
