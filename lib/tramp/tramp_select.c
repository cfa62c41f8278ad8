/*
 * The hot set of a trampoline from call counts (tramp.h): the k highest
 * non-zero counts, hottest first, ties in index order. A selection sort
 * over k slots: k is at most TRAMP_MAX_HOT, n the size of a call table,
 * and this runs only when a trampoline is regenerated.
 */
#include "tramp.h"

/* a beats b: a higher count, or the same count and a lower index */
static int beats(const uint64_t *counts, uint32_t a, uint32_t b)
{
	return counts[a] > counts[b] || (counts[a] == counts[b] && a < b);
}

unsigned tramp_select(const uint64_t *counts, unsigned n, unsigned k, uint32_t *out)
{
	unsigned got = 0;

	if (k > TRAMP_MAX_HOT)
		k = TRAMP_MAX_HOT;
	for (uint32_t i = 0; i < n; i++) {
		unsigned pos;

		if (!counts[i] || (got == k && (!k || !beats(counts, i, out[got - 1]))))
			continue;
		pos = got < k ? got++ : got - 1;        /* the last slot is dropped */
		while (pos > 0 && beats(counts, i, out[pos - 1])) {
			out[pos] = out[pos - 1];
			pos--;
		}
		out[pos] = i;
	}
	return got;
}
