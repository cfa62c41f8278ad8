/*
 * L1's retpoline, for the exit dispatch's indirect call under
 * l1_retpoline=on (core/exit_tramp.c, docs/tramp.md). L1's C code is not
 * compiled with retpolines; the one indirect branch on every exit's path,
 * the call through the exit table, goes through this thunk instead when
 * the option is on, so the trampoline is measured against an honest
 * baseline.
 *
 * The thunk follows the GCC thunk ABI of -mindirect-branch=thunk-extern
 * (the target in a register, here R11; `jmp __x86_indirect_thunk_r11`
 * behaves as `jmp *%r11`, `call` as `call *%r11`). The construction is
 * Intel's "Retpoline: A Branch Target Injection Mitigation" (white paper
 * 337131, 2018), also AMD's "Software Techniques for Managing Speculation
 * on AMD Processors": the CALL pushes the address of a capture loop and
 * fills the return stack buffer with it; the MOV overwrites the return
 * address on the stack with the real target, and the RET goes there. A
 * speculative RET follows the return stack buffer into the PAUSE/LFENCE
 * loop, never to a target an attacker trained into the indirect branch
 * predictor. Neither instruction changes a register but R11 and RSP
 * (restored by the RET), so the thunk keeps every argument.
 */
	.section .text.retpoline, "ax"
	.balign 32
	.globl __x86_indirect_thunk_r11
	.type __x86_indirect_thunk_r11, @function
__x86_indirect_thunk_r11:
	call .Lset_target
.Lcapture:
	pause                           /* the speculative RET lands here */
	lfence
	jmp .Lcapture
.Lset_target:
	movq %r11, (%rsp)               /* the return address := the target */
	ret
	.size __x86_indirect_thunk_r11, . - __x86_indirect_thunk_r11

/*
 * unsigned exit_dispatch_retpolined(struct vcpu *v, unsigned long reason):
 * exit_handlers[reason](v) through the thunk (reason in RSI, checked by
 * the caller; v stays in RDI). The learning stub's dispatch
 * (core/exit_tramp.c) with l1_retpoline=on.
 */
	.balign 16
	.globl exit_dispatch_retpolined
	.type exit_dispatch_retpolined, @function
exit_dispatch_retpolined:
	movq exit_handlers(,%rsi,8), %r11
	jmp __x86_indirect_thunk_r11
	.size exit_dispatch_retpolined, . - exit_dispatch_retpolined
