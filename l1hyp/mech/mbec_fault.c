/*
 * MBEC emulation, the nested page faults (mbec.h): design exec-fault's
 * view switches, and design intercept's backstop. The mechanism takes the
 * NPF exit in front of the core's handler (exit_claim, which hands back
 * the core's) once L2 enabled MBEC:
 *   - an instruction fetch from a present page of L2 RAM that the active
 *     view makes non-executable (APM vol.2 15.25.10: EXITINFO1 bits 0 and
 *     4, P and I/D): if the vCPU's mode (its CPL now, after the privilege
 *     change that led to the fetch) has the other view, switch to it and
 *     let L2 retry; if it is already in its own mode's view the page may
 *     not be executed in that mode: a violation, handled as
 *     mbec_violation says (stop: status l2_mbec_violation with a report;
 *     inject: #PF into L2 with P, I/D and U/S as the CPL, CR2 = RIP, as
 *     an NX fault looks; report: counted and traced, and the page becomes
 *     executable in that view so the run goes on);
 *   - anything else goes to the core (MMIO, bad accesses, lazy NPT). A
 *     page lazy NPT has just mapped in the active view is then mapped in
 *     the base view and both mode views too, each with its own execute
 *     right, so the views never disagree on what is mapped; then what
 *     the views have alike there is shared again (mbec_share).
 */
#include "mbec.h"
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/exit_core.h"
#include "../core/trace_l1.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include "../../lib/freestanding/x86_paging.h"
#include <nestlab/status.h>

static exit_handler_fn core_npf;

static const char *rights_name(unsigned r)
{
	static const char *const names[] = { "neither mode", "user mode only",
					     "supervisor mode only", "both modes" };
	return names[r & 3];
}

static unsigned violation(struct vcpu *v, uint64_t gpa, unsigned cpl)
{
	unsigned view = v->active_view;

	if (cpl == 3)
		mbec.violations_user++;
	else
		mbec.violations_super++;
	trace_l1_mech(v, mbec.slot, MBEC_TRACE_VIOLATION, gpa, cpl | mbec.violation << 8);
	switch (mbec.violation) {
	case MBEC_VIOL_INJECT:
		vendor_inject_exception(v, X86_EXC_PF, true,
					X86_PF_P | X86_PF_ID | (cpl == 3 ? X86_PF_U : 0),
					v->regs.rip);
		/* Design intercept follows the exception it injects itself. */
		if (mbec.design == MBEC_DESIGN_INTERCEPT && cpl == 3)
			mbec_switch_for(v, mbec_view_of(0), &mbec.via_exception);
		return 0;
	case MBEC_VIOL_REPORT:
		/* The view's own copy of the page's tables first (copy on
		 * write: the other views may share them). */
		if (npt_set_exec(&v->views[view].npt, gpa & ~0xFFFull, 0x1000, true))
			return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
					 "mbec: out of memory making GPA %lx executable in "
					 "view %u", gpa & ~(uint64_t)0xFFF, view);
		vendor_flush_tlb(v, VCPU_FLUSH_ASID);
		return 0;
	case MBEC_VIOL_STOP:
		break;
	}
	return vcpu_stop(v, NESTLAB_STATUS_L2_MBEC_VIOLATION, true,
			 "MBEC violation: a CPL%u instruction fetch at RIP %lx from "
			 "guest-physical page %lx, which L2's policy lets %s execute, in "
			 "the %s view", cpl, v->regs.rip, gpa & ~(uint64_t)0xFFF,
			 rights_name(mbec_rights(gpa)),
			 mbec_view_is_user(view) ? "user" : "supervisor");
}

/* A page lazy NPT mapped in the active view: map it in the others, each
 * with its execute right (and set the active view's right too). */
static void mirror_lazy_page(struct vcpu *v, uint64_t page)
{
	struct npt_walk_result w;

	if (npt_walk(&v->views[v->active_view].npt, page, &w))
		return;                         /* the core did not map it */
	for (unsigned i = MBEC_VIEW_BASE; i <= mbec_last_view(); i++) {
		struct npt *n = &v->views[i].npt;
		struct npt_walk_result o;

		if (mbec_view_hides(i, page))
			continue;               /* a domain's page, outside the domain */
		/* map (the shared tables on the way copied for this view),
		 * then the right (npt_set_exec copies what npt_map did not) */
		if ((npt_walk(n, page, &o) &&
		     npt_map(n, page, w.hpa & ~0xFFFull, 0x1000, NPT_R | NPT_W, 0)) ||
		    npt_set_exec(n, page, 0x1000, mbec_view_exec(i, page))) {
			vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
				  "mbec: cannot map L2 GPA %lx in view %u (out of memory)",
				  page, i);
			return;
		}
	}
	mbec_share(v, page, 0x1000);
}

static unsigned mbec_npf(struct vcpu *v)
{
	const struct exit_npf *f = &v->exit.npf;
	unsigned cpl, want, flags;
	bool lazy_candidate;

	if (!mbec.enabled)
		return core_npf(v);
	if (f->gpa < l1.l2_ram_size &&
	    (f->flags & (EXIT_NPF_FETCH | EXIT_NPF_PRESENT | EXIT_NPF_IN_WALK | EXIT_NPF_RSVD)) ==
	    (EXIT_NPF_FETCH | EXIT_NPF_PRESENT)) {
		cpl = vendor_cpl(v);
		want = mbec_view_of(cpl);
		if (v->active_view != want) {
			mbec_switch_view(v, want, f->gpa,
					 mbec.design == MBEC_DESIGN_INTERCEPT ?
					 MBEC_CAUSE_BACKSTOP : MBEC_CAUSE_FETCH);
			if (mbec.design == MBEC_DESIGN_INTERCEPT)
				mbec.via_backstop++;    /* a change the intercepts missed */
			return 0;
		}
		return violation(v, f->gpa, cpl);
	}
	lazy_candidate = f->gpa < l1.l2_ram_size &&
			 !(f->flags & (EXIT_NPF_PRESENT | EXIT_NPF_RSVD));
	flags = core_npf(v);
	if (lazy_candidate && !v->stop)
		mirror_lazy_page(v, f->gpa & ~0xFFFull);
	return flags;
}

int mbec_fault_init(void)
{
	return exit_claim(NESTLAB_EXIT_NPF, mbec_npf, &core_npf) ? -1 : 0;
}
