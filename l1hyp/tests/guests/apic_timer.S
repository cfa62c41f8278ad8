/*
 * apic_timer: L2's local APIC as L1 emulates it, from a 32-bit guest with
 * paging off (the xAPIC page at its power-up base FEE00000H, SDM vol.3
 * 11.4.1), every access a MOV to or from the page:
 *   - the timer in periodic mode (LVT timer bits 18:17 = 01b, SDM 11.5.4)
 *     interrupts a spin loop with IF = 1: exactly 5 interrupts before the
 *     loop sees the count, none after the LVT is masked;
 *   - one-shot mode wakes STI;HLT (L1 waits for the deadline instead of
 *     ending the run);
 *   - a self IPI (ICR shorthand 01b, SDM 11.6.1) sent with IF = 0 stays in
 *     IRR and is not taken until STI; then IRR is clear and, after EOI,
 *     ISR too (SDM 11.8.4, 11.8.5);
 *   - with TPR class 5 a vector of class 5 stays in IRR (SDM 11.8.3.1);
 *     lowering TPR delivers it.
 */
#include "hostile.h"

#define APIC         0xFEE00000
#define APIC_TPR     (APIC + 0x080)
#define APIC_EOI     (APIC + 0x0B0)
#define APIC_SVR     (APIC + 0x0F0)
#define APIC_ISR2    (APIC + 0x120)     /* vectors 64-95 */
#define APIC_IRR2    (APIC + 0x220)
#define APIC_ICR_LO  (APIC + 0x300)
#define APIC_LVT_TMR (APIC + 0x320)
#define APIC_TMR_ICR (APIC + 0x380)
#define APIC_TMR_DCR (APIC + 0x3E0)
#define VEC_TIMER    0x40
#define VEC_IPI      0x45
#define VEC_TPR      0x51
#define LVT_MASKED   0x10000
#define LVT_PERIODIC 0x20000
#define ICR_SELF     0x40000

	.text
	CODE32
timer_isr:
	incl ticks
	movl $0, APIC_EOI
	iret
ipi_isr:
	incl ipis
	mov APIC_ISR2, %eax              /* in service while the handler runs */
	mov %eax, isr_in_handler
	movl $0, APIC_EOI
	iret
tpr_isr:
	incl tprs
	movl $0, APIC_EOI
	iret

/* EAX = vector, EDX = handler: a 32-bit interrupt gate (APM vol.2 4.8.4) */
set_gate:
	lea rt_idt32(,%eax,8), %ecx
	mov %edx, %eax
	and $0xFFFF, %eax
	or $(SEL_CODE32 << 16), %eax
	mov %eax, (%ecx)
	and $0xFFFF0000, %edx
	or $0x8E00, %edx
	mov %edx, 4(%ecx)
	ret

	SCENARIO apic_timer
	.globl scenario_main
scenario_main:
	mov $VEC_TIMER, %eax
	mov $timer_isr, %edx
	call set_gate
	mov $VEC_IPI, %eax
	mov $ipi_isr, %edx
	call set_gate
	mov $VEC_TPR, %eax
	mov $tpr_isr, %edx
	call set_gate
	movl $0x1FF, APIC_SVR            /* software enable, spurious 0xFF */
	movl $0xB, APIC_TMR_DCR          /* divide by 1 */

	SUBCASE "periodic"
	movl $(LVT_PERIODIC | VEC_TIMER), APIC_LVT_TMR
	movl $20000, APIC_TMR_ICR
	sti
1:	cmpl $5, ticks
	jb 1b
	cli
	movl $(LVT_MASKED | LVT_PERIODIC | VEC_TIMER), APIC_LVT_TMR
	CHECK ticks, $5, "5 interrupts taken while spinning with IF=1"
	sti
	mov $100000, %ecx
2:	dec %ecx
	jnz 2b
	cli
	CHECK ticks, $5, "none once the LVT is masked"

	SUBCASE "one-shot"
	movl $VEC_TIMER, APIC_LVT_TMR
	movl $30000, APIC_TMR_ICR
	sti
	hlt
	cli
	CHECK ticks, $6, "STI;HLT wakes on the timer interrupt"

	SUBCASE "self IPI"
	movl $(ICR_SELF | VEC_IPI), APIC_ICR_LO
	mov APIC_IRR2, %eax
	and $(1 << (VEC_IPI - 64)), %eax
	CHECK %eax, $(1 << (VEC_IPI - 64)), "with IF=0 the IPI waits in IRR"
	CHECK ipis, $0, "and is not taken"
	sti
	nop
	cli
	CHECK ipis, $1, "STI delivers it once"
	CHECK isr_in_handler, $(1 << (VEC_IPI - 64)), "in ISR while its handler runs"
	mov APIC_IRR2, %eax
	CHECK %eax, $0, "IRR clear after delivery"
	mov APIC_ISR2, %eax
	CHECK %eax, $0, "ISR clear after EOI"

	SUBCASE "TPR"
	movl $0x50, APIC_TPR
	movl $(ICR_SELF | VEC_TPR), APIC_ICR_LO
	sti
	nop
	cli
	CHECK tprs, $0, "TPR class 5 holds vector 0x51"
	movl $0x40, APIC_TPR
	sti
	nop
	cli
	CHECK tprs, $1, "lowering TPR to class 4 delivers it"
	ret

	.data
ticks:		.long 0
ipis:		.long 0
tprs:		.long 0
isr_in_handler:	.long 0
