/*
 * When a trampoline is (re)generated (tramp.h: tramp_cost, tramp_decide):
 * the cost model and the hysteresis, shared by L1's exit dispatch
 * (l1hyp/core/exit_tramp_policy.c calls these) and the L2 kernel's
 * system-call trampoline (guests/kernel/ktramp.c). Pure C.
 */
#include "tramp.h"

uint64_t tramp_cost(const uint64_t *counts, unsigned n, const uint32_t *hot, unsigned nhot)
{
	uint64_t cost = 0;

	for (unsigned r = 0; r < n; r++) {
		uint64_t w = nhot + TRAMP_MISS_COST;

		for (unsigned i = 0; i < nhot; i++)
			if (hot[i] == r) {
				w = i + 1;
				break;
			}
		cost += counts[r] * w;
	}
	return cost;
}

static int same_list(const uint32_t *a, unsigned na, const uint32_t *b, unsigned nb)
{
	if (na != nb)
		return 0;
	for (unsigned i = 0; i < na; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

int tramp_decide(const uint64_t *counts, unsigned n, unsigned k, const uint32_t *live,
		 unsigned nlive, uint32_t *out, unsigned *nout)
{
	uint64_t c_live, c_new;

	*nout = tramp_select(counts, n, k, out);
	if (*nout == 0 || same_list(live, nlive, out, *nout))
		return 0;
	c_live = tramp_cost(counts, n, live, nlive);
	c_new = tramp_cost(counts, n, out, *nout);
	/* c_live > c_new * (1 + 1/DIV), without division */
	return c_live * TRAMP_HYST_DIV > c_new * (TRAMP_HYST_DIV + 1);
}
