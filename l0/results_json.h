/*
 * The JSON results file of a run: rendering a struct run_report to text
 * (pure, byte-for-byte deterministic, schema in docs/launcher.md) and writing
 * it atomically so a reader never sees a half-written file.
 */
#ifndef L0_RESULTS_JSON_H
#define L0_RESULTS_JSON_H

#include <stddef.h>
#include <stdio.h>
#include "run_report.h"

/* The JSON text, ending in a newline (malloc'd; NULL on ENOMEM). */
char *results_json_render(const struct run_report *r);

/* {"reason": value, ...} of the present reasons, in exit_reason.h order:
 * counts, or L1 cycles when `cycles`. A phase's "exits" has this shape. */
/* A phase's "batch" object (docs/batching.md): null when b is NULL or not
 * present; `nestlab expect --batch kernel` renders its model with it. */
struct batch_console_phase;
void results_json_batch(FILE *f, const struct batch_console_phase *b);

void results_json_exit_map(FILE *f, const struct results_exits *ex, int cycles);

/* {"name": value, ...} of the counters c[0..n) of phase, in their order: a
 * phase's "counters" has this shape (`nestlab expect --trampoline` renders
 * its model with it). */
void results_json_counter_map(FILE *f, const struct results_named_counter *c, unsigned n,
			      unsigned phase);

/*
 * Writes `text` to `path` atomically: a temporary file in the same directory,
 * fsync, rename over `path`, fsync of the directory. On error returns -1 with
 * `err` filled, removes the temporary file and leaves any old `path` as it was.
 */
int results_json_write_atomic(const char *path, const char *text, char *err, size_t errlen);

#endif
