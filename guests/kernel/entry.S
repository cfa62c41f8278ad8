/*
 * The system-call entry in assembly (the exception stubs are shared with L1:
 * lib/freestanding/isr_entry.S, calling isr_dispatch in trap.c; interrupts:
 * irq_entry.S; process switches: switch.S):
 *  - syscall_entry: the LSTAR target (APM vol.2 6.1.1 SYSCALL). SYSCALL does
 *    not switch stacks: save the user RSP, load the running process's kernel
 *    stack (kernel_stack_top, set at every switch), call
 *    syscall_dispatch(nr, a0..a4) (C, an indirect call through the table) and
 *    return with SYSRETQ. Interrupts are off (SFMASK clears IF), one CPU, so
 *    a global holds the user RSP for the instant it takes to push it; a
 *    yield that switches process returns here later, on this same stack.
 */

	/* Alone in its page (the kernel's text takes .text.*): the
	 * interposition variant breakpoint (docs/interpose.md) moves the vCPU
	 * between views when execution enters and leaves this page, so what
	 * else shared it would cost exits. */
	.section .text.syscall_entry, "ax"
	.balign 4096
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
	.balign 4096

	.bss
	.balign 8
syscall_user_rsp:
	.skip 8
