/*
 * Interrupt delivery from L2's APIC model to L2 (apic_dev.h), and the
 * exits that belong to it:
 *   before an entry  expired timers into IRR (lapic_tick); the highest
 *                    deliverable vector (above PPR, SDM vol.3 11.8.3) is
 *                    injected with EVENTINJ when L2 can take it (IF = 1, no
 *                    interrupt shadow, no event queued: SDM vol.3 6.8.1,
 *                    APM vol.2 8.5, 15.20), after the event hooks
 *                    (core/event_hook.h), and moves IRR -> ISR; otherwise
 *                    an interrupt window is requested (VINTR). A vector held
 *                    back by TPR alone makes L1 intercept CR8 writes until
 *                    it is delivered (L2 lowering CR8 would otherwise go
 *                    unseen). An NMI event from the model (NMI IPI, LVT in
 *                    NMI mode) is injected the same way. L1's own timer is
 *                    armed for the model's next timer event.
 *   intr             L1's timer fired: take it (host_apic_take_irqs);
 *   vintr            the window opened: close it, deliver;
 *   cr8_write        MOV CR8 while a vector waited for a lower TPR: emulate
 *                    it through the model (#GP for bits 63:4, 11.8.6.1);
 *   hlt              IF = 1: L2 waits for its next interrupt: L1 waits with
 *                    its own HLT until the model's next timer event
 *                    (virtual time under icount, so the same run wakes at
 *                    the same instruction); IF = 0, or IF = 1 with no
 *                    event that could ever come, ends the run as before
 *                    (the core's handler: l2_halted).
 * The hlt exit's L1 cycles include the time L2 waited.
 */
#include "lapic.h"
#include "apic_dev.h"
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/exit_core.h"
#include "../core/trace_l1.h"
#include "../core/guest_insn.h"
#include "../core/event_hook.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/cpu.h"
#include "../arch/x86/host_apic.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include <nestlab/status.h>

static exit_handler_fn core_hlt;        /* the l2_halted stop */
static bool cr8_watched;

static void watch_cr8(struct vcpu *v, bool on)
{
	if (on != cr8_watched) {
		vendor_set_intercept(v, VCPU_INTERCEPT_CR8_WRITE, on);
		cr8_watched = on;
	}
}

void lapic_dev_prepare_entry(struct vcpu *v)
{
	struct lapic *apic = lapic_dev_apic(v);
	struct lapic_events ev;
	uint64_t now = rdtsc(), next;
	int vec;

	lapic_dev_sync_from_cr8(v);
	lapic_tick(apic, now);
	v->irq_recheck = false;
	if (__builtin_expect(apic->ev.mask != 0, 0)) {
		lapic_take_events(apic, &ev);
		if ((ev.mask & LAPIC_EV_NMI) && !vendor_event_pending(v)) {
			event_hooks_run(v, EVENT_NMI, X86_EXC_NMI);
			vendor_inject_nmi(v);
		}
	}
	vec = lapic_pending_vector(apic);
	if (vec >= 0 && !vendor_event_pending(v) && vendor_interruptible(v)) {
		/* Taken: nothing else can be deliverable or held by TPR alone
		 * now (vec was the highest in IRR; its class is in service).
		 * The event hooks (core/event_hook.h) see L2 before it. */
		event_hooks_run(v, EVENT_INTERRUPT, (unsigned)vec);
		vendor_inject_interrupt(v, (unsigned)vec);
		lapic_accept(apic, vec);
		trace_l1_irq(v, (unsigned)vec, apic->tpr);
		vendor_interrupt_window(v, false, 0, false);
		watch_cr8(v, false);
	} else {
		/* One to deliver: exit when L2 can take it (the window ignores
		 * V_TPR: the model decides priority). */
		vendor_interrupt_window(v, vec >= 0, 0xF, false);
		watch_cr8(v, vec < 0 && lapic_tpr_blocked_vector(apic) >= 0);
	}
	next = lapic_next_event(apic, now);
	v->irq_deadline = next;
	host_apic_arm(next == LAPIC_NO_EVENT ? HOST_APIC_NO_DEADLINE : next);
}

static unsigned exit_intr(struct vcpu *v)
{
	host_apic_take_irqs();
	v->irq_recheck = true;
	return 0;
}

static unsigned exit_vintr(struct vcpu *v)
{
	vendor_interrupt_window(v, false, 0, false);
	v->irq_recheck = true;
	return 0;
}

static unsigned exit_cr8_write(struct vcpu *v)
{
	const struct x86dec_insn *insn;
	unsigned cr, reg;
	uint64_t val;
	int rc = guest_decode_at_rip(v, &insn);

	if (rc)
		return guest_insn_fail(v, rc, "CR8 write");
	if (v->exit.cpl != 0) {                 /* checked before the intercept */
		vendor_inject_exception(v, X86_EXC_GP, true, 0, 0);
		return 0;
	}
	/* MOV CR8, r64: 0F 22 /r with REX.R selecting CR8 (SDM vol.2 "MOV--Move
	 * to/from Control Registers"). */
	cr = ((insn->modrm >> 3) & 7) | ((insn->rex & 4) << 1);
	if (insn->encoding != X86DEC_ENC_LEGACY || insn->map != 1 ||
	    insn->opcode != 0x22 || cr != 8)
		return guest_insn_fail(v, GUEST_INSN_E_MISMATCH, "CR8 write");
	reg = (insn->modrm & 7) | ((insn->rex & 1) << 3);
	val = v->regs.gpr[reg];
	if (lapic_cr8_write(lapic_dev_apic(v), val)) {
		vendor_inject_exception(v, X86_EXC_GP, true, 0, 0);
		return 0;
	}
	vendor_set_cr8(v, (unsigned)val);
	v->irq_recheck = true;
	vcpu_advance_rip(v, insn->length);
	return 0;
}

static unsigned exit_hlt_wait(struct vcpu *v)
{
	struct lapic *apic = lapic_dev_apic(v);
	uint64_t now = rdtsc(), next;
	unsigned len;
	int rc;

	if (!(v->regs.rflags & RFLAGS_IF))
		return core_hlt(v);
	lapic_dev_sync_from_cr8(v);
	lapic_tick(apic, now);
	next = lapic_next_event(apic, now);
	if (lapic_pending_vector(apic) < 0 && next == LAPIC_NO_EVENT)
		return vcpu_stop(v, NESTLAB_STATUS_L2_HALTED, true,
				 "L2 executed HLT at RIP %lx with interrupts enabled, but "
				 "no interrupt is pending and no APIC timer is armed: "
				 "nothing could ever wake it: stopping", v->regs.rip);
	rc = guest_insn_len(v, GUEST_INSN_HLT, &len);
	if (rc)
		return guest_insn_fail(v, rc, "HLT");
	vcpu_advance_rip(v, len);
	if (lapic_pending_vector(apic) < 0)
		host_apic_wait_until(next);
	v->irq_recheck = true;
	return 0;
}

int lapic_deliver_attach(struct vcpu *v, const char **why)
{
	(void)v;
	if (exit_claim(NESTLAB_EXIT_HLT, exit_hlt_wait, &core_hlt) ||
	    exit_claim(NESTLAB_EXIT_INTR, exit_intr, 0) ||
	    exit_claim(NESTLAB_EXIT_VINTR, exit_vintr, 0) ||
	    exit_claim(NESTLAB_EXIT_CR8_WRITE, exit_cr8_write, 0)) {
		*why = "cannot claim the interrupt exits";
		return -1;
	}
	return 0;
}
