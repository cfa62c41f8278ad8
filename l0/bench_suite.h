/*
 * The experiments of one bench invocation: every experiments/<name>.ini of
 * a folder (name order), or those named in a comma-separated list, parsed.
 */
#ifndef L0_BENCH_SUITE_H
#define L0_BENCH_SUITE_H

#include "bench_exp.h"

struct bench_suite {
	unsigned n;
	struct bench_exp *x;
};

/* Loads `names` ("a,b"; NULL: all) from `dir`. 0, or -1 with every problem
 * in `err` (a name without a file, a file's parse errors). */
int bench_suite_load(const char *dir, const char *names, struct bench_suite *s,
		     struct bench_errors *err);
void bench_suite_free(struct bench_suite *s);

#endif
