/*
 * The single-step watchdog and precheck of block fuzzing (step.c).
 */
#ifndef FUZZ_STEP_H
#define FUZZ_STEP_H

#include "entry.h"

/* Before the instruction at f->rip runs: 0 to let it, -1 to end the block
 * (unit.end says why). May edit f (TF kept, R11 for SYSRET). */
int step_precheck(struct trap_frame *f);

/* A #DB while a block is stepped: 1 to resume it, 0 to end it. */
int step_db(struct trap_frame *f);

#endif
