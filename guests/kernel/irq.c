/*
 * Interrupt handling of the L2 kernel: the local APIC timer and the APIC's
 * spurious vector (irq_entry.S builds the frame).
 *
 * Timer: count the tick (and whether it interrupted ring 3: with the kernel
 * always at IF = 0 it must have), signal end of interrupt with one write to
 * the EOI register (Intel SDM vol.3 10.8.5: the write clears the highest ISR
 * bit so the next tick can be delivered), then let the scheduler preempt.
 * That EOI write is the handler's only access to the APIC page: under L1 it
 * is the one NPF exit each interrupt costs. EOI comes before the switch so
 * the next tick reaches whichever process runs then.
 *
 * Spurious: the APIC delivered a vector it then found no reason for; it set
 * no ISR bit, so there is no EOI to write (Intel SDM vol.3 10.9). Counted
 * (it would show in the timer's checks as a missing tick) and resumed.
 */
#include "kernel.h"
#include "irq.h"
#include "freestanding/isr.h"

extern char irq_timer_entry[], irq_spurious_entry[];

void irq_dispatch(struct isr_frame *f);

static uint64_t spurious;

void irq_dispatch(struct isr_frame *f)
{
	if (f->vector == L2_VEC_SPURIOUS) {
		spurious++;
		return;
	}
	l2_kinfo->ticks++;
	if ((f->cs & 3) == 3)
		l2_kinfo->ticks_user++;
	apic_eoi();
	sched_preempt();
}

uint64_t irq_spurious_count(void)
{
	return spurious;
}

void irq_init(void)
{
	desc_set_gate(L2_VEC_TIMER, (uint64_t)(uintptr_t)irq_timer_entry);
	desc_set_gate(L2_VEC_SPURIOUS, (uint64_t)(uintptr_t)irq_spurious_entry);
}
