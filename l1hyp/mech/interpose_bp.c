/*
 * System-call interposition, variant breakpoint: the DRAKVUF design, a
 * trapping instruction at the entry of L2's system-call handler (the LSTAR
 * value L2 writes), hidden from L2's reads by a second view of L2 RAM. No
 * module, no hook of LSTAR (L1 only watches its writes to follow the
 * handler).
 *
 * The breakpoint is UD2 (0F 0B, #UD: APM vol.3), not DRAKVUF's INT3:
 * AMD hardware makes INT3 a #BP exception intercept (APM vol.2 15.12), but
 * QEMU 7.2's SVM emulation checks INT3 against the INTn intercept only
 * (target/i386/tcg/excp_helper.c, raise_interrupt2: a software interrupt
 * meets the software-interrupt intercept), so the #BP intercept never
 * fires under TCG (seen: the #BP reached L2). A #UD is an exception on both; the displaced
 * instruction is single-stepped from L2's own page, so the breakpoint's
 * length does not matter.
 *
 * AMD's nested page tables have no execute-only permission (a present
 * entry is always readable, APM vol.2 15.25.5), so the INT3 cannot sit in
 * a page that fetches see and reads do not. Two views stand in for it:
 *   - the base view (views[0]) maps the handler's page P as it is, but not
 *     executable: reads see L2's own bytes;
 *   - the execute view (INTERPOSE_VIEW_EXEC) maps P to L1's shadow copy S
 *     of it, with UD2 at the entry, executable, and every other page of
 *     L2 RAM not executable.
 * A fetch from P in the base view faults (NPF, execute) and L1 moves the
 * vCPU to the execute view; a fetch from any other page there faults and
 * L1 moves it back. At the UD2 (#UD intercepted: RIP at it) L1
 * performs the operation and runs the displaced instruction by single
 * step (P mapped to L2's page for that one instruction; the #DB trap after
 * it, APM vol.2 13.1.1.3, puts S back), or completes a denied call with an
 * emulated SYSRETQ. Per round trip through a handler alone in its page
 * that calls out of it once (the L2 kernel's entry.S): 4 npf (into the
 * page, out to the dispatcher, back, out to user mode), 1 excp_ud, 1
 * excp_db. A write into P from the execute view switches to the base view,
 * where it lands in L2's page, and S is copied again at the next entry.
 * What stays visible: code running in P that reads P itself sees the UD2.
 * Not with MBEC (its views) or lazy NPT (a page mapped on first touch
 * would be executable in the execute view).
 */
#include "interpose.h"
#include <nestlab/status.h>
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/guest_insn.h"
#include "../core/syscall_insn.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/console.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include "../../lib/freestanding/format.h"
#include <nestlab/mem.h>

#define INTERPOSE_VIEW_EXEC 3u
#define DR6_B0_B3 0xFull

static exit_handler_fn core_npf;

static struct {
	bool armed;
	uint64_t target;        /* the handler's entry (L2's LSTAR) */
	uint64_t page, offset;  /* its GPA page P and offset in it */
	uint8_t *shadow;        /* S: L1's copy of P with the UD2 */
	bool dirty;             /* L2 wrote P: copy it again */
	bool stepping;          /* the displaced instruction is being stepped */
	bool guest_tf;
	uint64_t dr6;
} bp;

static void switch_to(struct vcpu *v, unsigned view)
{
	if (v->active_view == view)
		return;
	vendor_switch_view(v, view);
	interpose.exits++;              /* the NPF that made the switch */
}

/* P in the execute view: S (with the UD2) or, while stepping, L2's page. */
static int map_page(struct vcpu *v, bool shadow)
{
	struct npt *npt = &v->views[INTERPOSE_VIEW_EXEC].npt;
	uint64_t hpa = shadow ? (uint64_t)(uintptr_t)bp.shadow : l1.l2_ram_hpa + bp.page;
	int rc = npt_unmap(npt, bp.page, NPT_PAGE_4K);

	if (!rc)
		rc = npt_map(npt, bp.page, hpa, NPT_PAGE_4K, NPT_R | NPT_X, 0);
	return rc;
}

static int copy_shadow(struct vcpu *v)
{
	if (v->gm.read_phys(v->gm.ctx, bp.page, bp.shadow, 4096))
		return -1;
	bp.shadow[bp.offset] = 0x0F;            /* UD2 */
	bp.shadow[bp.offset + 1] = 0x0B;
	bp.dirty = false;
	return 0;
}

/* Place the breakpoint at L2's handler `target` (a kernel address, mapped
 * now: L2 writes LSTAR at CPL0 with its tables loaded). */
