/*
 * Process switches of the L2 kernel (sched.c). Every process has its own
 * kernel stack; a process that does not run is suspended inside switch_to
 * on that stack, its callee-saved registers pushed (System V AMD64 ABI: RBX,
 * RBP, R12-R15 survive a call; the caller saved the rest). Its user state
 * lies further up the same stack: the SYSCALL frame of a yield (entry.S) or
 * the interrupt frame of a preemption (irq_entry.S), resumed by SYSRETQ or
 * IRETQ once switch_to returns into it.
 *
 *  - switch_to(save, next_ksp): push the callee-saved registers, store RSP
 *    at *save, load next_ksp, pop and return into the other process.
 *  - proc_first_entry: where a new process's prepared stack returns to
 *    (sched.c lays it out): six argument registers, then an IRETQ frame to
 *    ring 3 (AMD APM vol.2 8.9.3); every other register starts at zero.
 */
	.text

	.globl switch_to
switch_to:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.globl proc_first_entry
proc_first_entry:
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %r8
	popq %r9
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	iretq
