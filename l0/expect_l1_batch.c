/*
 * L1's exit-level batching's expected exits and counters (expect_l1_batch.h).
 * The counters are named as L1 names them (l1hyp/mech/batch_l1.c): the
 * three totals always, the others only when not zero; a kind's name is its
 * exit reason's (ioio, cpuid, vmmcall, msr).
 */
#include "expect_l1_batch.h"

#include <string.h>
#include <nestlab/batch.h>

static const char *const end_names[NESTLAB_L1_BATCH_END_NR] = {
#define END_NAME_(id, name, what) name,
	NESTLAB_L1_BATCH_ENDS(END_NAME_)
#undef END_NAME_
};

void expect_l1_batch_compute(const struct nestlab_workload_model *m, unsigned long iterations,
			     unsigned batch_max, struct expect_l1_batch *b)
{
	memset(b, 0, sizeof(*b));
	if (!m || !m->l1_runs[0].n || batch_max < 1 || batch_max > NESTLAB_BATCH_MAX_LIMIT)
		return;
	b->known = true;
	b->iterations = iterations;
	nestlab_wm_l1_batch(m->l1_runs, batch_max, &b->per_iter);
}

void expect_l1_batch_exits(const struct expect_l1_batch *b, struct results_exits *ex)
{
	if (!b->known)
		return;
	for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++) {
		unsigned long long saved = (unsigned long long)b->per_iter.batched[r] * b->iterations;

		if (!saved)
			continue;
		ex->c[r].count = ex->c[r].count > saved ? ex->c[r].count - saved : 0;
		if (!ex->c[r].count)
			ex->present &= ~(1ull << r);
	}
}

void expect_l1_batch_render(FILE *f, const struct expect_l1_batch *b)
{
	const struct nestlab_wm_l1_batch *p = &b->per_iter;
	unsigned long long n = b->iterations;

	if (!b->known) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"l1batch.exits\": %llu, \"l1batch.handled\": %llu, "
		"\"l1batch.emulated\": %llu", p->batches * n, p->handled * n, p->emulated * n);
	for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++)
		if (p->batched[r] && n)
			fprintf(f, ", \"l1batch.%s\": %llu", nestlab_exit_reason_name(r),
				p->batched[r] * n);
	for (unsigned k = 1; k <= NESTLAB_BATCH_MAX_LIMIT; k++)
		if (p->size[k] && n)
			fprintf(f, ", \"l1batch.size.%u\": %llu", k, p->size[k] * n);
	for (unsigned e = 0; e < NESTLAB_L1_BATCH_END_NR; e++)
		if (p->end[e] && n)
			fprintf(f, ", \"l1batch.end.%s\": %llu", end_names[e], p->end[e] * n);
	fputs("}", f);
}
