/*
 * kvmstat_opts.h: nestlab-kvmstat's command line: the options, their valid
 * ranges and the usage text. Parsing touches nothing but its arguments and
 * the error stream, so every usage error is decided before the tool looks at
 * the system, and tests/test_kvmstat_opts.c drives it directly.
 */
#ifndef NESTLAB_KVMSTAT_OPTS_H
#define NESTLAB_KVMSTAT_OPTS_H

#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "kvmstat.h"

/* --record N: N from 1 to this (no option value means "no record file"). */
#define KS_RECORD_LIMIT 4294967295ull
/* --ringbuf-size B: a power of two in [KS_RINGBUF_MIN, KS_RINGBUF_MAX]. */
#define KS_RINGBUF_MIN 4096ull
#define KS_RINGBUF_MAX (1ull << 30)
#define KS_RINGBUF_DEFAULT (4ull << 20)
#define KS_DEFAULT_TRACEFS "/sys/kernel/tracing"
#define KS_DEFAULT_RECORD_FILE "kvmstat-records.txt"

struct ks_opts {
	int pid;                   /* -p: 0 when not given */
	char **command;            /* after --: NULL when not given */
	double duration_s;         /* 0: until the target exits or a signal */
	const char *json;          /* NULL, a path, or "-" for stdout */
	const char *events;        /* --events as given (NULL: all) */
	int want[KS_EV_COUNT];     /* the events --events names (all without it) */
	uint64_t record_max;       /* --record N (0: no record file) */
	const char *record_file;
	uint64_t ringbuf_size;
	const char *btf;
	const char *tracefs;
	int lttng;                 /* --lttng: every event as an LTTng-UST event */
	int quiet;
	int verbose;
	int classic;
};

/* ks_parse's results besides 0 (go on). */
#define KS_PARSE_HELP  (-1)    /* --help was printed to stdout: exit 0 */
#define KS_PARSE_USAGE 2       /* a usage error was printed to err: exit 2 */

/*
 * Parses argv into o (zeroed first). Errors go to err with the fix; nothing
 * else is printed except --help (stdout) and getopt's own complaints.
 * Reentrant across calls (getopt is restarted), not thread-safe.
 */
int ks_parse(int argc, char **argv, struct ks_opts *o, FILE *err);

/*
 * Fills want[] from a comma-separated --events list (NULL: every event).
 * 0 on success; KS_PARSE_USAGE with the valid names printed to err when a
 * name is unknown or the list names none.
 */
int ks_parse_events(const char *list, int *want, FILE *err);

void ks_usage(FILE *f);

#endif
