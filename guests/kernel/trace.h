/*
 * The L2 kernel's trace producer (include/nestlab/trace.h): a ring of
 * records for system-call entry and exit, page faults and phase markers.
 * At level 2 the ring lives in the kernel's RAM and is registered with L1
 * (trace=hc); at level 1 it goes in the launcher's region with its
 * directory (trace=<addr>:<bytes>). Off, a record is one test of a global.
 */
#ifndef L2_TRACE_H
#define L2_TRACE_H

#include <stdint.h>
#include <nestlab/trace.h>
#include "trace/trace_producer.h"

extern struct trace_producer l2_trace;

/* Called by kmain before process_start, once RAM and the page tables are
 * set up: makes the ring and tells whoever collects it. */
void trace_init(void);

/* Record one event (a no-op when the run is not traced). */
void trace_event_slow(uint16_t type, uint8_t cpl, uint32_t code, uint64_t rip,
		      uint64_t a0, uint64_t a1, uint64_t a2);

/* Whether this run is traced (hot paths test it once, then record with
 * trace_event_slow). */
static inline int trace_on(void)
{
	return l2_trace.ring != 0;
}

static inline void trace_event(uint16_t type, uint8_t cpl, uint32_t code, uint64_t rip,
			       uint64_t a0, uint64_t a1, uint64_t a2)
{
	if (__builtin_expect(l2_trace.ring != 0, 0))
		trace_event_slow(type, cpl, code, rip, a0, a1, a2);
}

#endif
