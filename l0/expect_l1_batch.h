/*
 * `nestlab expect --batch l1|both`: L1's exit-level batching as the model
 * says it must show (include/nestlab/workload_model.h, nestlab_wm_l1_batch):
 * the VM exits each run's batches take, and the phase's "counters" object
 * L1 writes (l1batch.exits, .handled, .emulated, .<kind>, .size.<k>,
 * .end.<why>: l1hyp/mech/batch_l1.c), so a test compares the results JSON's
 * phase counters with this object as a whole.
 */
#ifndef L0_EXPECT_L1_BATCH_H
#define L0_EXPECT_L1_BATCH_H

#include <stdbool.h>
#include <stdio.h>
#include <nestlab/workload_model.h>
#include "results_parse.h"

struct expect_l1_batch {
	bool known;                     /* the workload declares its runs */
	unsigned long iterations;
	struct nestlab_wm_l1_batch per_iter;
};

/* From workload model m for N iterations and batch_max (1..64): known
 * only if m declares runs. */
void expect_l1_batch_compute(const struct nestlab_workload_model *m, unsigned long iterations,
			     unsigned batch_max, struct expect_l1_batch *b);
/* The phase's exits under batching: each declared run's exits replace its
 * unbatched ones (one per instruction) in ex. */
void expect_l1_batch_exits(const struct expect_l1_batch *b, struct results_exits *ex);
/* The counters object, {"l1batch.exits": ..., ...}, or null if not known. */
void expect_l1_batch_render(FILE *f, const struct expect_l1_batch *b);

#endif
