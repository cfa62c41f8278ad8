/*
 * Guest time on the host clock: ns = host_base + (guest_ns - first_ns),
 * clamped into [last, host_now]. Scaling uses a 32.32 fixed-point factor
 * (a multiply and a shift per record, no division).
 */
#include "trace_clock.h"

#define TRACE_NS_PER_S 1000000000ull

uint64_t trace_clock_mul(uint64_t tsc_hz)
{
	if (!tsc_hz)
		tsc_hz = TRACE_NS_PER_S;
	return (uint64_t)(((unsigned __int128)TRACE_NS_PER_S << 32) / tsc_hz) ?: 1;
}

uint64_t trace_clock_ns(uint64_t tsc, uint64_t mul)
{
	unsigned __int128 ns = ((unsigned __int128)tsc * mul) >> 32;

	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

void trace_clock_init(struct trace_clock *c, uint64_t host_base)
{
	*c = (struct trace_clock){ .host_base = host_base, .last = host_base };
}

uint64_t trace_clock_stamp(struct trace_clock *c, uint64_t guest_ns, uint64_t host_now)
{
	uint64_t rel, t;

	if (!c->have_first) {
		c->have_first = 1;
		c->first_ns = guest_ns;
	}
	rel = guest_ns > c->first_ns ? guest_ns - c->first_ns : 0;
	t = rel > UINT64_MAX - c->host_base ? UINT64_MAX : c->host_base + rel;
	if (t > host_now) {
		t = host_now;
		c->ahead++;
	}
	if (t < c->last) {
		t = c->last;
		c->behind++;
	}
	c->last = t;
	return t;
}
