/*
 * The interrupt log of the APIC groups (irqlog.h). A fixed interrupt the
 * CPU accepts moves from IRR to ISR (SDM vol.3 11.8.4), so the handler
 * reads its own ISR bit on entry; the EOI write at the end clears the
 * highest ISR bit (11.8.5), which is this vector's while nothing nests.
 */
#include "apic.h"
#include "irqlog.h"

volatile unsigned irqlog_n;
struct irqlog_entry irqlog[IRQLOG_MAX];

void irqlog_reset(void)
{
	irqlog_n = 0;
}

void irqlog_note(struct tk_frame *f)
{
	unsigned i = irqlog_n;

	if (i < IRQLOG_MAX)
		irqlog[i] = (struct irqlog_entry){
			.vector = (unsigned)f->vector,
			.in_service = apic_bit(APIC_ISR, (unsigned)f->vector),
		};
	irqlog_n = i + 1;
}

static void log_and_eoi(struct tk_frame *f)
{
	irqlog_note(f);
	apic_eoi();
}

void irqlog_install(unsigned vector)
{
	tk_irq_set(vector, log_and_eoi);
}

void irqlog_uninstall(unsigned vector)
{
	tk_irq_set(vector, NULL);
}

unsigned irqlog_count(unsigned vector)
{
	unsigned c = 0;

	for (unsigned i = 0; i < irqlog_n && i < IRQLOG_MAX; i++)
		c += irqlog[i].vector == vector;
	return c;
}

bool irqlog_wait(unsigned n, unsigned spins)
{
	tk_sti();
	for (unsigned i = 0; i < spins && irqlog_n < n; i++)
		tk_pause();
	tk_cli();
	return irqlog_n >= n;
}
