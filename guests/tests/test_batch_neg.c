/*
 * Unit tests of the batching look-ahead's negative cache
 * (guests/kernel/batch_neg.h): the slot's life as the kernel's entry path
 * uses it (batch.c: the fast path's batch_neg_take, then the batch loop's
 * batch_neg_skip, then a look-ahead that fails or commits), the backoff's
 * visits worked out from its definition (after f failures in a row on the
 * same code 2^(f-1) - 1 visits skipped, at most 255), code that changes
 * at the gap, and the cases where a slot is not the gap's.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "kernel/batch_neg.h"

#define GAP    0x40001234ull   /* a return RIP in user space */
#define CODE_A 0x0305c06b48ull /* the gap's first bytes (imul $3, %rax, %rax; ...) */
#define CODE_B 0x90c3cb0f48ull
#define GETPID 2u
#define GETUID 4u

static void reset(void)
{
	memset(batch_neg_table, 0, sizeof(batch_neg_table));
}

/* One kernel entry whose first gap starts at rip after call nr, the gap's
 * first bytes code, with a look-ahead there that would end `end` (< 0: it
 * commits), decided as batch.c decides it. Returns 1 if the look-ahead
 * ran. */
static int entry(uint64_t rip, uint64_t code, uint64_t nr, int end)
{
	struct batch_neg *e = batch_neg_at(rip);

	if (batch_neg_take(e, rip, nr))
		return 0;          /* the fast path */
	if (batch_neg_skip(e, rip))
		return 0;          /* the loop, skipped */
	if (end < 0)
		batch_neg_committed(e, rip);
	else
		batch_neg_failed(e, rip, code, nr, (unsigned)end);
	return 1;
}

Test(batch_neg, failing_gap_backs_off)
{
	/* after f failures 2^(f-1) - 1 visits are skipped: look-aheads at
	 * visits 1, 2, 2+1+1 = 4, 4+3+1 = 8, 16, ..., 256, then every 256th */
	static const unsigned want[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 768, 1024,
					 1280, 1536, 1792 };
	unsigned got[32], n = 0;

	reset();
	for (unsigned v = 1; v <= 2000; v++)
		if (entry(GAP, CODE_A, GETPID, NESTLAB_BATCH_END_NOT_EMULABLE)) {
			cr_assert(lt(u32, n, 32));
			got[n++] = v;
		}
	cr_assert(eq(u32, n, sizeof(want) / sizeof(want[0])));
	for (unsigned i = 0; i < n; i++)
		cr_assert(eq(u32, got[i], want[i]));
	cr_assert(eq(u32, batch_neg_at(GAP)->end, NESTLAB_BATCH_END_NOT_EMULABLE));
}

Test(batch_neg, changing_code_is_looked_at)
{
	/* the same RIP, other bytes at every visit (batch-random's one code
	 * buffer): every failure is the first, nothing is skipped */
	unsigned looks = 0;

	reset();
	for (unsigned v = 1; v <= 1000; v++)
		looks += (unsigned)entry(GAP, v % 2 ? CODE_A : CODE_B, GETPID,
					 NESTLAB_BATCH_END_BOUND);
	cr_assert(eq(u32, looks, 1000));
	cr_assert(eq(u32, batch_neg_at(GAP)->fails, 1));
	/* the same bytes again: they back off from there */
	cr_assert(eq(int, entry(GAP, CODE_B, GETPID, NESTLAB_BATCH_END_BOUND), 1));
	cr_assert(eq(u32, batch_neg_at(GAP)->fails, 2));
	cr_assert(eq(int, batch_neg_at(GAP)->skip, 1));
	cr_assert(eq(int, entry(GAP, CODE_B, GETPID, NESTLAB_BATCH_END_BOUND), 0));
}

