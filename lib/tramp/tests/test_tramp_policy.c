/*
 * lib/tramp's regeneration policy (tramp.h: tramp_cost, tramp_decide), the
 * shared pure code of L1's exit trampoline and the L2 kernel's system-call
 * trampoline: the cost of a hot list (position + 1 pairs for a hot entry,
 * every compare plus TRAMP_MISS_COST for a cold one), the decision's
 * hysteresis at its exact boundary, all-zero counts, the same list, ties,
 * one entry, and the two cases the kernel's integration test runs
 * (getpid and syscall-mix with a window of 1). Every expectation is
 * computed from the model by hand, not read off a run.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../tramp.h"

#define N 12

Test(tramp_policy, cost)
{
	uint64_t c[N] = { [1] = 5, [2] = 10, [7] = 2 };
	uint32_t hot[2] = { 1, 2 };

	cr_assert(eq(u64, tramp_cost(c, N, hot, 2), 5 * 1 + 10 * 2 + 2 * (2 + TRAMP_MISS_COST)));
	cr_assert(eq(u64, tramp_cost(c, N, hot, 0), 17 * TRAMP_MISS_COST));
	cr_assert(eq(u64, tramp_cost(c, N, NULL, 0), 17 * TRAMP_MISS_COST));
}

Test(tramp_policy, zero_counts_and_same_list_keep)
{
	uint64_t zero[N] = { 0 }, c[N] = { [2] = 9, [4] = 3 };
	uint32_t live[2] = { 2, 4 }, out[4];
	unsigned n = 99;

	cr_assert(eq(int, tramp_decide(zero, N, 4, live, 2, out, &n), 0));
	cr_assert(eq(u32, n, 0));
	cr_assert(eq(int, tramp_decide(c, N, 4, live, 2, out, &n), 0));
	cr_assert(eq(u32, n, 2));
	cr_assert(eq(int, tramp_decide(c, N, 4, NULL, 0, out, &n), 1)); /* from nothing */
}

/* getpid with a window of 1: live [getpid]; the phase's rest: 999 getpid
 * and the end marker (6). Candidate [2, 6]: live 999 + 3 = 1002, candidate
 * 999 + 2 = 1001; 1002 * 8 <= 1001 * 9: kept. */
Test(tramp_policy, getpid_window_1_kept)
{
	uint64_t c[N] = { [2] = 999, [6] = 1 };
	uint32_t live[1] = { 2 }, out[4];
	unsigned n;

	cr_assert(eq(int, tramp_decide(c, N, 4, live, 1, out, &n), 0));
	cr_assert(eq(u32, n, 2));
	cr_assert(eq(u32, out[0], 2));
	cr_assert(eq(u32, out[1], 6));
}

/* syscall-mix with a window of 1: live [getpid]; the rest: getpid 1999,
 * getppid (3) 1000, getuid (4) 1000, the end marker 1. Live 1999 + 3 * 2001
 * = 8002; candidate [2, 3, 4, 6] (3 before 4: a tie in number order)
 * 1999 + 2000 + 3000 + 4 = 7003; 8002 * 8 > 7003 * 9: replaced. */
Test(tramp_policy, syscall_mix_window_1_replaced)
{
	uint64_t c[N] = { [2] = 1999, [3] = 1000, [4] = 1000, [6] = 1 };
	uint32_t live[1] = { 2 }, out[4];
	unsigned n;

	cr_assert(eq(u64, tramp_cost(c, N, live, 1), 8002));
	cr_assert(eq(int, tramp_decide(c, N, 4, live, 1, out, &n), 1));
	cr_assert(eq(u32, n, 4));
	cr_assert(eq(u32, out[0], 2));
	cr_assert(eq(u32, out[1], 3));
	cr_assert(eq(u32, out[2], 4));
	cr_assert(eq(u32, out[3], 6));
	cr_assert(eq(u64, tramp_cost(c, N, out, 4), 7003));
}

/* The boundary: the live list costing exactly 9/8 of the candidate is
 * kept, a little more is replaced. */
Test(tramp_policy, hysteresis_boundary)
{
	/* live [5, 1]: 1 costs 2; candidate [1, 5]: 1 costs 1, 5 costs 2.
	 * counts {1: a, 5: b}: live a*2 + b*1, candidate a + 2b.
	 * a = 10, b = 7: live 27, candidate 24: 27 * 8 = 216 = 24 * 9: kept.
	 * a = 11, b = 7: live 29, candidate 25: 232 > 225: replaced. */
	uint64_t c[N] = { [1] = 10, [5] = 7 };
	uint32_t live[2] = { 5, 1 }, out[4];
	unsigned n;

	cr_assert(eq(int, tramp_decide(c, N, 4, live, 2, out, &n), 0));
	c[1] = 11;
	cr_assert(eq(int, tramp_decide(c, N, 4, live, 2, out, &n), 1));
	cr_assert(eq(u32, out[0], 1));
	cr_assert(eq(u32, out[1], 5));
}

/* k = 1: one dominant entry is worth a trampoline ({3: 9, 7: 1}: no list
 * 20, [3] 9 + 3 = 12); a tie is not ({3: 9, 7: 9}: [3], the lower number,
 * 9 + 27 = 36 against 36); k = 0 selects nothing. */
Test(tramp_policy, one_entry_and_k)
{
	uint64_t c[N] = { [3] = 9, [7] = 1 };
	uint32_t out[4];
	unsigned n;

	cr_assert(eq(int, tramp_decide(c, N, 1, NULL, 0, out, &n), 1));
	cr_assert(eq(u32, n, 1));
	cr_assert(eq(u32, out[0], 3));
	c[7] = 9;
	cr_assert(eq(int, tramp_decide(c, N, 1, NULL, 0, out, &n), 0));
	cr_assert(eq(u32, n, 1));
	cr_assert(eq(u32, out[0], 3));
	cr_assert(eq(int, tramp_decide(c, N, 0, NULL, 0, out, &n), 0));
	cr_assert(eq(u32, n, 0));
}
