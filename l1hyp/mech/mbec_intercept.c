/*
 * MBEC emulation, design intercept (mbec.h, docs/mbec.md): the privilege
 * changes of L2 exit themselves and L1 moves the vCPU to the view of the
 * new mode there, so that no execute fault is needed:
 *   - SYSCALL/SYSRET: L2's EFER.SCE is hidden from the CPU (msr_efer_hide;
 *     L2 reads and writes its own), so both raise #UD (APM vol.3 SYSCALL,
 *     SYSRET: "#UD if EFER.SCE = 0"); the #UD exit runs them through the
 *     emulator (core/syscall_insn.h) and switches. Any other #UD, or one
 *     with L2's own SCE clear, is delivered to L2 as the CPU raised it;
 *   - exceptions (every vector but NMI, #BP, #OF and #MC: APM 15.12): one
 *     raised at CPL3 switches to the supervisor view, and every one is
 *     delivered to L2 as raised (vector, error code, CR2 for #PF: the
 *     intercept leaves CR2 to L1, APM 15.12.1);
 *   - IRET: the intercept comes before the instruction executes (APM 15.9;
 *     KVM's IRET intercept handling says the same), and an IRET resumed
 *     under its intercept would exit again. So L1 single-steps it, as KVM
 *     does to get past an IRET (svm_enable_nmi_window): the IRET intercept
 *     off, RFLAGS.TF set; the #DB trap after the IRET (TF as the
 *     instruction began, APM vol.2 13.1.1.3) exits before L2's first fetch
 *     in the new mode, and L1 switches to that mode's view, restores DR6
 *     and the intercept. Every IRET costs 2 exits (iret, excp_db). If the
 *     IRET faults, or L1 injects an event before it ran, the step is
 *     undone (TF as L2 had it) and the IRET is intercepted again later;
 *   - INT n: SVM's INTn intercept (APM vol.2 15.9, intercept vector 3 bit
 *     21, VMEXIT_SWINT) exits before the instruction executes, with no
 *     EXITINFO and, under QEMU's TCG, no next RIP. core/swint_insn.c
 *     decodes the instruction at RIP (CD ib; INT3 CC, INTO CE and INT1
 *     F1 are handled too, as #BP / #OF / #DB trap exceptions, should the
 *     CPU send them here: QEMU 7.2 raises INT3 and INTO as software
 *     interrupts), checks the IDT gate as the instruction would and
 *     queues its event with the return address past it; one raised at
 *     CPL3 switches to the supervisor view first. Kernel-mode INT n is
 *     re-queued the same way with no switch;
 *   - interrupts and NMIs L1 injects while L2 is at CPL3: the event hook
 *     (core/event_hook.h) switches to the supervisor view before the entry.
 * The execute faults of mbec_fault.c stay as the backstop (exceptions L1
 * itself injects at CPL3, anything the intercepts miss): a switch they
 * make is counted in via_backstop.
 */
#include "mbec.h"
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/event_hook.h"
#include "../core/msr_efer.h"
#include "../core/syscall_insn.h"
#include "../core/swint_insn.h"
#include "../core/guest_insn.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include <nestlab/status.h>

/* Not intercepted: NMI (an interrupt, not an exception), #BP and #OF
 * (raised by INT3/INTO, whose re-delivery would need the next RIP) and
 * #MC (the machine's, not L2's). */
#define EXC_INTERCEPTED (0xFFFFFFFFu & ~((1u << X86_EXC_NMI) | (1u << X86_EXC_BP) | \
					 (1u << X86_EXC_OF) | (1u << X86_EXC_MC)))

#define DR6_B0_B3 0xFull

/* The IRET being single-stepped. */
static struct {
	bool on;
	bool guest_tf;          /* L2's own TF before L1 set it */
	uint64_t dr6;           /* DR6 before the step */
} step;

static void step_cancel(struct vcpu *v)
{
	step.on = false;
	if (!step.guest_tf)
		v->regs.rflags &= ~RFLAGS_TF;
	vendor_set_intercept(v, VCPU_INTERCEPT_IRET, true);
}

/* Deliver an exception raised at the exit's CPL, switching to the
 * supervisor view when it leaves user mode. */
static unsigned deliver(struct vcpu *v, unsigned vector, bool has_error, uint32_t error,
			uint64_t cr2)
{
	if (step.on)
		step_cancel(v);                 /* the stepped IRET faulted */
	if (vendor_event_pending(v))
		/* Raised while L2 took another event (EXITINTINFO, APM
		 * 15.7.2): the two would have to be combined (APM vol.2
		 * 8.2.9); SVM injects one event per entry. */
		return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true,
				 "mbec=intercept: exception %u raised while L2 took another "
				 "event: not emulated", vector);
	if (mbec.enabled && v->exit.cpl == 3)
		mbec_switch_for(v, mbec_view_of(0), &mbec.via_exception);
	vendor_inject_exception(v, vector, has_error, error, cr2);
	return 0;
}

