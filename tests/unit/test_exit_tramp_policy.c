/* The exit trampoline's regeneration policy (l1hyp/core/exit_tramp_policy.h):
 * the modelled cost of a hot list (position + 1 compare pairs for a hot
 * reason, every compare plus EXIT_TRAMP_MISS_COST for a cold one), the
 * decision with its hysteresis (the candidate must be more than
 * 1/EXIT_TRAMP_HYST_DIV cheaper than the live list on the counts), ties,
 * all-zero counts, one reason, k limits, and the option values. Each
 * expectation is computed from the model, not read off a run. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../l1hyp/core/exit_tramp_policy.h"

#define N 8

/* The model, written out for the tests: hot at i -> i + 1, else nhot + MISS. */
static uint64_t model(const uint64_t *c, const uint32_t *hot, unsigned nhot)
{
	uint64_t sum = 0;

	for (unsigned r = 0; r < N; r++) {
		uint64_t w = nhot + EXIT_TRAMP_MISS_COST;

		for (unsigned i = 0; i < nhot; i++)
			if (hot[i] == r)
				w = i + 1;
		sum += c[r] * w;
	}
	return sum;
}

Test(exit_tramp_policy, cost_counts_positions_and_misses)
{
	const uint64_t c[N] = { 0, 10, 0, 5, 0, 0, 2, 0 };
	const uint32_t hot[] = { 3, 1 };

	/* 5 at position 0, 10 at position 1, 2 cold with two compares */
	cr_assert(eq(u64, exit_tramp_cost(c, N, hot, 2), 5 * 1 + 10 * 2 + 2 * (2 + 2)));
	cr_assert(eq(u64, exit_tramp_cost(c, N, hot, 2), model(c, hot, 2)));
	/* no trampoline: every dispatch is the fallback */
	cr_assert(eq(u64, exit_tramp_cost(c, N, hot, 0), 17 * EXIT_TRAMP_MISS_COST));
	cr_assert(eq(u64, exit_tramp_cost(c, N, 0, 0), 17 * EXIT_TRAMP_MISS_COST));
}

Test(exit_tramp_policy, first_choice_against_no_trampoline)
{
	const uint64_t c[N] = { 0, 0, 0, 0, 936, 0, 0, 0 };
	uint32_t out[4];
	unsigned n = 99;

	/* 936 * MISS = 1872 against 936 * 1: replace */
	cr_assert(eq(int, exit_tramp_decide(c, N, 4, 0, 0, out, &n), 1));
	cr_assert(eq(u32, n, 1));
	cr_assert(eq(u32, out[0], 4));
}

Test(exit_tramp_policy, same_list_or_no_counts_keeps_the_live_one)
{
	const uint64_t zero[N] = { 0 };
	const uint64_t c[N] = { 0, 7, 0, 3, 0, 0, 0, 0 };
	const uint32_t live[] = { 1, 3 };
	uint32_t out[4];
	unsigned n = 99;

	cr_assert(eq(int, exit_tramp_decide(zero, N, 4, live, 2, out, &n), 0));
	cr_assert(eq(u32, n, 0));
	cr_assert(eq(int, exit_tramp_decide(c, N, 4, live, 2, out, &n), 0));
	cr_assert(eq(u32, n, 2));
	cr_assert(eq(u32, out[0], 1));
	cr_assert(eq(u32, out[1], 3));
}

/* Live [1, 3]; the phase's counts make 3 slightly hotter than 1: the
 * candidate [3, 1] is cheaper, but by no more than 1/8: kept. */
Test(exit_tramp_policy, hysteresis_keeps_a_wobbling_order)
{
	const uint64_t c[N] = { 0, 100, 0, 110, 0, 0, 0, 0 };
	const uint32_t live[] = { 1, 3 }, cand[] = { 3, 1 };
	uint32_t out[4];
	unsigned n;

	uint64_t cl = model(c, live, 2), cc = model(c, cand, 2);
	cr_assert(eq(u64, cl, 100 + 220));
	cr_assert(eq(u64, cc, 110 + 200));
	cr_assert(cl * EXIT_TRAMP_HYST_DIV <= cc * (EXIT_TRAMP_HYST_DIV + 1));
	cr_assert(eq(int, exit_tramp_decide(c, N, 4, live, 2, out, &n), 0));
	cr_assert(eq(u32, n, 2));
	cr_assert(eq(u32, out[0], 3));
}

/* The hot set moved: the live list's reasons are cold now. */
Test(exit_tramp_policy, a_moved_hot_set_replaces_the_live_one)
{
	const uint64_t c[N] = { 0, 1, 0, 0, 0, 500, 0, 300 };
	const uint32_t live[] = { 1, 3 };
	uint32_t out[4];
	unsigned n;

	uint64_t cl = model(c, live, 2);
	cr_assert(eq(u64, cl, 1 + 800 * 4));
	cr_assert(eq(int, exit_tramp_decide(c, N, 4, live, 2, out, &n), 1));
	cr_assert(eq(u32, n, 3));
	cr_assert(eq(u32, out[0], 5));
	cr_assert(eq(u32, out[1], 7));
	cr_assert(eq(u32, out[2], 1));
	cr_assert(eq(u64, model(c, out, 3), 500 + 600 + 3));
}

