/*
 * The L2 kernel's system-call trampoline accounting (tramp_ledger.c), pure
 * and freestanding: the one definition of what the kernel counts (the
 * learning window's counts, the direct and table calls of each live hot
 * set, the counters of the open phase, when a phase's end regenerates).
 * The kernel (guests/kernel/ktramp.c) runs it over its real calls; the
 * launcher's model (l0/expect_ktramp.c) runs the same code over the calls a
 * workload's definition makes, so `nestlab expect --trampoline` and a run
 * can only differ in the calls, never in how they are counted.
 *
 * `counts` is the caller's per-entry call count (the kernel keeps it where
 * the dispatch's assembly increments it), counted when a call returns.
 * `inflight` is a call dispatched but not counted yet (a phase marker seen
 * from inside its own system call), or NESTLAB_KTRAMP_SYS_NR for none.
 * A call is direct or table by the hot set live when it returns.
 */
#ifndef NESTLAB_TRAMP_LEDGER_H
#define NESTLAB_TRAMP_LEDGER_H

#include <stdint.h>
#include <nestlab/ktramp.h>

struct ktramp_ledger {
	uint8_t hot_flag[NESTLAB_KTRAMP_SYS_NR];  /* nr is compared by the live trampoline */
	uint64_t seg[NESTLAB_KTRAMP_SYS_NR];      /* counts when the live segment began */
	uint64_t at_eval[NESTLAB_KTRAMP_SYS_NR];  /* counts at the evaluation's start */
	uint64_t learn[NESTLAB_KTRAMP_SYS_NR];    /* in-phase calls per entry, while learning */
	uint64_t learned;                         /* of them, in all */
	uint64_t direct, table;                   /* of earlier segments (folded) */
	uint64_t d0, t0;                          /* direct, table at the open phase's begin */
	uint32_t hot[NESTLAB_KTRAMP_HOT];         /* the live hot set, hottest first */
	unsigned nhot;
	unsigned generations;                     /* hot sets adopted */
};

/* A fresh ledger whose segment starts at counts. */
void ktramp_ledger_init(struct ktramp_ledger *l, const uint64_t *counts);

/* Direct and table calls so far. */
void ktramp_ledger_totals(const struct ktramp_ledger *l, const uint64_t *counts,
			  unsigned inflight, uint64_t *direct, uint64_t *table);

/* Close the live segment (its calls into direct and table); no hot set. */
void ktramp_ledger_fold(struct ktramp_ledger *l, const uint64_t *counts, unsigned inflight);

/* A trampoline for list[0..n) is live from now on: the segment before it
 * folded, the new hot set, one more generation. */
void ktramp_ledger_adopt(struct ktramp_ledger *l, const uint64_t *counts, const uint32_t *list,
			 unsigned n, unsigned inflight);

/* An in-phase call of nr while learning: 1 if it completes the window of
 * `window` calls, with the hot set to generate in list[0..*n) (tramp_select
 * of the window's calls), else 0. */
int ktramp_ledger_learn(struct ktramp_ledger *l, unsigned nr, uint64_t window, uint32_t *list,
			unsigned *n);

/* The evaluation's calls start at counts (after a generation, at a phase's
 * begin). */
void ktramp_ledger_evaluated(struct ktramp_ledger *l, const uint64_t *counts);

/* The phase's begin marker (in flight: inflight) opens its counters. */
void ktramp_ledger_phase_begin(struct ktramp_ledger *l, const uint64_t *counts,
			       unsigned inflight);

/* The phase's end marker (in flight: inflight): the phase's direct and
 * table calls since its begin into *direct, *table; then 1 if the live
 * trampoline (live: one is) should be regenerated for cand[0..*n)
 * (tramp_decide over the calls since the evaluation's start), else 0. */
int ktramp_ledger_phase_end(const struct ktramp_ledger *l, const uint64_t *counts,
			    unsigned inflight, int live, uint64_t *direct, uint64_t *table,
			    uint32_t *cand, unsigned *n);

#endif
