/*
 * SVM backend, external interrupts for L2 (the vendor contract's "external
 * interrupts" part). L1 delivers an interrupt its APIC model decided on
 * through EVENTINJ (APM vol.2 15.20 "Event Injection"): the CPU takes it
 * through L2's IDT before L2's first instruction, exactly as an INTR taken
 * at an instruction boundary. When L2 cannot take it yet (RFLAGS.IF = 0, an
 * interrupt shadow, an event already queued), L1 asks for a virtual
 * interrupt window: V_IRQ = 1 with the VINTR intercept (APM 15.21.1-15.21.3)
 * makes the CPU exit with VINTR at the first instruction boundary where L2
 * would take a virtual interrupt of priority V_INTR_PRIO, under V_TPR unless
 * V_IGN_TPR (15.21.2). The virtual interrupt itself is never taken (the
 * intercept comes first). With V_INTR_MASKING = 1 (set at vCPU creation)
 * L2's MOV CR8 reads and writes V_TPR without an exit (15.21.4).
 */
#include "svm.h"
#include "../../../lib/freestanding/x86_regs.h"

bool vendor_event_pending(const struct vcpu *v)
{
	return svm_vmcb(v)->control.event_inj & SVM_EVTINJ_VALID;
}

/* V_IRQ with the VINTR intercept (APM vol.2 15.21.1) is how L1 asks. */
bool vendor_interrupt_window_requested(const struct vcpu *v)
{
	return svm_vmcb(v)->control.int_ctl & SVM_INT_CTL_V_IRQ;
}

bool vendor_interruptible(const struct vcpu *v)
{
	const struct vmcb *vmcb = svm_vmcb(v);

	/* A handler that moved RIP ended any shadow (vendor_vcpu_run clears
	 * it then): only a shadow at an unchanged RIP still holds. */
	if (!(v->regs.rflags & RFLAGS_IF))
		return false;
	return !(vmcb->control.int_state & SVM_INT_STATE_SHADOW) ||
	       vmcb->save.rip != v->regs.rip;
}

void vendor_inject_interrupt(struct vcpu *v, unsigned vector)
{
	svm_vmcb(v)->control.event_inj = (vector & SVM_EVTINJ_VECTOR) |
					  SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
}

void vendor_inject_nmi(struct vcpu *v)
{
	svm_vmcb(v)->control.event_inj = 2 | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
}

void vendor_interrupt_window(struct vcpu *v, bool on, unsigned prio, bool tpr_gates)
{
	struct vmcb_control *c = &svm_vmcb(v)->control;

	c->int_ctl &= ~(SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_INTR_PRIO | SVM_INT_CTL_V_IGN_TPR);
	if (on) {
		c->int_ctl |= SVM_INT_CTL_V_IRQ |
			      ((uint64_t)(prio & 0xF) << SVM_INT_CTL_V_INTR_PRIO_SHIFT) |
			      (tpr_gates ? 0 : SVM_INT_CTL_V_IGN_TPR);
		c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
	} else {
		c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	}
}

unsigned vendor_get_cr8(const struct vcpu *v)
{
	return svm_vmcb(v)->control.int_ctl & SVM_INT_CTL_V_TPR;
}

void vendor_set_cr8(struct vcpu *v, unsigned cr8)
{
	struct vmcb_control *c = &svm_vmcb(v)->control;

	c->int_ctl = (c->int_ctl & ~SVM_INT_CTL_V_TPR) | (cr8 & SVM_INT_CTL_V_TPR);
}
