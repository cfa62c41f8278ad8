/*
 * The test kernel's interrupt and exception entry: one stub per vector
 * 0-255 that makes every frame alike (a zero where the CPU pushes no error
 * code: vectors 8, 10-14, 17, 21, 29 and 30 have one, AMD APM vol.2 8.2
 * Table 8-1, Intel SDM vol.3 6.13) and pushes its vector, then a common
 * path that saves the GPRs as struct tk_frame (tk.h), calls
 * tk_trap_dispatch(frame) and IRETQs with the frame as the C code left it
 * (a fixup edits RIP). tk_stub_table holds the stubs' addresses for the IDT.
 */
	.text
	.code64

.macro TK_STUB vec
	.balign 16
tk_stub_\vec:
	.if (\vec == 8) + (\vec == 10) + (\vec == 11) + (\vec == 12) + (\vec == 13) + (\vec == 14) + (\vec == 17) + (\vec == 21) + (\vec == 29) + (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp tk_trap_common
.endm

	.altmacro
.macro TK_STUBS from, to
	TK_STUB %from
	.if \to - \from
	TK_STUBS %(\from + 1), \to
	.endif
.endm
	TK_STUBS 0, 63
	TK_STUBS 64, 127
	TK_STUBS 128, 191
	TK_STUBS 192, 255

tk_trap_common:
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
	call tk_trap_dispatch
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
	addq $16, %rsp                  /* vector, error code */
	iretq

.macro TK_STUB_ADDR vec
	.quad tk_stub_\vec
.endm
.macro TK_STUB_ADDRS from, to
	TK_STUB_ADDR %from
	.if \to - \from
	TK_STUB_ADDRS %(\from + 1), \to
	.endif
.endm

	.section .rodata
	.balign 8
	.globl tk_stub_table
tk_stub_table:
	TK_STUB_ADDRS 0, 63
	TK_STUB_ADDRS 64, 127
	TK_STUB_ADDRS 128, 191
	TK_STUB_ADDRS 192, 255
