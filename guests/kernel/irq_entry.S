/*
 * Interrupt entry stubs of the L2 kernel (irq.c): the local APIC timer
 * vector and the APIC's spurious vector. Each pushes a zero error code and
 * its vector, then the GPRs, so the frame is struct isr_frame
 * (lib/freestanding/isr.h) as for exceptions, and calls irq_dispatch(frame).
 * The gates are interrupt gates (IF cleared on entry, AMD APM vol.2 8.9.1);
 * the kernel runs with IF = 0, so the interrupted code is always ring 3 and
 * the frame sits at the top of the running process's kernel stack (RSP0).
 * If the handler switched process, the call returns only when this one is
 * switched back to; IRETQ then resumes it.
 */
#include "irq.h"

	.text

	.globl irq_timer_entry
irq_timer_entry:
	pushq $0
	pushq $L2_VEC_TIMER
	jmp irq_common

	.globl irq_spurious_entry
irq_spurious_entry:
	pushq $0
	pushq $L2_VEC_SPURIOUS
	jmp irq_common

irq_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call irq_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp           /* vector, error code */
	iretq
