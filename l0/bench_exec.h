/*
 * The local runner of `nestlab bench`: the plan's command lines, `jobs` at a
 * time, each `sh -c LINE` in a process group of its own. A run that outlives
 * its guard (the launcher's timeout plus a margin) is sent SIGTERM, then
 * SIGKILL, and its rc file gets 124 as timeout(1) would write. A failed
 * run never stops the others. On a terminal one progress line is redrawn
 * (done/total, a running run, ETA); elsewhere one line per finished run.
 * SIGINT or SIGTERM stops every running run and starts no new one.
 */
#ifndef L0_BENCH_EXEC_H
#define L0_BENCH_EXEC_H

#include <stdbool.h>
#include <stdio.h>

struct bench_job {
	const char *name;    /* "<cell>#<rep>" or the cell alone */
	const char *dir;     /* absolute run directory (its rc file) */
	const char *command; /* sh -c */
};

struct bench_exec_opts {
	unsigned jobs;
	unsigned guard_s;    /* SIGTERM after this many seconds */
	bool tty;            /* redraw one progress line */
	bool quiet;          /* no progress at all */
	FILE *out;
};

/* Runs them all; how many ended with rc 0. Sets *interrupted on a signal. */
unsigned bench_exec(const struct bench_job *jobs, unsigned n, const struct bench_exec_opts *o,
		    bool *interrupted);

#endif
