/*
 * System-call interposition, L1's side (docs/interpose.md; the contract
 * with the guest module in include/nestlab/interpose.h). Switch
 * interpose=off|inguest|hypercall|trap:
 *   - inguest, hypercall: L2's LSTAR is hooked and hidden
 *     (interpose_hook.c): the CPU's LSTAR holds the entry of the module
 *     that registered (NESTLAB_HC_INTERPOSE_REGISTER), L2 reads and writes
 *     its own value, kept here and in the module's control page. The
 *     module's code and control page are read-only in the nested page
 *     tables (interpose_protect.c). The operation runs in the module
 *     (inguest: no exit) or here, at the module's one hypercall per system
 *     call (hypercall);
 *   - trap: no module, no hook: L2's EFER.SCE is hidden, SYSCALL and SYSRET
 *     raise #UD, L1 performs the operation at the SYSCALL and emulates both
 *     instructions (interpose_trap.c): 2 exits per round trip;
 *   - breakpoint: no module, no hook: an INT3 at L2's handler, hidden from
 *     L2's reads by an execute view (interpose_bp.c): 6 exits per round
 *     trip through the L2 kernel's entry.
 * Options interpose_op=count|trace|deny and interpose_deny=NR[,NR...].
 * Per phase (the phase hooks) the counts of the phase go into the results
 * stream as counters interpose.total, .denied, .other, .exits, .refused,
 * .nr.N.
 */
#ifndef L1_MECH_INTERPOSE_H
#define L1_MECH_INTERPOSE_H

#include <stdint.h>
#include <stdbool.h>
#include <nestlab/interpose.h>

struct vcpu;

/* trace_l1_mech "what" codes */
#define INTERPOSE_TRACE_SYSCALL 1u /* arg: number, arg2: 1 if denied */
#define INTERPOSE_TRACE_REFUSED 2u /* arg: GPA written, arg2: RIP */
#define INTERPOSE_TRACE_LSTAR   3u /* arg: the value L2 wrote, arg2: 1 if hooked */

/* Pages L1 keeps read-only: the module's code and its control page. */
#define INTERPOSE_PROTECTED_MAX (NESTLAB_INTERPOSE_CODE_PAGES_MAX + 1)

struct interpose_state {
	unsigned slot;                          /* vcpu->mech[] slot */
	enum nestlab_interpose_variant variant; /* OFF: the mechanism is off */
	enum nestlab_interpose_op op;
	uint64_t deny[NESTLAB_INTERPOSE_NRS / 64];
	bool deny_given;                        /* interpose_deny= was on the line */
	/* inguest / hypercall */
	bool registered;
	uint64_t lstar;                         /* L2's own LSTAR */
	uint64_t entry;                         /* the hooked vector */
	uint64_t ctl_gpa, counters_gpa;
	uint64_t protected_gpa[INTERPOSE_PROTECTED_MAX];
	unsigned nr_protected;
	/* what L1 counts itself (hypercall, trap; inguest: the module does) */
	struct nestlab_interpose_counters own;
	/* the counts when the open phase began */
	struct nestlab_interpose_counters at_begin;
	uint64_t refused, refused_at_begin;     /* L2 writes to protected pages */
	/* exits interposition caused: the module's hypercalls, the trapped
	 * SYSCALL/SYSRET #UDs */
	uint64_t exits, exits_at_begin;
	uint64_t lstar_reads, lstar_writes;
	bool counters_unreadable;               /* reported once */
};

extern struct interpose_state interpose;

/* The operation for system call nr, counted in interpose.own: true if it
 * is denied. Variants hypercall and trap. */
bool interpose_syscall(struct vcpu *v, uint64_t nr);

/* interpose_hook.c: the LSTAR entries, and with a module the registration
 * hypercall (inguest, hypercall; breakpoint only follows LSTAR). */
int interpose_hook_init(struct vcpu *v, bool module);
/* interpose_protect.c: keep the pages read-only; refuse L2's writes. */
int interpose_protect_init(void);
uint32_t interpose_protect(struct vcpu *v, const uint64_t *gpa, unsigned n);
/* interpose_trap.c: the #UD intercept of variant trap. */
int interpose_trap_init(struct vcpu *v);
/* interpose_bp.c: the breakpoint variant's intercepts; L2 wrote LSTAR. */
int interpose_bp_init(struct vcpu *v);
void interpose_bp_lstar(struct vcpu *v, uint64_t target);

#endif
