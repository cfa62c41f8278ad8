/*
 * Instruction templates of the block fuzzer: each emits a few instruction
 * bytes (and pins the registers or data they use) that an L2 can aim at L1:
 * the instructions L1 intercepts and emulates, the control and descriptor
 * registers L1 has to keep consistent in the VMCB, far transfers and mode
 * changes, self-modifying code under L1's decoder, and so on (the table in
 * tmpl.c says what each does). Their names are the tmpl= list names.
 *
 * HLT is never generated: L1 ends the run on HLT (l2_halted, no interrupts
 * can wake L2), and the single-step precheck refuses a raw HLT at CPL0. No
 * template writes to the debug-exit port either.
 */
#ifndef FUZZ_TMPL_H
#define FUZZ_TMPL_H

#include <stdint.h>
#include "gen.h"

struct gen_ctx {
	struct prng *p;
	const struct gen_env *env;
	struct gen_block *b;
	unsigned len;             /* code bytes used */
	unsigned pool_used;
	uint16_t pinned;          /* registers a template already set */
};

/* Flags of a template. */
#define TMPL_DEFAULT  (1u << 0)   /* in the default selection */
#define TMPL_ENDS_RUN (1u << 1)   /* usually ends the run (an l2_* status) */

struct tmpl {
	const char *name;
	unsigned weight;
	unsigned flags;
	/* Emits into c->b->code at c->len (room: BLOCK_CODE_LEN - c->len);
	 * returns -1, changing nothing, when it does not fit. */
	int (*emit)(struct gen_ctx *c);
	const char *what;
};

extern const struct tmpl tmpl_table[];
extern const unsigned tmpl_count;
extern const char *const tmpl_names[];

uint64_t tmpl_default_mask(void);
int tmpl_index(const char *name);

/* Interesting values, shared with the hypercall fuzzer. */
uint64_t gen_pointer(struct gen_ctx *c);
uint64_t gen_value(struct gen_ctx *c);

#endif