Test(batch_neg, commits_keep_looking_ahead)
{
	/* two failures, then a gap that always commits: it looks ahead at
	 * every visit but the one skipped after the second failure, also past
	 * the 32767 where a skip count left falling below 0 would wrap */
	unsigned looks = 0;

	reset();
	cr_assert(eq(int, entry(GAP, CODE_A, GETPID, NESTLAB_BATCH_END_BRANCH), 1));
	cr_assert(eq(int, entry(GAP, CODE_A, GETPID, NESTLAB_BATCH_END_BRANCH), 1));
	for (unsigned v = 3; v <= 70000; v++)
		looks += (unsigned)entry(GAP, CODE_A, GETPID, -1);
	cr_assert(eq(u32, looks, 70000 - 3));
	cr_assert(eq(int, batch_neg_at(GAP)->skip, 0));
	cr_assert(eq(u32, batch_neg_at(GAP)->fails, 0));
}

Test(batch_neg, fast_path_needs_the_same_number)
{
	struct batch_neg *e;

	reset();
	cr_assert(eq(int, entry(GAP, CODE_A, GETPID, NESTLAB_BATCH_END_BRANCH), 1));
	cr_assert(eq(int, entry(GAP, CODE_A, GETPID, NESTLAB_BATCH_END_BRANCH), 1));  /* skip 1 */
	e = batch_neg_at(GAP);
	cr_assert(eq(int, e->skip, 1));
	cr_assert(eq(u32, e->nr, GETPID));
	/* another number: not the fast path's, but the loop skips */
	cr_assert(not(batch_neg_take(e, GAP, GETUID)));
	cr_assert(eq(int, e->skip, 1));
	cr_assert(batch_neg_skip(e, GAP));
	cr_assert(eq(int, e->skip, 0));
	/* none left: the fast path's test leaves -1, the loop looks ahead */
	cr_assert(not(batch_neg_take(e, GAP, GETPID)));
	cr_assert(eq(int, e->skip, -1));
	cr_assert(not(batch_neg_skip(e, GAP)));
	batch_neg_failed(e, GAP, CODE_A, GETPID, NESTLAB_BATCH_END_BRANCH);  /* 3 failures */
	cr_assert(eq(int, e->skip, 3));
	cr_assert(eq(u32, e->fails, 3));
}

Test(batch_neg, colliding_gap_takes_the_slot)
{
	uint64_t other = GAP + BATCH_NEG_SLOTS;   /* the same low 8 bits */
	struct batch_neg *e = batch_neg_at(GAP);

	reset();
	cr_assert(eq(ptr, batch_neg_at(other), e));
	cr_assert(eq(ptr, batch_neg_at(GAP + 1), e + 1));
	for (unsigned v = 1; v <= 7; v++)                   /* looks at 1, 2, 4 */
		entry(GAP, CODE_A, GETPID, NESTLAB_BATCH_END_BRANCH);
	cr_assert(eq(u32, e->fails, 3));
	cr_assert(eq(int, entry(other, CODE_A, GETPID, NESTLAB_BATCH_END_MEM), 1));
	cr_assert(eq(u64, e->rip, other));
	cr_assert(eq(u32, e->fails, 1));                    /* fresh, not 4 */
	cr_assert(eq(u32, e->end, NESTLAB_BATCH_END_MEM));
	/* the first gap's slot is gone: it looks ahead, and claims it back */
	cr_assert(not(batch_neg_take(e, GAP, GETPID)));
	cr_assert(not(batch_neg_skip(e, GAP)));
	cr_assert(eq(int, entry(GAP, CODE_A, GETPID, NESTLAB_BATCH_END_BRANCH), 1));
	cr_assert(eq(u32, e->fails, 1));
	cr_assert(eq(int, entry(GAP, CODE_A, GETPID, NESTLAB_BATCH_END_BRANCH), 1));
	cr_assert(eq(int, e->skip, 1));
	/* a commit elsewhere changes no one else's slot */
	batch_neg_committed(e, other);
	cr_assert(eq(u32, e->fails, 2));
	cr_assert(eq(int, e->skip, 1));
}

Test(batch_neg, empty_slot_is_no_gap)
{
	reset();
	for (uint64_t rip = GAP; rip < GAP + BATCH_NEG_SLOTS; rip++) {
		struct batch_neg *e = batch_neg_at(rip);

		cr_assert(not(batch_neg_take(e, rip, GETPID)));
		cr_assert(not(batch_neg_skip(e, rip)));
		cr_assert(eq(int, e->skip, 0));
	}
}
