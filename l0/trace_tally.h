/*
 * Counting a trace's events for `nestlab trace-stats` (pure, fed one event
 * at a time by trace_read.c): events per type, per phase, l1_exit per
 * reason per phase, and losses (nestlab:lost per producer, LTTng's own
 * discarded events). A phase is opened by l1_phase_begin (L1's events) or
 * l2_phase_begin (L2's) with the phase index as code, closed by the
 * matching end; an event counts in the open phase of its producer when
 * it carries NESTLAB_TRACE_F_IN_PHASE (L1 sets it exactly for the exits it
 * counts in the phase). And the --check comparison with a results JSON.
 */
#ifndef L0_TRACE_TALLY_H
#define L0_TRACE_TALLY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <nestlab/exit_reason.h>
#include <nestlab/results.h>
#include <nestlab/trace.h>
#include "json_read.h"

struct trace_tally_phase {
	int seen;
	uint64_t events[NESTLAB_TRACE_NR];
	uint64_t exits[NESTLAB_EXIT_NR];
};

struct trace_tally {
	uint64_t events[NESTLAB_TRACE_NR];
	uint64_t total;                     /* nestlab record events */
	uint64_t lost_events, other_events;
	uint64_t dropped[3], rejected[3], resyncs[3]; /* by producer (0: unknown) */
	uint64_t discarded;                 /* LTTng discarded-events counts */
	uint64_t discarded_unknown;         /* discarded-events messages without a count */
	int open[3];                        /* open phase per producer, -1: none */
	uint64_t unattributed;              /* in-phase flag but no phase open */
	struct trace_tally_phase phase[NESTLAB_MAX_PHASES];
};

void trace_tally_init(struct trace_tally *t);
/* A record event of `type` (enum nestlab_trace_event). */
void trace_tally_event(struct trace_tally *t, uint32_t type, uint8_t flags, uint64_t code);
void trace_tally_lost(struct trace_tally *t, uint32_t producer, uint64_t dropped,
		      uint64_t rejected, uint64_t resyncs);

/* Writes the human report. */
void trace_tally_print(const struct trace_tally *t, FILE *f);

/*
 * --check: compares with a results JSON tree. Returns 0 when they agree,
 * 1 when not; `verdict` gets one line either way.
 */
int trace_tally_check(const struct trace_tally *t, const struct json *results,
		      char *verdict, size_t len);

#endif
