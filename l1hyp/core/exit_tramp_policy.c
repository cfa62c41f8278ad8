/*
 * The trampoline's regeneration policy (exit_tramp_policy.h): cost model,
 * hysteresis, option values. Pure C.
 */
#include "exit_tramp_policy.h"
#include "../../lib/tramp/tramp.h"

uint64_t exit_tramp_cost(const uint64_t *counts, unsigned n, const uint32_t *hot,
			 unsigned nhot)
{
	uint64_t cost = 0;

	for (unsigned r = 0; r < n; r++) {
		uint64_t w = nhot + EXIT_TRAMP_MISS_COST;

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

int exit_tramp_decide(const uint64_t *counts, unsigned n, unsigned k, const uint32_t *live,
		      unsigned nlive, uint32_t *out, unsigned *nout)
{
	uint64_t c_live, c_new;

	*nout = tramp_select(counts, n, k, out);
	if (*nout == 0 || same_list(live, nlive, out, *nout))
		return 0;
	c_live = exit_tramp_cost(counts, n, live, nlive);
	c_new = exit_tramp_cost(counts, n, out, *nout);
	/* c_live > c_new * (1 + 1/DIV), without division */
	return c_live * EXIT_TRAMP_HYST_DIV > c_new * (EXIT_TRAMP_HYST_DIV + 1);
}

int exit_tramp_parse_u32(const char *s, size_t len, uint32_t min, uint32_t max,
			 uint32_t *out)
{
	uint64_t v = 0;

	if (!s || len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}
