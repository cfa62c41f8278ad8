/*
 * The look-ahead's decode cache (batch_dcache.h): direct-mapped by return
 * RIP, BATCH_DCACHE_ENTRIES entries; one CPU and IF = 0 in the kernel, so
 * no locking.
 */
#include "batch_dcache.h"

static struct batch_dcache_entry cache[BATCH_DCACHE_ENTRIES];

struct batch_dcache_entry *batch_dcache_slot(uint64_t root, uint64_t start)
{
	struct batch_dcache_entry *e = &cache[(start ^ (start >> 5)) % BATCH_DCACHE_ENTRIES];

	if (e->root != root || e->start != start) {
		e->root = root;
		e->start = start;
		e->n = e->span = 0;
	}
	return e;
}

void batch_dcache_append(struct batch_dcache_entry *e, const struct x86dec_insn *insn,
			 const uint8_t *win, unsigned off)
{
	if (e->n >= BATCH_LOOKAHEAD_INSNS || e->span != off ||
	    off + insn->length > BATCH_LOOKAHEAD_BYTES)
		return;
	for (unsigned i = 0; i < insn->length; i++)
		e->bytes[off + i] = win[off + i];
	e->insn[e->n++] = *insn;
	e->span = off + insn->length;
}
