/*
 * Trap and block entry/exit paths of the fuzz guest:
 *  - 32 exception stubs (vectors 0-31). Each pushes a uniform frame (a
 *    zero error code where the CPU pushes none, AMD APM vol.2 8.2 table 8-1;
 *    a software INT n to an error-code vector pushes none either, so such a
 *    frame is off by one slot and is used only for reporting), the GPRs and
 *    the interrupted CR3, switches to the kernel CR3 and calls
 *    fuzz_trap(frame) on the IST stack the gate named (APM vol.2 8.9.4).
 *    If it returns (a #DB single step inside a block), the frame is restored
 *    and IRETQ resumes the block; otherwise it ended the block through
 *    block_resume.
 *  - fuzz_syscall_entry / fuzz_cstar_entry: LSTAR / CSTAR targets (APM vol.2
 *    6.1.1). A SYSCALL ends the block: SYSCALL switches no stack, so they
 *    take their own, build a trap frame with the return RIP (RCX) and RFLAGS
 *    (R11) and join the common path.
 *  - block_enter(ctx): saves the callee-saved registers, builds an IRETQ
 *    frame from ctx (RIP, CS, RFLAGS, RSP, SS; APM vol.2 8.9.3), loads DS/ES,
 *    the block CR3 and every GPR, and IRETQs into the block.
 *  - block_resume: the way back from any block end: CR0/CR4 as they were,
 *    the guest's GDT with CS/SS/DS/ES/FS/GS reloaded, RFLAGS = 2, its IDT,
 *    the stack and callee-saved registers of block_enter, which then
 *    returns 1.
 */
#include "layout.h"
#include "entry.h"

	.text
	.code64

.macro STUB_NOERR vec
trap_\vec:
	pushq $0
	pushq $\vec
	jmp trap_common
.endm

.macro STUB_ERR vec
trap_\vec:
	pushq $\vec
	jmp trap_common
.endm

STUB_NOERR 0
STUB_NOERR 1
STUB_NOERR 2
STUB_NOERR 3
STUB_NOERR 4
STUB_NOERR 5
STUB_NOERR 6
STUB_NOERR 7
STUB_ERR   8
STUB_NOERR 9
STUB_ERR   10
STUB_ERR   11
STUB_ERR   12
STUB_ERR   13
STUB_ERR   14
STUB_NOERR 15
STUB_NOERR 16
STUB_ERR   17
STUB_NOERR 18
STUB_NOERR 19
STUB_NOERR 20
STUB_ERR   21
STUB_NOERR 22
STUB_NOERR 23
STUB_NOERR 24
STUB_NOERR 25
STUB_NOERR 26
STUB_NOERR 27
STUB_NOERR 28
STUB_ERR   29
STUB_ERR   30
STUB_NOERR 31

/* Builds struct trap_frame (entry.h) and calls fuzz_trap(frame). */
trap_common:
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
	mov %cr3, %rax
	pushq %rax
	mov fuzz_kernel_cr3(%rip), %rbx
	cmp %rax, %rbx
	je 1f
	mov %rbx, %cr3
1:	cld
	mov %rsp, %rdi
	mov %rsp, %rbp
	and $-16, %rsp
	call fuzz_trap
	mov %rbp, %rsp
	popq %rax
	mov %cr3, %rbx
	cmp %rax, %rbx
	je 2f
	mov %rax, %cr3
2:	popq %r15
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

/* SYSCALL from 64-bit (LSTAR) or compatibility mode (CSTAR): CPL0, RSP is
 * still the block's, RCX = return RIP, R11 = RFLAGS (APM vol.2 6.1.1). The
 * save slot and stack are in .ist_stacks, writable under the block CR3. */
	.globl fuzz_syscall_entry, fuzz_cstar_entry
fuzz_syscall_entry:
	mov %rsp, syscall_rsp_slot(%rip)
	lea syscall_stack_top(%rip), %rsp
	pushq $SEL_KDATA
	pushq syscall_rsp_slot(%rip)
	pushq %r11
	pushq $SEL_KCODE
	pushq %rcx
	pushq $0
	pushq $FUZZ_VEC_SYSCALL
	jmp trap_common
fuzz_cstar_entry:
	mov %rsp, syscall_rsp_slot(%rip)
	lea syscall_stack_top(%rip), %rsp
	pushq $SEL_KDATA
	pushq syscall_rsp_slot(%rip)
	pushq %r11
	pushq $SEL_KCODE
	pushq %rcx
	pushq $0
	pushq $FUZZ_VEC_SYSCALL32
	jmp trap_common

/* int block_enter(const struct block_ctx *ctx) */
	.globl block_enter
block_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, fuzz_jmp_rsp(%rip)
	mov %rdi, %rax
	pushq CTX_SS(%rax)
	pushq CTX_GPR(4)(%rax)
	pushq CTX_RFLAGS(%rax)
	pushq CTX_CS(%rax)
	pushq CTX_RIP(%rax)
	mov CTX_DS(%rax), %ecx
	mov %ecx, %ds
	mov %ecx, %es
	mov CTX_CR3(%rax), %rcx
	mov %rcx, %cr3
	mov CTX_GPR(1)(%rax), %rcx
	mov CTX_GPR(2)(%rax), %rdx
	mov CTX_GPR(3)(%rax), %rbx
	mov CTX_GPR(5)(%rax), %rbp
	mov CTX_GPR(6)(%rax), %rsi
	mov CTX_GPR(7)(%rax), %rdi
	mov CTX_GPR(8)(%rax), %r8
	mov CTX_GPR(9)(%rax), %r9
	mov CTX_GPR(10)(%rax), %r10
	mov CTX_GPR(11)(%rax), %r11
	mov CTX_GPR(12)(%rax), %r12
	mov CTX_GPR(13)(%rax), %r13
	mov CTX_GPR(14)(%rax), %r14
	mov CTX_GPR(15)(%rax), %r15
	mov CTX_GPR(0)(%rax), %rax
	iretq

/* void block_resume(void): never returns (block_enter does, with 1). */
	.globl block_resume
block_resume:
	mov fuzz_saved_cr0(%rip), %rax
	mov %cr0, %rbx
	cmp %rax, %rbx
	je 1f
	mov %rax, %cr0
1:	mov fuzz_saved_cr4(%rip), %rax
	mov %cr4, %rbx
	cmp %rax, %rbx
	je 2f
	mov %rax, %cr4
2:	lgdt fuzz_gdtr(%rip)
	mov fuzz_jmp_rsp(%rip), %rsp
	/* IRETQ, not LRETQ: it reloads CS and SS and all of RFLAGS (VIF and
	 * VIP included, which POPF leaves alone; APM vol.3 "IRET", "POPF"). */
	mov %rsp, %rax
	lea 3f(%rip), %rbx
	pushq $SEL_KDATA
	pushq %rax
	pushq $0x2
	pushq $SEL_KCODE
	pushq %rbx
	iretq
3:	mov $SEL_KDATA, %eax
	mov %eax, %ss
	mov %eax, %ds
	mov %eax, %es
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	lidt fuzz_idtr(%rip)
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	mov $1, %eax
	ret

	.section .rodata
	.balign 8
	.globl fuzz_trap_stubs
fuzz_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_\v
	.endr

	.section .ist_stacks, "aw", @nobits
	.balign 16
syscall_rsp_slot:
	.skip 16
	.skip 4096
syscall_stack_top:

	.bss
	.balign 8
	.globl fuzz_jmp_rsp
fuzz_jmp_rsp:
	.skip 8
