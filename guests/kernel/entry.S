/*
 * The system-call entry in assembly (the exception stubs are shared with L1:
 * lib/freestanding/isr_entry.S, calling isr_dispatch in trap.c; interrupts:
 * irq_entry.S; process switches: switch.S):
 *  - syscall_entry: the LSTAR target (APM vol.2 6.1.1 SYSCALL). SYSCALL does
 *    not switch stacks: save the user RSP, load the running process's kernel
 *    stack (kernel_stack_top, set at every switch), push the whole user
 *    register state as a struct x86emu_regs (lib/x86dec/x86dec.h: gpr[16]
 *    in RAX..R15 order with the user RSP in gpr[4], then rip = RCX and
 *    rflags = R11, what SYSCALL saved), call syscall_entry_frame(frame)
 *    (syscall_frame.c: the call, and under batch=kernel the batch, batch.c)
 *    and return with SYSRETQ: every GPR from the frame, RCX <- rip, R11 <-
 *    rflags, RSP last. Interrupts are off (SFMASK clears IF), one CPU, so a
 *    global holds the user RSP for the instant it takes to push it; a yield
 *    that switches process returns here later, on this same stack.
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
	pushq %r11                      /* rflags (frame + 17*8) */
	pushq %rcx                      /* rip    (frame + 16*8) */
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rdi
	pushq %rsi
	pushq %rbp
	pushq syscall_user_rsp(%rip)    /* gpr[4]: RSP */
	pushq %rbx
	pushq %rdx
	pushq %rcx
	pushq %rax                      /* gpr[0] (frame + 0) */
	mov %rsp, %rdi                  /* 18 slots: RSP stays 16-byte aligned */
	call syscall_entry_frame
	mov 0*8(%rsp), %rax
	mov 2*8(%rsp), %rdx
	mov 3*8(%rsp), %rbx
	mov 5*8(%rsp), %rbp
	mov 6*8(%rsp), %rsi
	mov 8*8(%rsp), %r8
	mov 9*8(%rsp), %r9
	mov 10*8(%rsp), %r10
	mov 12*8(%rsp), %r12
	mov 13*8(%rsp), %r13
	mov 14*8(%rsp), %r14
	mov 15*8(%rsp), %r15
	mov 16*8(%rsp), %rcx            /* SYSRET: RIP <- RCX */
	mov 17*8(%rsp), %r11            /* SYSRET: RFLAGS <- R11 */
	mov 7*8(%rsp), %rdi
	mov 4*8(%rsp), %rsp             /* the user RSP, last */
	sysretq
	.balign 4096

	.bss
	.balign 8
syscall_user_rsp:
	.skip 8
