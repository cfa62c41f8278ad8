/*
 * Group "tpr": task priority (Intel SDM vol.3 11.8.3 "Interrupt, Task, and
 * Processor Priority", 11.8.3.1 "Task and Processor Priorities", 11.8.6
 * "Task Priority in IA-32e Mode"; AMD APM vol.2 16.6.3-16.6.4). A fixed
 * interrupt is delivered only when its priority class (vector bits 7:4)
 * is above PPR's class, so one of class <= TPR[7:4] stays in IRR until
 * TPR is lowered. PPR = TPR when TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0,
 * ISRV being the highest vector in service. CR8 is TPR[7:4].
 */
#include "apic.h"
#include "irqlog.h"
#include "tk.h"

#define G "tpr"
#define VEC_C4   0x45
#define VEC_C5   0x55
#define VEC_C6   0x65

static uint32_t ppr_low_tpr, ppr_high_tpr;

static void c6_handler(struct tk_frame *f)
{
	irqlog_note(f);
	apic_write(APIC_TPR, 0x20);
	ppr_low_tpr = apic_read(APIC_PPR);
	apic_write(APIC_TPR, 0x7A);
	ppr_high_tpr = apic_read(APIC_PPR);
	apic_write(APIC_TPR, 0);
	apic_eoi();
}

static void masking(void)
{
	irqlog_reset();
	irqlog_install(VEC_C4);
	irqlog_install(VEC_C5);
	apic_write(APIC_TPR, 0x50);
	apic_self_ipi(VEC_C4);
	apic_self_ipi(VEC_C5);
	tk_irq_window();
	tk_expect(G, irqlog_n, 0, "TPR 50H: vectors 45H and 55H are not delivered");
	tk_expect(G, apic_bit(APIC_IRR, VEC_C4) && apic_bit(APIC_IRR, VEC_C5), 1,
		  "TPR 50H: both stay in IRR");
	tk_expect(G, apic_read(APIC_PPR), 0x50, "PPR is TPR (50H) with nothing in service");
	apic_write(APIC_TPR, 0x40);
	tk_irq_window();
	tk_expect(G, irqlog_n == 1 && irqlog[0].vector == VEC_C5, 1,
		  "TPR 40H: 55H is delivered, 45H is not");
	tk_expect(G, apic_bit(APIC_IRR, VEC_C4), 1, "TPR 40H: 45H stays in IRR");
	apic_write(APIC_TPR, 0);
	tk_irq_window();
	tk_expect(G, irqlog_n == 2 && irqlog[1].vector == VEC_C4, 1, "TPR 0: 45H is delivered");
	irqlog_uninstall(VEC_C4);
	irqlog_uninstall(VEC_C5);
}

static void ppr_with_isr(void)
{
	irqlog_reset();
	tk_irq_set(VEC_C6, c6_handler);
	apic_self_ipi(VEC_C6);
	tk_irq_window();
	tk_expect(G, irqlog_n, 1, "vector 65H delivered with TPR 0");
	tk_expect(G, ppr_low_tpr, 0x60, "65H in service, TPR 20H: PPR is 60H");
	tk_expect(G, ppr_high_tpr, 0x7A, "65H in service, TPR 7AH: PPR is 7AH");
	tk_expect(G, apic_read(APIC_PPR), 0, "after EOI with TPR 0: PPR is 0");
	tk_irq_set(VEC_C6, NULL);
}

static void cr8(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %0, %%cr8" : : "r"(3ull));
	tk_expect(G, apic_read(APIC_TPR), 0x30, "MOV CR8 3: TPR reads 30H");
	apic_write(APIC_TPR, 0x5A);
	__asm__ __volatile__("mov %%cr8, %0" : "=r"(v));
	tk_expect(G, v, 5, "TPR 5AH: CR8 reads 5");
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(0ull));
	tk_expect(G, apic_read(APIC_TPR), 0, "MOV CR8 0: TPR reads 0");
}

void tk_test_tpr(void)
{
	apic_reset_state();
	masking();
	ppr_with_isr();
	cr8();
}