static int arm(struct vcpu *v, uint64_t target, char *why, size_t whylen)
{
	struct guest_paging pg;
	uint64_t gpa;
	struct vcpu_view *x = &v->views[INTERPOSE_VIEW_EXEC];

	vendor_paging(v, &pg);
	if (guest_translate_ex(&v->gm, &pg, target, GUEST_ACC_PROBE | GUEST_ACC_EXEC, &gpa, 0) ||
	    gpa >= l1.l2_ram_size) {
		format_snprintf(why, whylen, "LSTAR %lx is not mapped to L2 RAM", target);
		return -1;
	}
	if ((gpa & 0xFFF) > 0xFFE) {
		format_snprintf(why, whylen, "LSTAR %lx: the breakpoint would cross a page", target);
		return -1;
	}
	if (v->views[1].in_use || v->views[2].in_use) {
		format_snprintf(why, whylen, "the views are MBEC's");
		return -1;
	}
	if (!bp.armed && x->in_use) {
		format_snprintf(why, whylen, "the execute view's slot holds a protection domain");
		return -1;
	}
	if (bp.armed) {
		/* Back to L2's page, executable, for the old handler. */
		npt_set_exec(&v->views[0].npt, bp.page, 4096, true);
		if (v->active_view == INTERPOSE_VIEW_EXEC)
			vendor_switch_view(v, 0);
		npt_destroy(&x->npt);
		x->in_use = false;
		bp.armed = false;
	}
	if (!bp.shadow && !(bp.shadow = (uint8_t *)(uintptr_t)l1_alloc_pages(1))) {
		format_snprintf(why, whylen, "no memory for the shadow page");
		return -1;
	}
	bp.target = target;
	bp.page = gpa & ~0xFFFull;
	bp.offset = gpa & 0xFFF;
	if (copy_shadow(v) || npt_clone(&x->npt, &v->views[0].npt) ||
	    npt_set_exec(&x->npt, 0, l1.l2_ram_size, false) || map_page(v, true) ||
	    npt_set_exec(&v->views[0].npt, bp.page, 4096, false)) {
		format_snprintf(why, whylen, "cannot build the execute view (out of memory)");
		return -1;
	}
	x->asid = VCPU_ASID_FIRST + INTERPOSE_VIEW_EXEC;
	x->in_use = true;
	bp.armed = true;
	vendor_flush_tlb(v, VCPU_FLUSH_ALL);
	return 0;
}

/* L2 wrote LSTAR (interpose_hook.c, value checked): follow the handler. */
void interpose_bp_lstar(struct vcpu *v, uint64_t target)
{
	char why[96];

	if (arm(v, target, why, sizeof(why)))
		vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
			  "interpose=breakpoint: cannot place the breakpoint: %s", why);
}

static unsigned bp_npf(struct vcpu *v)
{
	const struct exit_npf *f = &v->exit.npf;
	uint64_t page = f->gpa & ~0xFFFull;

	if (!bp.armed || !(f->flags & EXIT_NPF_PRESENT) || f->gpa >= l1.l2_ram_size)
		return core_npf(v);
	if (v->active_view != 0 && v->active_view != INTERPOSE_VIEW_EXEC)
		return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
				 "interpose=breakpoint cannot run with MBEC's views");
	if ((f->flags & EXIT_NPF_FETCH) && v->active_view == 0 && page == bp.page) {
		/* S is mapped already: a new copy needs no TLB flush. */
		if (bp.dirty && copy_shadow(v))
			return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
					 "interpose=breakpoint: cannot read the handler's page");
		switch_to(v, INTERPOSE_VIEW_EXEC);
		return 0;
	}
	if ((f->flags & EXIT_NPF_FETCH) && v->active_view == INTERPOSE_VIEW_EXEC &&
	    page != bp.page) {
		switch_to(v, 0);
		return 0;
	}
	if ((f->flags & EXIT_NPF_WRITE) && v->active_view == INTERPOSE_VIEW_EXEC &&
	    page == bp.page) {
		bp.dirty = true;        /* the write lands in L2's page, in the base view */
		switch_to(v, 0);
		return 0;
	}
	return core_npf(v);
}

static unsigned deliver(struct vcpu *v, unsigned vector)
{
	vendor_inject_exception(v, vector, false, 0, 0);
	return 0;
}

static unsigned bp_exception(struct vcpu *v)
{
	struct syscall_emul_result f;

	if (!bp.armed || v->active_view != INTERPOSE_VIEW_EXEC || v->regs.rip != bp.target)
		return deliver(v, X86_EXC_UD);  /* L2's own: a fault, RIP at it */
	interpose.exits++;
	if (interpose_syscall(v, v->regs.gpr[X86_RAX])) {
		v->regs.gpr[X86_RAX] = (uint64_t)-(int64_t)NESTLAB_INTERPOSE_DENY_ERRNO;
		if (syscall_insn_sysret(v, &f) != SYSCALL_INSN_DONE)
			return deliver(v, (unsigned)f.vector);
		return 0;
	}
	if (map_page(v, false))
		return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
				 "interpose=breakpoint: cannot map the handler's page");
	vendor_flush_tlb(v, VCPU_FLUSH_ASID);
	bp.stepping = true;
	bp.guest_tf = v->regs.rflags & RFLAGS_TF;
	bp.dr6 = vendor_dr6(v);
	v->regs.rflags |= RFLAGS_TF;
	return 0;                       /* RIP stays: the displaced instruction runs now */
}

static unsigned bp_debug(struct vcpu *v)
{
	uint64_t added, own;

	if (!bp.stepping)
		return deliver(v, X86_EXC_DB);
	bp.stepping = false;
	interpose.exits++;
	if (!bp.guest_tf)
		v->regs.rflags &= ~RFLAGS_TF;
	if (map_page(v, true))
		return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
				 "interpose=breakpoint: cannot map the shadow page");
	vendor_flush_tlb(v, VCPU_FLUSH_ASID);
	/* DR6 as without the step: L2's own breakpoint bits, and BS if L2
	 * was stepping itself (as MBEC's stepped IRET does). */
	added = vendor_dr6(v) & ~bp.dr6;
	own = (added & DR6_B0_B3) | (bp.guest_tf ? X86_DR6_BS : 0);
	vendor_set_dr6(v, bp.dr6 | own);
	return own ? deliver(v, X86_EXC_DB) : 0;
}

int interpose_bp_init(struct vcpu *v)
{
	if (l1.cfg.npt_lazy || exit_claim(NESTLAB_EXIT_NPF, bp_npf, &core_npf) ||
	    exit_claim(NESTLAB_EXIT_EXCP_UD, bp_exception, 0) ||
	    exit_claim(NESTLAB_EXIT_EXCP_DB, bp_debug, 0))
		return -1;
	vendor_set_exception_intercepts(v, (1u << X86_EXC_UD) | (1u << X86_EXC_DB));
	return 0;
}
