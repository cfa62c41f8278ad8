/*
 * Batching's counters (batch.h): per phase, the kernel entries by SYSCALL
 * wholly inside it (the phase open, with the same index, when the entry
 * began and when it returned, so a marker's own entry never counts), the
 * calls they made, the instructions emulated between calls, the entries
 * whose look-ahead the negative cache skipped, the entries by batch size
 * and by why they ended. The batch loop counts each entry with
 * batch_stats_entry; the fast path (an entry of one call whose look-ahead
 * is skipped) only adds one to its phase's skip_end[end], through
 * batch_stats_skip_sink, and the report adds those in: each is one entry,
 * one call, one skipped, size 1, ended by end. Reported on the console at the end of
 * the run, outside every phase, one line per phase, which the launcher
 * copies into the results JSON (l0/batch_stats.c, docs/batching.md):
 *
 *   nestlab-l2: batch phase 0: entries 1000 syscalls 2000 emulated 3000 skipped 0 sizes 2:1000 ends branch:1000
 *
 * `sizes` and `ends` list only non-zero counts, k:count in ascending k.
 */
#include <nestlab/results.h>
#include <nestlab/bootargs.h>
#include "batch.h"
#include "kernel.h"
#include "phase_hook.h"

struct batch_phase {
	uint64_t entries, syscalls, emulated, skipped;
	uint64_t size[NESTLAB_BATCH_MAX_LIMIT + 1];
	uint64_t end[BATCH_END_NR];
	uint64_t skip_end[BATCH_END_NR];  /* the fast path's entries, by end */
};

static struct batch_phase stats[NESTLAB_MAX_PHASES];
static uint64_t skip_discard[BATCH_END_NR];  /* no phase open */
uint64_t *batch_stats_skip_sink = skip_discard;

static void phase_changed(void)
{
	uint64_t index = l2_kinfo->phase_index;

	/* the same test as batch_stats_entry's, for an entry that changes no
	 * phase: open, and a phase with counters */
	batch_stats_skip_sink = l2_kinfo->phase_open && index < NESTLAB_MAX_PHASES ?
				stats[index].skip_end : skip_discard;
}

const struct kphase_hook batch_phase_hook = { .open_changed = phase_changed };

void batch_stats_entry(const struct batch_phase_mark *start, unsigned size, unsigned insns,
		       unsigned end, unsigned skipped)
{
	struct batch_phase_mark now;
	struct batch_phase *s;

	batch_phase_mark(&now);
	if (!start->open || !now.open || start->index != now.index ||
	    now.index >= NESTLAB_MAX_PHASES)
		return;
	s = &stats[now.index];
	s->entries++;
	s->syscalls += size;
	s->emulated += insns;
	s->skipped += skipped;
	s->size[size <= NESTLAB_BATCH_MAX_LIMIT ? size : 0]++;
	s->end[end < BATCH_END_NR ? end : 0]++;
}

void batch_report_config(void)
{
	if (!l2k.cfg.batch)
		return;
	kprintf("nestlab-l2: batch kernel: up to %u system calls per entry, look-ahead %u "
		"instructions / %u bytes per gap\n", l2k.cfg.batch_max, BATCH_LOOKAHEAD_INSNS,
		BATCH_LOOKAHEAD_BYTES);
}

void batch_report(void)
{
	if (!l2k.cfg.batch)
		return;
	for (unsigned p = 0; p < NESTLAB_MAX_PHASES; p++) {
		struct batch_phase *s = &stats[p];
		const char *sep = "";

		for (unsigned e = 0; e < BATCH_END_NR; e++) {  /* the fast path's */
			uint64_t k = s->skip_end[e];

			s->entries += k;
			s->syscalls += k;
			s->skipped += k;
			s->size[1] += k;
			s->end[e] += k;
			s->skip_end[e] = 0;
		}
		if (!s->entries)
			continue;
		kprintf("nestlab-l2: batch phase %u: entries %lu syscalls %lu emulated %lu "
			"skipped %lu sizes ", p, s->entries, s->syscalls, s->emulated, s->skipped);
		for (unsigned k = 1; k <= NESTLAB_BATCH_MAX_LIMIT; k++)
			if (s->size[k]) {
				kprintf("%s%u:%lu", sep, k, s->size[k]);
				sep = ",";
			}
		kprintf(" ends ");
		sep = "";
		for (unsigned e = 0; e < BATCH_END_NR; e++)
			if (s->end[e]) {
				kprintf("%s%s:%lu", sep, batch_end_name(e), s->end[e]);
				sep = ",";
			}
		kprintf("\n");
	}
}