/* The margin is exact. Live [1, 2], candidate [2, 1] (c2 > c1): live
 * costs c1 + 2 c2, the candidate c2 + 2 c1. c1 = 7, c2 = 10: 27 and 24,
 * 27 * 8 = 216 = 24 * 9: kept. c1 = 7, c2 = 11: 29 and 25, 232 > 225:
 * replaced. */
Test(exit_tramp_policy, the_margin_is_exact)
{
	const uint64_t at[N] = { 0, 7, 10, 0, 0, 0, 0, 0 }, past[N] = { 0, 7, 11, 0, 0, 0, 0, 0 };
	const uint32_t live[] = { 1, 2 };
	uint32_t out[4];
	unsigned n;

	cr_assert(eq(u64, model(at, live, 2), 27));
	cr_assert(eq(int, exit_tramp_decide(at, N, 4, live, 2, out, &n), 0));
	cr_assert(eq(u32, n, 2));
	cr_assert(eq(u32, out[0], 2));
	cr_assert(eq(u64, model(at, out, n), 24));
	cr_assert(eq(int, exit_tramp_decide(past, N, 4, live, 2, out, &n), 1));
	cr_assert(eq(u64, model(past, live, 2) * EXIT_TRAMP_HYST_DIV, 232));
	cr_assert(eq(u64, model(past, out, n) * (EXIT_TRAMP_HYST_DIV + 1), 225));
}

/* Equal counts: reason order. Two reasons of 5 against no trampoline:
 * 20 against [0, 1] at 5 + 10 = 15 (160 > 135): replaced. k = 1: [0] costs
 * 5 + 5 * 3 = 20, no cheaper: kept, the candidate still reported. k = 0:
 * no candidate. */
Test(exit_tramp_policy, ties_go_in_reason_order_and_k_limits)
{
	const uint64_t c[N] = { 0, 0, 5, 0, 0, 5, 0, 0 };
	uint32_t out[8];
	unsigned n;

	cr_assert(eq(int, exit_tramp_decide(c, N, 4, 0, 0, out, &n), 1));
	cr_assert(eq(u32, n, 2));
	cr_assert(eq(u32, out[0], 2));
	cr_assert(eq(u32, out[1], 5));
	cr_assert(eq(int, exit_tramp_decide(c, N, 1, 0, 0, out, &n), 0));
	cr_assert(eq(u32, n, 1));
	cr_assert(eq(u32, out[0], 2));
	cr_assert(eq(u64, model(c, out, 1), model(c, 0, 0)));
	cr_assert(eq(int, exit_tramp_decide(c, N, 0, 0, 0, out, &n), 0));
	cr_assert(eq(u32, n, 0));
}

/* One reason alone. */
Test(exit_tramp_policy, one_reason)
{
	const uint64_t c[N] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	uint32_t out[4];
	unsigned n;

	cr_assert(eq(int, exit_tramp_decide(c, N, 4, 0, 0, out, &n), 1));
	cr_assert(eq(u32, n, 1));
	cr_assert(eq(u32, out[0], 7));
}

/* A mix the model says no trampoline serves: six equally hot reasons
 * against no trampoline, k = 4: 4 hot at 1..4 (50 compares per 10) plus 2
 * cold at 6 each, against all at 2. */
Test(exit_tramp_policy, a_flat_mix_keeps_the_fallback)
{
	const uint64_t c[N] = { 10, 10, 10, 10, 10, 10, 0, 0 };
	uint32_t out[4];
	unsigned n;

	cr_assert(eq(u64, model(c, 0, 0), 60 * 2));
	cr_assert(eq(int, exit_tramp_decide(c, N, 4, 0, 0, out, &n), 0));
	cr_assert(eq(u32, n, 4));
	cr_assert(eq(u64, model(c, out, 4), 10 + 20 + 30 + 40 + 20 * 6));
}

Test(exit_tramp_policy, option_values)
{
	uint32_t v = 7;

	cr_assert(eq(int, exit_tramp_parse_u32("64", 2, 1, 100, &v), 0));
	cr_assert(eq(u32, v, 64));
	cr_assert(eq(int, exit_tramp_parse_u32("1", 1, 1, 100, &v), 0));
	cr_assert(eq(u32, v, 1));
	cr_assert(eq(int, exit_tramp_parse_u32("100000000", 9, 1, 100000000, &v), 0));
	cr_assert(eq(u32, v, 100000000));
	v = 7;
	cr_assert(eq(int, exit_tramp_parse_u32("0", 1, 1, 100, &v), -1));
	cr_assert(eq(int, exit_tramp_parse_u32("101", 3, 1, 100, &v), -1));
	cr_assert(eq(int, exit_tramp_parse_u32("064", 3, 1, 100, &v), -1));
	cr_assert(eq(int, exit_tramp_parse_u32("6x", 2, 1, 100, &v), -1));
	cr_assert(eq(int, exit_tramp_parse_u32("-1", 2, 1, 100, &v), -1));
	cr_assert(eq(int, exit_tramp_parse_u32("", 0, 1, 100, &v), -1));
	cr_assert(eq(int, exit_tramp_parse_u32("99999999999", 11, 1, 100, &v), -1));
	cr_assert(eq(int, exit_tramp_parse_u32("4294967296", 10, 1, 0xFFFFFFFFu, &v), -1));
	/* not NUL-terminated: the length counts */
	cr_assert(eq(int, exit_tramp_parse_u32("12 34", 2, 1, 100, &v), 0));
	cr_assert(eq(u32, v, 12));
}
