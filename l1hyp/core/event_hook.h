/*
 * Hooks that run right before L1 injects an external event into L2 (an
 * interrupt or an NMI from L2's APIC model, devices/apic_deliver.c), while
 * L2 is still in the state it will take the event from (its CPL, RIP,
 * RFLAGS). A mechanism that must follow L2's privilege changes registers
 * one (MBEC's intercept design moves the vCPU to the supervisor view when
 * the event interrupts user mode); the delivery code knows no mechanism.
 * Cost without hooks: one load and one compare per injection.
 */
#ifndef L1_CORE_EVENT_HOOK_H
#define L1_CORE_EVENT_HOOK_H

struct vcpu;

enum event_kind { EVENT_INTERRUPT, EVENT_NMI };

typedef void (*event_hook_fn)(struct vcpu *v, enum event_kind kind, unsigned vector);

#define EVENT_HOOKS_MAX 4

/* Add a hook (run in the order added). 0, or -1 when EVENT_HOOKS_MAX are in. */
int event_hook_add(event_hook_fn fn);
/* Run every hook: the caller is about to inject kind (vector for interrupts). */
void event_hooks_run(struct vcpu *v, enum event_kind kind, unsigned vector);

#endif
