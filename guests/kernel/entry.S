/*
 * Kernel entry and exit paths in assembly (the exception stubs are shared
 * with L1: lib/freestanding/isr_entry.S, calling isr_dispatch in trap.c):
 *  - syscall_entry: the LSTAR target (APM vol.2 6.1.1 SYSCALL). SYSCALL does
 *    not switch stacks: save the user RSP, load the kernel stack, call
 *    syscall_dispatch(nr, a0..a4) (C, an indirect call through the table) and
 *    return with SYSRETQ. Interrupts are off (SFMASK clears IF), one CPU, so
 *    a global holds the user RSP for the instant it takes to push it.
 *  - enter_user: first entry to ring 3 through an IRETQ frame.
 */
#define USER_CS   (0x28 | 3)
#define USER_DS   (0x20 | 3)

	.text

	.globl syscall_entry
syscall_entry:
	mov %rsp, syscall_user_rsp(%rip)
	mov kernel_stack_top(%rip), %rsp
	pushq syscall_user_rsp(%rip)
	pushq %rcx                      /* user RIP */
	pushq %r11                      /* user RFLAGS */
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r10
	pushq %r8
	pushq %r9
	sub $8, %rsp                    /* 10 slots: RSP 16-byte aligned */
	mov %r8, %r9                    /* a4 */
	mov %r10, %r8                   /* a3 */
	mov %rdx, %rcx                  /* a2 */
	mov %rsi, %rdx                  /* a1 */
	mov %rdi, %rsi                  /* a0 */
	mov %rax, %rdi                  /* nr */
	call syscall_dispatch
	add $8, %rsp
	popq %r9
	popq %r8
	popq %r10
	popq %rdx
	popq %rsi
	popq %rdi
	popq %r11
	popq %rcx
	popq %rsp
	sysretq

/* enter_user(rip, rsp, a0, a1, a2, a3): IRETQ to ring 3 with RDI = a0,
 * RSI = a1, RDX = a2, RCX = a3, every other register zero, RFLAGS = 0x2
 * (IF off: nothing may interrupt L2), CS/SS = user selectors (APM vol.2 8.7.3). */
	.globl enter_user
enter_user:
	pushq $USER_DS
	pushq %rsi
	pushq $0x2
	pushq $USER_CS
	pushq %rdi
	mov %rdx, %rdi
	mov %rcx, %rsi
	mov %r8, %rdx
	mov %r9, %rcx
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	iretq

	.bss
	.balign 8
syscall_user_rsp:
	.skip 8
