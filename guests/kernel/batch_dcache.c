/*
 * The look-ahead's decode cache (batch_dcache.h): set-associative, the set
 * by a multiplicative hash of the return RIP (Knuth's, the golden ratio's
 * 64-bit fraction), entries replaced round robin within a set; one CPU and
 * IF = 0 in the kernel, so no locking.
 */
#include "batch_dcache.h"

static struct batch_dcache_entry cache[BATCH_DCACHE_SETS][BATCH_DCACHE_WAYS];
static unsigned char next_way[BATCH_DCACHE_SETS];

struct batch_dcache_entry *batch_dcache_slot(uint64_t root, uint64_t start)
{
	unsigned set = (unsigned)((start * 0x9E3779B97F4A7C15ull) >> 60) % BATCH_DCACHE_SETS;
	struct batch_dcache_entry *e;

	for (unsigned w = 0; w < BATCH_DCACHE_WAYS; w++) {
		e = &cache[set][w];
		if (e->start == start && e->root == root)
			return e;
	}
	e = &cache[set][next_way[set]];
	next_way[set] = (unsigned char)((next_way[set] + 1) % BATCH_DCACHE_WAYS);
	e->root = root;
	e->start = start;
	e->n = e->span = 0;
	return e;
}

void batch_dcache_append(struct batch_dcache_entry *e, const struct x86dec_insn *insn,
			 const uint8_t *win, unsigned off)
{
	if (e->n >= BATCH_DCACHE_INSNS || e->span != off ||
	    off + insn->length > BATCH_LOOKAHEAD_BYTES)
		return;
	for (unsigned i = 0; i < insn->length; i++)
		e->bytes[off + i] = win[off + i];
	e->insn[e->n++] = *insn;
	e->span = off + insn->length;
}
