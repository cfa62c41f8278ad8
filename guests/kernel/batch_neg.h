/*
 * The batching look-ahead's negative cache (batch_neg.c, docs/batching.md
 * "The negative cache"): per return RIP, how many look-aheads in a row
 * failed there, how many entries are still to skip before the next one
 * (exponential backoff, nestlab_batch_backoff in include/nestlab/batch.h)
 * and the end the last one gave. It is a small table of its own, apart
 * from the decode cache's big entries (batch_dcache.h), so that the
 * kernel entry's fast path (batch.c, batch_entry) can test it with a few
 * loads: an entry whose look-ahead is skipped makes its call and returns,
 * as an unbatched entry does, and costs only this test and one counter.
 *
 * Direct-mapped by the return RIP's low 8 bits: the gaps of code within
 * 256 bytes never share a slot (every batching workload's loop), a later
 * gap that does evicts the older one. Keyed by the RIP alone, not the
 * address space: skipping a look-ahead is never wrong (it only forgoes a
 * batch), so a stale or shared entry can cost batching, never exactness.
 * Failures count in a row only while the gap's code stays the same: each
 * failed look-ahead records the window's first 8 bytes, and one that finds
 * other bytes there (code rewritten in place, as batch-random does with
 * its one code buffer) counts as the first again; and the first failure
 * skips nothing (nestlab_batch_backoff(1) = 0), so code that changes keeps
 * being looked at, as the decode cache keeps being checked.
 * One CPU and IF = 0 in the kernel: no locking.
 *
 * Invariant the fast path relies on: an entry is only written after a
 * look-ahead that failed following a call that lets a batch go on
 * (continues_after in batch.c) with batch_max >= 2, and `nr` is that
 * call's number; so a call with the same number at the same RIP would
 * have reached the same look-ahead.
 */
#ifndef L2_BATCH_NEG_H
#define L2_BATCH_NEG_H

#include <stdint.h>
#include <nestlab/batch.h>

#define BATCH_NEG_SLOTS 256u

struct batch_neg {
	uint64_t rip;                 /* the return RIP (0: empty; user RIPs are >= 1 GiB) */
	int16_t skip;                 /* entries still to skip (<= 0: none; the
				       * fast path takes one before it tests) */
	uint8_t end;                  /* the last look-ahead's end (enum nestlab_batch_end) */
	uint8_t fails;                /* look-aheads failed in a row here (at most 32) */
	uint32_t nr;                  /* the number of the call before the gap */
	uint64_t code;                /* the window's first 8 bytes at the last failure */
	uint64_t pad;
};

_Static_assert(sizeof(struct batch_neg) == 32, "a slot is 32 bytes: index << 5");

extern struct batch_neg batch_neg_table[BATCH_NEG_SLOTS];

static inline struct batch_neg *batch_neg_at(uint64_t rip)
{
	return &batch_neg_table[rip & (BATCH_NEG_SLOTS - 1)];
}

/* The fast path's test (batch.c, batch_entry), before call nr whose gap
 * starts at rip (slot e = batch_neg_at(rip)): whether the slot is this
 * gap's, after this number, with an entry to skip; if so that one is
 * taken. A slot of this gap and number with none to skip goes to -1 (or
 * below), which the batch loop's look-ahead then resets. */
static inline int batch_neg_take(struct batch_neg *e, uint64_t rip, uint64_t nr)
{
	return e->rip == rip && e->nr == nr && --e->skip >= 0;
}

/* The batch loop's test (batch.c, lookahead), whatever the call: whether
 * the slot is rip's with an entry to skip; if so that one is taken. */
static inline int batch_neg_skip(struct batch_neg *e, uint64_t rip)
{
	if (e->rip != rip || e->skip <= 0)
		return 0;
	e->skip--;
	return 1;
}

/* A look-ahead at rip (slot e = batch_neg_at(rip)) after call nr failed
 * with end, the window's first bytes `code`: claim the slot (fresh if it
 * held another RIP or other code), count the failure, set the backoff. */
static inline void batch_neg_failed(struct batch_neg *e, uint64_t rip, uint64_t code,
				    uint64_t nr, unsigned end)
{
	if (e->rip != rip || e->code != code) {
		e->rip = rip;
		e->code = code;
		e->fails = 0;
	}
	if (e->fails < 32)
		e->fails++;
	e->skip = (int16_t)nestlab_batch_backoff(e->fails);
	e->end = (uint8_t)end;
	e->nr = (uint32_t)nr;
}

/* A look-ahead at rip (slot e) committed its gap: failures there start
 * over, and nothing is to skip (skip may be below 0 after the fast path's
 * test: without this reset it would keep falling with every entry there
 * and wrap after 32767). */
static inline void batch_neg_committed(struct batch_neg *e, uint64_t rip)
{
	if (e->rip == rip) {
		e->fails = 0;
		e->skip = 0;
	}
}

#endif
