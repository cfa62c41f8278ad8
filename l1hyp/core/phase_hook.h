/*
 * Hooks that run when L2 opens or closes a workload phase (the PHASE_BEGIN
 * and PHASE_END hypercalls, include/nestlab/hypercall.h), after L1's exit
 * accounting took the marker. A mechanism that counts something per phase
 * registers one: at the begin it takes a snapshot, at the end it adds its
 * counts to the phase with exit_stats_counter_set (the results stream's
 * "counter" lines); system-call interposition does this with the per-number
 * counts its guest module keeps (mech/interpose.c). The hypercall code
 * knows no mechanism. Cost without hooks: one compare per marker.
 */
#ifndef L1_CORE_PHASE_HOOK_H
#define L1_CORE_PHASE_HOOK_H

#include <stdbool.h>

struct vcpu;

typedef void (*phase_hook_fn)(struct vcpu *v, unsigned phase, bool begin);

#define PHASE_HOOKS_MAX 4

/* Add a hook (run in the order added). 0, or -1 when PHASE_HOOKS_MAX are in. */
int phase_hook_add(phase_hook_fn fn);
/* Run every hook: phase `phase` was just opened (begin) or closed. */
void phase_hooks_run(struct vcpu *v, unsigned phase, bool begin);

#endif
