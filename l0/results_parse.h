/*
 * Parser of the results stream (format: include/nestlab/results.h) that L1
 * or the L2 kernel writes on COM2. Pure: text in, struct out. A stream is
 * complete only with its "end" line; a malformed line stops parsing with a
 * reason naming the line, and everything parsed before it is kept.
 */
#ifndef L0_RESULTS_PARSE_H
#define L0_RESULTS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nestlab/exit_reason.h>
#include <nestlab/results.h>

#define RESULTS_ERRORS_MAX 16
#define RESULTS_ERROR_LEN  240

_Static_assert(NESTLAB_EXIT_NR <= 64, "present masks are 64-bit");

struct results_counter {
	uint64_t count;
	uint64_t cycles;
};

struct results_exits {
	uint64_t present;                          /* bit per enum nestlab_exit_reason */
	struct results_counter c[NESTLAB_EXIT_NR];
};

struct results_phase {
	char name[NESTLAB_PHASE_NAME_MAX + 1];
	uint64_t tsc;
	struct results_exits exits;
};

/* A "counter" line: a mechanism's named count in a phase. */
struct results_named_counter {
	unsigned phase;
	char name[NESTLAB_COUNTER_NAME_MAX + 1];
	uint64_t value;
};

struct results_stream {
	unsigned version;
	char producer[4];                          /* "l1" or "l2" */
	unsigned nphases;
	struct results_phase phases[NESTLAB_MAX_PHASES];
	struct results_exits totals;
	unsigned ncounters;                        /* in stream order */
	struct results_named_counter counters[NESTLAB_MAX_COUNTERS];
	unsigned nerrors;                          /* "error" lines kept */
	unsigned errors_dropped;                   /* beyond RESULTS_ERRORS_MAX */
	char errors[RESULTS_ERRORS_MAX][RESULTS_ERROR_LEN];
	bool have_status;
	unsigned status;
	bool complete;                             /* "end" seen */
};

enum results_parse_rc {
	RESULTS_COMPLETE   = 0, /* header .. status .. end, all lines valid */
	RESULTS_EMPTY      = 1, /* nothing at all: the producer never wrote */
	RESULTS_INCOMPLETE = 2, /* valid so far, but no "end": the producer died */
	RESULTS_MALFORMED  = 3, /* a line breaks the format; `why` names it */
};

/* Parses `len` bytes of `text` (need not be NUL-terminated). `why` gets a
 * one-line reason for anything but RESULTS_COMPLETE. */
enum results_parse_rc results_parse(const char *text, size_t len,
				    struct results_stream *out, char *why, size_t whylen);

/* Reason index by APM name, or -1. */
int results_reason_index(const char *name, size_t len);

#endif
