/*
 * What a trace record may hold, derived from NESTLAB_TRACE_EVENTS in
 * include/nestlab/trace.h: each type's event name, the names of its code
 * and payload words, which producer may write it, and the check every
 * record copied out of a ring must pass before it becomes an event.
 */
#ifndef NESTLAB_TRACE_RECORD_H
#define NESTLAB_TRACE_RECORD_H

#include <stdint.h>
#include <nestlab/trace.h>

struct trace_type_info {
	const char *name;       /* LTTng event name without "nestlab:" */
	const char *code;       /* field name of `code` */
	const char *arg[3];     /* field names of a0..a2; "" = unused (must be 0) */
	uint32_t producer;      /* enum nestlab_trace_producer allowed to write it */
};

enum trace_reject {
	TRACE_REJECT_SEQ = 0,   /* seq != the record's index */
	TRACE_REJECT_TYPE,      /* unknown type, or not this producer's */
	TRACE_REJECT_FIELD,     /* cpl > 3, unknown flag, reserved/unused word set, code out of range */
	TRACE_REJECT_OVERRUN,   /* head more than capacity ahead: records skipped unread */
	TRACE_REJECT_NR
};

/* Info of type `t`, or NULL when it is not a known record type. */
const struct trace_type_info *trace_type_info(uint32_t t);
/* The type whose event name is `name`, or NESTLAB_TRACE_NONE. */
uint32_t trace_type_by_name(const char *name);
const char *trace_producer_name(uint32_t producer); /* "l1", "l2", "?" */
const char *trace_reject_name(enum trace_reject r);

/*
 * Checks a record copied from a ring of `producer` at index `index`.
 * Returns -1 when valid, else the enum trace_reject reason.
 */
int trace_record_check(const struct nestlab_trace_record *r, uint32_t producer, uint64_t index);

/*
 * Turns a record that passed trace_record_check into its event's values:
 * l1_exit's a0 (the handler's end TSC) becomes l1_cycles, and its a1/a2
 * lose the bits its reason leaves undefined (include/nestlab/trace.h);
 * every other type is its event already and stays as it is.
 */
void trace_record_decode(struct nestlab_trace_record *r);

/* The bits of l1_exit's a1 and a2 that reason `reason` defines. */
void trace_exit_qual_bits(uint32_t reason, uint64_t *a1, uint64_t *a2);

#endif
