/*
 * The trampoline's regeneration policy (exit_tramp_policy.h): the cost
 * model and hysteresis are lib/tramp's (tramp_cost, tramp_decide, shared
 * with the L2 kernel's trampoline); the option values. Pure C.
 */
#include "exit_tramp_policy.h"
#include "../../lib/tramp/tramp.h"

uint64_t exit_tramp_cost(const uint64_t *counts, unsigned n, const uint32_t *hot,
			 unsigned nhot)
{
	return tramp_cost(counts, n, hot, nhot);
}

int exit_tramp_decide(const uint64_t *counts, unsigned n, unsigned k, const uint32_t *live,
		      unsigned nlive, uint32_t *out, unsigned *nout)
{
	return tramp_decide(counts, n, k, live, nlive, out, nout);
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
