/*
 * Kernel entry and exit paths in assembly:
 *  - isr_stub_table: the 32 exception vectors (AMD APM vol.2 8.2). Each stub
 *    pushes a dummy error code where the CPU pushes none (8.4), then the
 *    vector, and joins isr_common, which saves the general registers as a
 *    struct trap_frame (trap.h) and calls trap_handler(frame).
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

.macro ISR_NOERR n
isr\n:
	pushq $0
	pushq $\n
	jmp isr_common
.endm

.macro ISR_ERR n
isr\n:
	pushq $\n
	jmp isr_common
.endm

/* Vectors with an error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14,
 * #AC 17, #CP 21, #VC 29, #SX 30 (APM vol.2 8.2 table 8-1). */
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31

isr_common:
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
	mov %rsp, %rdi
	call trap_handler
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
	add $16, %rsp                   /* vector, error code */
	iretq

	.section .rodata
	.balign 8
	.globl isr_stub_table
isr_stub_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr\n
	.endr

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
