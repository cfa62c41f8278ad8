/*
 * The exit table: one handler per exit reason, called by the vCPU loop
 * through exit_handlers[] (a call table indexed by enum nestlab_exit_reason,
 * the one place the generic exit path branches on the reason). The core
 * registers its handlers at init (exit_core.c); a mechanism (mech/) claims
 * a reason by replacing its handler, keeping the previous one to chain to,
 * or adds a hook that runs before or after whatever handler is installed.
 * Reasons nobody handles end the run as an L1 error.
 *
 * Every dispatch calls the handler through the dispatch slot
 * (exit_dispatch_slot, arch/x86/exit_slot.S): a page of code called
 * directly, which by default jumps through exit_handlers[] and which the
 * exit dispatch options (core/exit_tramp.h: l1_retpoline, l1_trampoline)
 * rewrite into a retpolined jump or a generated trampoline.
 *
 * A handler returns EXIT_* flags for the accounting and leaves L2 ready for
 * the next entry: RIP advanced, or an exception queued, or a stop requested
 * (vcpu_stop). Pure C: host-tested with a fake vendor.
 */
#ifndef L1_EXIT_TABLE_H
#define L1_EXIT_TABLE_H

#include <stdint.h>
#include <nestlab/exit_reason.h>

struct vcpu;

/* Handler result flags */
#define EXIT_NOT_IN_PHASE  (1u << 0)  /* count in the totals only (phase markers) */
#define EXIT_HANDLED       (1u << 1)  /* pre hook: the exit is done, skip the handler */

typedef unsigned (*exit_handler_fn)(struct vcpu *v);

#define EXIT_MAX_HOOKS 4              /* per reason and per side */

enum exit_hook_when { EXIT_HOOK_PRE, EXIT_HOOK_POST };

#define EXIT_TABLE_E_REASON (-70)      /* reason out of range */
#define EXIT_TABLE_E_FULL   (-71)      /* EXIT_MAX_HOOKS hooks already */
#define EXIT_TABLE_E_FROZEN (-72)      /* a claim after exit_table_freeze */

/* The name and meaning of a EXIT_TABLE_E_* code ("unknown error" otherwise). */
const char *exit_table_strerror(int rc);

extern exit_handler_fn exit_handlers[NESTLAB_EXIT_NR];

/* Install handler for reason; *previous (if not NULL) gets the handler it
 * replaces, for chaining. 0, EXIT_TABLE_E_REASON, or EXIT_TABLE_E_FROZEN
 * once the table is frozen. */
int exit_claim(unsigned reason, exit_handler_fn handler, exit_handler_fn *previous);
/* Add a hook. Pre hooks run in order before the handler; one that returns
 * EXIT_HANDLED ends the exit (its flags are the exit's). Post hooks run in
 * order after the handler; their flags are ORed in. 0 or EXIT_TABLE_E_*. */
int exit_hook_add(unsigned reason, enum exit_hook_when when, exit_handler_fn hook);
/* Back to the initial state: every reason unhandled, no hooks, not
 * frozen (tests). */
void exit_table_reset(void);
/* No claim from now on (EXIT_TABLE_E_FROZEN): the generated trampoline
 * jumps straight to the handlers it found, so they must not change under
 * it (core/exit_tramp.c freezes the table before L2 first runs, after
 * every mechanism claimed its reasons). Hooks may still be added. */
void exit_table_freeze(void);

/* The dispatch slot (arch/x86/exit_slot.S; host tests define it in C):
 * runs exit_handlers[reason](v), reason < NESTLAB_EXIT_NR, in whatever
 * form the slot holds now. */
unsigned exit_dispatch_slot(struct vcpu *v, unsigned long reason);

extern uint64_t exit_hooked_mask;           /* bit per reason with a hook */
unsigned exit_dispatch_hooked(struct vcpu *v, unsigned reason);

/* Run the exit of reason (v->exit.reason) through hooks and handler:
 * without hooks, one bit test and a direct call into the slot. */
static inline unsigned exit_dispatch(struct vcpu *v, unsigned reason)
{
	if (reason >= NESTLAB_EXIT_NR)
		reason = NESTLAB_EXIT_UNKNOWN;
	if (__builtin_expect(exit_hooked_mask >> reason & 1, 0))
		return exit_dispatch_hooked(v, reason);
	return exit_dispatch_slot(v, reason);
}

/* The handler of reasons nobody claimed: stops the run with l1_error. */
unsigned exit_unexpected(struct vcpu *v);

#endif
