/*
 * What decoded-syscall batching must show in a workload's phase
 * (`nestlab expect --batch kernel [--batch-max N]`, the results JSON's
 * per-phase "batch" object, docs/batching.md), evaluated from the
 * workload's declared system-call runs (nestlab_wm_batch_runs,
 * include/nestlab/workload_model.h). Pure.
 */
#ifndef L0_EXPECT_BATCH_H
#define L0_EXPECT_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <nestlab/batch.h>
#include <nestlab/bootargs.h>

struct expect_batch {
	bool known;                                 /* the workload declares its runs */
	uint64_t entries, syscalls, emulated;
	uint64_t skipped;                           /* look-aheads the negative cache skipped */
	uint64_t size[NESTLAB_BATCH_MAX_LIMIT + 1]; /* entries by calls made */
	uint64_t end[NESTLAB_BATCH_END_NR];         /* entries by why they ended */
};

/* The phase's batching for `iterations` iterations of workload wl with at
 * most batch_max (1..NESTLAB_BATCH_MAX_LIMIT) calls per entry. */
void expect_batch_compute(unsigned wl, unsigned long iterations, unsigned batch_max,
			  struct expect_batch *b);

/* As the results JSON writes a phase's "batch": null when not known. */
void expect_batch_render(FILE *f, const struct expect_batch *b);

/* "effect", "limit", ... (include/nestlab/batch.h), or "?" */
const char *expect_batch_end_name(unsigned end);

#endif
