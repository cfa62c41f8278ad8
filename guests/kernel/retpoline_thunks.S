/*
 * Retpoline thunks of the L2 kernel (issue 15 part 1): the kernel's C code
 * is compiled with -mindirect-branch=thunk-extern
 * -mindirect-branch-register, so every indirect call or jump through
 * register REG becomes `call/jmp __x86_indirect_thunk_REG` (gcc's naming).
 * Each thunk is the retpoline construction: the CALL pushes a return
 * address the RET then overwrites with the real target, so the RET's
 * prediction (from the return stack) lands in a PAUSE/LFENCE loop instead
 * of anywhere an attacker trained the indirect-branch predictor to go
 * (Spectre v2: Google's retpoline; AMD's "Software techniques for managing
 * speculation on AMD processors"). With retpoline=off the kernel
 * overwrites each thunk's first bytes at boot with a plain `jmp *REG`
 * (retpoline.c), so the off baseline is an ordinary indirect branch plus
 * one direct jump, not a compiler-specific rewrite.
 *
 * retpoline_thunks[] lists the thunks in GPR (REX) order, RSP excluded.
 */
	.macro THUNK reg
	.section .text.retpoline, "ax"
	.balign 32
	.globl __x86_indirect_thunk_\reg
__x86_indirect_thunk_\reg:
	call 1f
2:	pause
	lfence
	jmp 2b
1:	mov %\reg, (%rsp)
	ret
	.endm

	THUNK rax
	THUNK rcx
	THUNK rdx
	THUNK rbx
	THUNK rbp
	THUNK rsi
	THUNK rdi
	THUNK r8
	THUNK r9
	THUNK r10
	THUNK r11
	THUNK r12
	THUNK r13
	THUNK r14
	THUNK r15

	.section .rodata
	.balign 8
	.globl retpoline_thunks
retpoline_thunks:
	.quad __x86_indirect_thunk_rax, __x86_indirect_thunk_rcx
	.quad __x86_indirect_thunk_rdx, __x86_indirect_thunk_rbx
	.quad 0                            /* RSP: no thunk */
	.quad __x86_indirect_thunk_rbp, __x86_indirect_thunk_rsi
	.quad __x86_indirect_thunk_rdi, __x86_indirect_thunk_r8
	.quad __x86_indirect_thunk_r9, __x86_indirect_thunk_r10
	.quad __x86_indirect_thunk_r11, __x86_indirect_thunk_r12
	.quad __x86_indirect_thunk_r13, __x86_indirect_thunk_r14
	.quad __x86_indirect_thunk_r15
