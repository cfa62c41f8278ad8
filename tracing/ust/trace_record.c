/*
 * The record table (a type's producer is the L1_/L2_ prefix of its id) and check, generated from the X-macro. A payload word
 * named "" is unused and must be 0, like `reserved`: producers zero what
 * they do not fill, so anything else there is corruption. Codes with a
 * known range (exit reasons, phase indices) are range-checked, and an
 * l1_exit must end no earlier than it began. The decoding of l1_exit's
 * raw words (ABI 2, include/nestlab/trace.h) runs after the check, on the
 * copy that becomes the event.
 */
#include "trace_record.h"

#include <string.h>
#include <nestlab/exit_reason.h>
#include <nestlab/results.h>

static const struct trace_type_info trace_types[NESTLAB_TRACE_NR] = {
#define TRACE_INFO_(id, nm, cd, x0, x1, x2) \
	[NESTLAB_TRACE_##id] = { nm, cd, { x0, x1, x2 }, (#id)[1] == '1' ? NESTLAB_TRACE_L1 \
								   : NESTLAB_TRACE_L2 },
	NESTLAB_TRACE_EVENTS(TRACE_INFO_)
#undef TRACE_INFO_
};

const struct trace_type_info *trace_type_info(uint32_t t)
{
	if (t == NESTLAB_TRACE_NONE || t >= NESTLAB_TRACE_NR)
		return NULL;
	return &trace_types[t];
}

uint32_t trace_type_by_name(const char *name)
{
	for (uint32_t t = 1; t < NESTLAB_TRACE_NR; t++)
		if (!strcmp(trace_types[t].name, name))
			return t;
	return NESTLAB_TRACE_NONE;
}

const char *trace_producer_name(uint32_t producer)
{
	switch (producer) {
	case NESTLAB_TRACE_L1: return "l1";
	case NESTLAB_TRACE_L2: return "l2";
	}
	return "?";
}

const char *trace_reject_name(enum trace_reject r)
{
	switch (r) {
	case TRACE_REJECT_SEQ:     return "bad_seq";
	case TRACE_REJECT_TYPE:    return "bad_type";
	case TRACE_REJECT_FIELD:   return "bad_field";
	case TRACE_REJECT_OVERRUN: return "overrun";
	case TRACE_REJECT_NR:      break;
	}
	return "?";
}

/* Upper bound (exclusive) of `code` for types whose code has a range. */
static uint64_t trace_code_limit(uint32_t type)
{
	switch (type) {
	case NESTLAB_TRACE_L1_EXIT:
		return NESTLAB_EXIT_NR;
	case NESTLAB_TRACE_L1_PHASE_BEGIN:
	case NESTLAB_TRACE_L1_PHASE_END:
	case NESTLAB_TRACE_L2_PHASE_BEGIN:
	case NESTLAB_TRACE_L2_PHASE_END:
		return NESTLAB_MAX_PHASES;
	}
	return 1ull << 32;
}

int trace_record_check(const struct nestlab_trace_record *r, uint32_t producer, uint64_t index)
{
	const struct trace_type_info *ti;
	const uint64_t a[3] = { r->a0, r->a1, r->a2 };

	if (r->seq != index)
		return TRACE_REJECT_SEQ;
	ti = trace_type_info(r->type);
	if (!ti || ti->producer != producer)
		return TRACE_REJECT_TYPE;
	if (r->cpl > 3 || (r->flags & ~NESTLAB_TRACE_F_IN_PHASE) || r->reserved ||
	    r->code >= trace_code_limit(r->type))
		return TRACE_REJECT_FIELD;
	for (int i = 0; i < 3; i++)
		if (!ti->arg[i][0] && a[i])
			return TRACE_REJECT_FIELD;
	if (r->type == NESTLAB_TRACE_L1_EXIT && r->a0 < r->tsc)
		return TRACE_REJECT_FIELD;  /* its handler ended before the exit */
	return -1;
}

void trace_exit_qual_bits(uint32_t reason, uint64_t *a1, uint64_t *a2)
{
	*a1 = *a2 = ~0ull;
	switch (reason) {
	case NESTLAB_EXIT_CPUID:
		*a1 = *a2 = 0xffffffffull;
		break;
	case NESTLAB_EXIT_MSR:
		*a1 = 0x1ffffffffull;
		break;
	case NESTLAB_EXIT_IOIO:
		*a1 = 0xffffffull;
		*a2 = 0xffffffffull;
		break;
	case NESTLAB_EXIT_EXCP_DE ... NESTLAB_EXIT_EXCP_OTHER:
		*a1 = 0xffffffff000000ffull;
		break;
	}
}

void trace_record_decode(struct nestlab_trace_record *r)
{
	uint64_t m1, m2;

	if (r->type != NESTLAB_TRACE_L1_EXIT)
		return;
	trace_exit_qual_bits(r->code, &m1, &m2);
	r->a0 -= r->tsc;
	r->a1 &= m1;
	r->a2 &= m2;
}
