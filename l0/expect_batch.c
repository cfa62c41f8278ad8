/*
 * Batching's expected counters (expect_batch.h): each declared run of
 * `calls` calls is made in entries of at most batch_max, the full ones
 * ending "limit" (the kernel checks the limit before it looks ahead), the
 * last, shorter one ending as the run does.
 */
#include "expect_batch.h"
#include "batch_console.h"
#include "results_json.h"

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
	/* the negative cache per run index (one return RIP each, by the
	 * model's contract): failures in a row, entries still to skip */
	unsigned fails[NESTLAB_WM_BATCH_RUNS_MAX] = { 0 }, skip[NESTLAB_WM_BATCH_RUNS_MAX] = { 0 };

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
			/* the run's last entry looked ahead (and failed) at its
			 * end, unless it ended at the limit or before any
			 * look-ahead (effect, flags) */
			if (!rest || r->end == NESTLAB_BATCH_END_EFFECT ||
			    r->end == NESTLAB_BATCH_END_FLAGS)
				continue;
			if (skip[k]) {
				skip[k]--;
				b->skipped++;
			} else {
				fails[k]++;
				skip[k] = nestlab_batch_backoff(fails[k]);
			}
		}
	}
}

void expect_batch_render(FILE *f, const struct expect_batch *b)
{
	/* As the results JSON shows a run's: the same renderer, the ends in
	 * enum order. */
	struct batch_console_phase ph = {
		.present = b->known && b->entries,
		.entries = b->entries, .syscalls = b->syscalls, .emulated = b->emulated,
		.skipped = b->skipped,
	};

	memcpy(ph.size, b->size, sizeof(ph.size));
	for (unsigned e = 0; e < NESTLAB_BATCH_END_NR && ph.nends < BATCH_CONSOLE_ENDS_MAX; e++)
		if (b->end[e]) {
			snprintf(ph.end[ph.nends].name, sizeof(ph.end[ph.nends].name), "%s",
				 end_names[e]);
			ph.end[ph.nends++].count = b->end[e];
		}
	results_json_batch(f, &ph);
}
