/*
 * The L2 kernel's system-call trampoline accounting (tramp_ledger.h): a
 * segment is the stretch of calls one hot set (or none) was live for; its
 * calls of hot entries are direct, the rest table, and closing it folds
 * them into the running totals, so that counting a call costs the dispatch
 * only its counts[nr] increment.
 */
#include "tramp_ledger.h"
#include "tramp.h"

#define NR NESTLAB_KTRAMP_SYS_NR

void ktramp_ledger_init(struct ktramp_ledger *l, const uint64_t *counts)
{
	*l = (struct ktramp_ledger){ 0 };
	for (unsigned nr = 0; nr < NR; nr++)
		l->seg[nr] = counts[nr];
}

void ktramp_ledger_totals(const struct ktramp_ledger *l, const uint64_t *counts,
			  unsigned inflight, uint64_t *direct, uint64_t *table)
{
	uint64_t d = l->direct, t = l->table;

	for (unsigned nr = 0; nr < NR; nr++) {
		uint64_t after = counts[nr] - l->seg[nr] + (nr == inflight);

		if (l->hot_flag[nr])
			d += after;
		else
			t += after;
	}
	*direct = d;
	*table = t;
}

void ktramp_ledger_fold(struct ktramp_ledger *l, const uint64_t *counts, unsigned inflight)
{
	ktramp_ledger_totals(l, counts, inflight, &l->direct, &l->table);
	for (unsigned nr = 0; nr < NR; nr++) {
		l->seg[nr] = counts[nr] + (nr == inflight);
		l->hot_flag[nr] = 0;
	}
}

void ktramp_ledger_adopt(struct ktramp_ledger *l, const uint64_t *counts, const uint32_t *list,
			 unsigned n, unsigned inflight)
{
	ktramp_ledger_fold(l, counts, inflight);
	for (unsigned i = 0; i < n; i++) {
		l->hot[i] = list[i];
		l->hot_flag[list[i]] = 1;
	}
	l->nhot = n;
	l->generations++;
}

int ktramp_ledger_learn(struct ktramp_ledger *l, unsigned nr, uint64_t window, uint32_t *list,
			unsigned *n)
{
	l->learn[nr]++;
	if (++l->learned != window)
		return 0;
	*n = tramp_select(l->learn, NR, NESTLAB_KTRAMP_HOT, list);
	return 1;
}

void ktramp_ledger_evaluated(struct ktramp_ledger *l, const uint64_t *counts)
{
	for (unsigned nr = 0; nr < NR; nr++)
		l->at_eval[nr] = counts[nr];
}

void ktramp_ledger_phase_begin(struct ktramp_ledger *l, const uint64_t *counts,
			       unsigned inflight)
{
	ktramp_ledger_evaluated(l, counts);
	/* the begin marker, counted when it returns, is not the phase's */
	ktramp_ledger_totals(l, counts, inflight, &l->d0, &l->t0);
}

int ktramp_ledger_phase_end(const struct ktramp_ledger *l, const uint64_t *counts,
			    unsigned inflight, int live, uint64_t *direct, uint64_t *table,
			    uint32_t *cand, unsigned *n)
{
	uint64_t delta[NR], d, t;

	ktramp_ledger_totals(l, counts, inflight, &d, &t);
	*direct = d - l->d0;
	*table = t - l->t0;
	/* The phase's calls since the last evaluation (or the generation), the
	 * end marker's own included (dispatched, counted after it returns). */
	for (unsigned nr = 0; nr < NR; nr++)
		delta[nr] = counts[nr] - l->at_eval[nr] + (nr == inflight);
	return live && tramp_decide(delta, NR, NESTLAB_KTRAMP_HOT, l->hot, l->nhot, cand, n);
}