static unsigned exit_exception(struct vcpu *v)
{
	const struct exit_exception *e = &v->exit.exc;

	return deliver(v, e->vector, e->has_error, e->error, e->cr2);
}

static unsigned exit_ud(struct vcpu *v)
{
	enum syscall_emul_insn insn;
	struct syscall_emul_result f;

	switch (syscall_insn_run(v, &insn, &f)) {
	case SYSCALL_INSN_DONE:
		if (mbec.enabled)
			mbec_switch_for(v, mbec_view_of(vendor_cpl(v)),
					insn == SYSCALL_EMUL_SYSCALL ? &mbec.via_syscall :
					&mbec.via_sysret);
		return 0;
	case SYSCALL_INSN_FAULT:
		return deliver(v, (unsigned)f.vector, f.has_error, f.error, 0);
	case SYSCALL_INSN_NONE:
		break;
	}
	return deliver(v, X86_EXC_UD, false, 0, 0);
}

static unsigned exit_iret(struct vcpu *v)
{
	step.on = true;
	step.guest_tf = v->regs.rflags & RFLAGS_TF;
	step.dr6 = vendor_dr6(v);
	v->regs.rflags |= RFLAGS_TF;
	vendor_set_intercept(v, VCPU_INTERCEPT_IRET, false);
	return 0;                               /* RIP stays: the IRET runs now */
}

/* #DB: the stepped IRET completed (the trap is taken before the first
 * instruction after it), or one of L2's own. */
static unsigned exit_db(struct vcpu *v)
{
	uint64_t added, own;

	if (!step.on)
		return exit_exception(v);
	step.on = false;
	vendor_set_intercept(v, VCPU_INTERCEPT_IRET, true);
	/* What the #DB set in DR6 beyond the step's BS is L2's (a data
	 * breakpoint the IRET hit), and BS too if L2 stepped itself. */
	added = vendor_dr6(v) & ~step.dr6;
	own = (added & DR6_B0_B3) | (step.guest_tf ? X86_DR6_BS : 0);
	vendor_set_dr6(v, step.dr6 | own);
	mbec_switch_for(v, mbec_view_of(vendor_cpl(v)), &mbec.via_iret);
	if (own)
		return deliver(v, X86_EXC_DB, false, 0, 0);
	return 0;
}

/* INT n (INT3, INTO, INT1): its event is queued as the instruction raises
 * it (or the gate check's #GP/#NP), into the supervisor view when it
 * leaves user mode. */
static unsigned exit_swint(struct vcpu *v)
{
	struct swint_insn s;
	int rc;

	if (step.on)
		step_cancel(v);                 /* not reached: the #DB comes first */
	if (vendor_event_pending(v))
		return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true,
				 "mbec=intercept: INT n exit while another event is queued");
	rc = swint_insn_run(v, &s);
	if (rc)
		return guest_insn_fail(v, rc, "swint");
	if (mbec.enabled && v->exit.cpl == 3)
		mbec_switch_for(v, mbec_view_of(0), &mbec.via_swint);
	return 0;
}

static void before_event(struct vcpu *v, enum event_kind kind, unsigned vector)
{
	(void)kind;
	(void)vector;
	if (step.on)
		step_cancel(v);                 /* taken before the IRET ran */
	if (mbec.enabled && vendor_cpl(v) == 3)
		mbec_switch_for(v, mbec_view_of(0), &mbec.via_event);
}

int mbec_intercept_init(struct vcpu *v)
{
	static const unsigned reflected[] = {
		NESTLAB_EXIT_EXCP_DE, NESTLAB_EXIT_EXCP_GP, NESTLAB_EXIT_EXCP_PF,
		NESTLAB_EXIT_EXCP_AC, NESTLAB_EXIT_EXCP_OTHER,
	};

	for (unsigned i = 0; i < sizeof(reflected) / sizeof(reflected[0]); i++)
		if (exit_claim(reflected[i], exit_exception, 0))
			return -1;
	if (exit_claim(NESTLAB_EXIT_EXCP_UD, exit_ud, 0) ||
	    exit_claim(NESTLAB_EXIT_EXCP_DB, exit_db, 0) ||
	    exit_claim(NESTLAB_EXIT_IRET, exit_iret, 0) ||
	    exit_claim(NESTLAB_EXIT_SWINT, exit_swint, 0) ||
	    event_hook_add(before_event) || msr_efer_hide(v, EFER_SCE))
		return -1;
	vendor_set_exception_intercepts(v, 1u << X86_EXC_UD);
	return 0;
}

void mbec_intercept_enable(struct vcpu *v)
{
	vendor_set_exception_intercepts(v, EXC_INTERCEPTED);
	vendor_set_intercept(v, VCPU_INTERCEPT_IRET, true);
	vendor_set_intercept(v, VCPU_INTERCEPT_INTN, true);
}
