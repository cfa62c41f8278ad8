/*
 * Gathering a result set: for each run of the plan, its rc file and the
 * launcher's result.json decide its state (pass, fail with the reason,
 * timeout, not run), the repeats of one cell are compared figure by figure
 * (phase TSC, exits and L1 cycles, totals: under icount they must be equal),
 * and everything goes into DIR/collected.json, the analysis's input.
 */
#ifndef L0_BENCH_COLLECT_H
#define L0_BENCH_COLLECT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

struct bench_tally {
	unsigned cells, unavailable;
	unsigned runs, passed, failed, timed_out, not_run;
	unsigned differ;          /* cells whose repeats differ under icount */
	unsigned vary;            /* cells whose repeats differ without icount (expected) */
};

/* Collects `dir` (absolute) for `plan`; writes DIR/collected.json. Failed
 * runs are listed on `out`. 0, or -1 if collected.json cannot be written. */
int bench_collect(const char *dir, const json_t *plan, struct bench_tally *t, FILE *out);

/* The figures of one launcher result: its phases and totals (no timing). */
json_t *bench_result_figures(const json_t *result);

#endif
