/*
 * The collector: finds the directory in the guest-RAM mapping, accepts the
 * rings it lists (also rings added later, such as the L2 ring registered
 * by hypercall), and on each poll drains every ring, merges the records by
 * TSC (stable; L1 before L2 on equal TSCs) and hands them to a sink, with
 * a `lost` report per ring whenever its drop, reject or resync counts
 * grew. The sink decides what an event is (LTTng-UST in ust_sink.c, a
 * counter in tests). Pure apart from malloc: time comes in as arguments.
 */
#ifndef NESTLAB_TRACE_COLLECT_H
#define NESTLAB_TRACE_COLLECT_H

#include <stdint.h>
#include <nestlab/trace.h>
#include "trace_clock.h"
#include "trace_dir.h"
#include "trace_map.h"
#include "trace_ring.h"

/* Losses of one ring since its previous report. */
struct trace_lost {
	uint32_t producer;
	uint32_t ring;        /* index in the directory */
	uint64_t dropped;     /* the producer could not write (ring full) */
	uint64_t rejected;    /* copied but invalid, or skipped on overrun */
	uint64_t resyncs;     /* head or dropped moved the wrong way */
	uint64_t tail;        /* our tail after the drain */
};

struct trace_sink {
	void (*record)(void *ctx, const struct nestlab_trace_record *r, uint32_t producer,
		       uint64_t ts);
	void (*lost)(void *ctx, const struct trace_lost *l, uint64_t ts);
	void *ctx;
};

/* Per directory entry, what became of it. */
struct trace_slot {
	int seen;                            /* listed by the directory at some poll */
	enum trace_entry_rc entry_rc;
	enum trace_ring_rc ring_rc;
	int ring;                            /* index in ring[], -1 if not accepted */
	struct nestlab_trace_dir_entry e;    /* as accepted (or last seen) */
};

#define TRACE_WINDOW 256 /* records: 16 KiB per ring, cache-resident */

struct trace_collector {
	const struct trace_map *map;         /* NULL until the file is mapped */
	uint64_t dir_off, dir_bytes;
	enum trace_dir_rc dir_rc;
	uint32_t dir_magic;
	struct trace_slot slot[NESTLAB_TRACE_MAX_RINGS];
	unsigned nrings;
	struct trace_ring ring[NESTLAB_TRACE_MAX_RINGS];
	int ring_slot[NESTLAB_TRACE_MAX_RINGS];
	uint64_t ring_mul[NESTLAB_TRACE_MAX_RINGS];
	/* Per ring, a small window of checked copies the merge reads from. */
	struct nestlab_trace_record win[NESTLAB_TRACE_MAX_RINGS][TRACE_WINDOW];
	size_t wpos[NESTLAB_TRACE_MAX_RINGS], wlen[NESTLAB_TRACE_MAX_RINGS];
	struct trace_lost reported[NESTLAB_TRACE_MAX_RINGS];
	struct trace_sink sink;
	struct trace_clock clock;
	int clock_started;
	uint64_t events[NESTLAB_TRACE_NR];
	uint64_t emitted, lost_events, polls, dir_changed;
};

void trace_collector_init(struct trace_collector *c, uint64_t dir_off, uint64_t dir_bytes,
			  const struct trace_sink *sink);
/* The mapping to read from now on (it must outlive the collector's use). */
void trace_collector_attach(struct trace_collector *c, const struct trace_map *map);
/* One poll at host time `host_now` (ns, CLOCK_MONOTONIC). Returns records emitted. */
uint64_t trace_collector_poll(struct trace_collector *c, uint64_t host_now);
void trace_collector_fini(struct trace_collector *c);

/* Totals over the rings. */
uint64_t trace_collector_dropped(const struct trace_collector *c);
uint64_t trace_collector_rejected(const struct trace_collector *c);
uint64_t trace_collector_resyncs(const struct trace_collector *c);

#endif
