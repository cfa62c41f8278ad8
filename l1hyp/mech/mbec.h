/*
 * MBEC emulation (docs/mbec.md), what its two files share. L1 gives every
 * 4 KiB page of L2 RAM two execute rights, one for user-mode (CPL3) and
 * one for supervisor-mode (CPL0-2) fetches, as Intel's mode-based execute
 * control (SDM vol.3 29.3.3.1 / 26.6.2, "mode-based execute control for
 * EPT") and AMD's GMET do in hardware; L0 offers neither to L1. Design
 * exec-fault: two NPT views cloned from the base one (vcpu->views[0]),
 * the user view executable only where the user right is set, the
 * supervisor view only where the supervisor right is; the vCPU runs in the
 * view of its current mode. A privilege change makes the next fetch fault
 * (a nested page fault with the execute bit, APM vol.2 15.25.10, on a
 * present page): L1 switches to the other view and L2 retries the fetch.
 * A fetch that faults in its own mode's view is a violation.
 * Design intercept: the privilege changes themselves exit (SYSCALL and
 * SYSRET through #UD with EFER.SCE hidden, exceptions, INT n, IRET, the
 * interrupts L1 injects) and L1 switches there; the execute faults stay
 * as the backstop for what those do not see.
 *
 *   mbec.c            the switches, the policy hypercalls, the report
 *   mbec_fault.c      the nested page faults: view switch, violation, and
 *                     lazy NPT's newly mapped pages mirrored into every view
 *   mbec_intercept.c  design intercept's exits and event hook
 */
#ifndef L1_MECH_MBEC_H
#define L1_MECH_MBEC_H

#include <stdint.h>
#include <stdbool.h>
#include <nestlab/hypercall.h>

struct vcpu;

#define MBEC_VIEW_BASE  0u      /* the identity view: every page executable */
#define MBEC_VIEW_USER  1u
#define MBEC_VIEW_SUPER 2u
/* A protection domain under MBEC (domain.c): its view per mode, clones of
 * the two above with the domain's pages, which the three above lack. */
#define MBEC_VIEW_DOMAIN_SUPER 3u       /* domain.c's DOMAIN_VIEW */
#define MBEC_VIEW_DOMAIN_USER  4u

enum mbec_design { MBEC_DESIGN_EXEC_FAULT = 0, MBEC_DESIGN_INTERCEPT };
enum mbec_tlb { MBEC_TLB_ASID = 0, MBEC_TLB_FLUSH };
enum mbec_violation { MBEC_VIOL_STOP = 0, MBEC_VIOL_INJECT, MBEC_VIOL_REPORT };

/* trace_l1_mech "what" codes */
#define MBEC_TRACE_SWITCH    1u /* arg: from << 8 | to | cause << 16 | flushed << 24
				 * | ASID << 32, arg2: GPA of the fetch or RIP */
#define MBEC_TRACE_VIOLATION 2u /* arg: GPA, arg2: CPL | policy << 8 */

struct mbec_state {
	unsigned slot;                  /* the mechanism's vcpu->mech[] slot */
	bool on;                        /* mbec=exec-fault or mbec=intercept */
	enum mbec_design design;
	bool enabled;                   /* L2 sent MBEC_ENABLE */
	enum mbec_tlb tlb;
	enum mbec_violation violation;
	uint8_t *rights;                /* NESTLAB_MBEC_X_* per page of L2 RAM */
	uint64_t pages;
	uint64_t switches_to_user, switches_to_super;
	uint64_t violations_user, violations_super;
	/* design intercept: the switches by what made them; backstop: by an
	 * execute fault (what the intercepts missed) */
	uint64_t via_syscall, via_sysret, via_exception, via_iret, via_event, via_swint;
	uint64_t via_backstop;
	/* protection domains (mbec_domain_*) */
	bool domain;                    /* views 3 and 4 are a domain's, kept by the policy */
	bool inside;                    /* the vCPU is in the domain's pair of views */
	bool domain_first;              /* a domain was made before ENABLE: ENABLE refused */
	bool (*hidden)(uint64_t gpa);   /* the domain's pages: absent in views 0-2 */
};

extern struct mbec_state mbec;

/* Rights of the page holding gpa (gpa inside L2 RAM). */
static inline unsigned mbec_rights(uint64_t gpa)
{
	return mbec.rights[gpa >> 12];
}

/* The view whose fetches mode `cpl` makes (in the domain's pair inside a
 * domain). */
