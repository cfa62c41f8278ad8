/*
 * Batching's expected counters (expect_batch.h): each declared run of
 * `calls` calls is made in entries of at most batch_max, the full ones
 * ending "limit" (the kernel checks the limit before it looks ahead), the
 * last, shorter one ending as the run does.
 */
#include "expect_batch.h"

#include <string.h>
#include <nestlab/workload_model.h>

static const char *const end_names[NESTLAB_BATCH_END_NR] = {
#define EXPECT_BATCH_END_NAME_(id, name, what) name,
	NESTLAB_BATCH_ENDS(EXPECT_BATCH_END_NAME_)
#undef EXPECT_BATCH_END_NAME_
};

const char *expect_batch_end_name(unsigned end)
{
	return end < NESTLAB_BATCH_END_NR ? end_names[end] : "?";
}

void expect_batch_compute(unsigned wl, unsigned long iterations, unsigned batch_max,
			  struct expect_batch *b)
{
	struct nestlab_wm_batch_run runs[NESTLAB_WM_BATCH_RUNS_MAX];

	memset(b, 0, sizeof(*b));
	if (batch_max < 1 || batch_max > NESTLAB_BATCH_MAX_LIMIT ||
	    !nestlab_wm_batch_runs(wl, 0, runs))
		return;
	b->known = true;
	for (unsigned long i = 0; i < iterations; i++) {
		unsigned n = nestlab_wm_batch_runs(wl, i, runs);

		for (unsigned k = 0; k < n; k++) {
			const struct nestlab_wm_batch_run *r = &runs[k];
			unsigned full = r->calls / batch_max, rest = r->calls % batch_max;
			unsigned entries = full + (rest != 0);

			b->entries += entries;
			b->syscalls += r->calls;
			b->emulated += (uint64_t)r->glue * (r->calls - entries);
			b->size[batch_max] += full;
			b->end[NESTLAB_BATCH_END_LIMIT] += full;
			if (rest) {
				b->size[rest]++;
				b->end[r->end]++;
			}
		}
	}
}

void expect_batch_render(FILE *f, const struct expect_batch *b)
{
	int first = 1;

	if (!b->known || !b->entries) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"entries\": %llu, \"syscalls\": %llu, \"emulated\": %llu, \"sizes\": {",
		(unsigned long long)b->entries, (unsigned long long)b->syscalls,
		(unsigned long long)b->emulated);
	for (unsigned k = 1; k <= NESTLAB_BATCH_MAX_LIMIT; k++)
		if (b->size[k]) {
			fprintf(f, "%s\"%u\": %llu", first ? "" : ", ", k,
				(unsigned long long)b->size[k]);
			first = 0;
		}
	fputs("}, \"ends\": {", f);
	first = 1;
	for (unsigned e = 0; e < NESTLAB_BATCH_END_NR; e++)
		if (b->end[e]) {
			fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", end_names[e],
				(unsigned long long)b->end[e]);
			first = 0;
		}
	fputs("}}", f);
}
