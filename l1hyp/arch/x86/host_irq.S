/*
 * L1's two interrupt vectors (host_apic.h). They run only inside L1's
 * short STI windows, with every register live in C code around them, so
 * they touch nothing but RAX and memory.
 *   timer:    mark the timer disarmed (one-shot: it fired), write
 *             EOI to L1's xAPIC (SDM vol.3 11.8.5; any value, a 32-bit
 *             store) and return;
 *   spurious: return without EOI (SDM vol.3 11.9: a spurious interrupt
 *             does not set ISR).
 */
	.text
	.code64
	.global host_apic_timer_isr
host_apic_timer_isr:
	pushq %rax
	movq $-1, %rax
	movq %rax, host_apic_armed_deadline(%rip)
	movq host_apic_eoi_addr(%rip), %rax
	movl $0, (%rax)
	popq %rax
	iretq

	.global host_apic_spurious_isr
host_apic_spurious_isr:
	iretq
