/*
 * Block generation: from (seed, block index) alone, a block of
 * BLOCK_CODE_LEN code bytes mixing raw random bytes with instruction
 * templates aimed at L1 (tmpl.c), the registers it starts with, its CPL,
 * and the few bytes of data its templates need (far pointers, descriptor
 * pointers, a return frame) in the data pool and on the stack. The guest
 * fills everything else of the pool, stack and scratch pages with random
 * bytes from the same (seed, block). Pure C: host-tested for determinism
 * and for the rules the guest relies on (no OUT to the debug-exit port, no
 * HLT from a template).
 */
#ifndef FUZZ_GEN_H
#define FUZZ_GEN_H

#include <stdint.h>
#include "prng.h"
#include "layout.h"

/* PRNG domains (prng_seed): one stream per purpose and unit. */
#define GEN_DOMAIN_BLOCK   1
#define GEN_DOMAIN_FILL    2
#define GEN_DOMAIN_HCALL   3

#define GEN_POOL_BYTES     256  /* template data at the start of the pool */
#define GEN_STACK_QWORDS   8    /* template data at BLOCK_RSP and above */
#define GEN_MAX_TMPLS      8

/* What the generator needs to know about the guest. */
struct gen_env {
	uint64_t ram_top;         /* L2 RAM size, from the multiboot map */
	uint64_t block_cr3, alt_cr3; /* alt: the same mappings, another root */
	uint64_t cr0, cr4;        /* the guest's own values */
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
};

struct gen_block {
	uint8_t code[BLOCK_CODE_LEN];
	uint64_t gpr[16];         /* REX order; gpr[4] (RSP) = BLOCK_RSP */
	uint64_t rflags;          /* TF added by the runner */
	unsigned cpl;             /* 0 or 3 */
	unsigned ntmpl;
	uint8_t tmpl[GEN_MAX_TMPLS];
	uint64_t tmpl_mask;
	uint8_t pool[GEN_POOL_BYTES];
	uint64_t stack[GEN_STACK_QWORDS];
};

/* cpl_mode: 0, 3, or 2 for a per-block random choice. */
void gen_block(uint64_t seed, uint64_t block, unsigned cpl_mode, uint64_t tmpl_mask,
	       const struct gen_env *env, struct gen_block *out);

#endif
