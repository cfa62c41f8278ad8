/*
 * Block fuzzing (mode=blocks): the loop over blocks [start, start+blocks)
 * of one seed, each generated (gen.c), single-stepped (step.c), classified
 * by how it ended, checked, and followed by a full restore of the guest's
 * state (desc.c). Ends with a FUZZ-SUMMARY line.
 */
#ifndef FUZZ_BLOCK_H
#define FUZZ_BLOCK_H

#include <stdint.h>
#include "cmdline.h"
#include "gen.h"
#include "entry.h"

/* Shared with hcfuzz.c: the pages a unit runs with, refilled per unit,
 * and running one unit from a context (stepped or not). */
void unit_pages_reset(uint64_t seed, uint64_t domain, uint64_t index);
void unit_run(struct block_ctx *ctx, int stepped);
void unit_after(void);
void ctx_for_cpl(struct block_ctx *ctx, unsigned cpl);
void gen_env_get(struct gen_env *env);

void print_counter_names(void);
void run_blocks(const struct fuzz_opts *o, uint64_t tmpl_mask, uint64_t checks,
		uint64_t quirks);

#endif
