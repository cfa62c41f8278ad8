/*
 * Groups "irq" and "eoi": how fixed interrupts from the local APIC reach
 * the CPU (Intel SDM vol.3 11.8.3 "Interrupt, Task, and Processor Priority",
 * 11.8.4 "Interrupt Acceptance for Fixed Interrupts", 11.8.5 "Signaling
 * Interrupt Servicing Completion", 6.8.1 and 6.8.3 on IF and the STI
 * shadow; AMD APM vol.2 16.6 "Interrupt Delivery").
 *   irq: STI;HLT wakes on the timer's interrupt; a self IPI raised while
 *        IF=0 stays pending in IRR, untaken, until STI.
 *   eoi: of two pending vectors the higher priority class is taken first,
 *        the lower waiting in IRR; a higher class nests in a lower one's
 *        handler, a lower one does not; each handler finds its vector in
 *        ISR; EOI clears the highest ISR bit only.
 */
#include "apic.h"
#include "irqlog.h"
#include "tk.h"

#define VEC_TIMER  0x61
#define VEC_PEND   0x62
#define VEC_LOW    0x43
#define VEC_HIGH   0x83
#define VEC_OUTER  0x44
#define VEC_NESTED 0x84
#define VEC_BUSY   0x85
#define VEC_LATER  0x45

/* The one check that waits without a bound: a platform that never delivers
 * the timer's interrupt leaves the HLT asleep, which the launcher reports
 * as a timeout. */
static void hlt_wakes(void)
{
	irqlog_reset();
	irqlog_install(VEC_TIMER);
	apic_write(APIC_LVT_TIMER, VEC_TIMER);
	apic_write(APIC_TMICT, 20000);
	tk_sti_hlt();
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	tk_expect("irq", irqlog_count(VEC_TIMER), 1, "STI;HLT wakes on the timer interrupt");
	tk_expect("irq", apic_read(APIC_TMCCT), 0, "the one-shot count is 0 after it fired");
	irqlog_uninstall(VEC_TIMER);
}

static void pending_while_if0(void)
{
	irqlog_reset();
	irqlog_install(VEC_PEND);
	apic_self_ipi(VEC_PEND);
	tk_spin(10000);
	tk_expect("irq", irqlog_n, 0, "IF=0: a self IPI is not taken");
	tk_expect("irq", apic_bit(APIC_IRR, VEC_PEND), 1, "IF=0: the self IPI waits in IRR");
	tk_expect("irq", apic_bit(APIC_ISR, VEC_PEND), 0, "IF=0: not in service");
	tk_irq_window();
	tk_expect("irq", irqlog_count(VEC_PEND), 1, "STI: the pending interrupt is taken");
	tk_expect("irq", apic_bit(APIC_IRR, VEC_PEND), 0, "STI: IRR clear after delivery");
	irqlog_uninstall(VEC_PEND);
}

/* What the handlers below saw. */
static bool high_saw_low_pending;
static uint32_t high_saw_ppr;
static bool nested_saw_both, nested_eoi_left_outer, outer_back_clean;
static bool busy_kept_later_pending;

static void high_handler(struct tk_frame *f)
{
	irqlog_note(f);
	high_saw_low_pending = apic_bit(APIC_IRR, VEC_LOW);
	high_saw_ppr = apic_read(APIC_PPR);
	apic_eoi();
}

static void nested_handler(struct tk_frame *f)
{
	irqlog_note(f);
	nested_saw_both = apic_bit(APIC_ISR, VEC_OUTER) && apic_bit(APIC_ISR, VEC_NESTED);
	apic_eoi();
	nested_eoi_left_outer = apic_bit(APIC_ISR, VEC_OUTER) && !apic_bit(APIC_ISR, VEC_NESTED);
}

static void outer_handler(struct tk_frame *f)
{
	irqlog_note(f);
	apic_self_ipi(VEC_NESTED);
	tk_irq_window();
	outer_back_clean = apic_bit(APIC_ISR, VEC_OUTER) && !apic_bit(APIC_ISR, VEC_NESTED);
	apic_eoi();
}

static void busy_handler(struct tk_frame *f)
{
	irqlog_note(f);
	apic_self_ipi(VEC_LATER);
	tk_irq_window();
	busy_kept_later_pending = apic_bit(APIC_IRR, VEC_LATER) && irqlog_n == 1;
	apic_eoi();
}

static void priority_order(void)
{
	irqlog_reset();
	irqlog_install(VEC_LOW);
	tk_irq_set(VEC_HIGH, high_handler);
	apic_self_ipi(VEC_LOW);
	apic_self_ipi(VEC_HIGH);
	tk_expect("eoi", apic_bit(APIC_IRR, VEC_LOW) && apic_bit(APIC_IRR, VEC_HIGH), 1,
		  "IF=0: vectors 43H and 83H both pending in IRR");
	tk_irq_window();
	tk_expect("eoi", irqlog_n, 2, "both taken after STI");
	tk_expect("eoi", irqlog[0].vector, VEC_HIGH, "the higher class (83H) is taken first");
	tk_expect("eoi", irqlog[1].vector, VEC_LOW, "then the lower class (43H)");
	tk_expect("eoi", irqlog[0].in_service && irqlog[1].in_service, 1,
		  "each handler finds its vector in ISR");
	tk_expect("eoi", high_saw_low_pending, 1, "43H waits in IRR while 83H is in service");
	tk_expect("eoi", high_saw_ppr, 0x80, "PPR is 80H while 83H is in service (TPR 0)");
	irqlog_uninstall(VEC_LOW);
	irqlog_uninstall(VEC_HIGH);
}

static void nesting(void)
{
	irqlog_reset();
	tk_irq_set(VEC_OUTER, outer_handler);
	tk_irq_set(VEC_NESTED, nested_handler);
	apic_self_ipi(VEC_OUTER);
	tk_irq_window();
	tk_expect("eoi", irqlog_n, 2, "a higher class nests in a handler that enabled interrupts");
	tk_expect("eoi", irqlog_n == 2 && irqlog[1].vector == VEC_NESTED, 1,
		  "the nested one is 84H");
	tk_expect("eoi", nested_saw_both, 1, "ISR holds 44H and 84H during the nested handler");
	tk_expect("eoi", nested_eoi_left_outer, 1, "EOI clears the highest ISR bit (84H) only");
	tk_expect("eoi", outer_back_clean, 1, "back in 44H's handler: ISR holds 44H alone");
	tk_expect("eoi", apic_bit(APIC_ISR, VEC_OUTER), 0, "the second EOI clears 44H");
	tk_irq_set(VEC_OUTER, NULL);
	tk_irq_set(VEC_NESTED, NULL);

	irqlog_reset();
	tk_irq_set(VEC_BUSY, busy_handler);
	irqlog_install(VEC_LATER);
	apic_self_ipi(VEC_BUSY);
	tk_irq_window();
	tk_expect("eoi", busy_kept_later_pending, 1,
		  "a lower class (45H) does not nest in 85H's handler");
	tk_expect("eoi", irqlog_n == 2 && irqlog[1].vector == VEC_LATER, 1,
		  "45H is taken after 85H's EOI");
	tk_irq_set(VEC_BUSY, NULL);
	irqlog_uninstall(VEC_LATER);
}

void tk_test_irq(void)
{
	apic_reset_state();
	hlt_wakes();
	pending_while_if0();
}

void tk_test_eoi(void)
{
	apic_reset_state();
	priority_order();
	nesting();
}