static inline unsigned mbec_view_of(unsigned cpl)
{
	if (mbec.inside)
		return cpl == 3 ? MBEC_VIEW_DOMAIN_USER : MBEC_VIEW_DOMAIN_SUPER;
	return cpl == 3 ? MBEC_VIEW_USER : MBEC_VIEW_SUPER;
}

static inline bool mbec_view_is_user(unsigned view)
{
	return view == MBEC_VIEW_USER || (mbec.domain && view == MBEC_VIEW_DOMAIN_USER);
}

/* The last view MBEC keeps: the supervisor view, or the domain's user one. */
static inline unsigned mbec_last_view(void)
{
	return mbec.domain ? MBEC_VIEW_DOMAIN_USER : MBEC_VIEW_SUPER;
}

/* Execute right that view index gives the page holding gpa. */
static inline bool mbec_view_exec(unsigned view, uint64_t gpa)
{
	if (view == MBEC_VIEW_BASE)
		return true;
	if (mbec_view_is_user(view))
		return mbec_rights(gpa) & NESTLAB_MBEC_X_USER;
	return mbec_rights(gpa) & NESTLAB_MBEC_X_SUPER;
}

/* Whether view index lacks the page holding gpa on purpose (a domain's
 * page outside the domain). */
static inline bool mbec_view_hides(unsigned view, uint64_t gpa)
{
	return mbec.domain && view <= MBEC_VIEW_SUPER && mbec.hidden(gpa);
}

/* What made a view switch (the trace event's cause). */
enum mbec_cause {
	MBEC_CAUSE_FETCH = 1,   /* an execute fault (design exec-fault) */
	MBEC_CAUSE_SYSCALL, MBEC_CAUSE_SYSRET, MBEC_CAUSE_EXCEPTION, MBEC_CAUSE_IRET,
	MBEC_CAUSE_EVENT,       /* an interrupt or NMI L1 injects */
	MBEC_CAUSE_BACKSTOP,    /* an execute fault the intercepts missed */
	MBEC_CAUSE_SWINT,       /* INT n (INT3, INTO, INT1) at CPL3, through the INTn intercept */
};

/* Point the vCPU at view (switch count, trace, the TLB as mbec.tlb says);
 * gpa: the fetch's GPA, or L2's RIP for an intercept. */
void mbec_switch_view(struct vcpu *v, unsigned view, uint64_t gpa, enum mbec_cause cause);

/* Switch to view (if not there yet) for a reason counted in *counter. */
void mbec_switch_for(struct vcpu *v, unsigned view, uint64_t *counter);

/* After an edit of [gpa, gpa+size) in the views: the subtrees the base,
 * user and supervisor views have alike there become one table each
 * (npt_share: no allocation, no translation changed). */
void mbec_share(struct vcpu *v, uint64_t gpa, uint64_t size);

/*
 * Protection domains under MBEC (domain.c calls these):
 *   mbec_domain_views  after ENABLE: clone the supervisor view into view 3
 *                      and the user view into view 4, and from then on keep
 *                      all five by the policy; hidden says which pages are
 *                      the domain's (the caller unmaps them from views
 *                      0-2). 0, or -1 out of memory (nothing changed).
 *   mbec_domain_move   the vCPU enters (inside) or leaves the domain: the
 *                      pair of views MBEC switches within; returns the
 *                      view of mode cpl in it.
 *   mbec_domain_first  a domain made while MBEC is not enabled: ENABLE
 *                      answers E_STATE from then on.
 *   mbec_domain_drop   the domain's creation failed after
 *                      mbec_domain_views: MBEC keeps three views again.
 */
int mbec_domain_views(struct vcpu *v, bool (*hidden)(uint64_t gpa));
unsigned mbec_domain_move(bool inside, unsigned cpl);
void mbec_domain_first(void);
/* Undo mbec_domain_views' bookkeeping (the caller destroyed the views). */
void mbec_domain_drop(void);

/* Install the NPF handler (mbec_fault.c). 0 or -1. */
int mbec_fault_init(void);

/* Design intercept (mbec_intercept.c): at init, hide EFER.SCE, intercept
 * #UD and install the handlers and the event hook (0 or -1); at
 * MBEC_ENABLE, intercept the exceptions and IRET. */
int mbec_intercept_init(struct vcpu *v);
void mbec_intercept_enable(struct vcpu *v);

#endif
