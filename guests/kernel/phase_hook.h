/*
 * The phase's edges for the kernel's mechanisms (phase_hook.c): a mechanism
 * that keeps per-phase state registers what it does at them once, at boot
 * and only when it is on, and phase.c calls every registered hook at each
 * edge, so phase.c names no mechanism and a mechanism that is off costs
 * the phases nothing. The edges, in the order a phase passes them:
 *   before_begin  a phase is about to begin (its begin is valid; outside
 *                 its ticks, before the begin hypercall at level 2);
 *   open_changed  l2_kinfo's phase_open or phase_index has just changed
 *                 (at the begin and at the end);
 *   after_end     phase `index` has ended (outside its ticks).
 * A hook may leave any of them NULL.
 */
#ifndef L2_PHASE_HOOK_H
#define L2_PHASE_HOOK_H

#include <stdint.h>

struct kphase_hook {
	void (*before_begin)(void);
	void (*open_changed)(void);
	void (*after_end)(uint64_t index);
};

#define KPHASE_HOOKS_MAX 4u

/* Register h (kept by pointer): 0, or -1 when KPHASE_HOOKS_MAX are in. */
int kphase_hook_add(const struct kphase_hook *h);

/* phase.c: run the registered hooks of one edge, in registration order. */
void kphase_before_begin(void);
void kphase_open_changed(void);
void kphase_after_end(uint64_t index);

#endif
