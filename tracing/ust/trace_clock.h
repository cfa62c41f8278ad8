/*
 * Event timestamps from guest time (the clock decision, docs/tracing.md):
 * a record's TSC is scaled to ns with its ring's tsc_hz (0: 1 GHz, which
 * is what TCG's -icount shift=0 gives), taken relative to the first
 * record, and laid on the host's CLOCK_MONOTONIC from the collector's
 * start. Two clamps keep it a valid LTTng clock: never ahead of the host
 * clock when emitted (lttng-consumerd stamps packet ends with it), never
 * behind the previous event. Pure: the host time is an argument.
 */
#ifndef NESTLAB_TRACE_CLOCK_H
#define NESTLAB_TRACE_CLOCK_H

#include <stdint.h>

struct trace_clock {
	uint64_t host_base;   /* CLOCK_MONOTONIC ns when collection started */
	uint64_t first_ns;    /* guest ns of the first record */
	int have_first;
	uint64_t last;        /* last timestamp handed out */
	uint64_t ahead;       /* records clamped to the host clock */
	uint64_t behind;      /* records clamped to the previous timestamp */
};

/* Scale factor for tsc_hz: ns = (tsc * mul) >> 32. */
uint64_t trace_clock_mul(uint64_t tsc_hz);
/* Guest ns of `tsc` (saturating). */
uint64_t trace_clock_ns(uint64_t tsc, uint64_t mul);

void trace_clock_init(struct trace_clock *c, uint64_t host_base);
/* Timestamp of a record at guest time `guest_ns`, emitted at `host_now`. */
uint64_t trace_clock_stamp(struct trace_clock *c, uint64_t guest_ns, uint64_t host_now);

#endif
