/*
 * The batching look-ahead's decode cache (batch_dcache.c): the instructions
 * x86dec decoded from a gap's window, kept per (address space, return RIP)
 * with the bytes they were decoded from. Loops run the same gaps again and
 * again; a later look-ahead at the same RIP compares the user's bytes with
 * the kept ones (read once, by page walk) and reuses the decodes only if
 * every byte is the same, so a change of the code (a write, another
 * mapping, another frame) is a miss, never a stale decode. Decoding is a
 * pure function of the bytes (lib/x86dec: no mode but 64-bit here, no
 * CPUID), so a hit gives exactly what decoding again would.
 *
 * The negative cache (which gaps not to look ahead at) is a table of its
 * own, batch_neg.h: a skipped look-ahead never comes here.
 */
#ifndef L2_BATCH_DCACHE_H
#define L2_BATCH_DCACHE_H

#include <stdint.h>
#include "batch.h"

/* 16 sets of 4 entries, each keeping the first 8 instructions of a gap
 * (the batching workloads' gaps have at most 6; later ones are decoded). */
#define BATCH_DCACHE_SETS  16u
#define BATCH_DCACHE_WAYS  4u
#define BATCH_DCACHE_INSNS 8u

struct batch_dcache_entry {
	uint64_t root, start;          /* the process's PML4, the return RIP */
	unsigned n;                    /* instructions kept (0: empty) */
	unsigned span;                 /* window bytes they cover, from start */
	uint8_t bytes[BATCH_LOOKAHEAD_BYTES];
	struct x86dec_insn insn[BATCH_DCACHE_INSNS];
};

/* The entry for (root, start): the one kept for it, or its slot emptied
 * and claimed for it. Never NULL. */
struct batch_dcache_entry *batch_dcache_slot(uint64_t root, uint64_t start);

/* Keep insn, decoded at window offset off from bytes win[off ..
 * off + insn->length), as instruction e->n of entry e (which must cover
 * exactly [0, off) so far). */
void batch_dcache_append(struct batch_dcache_entry *e, const struct x86dec_insn *insn,
			 const uint8_t *win, unsigned off);

#endif
