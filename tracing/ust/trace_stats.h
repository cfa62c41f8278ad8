/*
 * What a collection ended with, as one plain struct: the launcher gets it
 * from the collector process through a pipe and puts it into the results
 * JSON ("trace" object) and its messages. Built from a collector by
 * trace_stats_fill().
 */
#ifndef NESTLAB_TRACE_STATS_H
#define NESTLAB_TRACE_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <nestlab/trace.h>
#include "trace_collect.h"

enum trace_map_state {
	TRACE_MAPPED      = 0,
	TRACE_NO_FILE     = 1, /* the guest-RAM file never appeared (QEMU did not start?) */
	TRACE_MAP_FAILED  = 2, /* map_error says why */
};

struct trace_ring_stats {
	uint32_t producer;
	uint32_t capacity;
	uint64_t phys, bytes, tsc_hz;
	uint64_t tail, emitted, rejected, dropped, resyncs;
	uint64_t reject[TRACE_REJECT_NR];
};

struct trace_stats {
	uint32_t magic;                    /* TRACE_STATS_MAGIC: a whole struct arrived */
	int32_t map_state;                 /* enum trace_map_state */
	char map_error[200];
	char sink_error[200];              /* LTTng sink not loaded: counted only */
	int32_t dir_rc;                    /* enum trace_dir_rc at the last poll */
	uint32_t dir_magic;
	struct {
		int32_t seen, entry_rc, ring_rc, accepted;
		uint32_t producer;
		uint64_t phys, bytes;
	} slot[NESTLAB_TRACE_MAX_RINGS];
	uint32_t nrings;
	struct trace_ring_stats ring[NESTLAB_TRACE_MAX_RINGS];
	uint64_t events[NESTLAB_TRACE_NR];
	uint64_t emitted, dropped, rejected, resyncs, lost_events;
	uint64_t polls, dir_changed, clock_ahead, clock_behind;
};

#define TRACE_STATS_MAGIC 0x54534C4Eu /* "NLST" */

void trace_stats_fill(const struct trace_collector *c, struct trace_stats *st);

/*
 * One line saying why no ring was collected (no file, no directory, bad
 * directory, every entry refused), or "" when at least one ring was.
 */
void trace_stats_problem(const struct trace_stats *st, uint64_t dir_off, char *buf, size_t len);

#endif
