/*
 * Runtime of the hostile L2 test guests (contract: hostile.h). Entered by
 * L1's multiboot loader in 32-bit protected mode, paging off, EAX =
 * 0x2BADB002, EBX = info (Multiboot 0.6.96, 3.2). It loads its own GDT and
 * a 32-bit IDT, calls scenario_main and reports. The reporting, COM1 and
 * probe routines are written once as macros and assembled twice, for 32-bit
 * and for 64-bit code (suffix 32 / 64); they use no PUSH/POP, so the same
 * source is valid in both modes.
 *
 * Exceptions: every vector has an entry stub (an error code is pushed by the
 * CPU for 8, 10-14, 17, 21, 29, 30: APM vol.2 8.2; the stub pushes 0 for the
 * others), then a common entry records vector, error code, faulting IP,
 * CR2 and DR6 in rt_exc_* and either calls rt_exc_hook (EBX/RBX = frame;
 * non-zero EAX: IRET with the frame as the hook left it), or resumes at
 * rt_resume (set by TRY), or reports the exception as a FAIL and exits 1.
 */
#include "hostile.h"
#include <nestlab/multiboot.h>

	.section .multiboot, "a"
	MULTIBOOT_AOUT_HEADER _start32

/* ---- 32-bit entry ------------------------------------------------------ */
	.section .text.boot, "ax"
	CODE32
	.globl _start32
_start32:
	cli
	cld
	mov $rt_stack_top, %esp
	mov %eax, rt_mb_magic
	mov %ebx, rt_mb_info
	lgdt rt_gdt_ptr
	ljmp $SEL_CODE32, $1f
1:	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	call rt_idt32_init
	lidt rt_idt32_ptr
	call scenario_main
	jmp rt_finish32

/* IDT: vectors 0-31 and 0x80 to their stubs, all others to a catch-all.
 * 32-bit interrupt gates (type 0xE, P=1, DPL=0: APM vol.2 4.8.4). */
rt_idt32_init:
	mov $rt_idt32, %edi
	xor %ecx, %ecx
1:	mov $rt_stub_other32, %edx
	cmp $32, %ecx
	jae 2f
	mov %ecx, %edx
	shl $4, %edx
	add $rt_stubs32, %edx
	jmp 3f
2:	cmp $0x80, %ecx
	jne 3f
	mov $rt_stub_80_32, %edx
3:	mov %edx, %eax
	and $0xFFFF, %eax
	or $(SEL_CODE32 << 16), %eax
	mov %eax, (%edi)
	mov %edx, %eax
	and $0xFFFF0000, %eax
	or $0x8E00, %eax
	mov %eax, 4(%edi)
	add $8, %edi
	inc %ecx
	cmp $256, %ecx
	jne 1b
	ret

/* ---- long mode (APM vol.2 14.6.1) ------------------------------------- */
/* EAX = extra EFER bits, EDI = where to continue in 64-bit mode. */
	.globl rt_enter_long_mode32
rt_enter_long_mode32:
	mov %eax, rt_efer_extra
	mov %edi, rt_lm_cont
	mov $rt_pml4, %edi               /* five tables, contiguous */
	mov $(5 * 1024), %ecx
	xor %eax, %eax
	rep stosl
	mov $rt_pdpt, %eax
	or $3, %eax                      /* P | W */
	mov %eax, rt_pml4
	mov $rt_pd, %eax
	or $3, %eax
	mov %eax, rt_pdpt
	mov $rt_pd_hi, %eax
	or $3, %eax
	mov %eax, rt_pdpt + 8            /* 1-2 GiB: ALIAS_BASE */
	mov $rt_pt_hi, %eax
	or $3, %eax
	mov %eax, rt_pd_hi
	mov $rt_pd, %edi                 /* 0-1 GiB identity, 2 MiB pages */
	mov $0x83, %eax                  /* P | W | PS */
	mov $512, %ecx
1:	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	dec %ecx
	jnz 1b
	mov $rt_pt_hi, %edi              /* ALIAS_BASE + X -> X, 4 KiB pages */
	mov $3, %eax
	mov $512, %ecx
1:	mov %eax, (%edi)
	add $4096, %eax
	add $8, %edi
	dec %ecx
	jnz 1b
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $rt_pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	or rt_efer_extra, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_PE), %eax
	mov %eax, %cr0
	ljmp $SEL_CODE64, $rt_long64

	CODE64
rt_long64:
	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	mov $rt_stack_top, %rsp
	call rt_idt64_init
	lidt rt_idt64_ptr
	mov rt_lm_cont, %eax
	jmp *%rax

/* 64-bit interrupt gates: 16 bytes, type 0xE, IST 0 (APM vol.2 4.8.4). */
rt_idt64_init:
	mov $rt_idt64, %edi
	xor %ecx, %ecx
1:	mov $rt_stub_other64, %edx
	cmp $32, %ecx
	jae 2f
	mov %ecx, %edx
	shl $4, %edx
	add $rt_stubs64, %edx
	jmp 3f
2:	cmp $0x80, %ecx
	jne 3f
	mov $rt_stub_80_64, %edx
3:	mov %edx, %eax
	and $0xFFFF, %eax
	or $(SEL_CODE64 << 16), %eax
	mov %eax, (%rdi)
	mov %edx, %eax
	and $0xFFFF0000, %eax
	or $0x8E00, %eax
	mov %eax, 4(%rdi)
	movq $0, 8(%rdi)
	add $16, %edi
	inc %ecx
	cmp $256, %ecx
	jne 1b
	ret

/* ---- exception entry --------------------------------------------------- */
.macro RT_STUB vec, bits
	.balign 16
	.if (\vec == 8) + (\vec == 10) + (\vec == 11) + (\vec == 12) + (\vec == 13) + (\vec == 14) + (\vec == 17) + (\vec == 21) + (\vec == 29) + (\vec == 30)
	.else
	push $0
	.endif
	push $\vec
	jmp rt_exc_common\bits
.endm

.macro RT_STUBS bits
	.balign 16
rt_stubs\bits:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	RT_STUB \v, \bits
	.endr
	.balign 16
rt_stub_80_\bits:
	RT_STUB 0x80, \bits
	.balign 16
rt_stub_other\bits:
	push $0
	push $0x100                      /* "a vector without its own stub" */
	jmp rt_exc_common\bits
.endm

	.text
	CODE32
	RT_STUBS 32
	CODE64
	RT_STUBS 64

	CODE32
rt_exc_common32:
	pusha
	mov %esp, %ebx
	mov FR32_VEC(%ebx), %eax
	mov %eax, rt_exc_vector
	mov FR32_ERR(%ebx), %eax
	mov %eax, rt_exc_error
	mov FR32_IP(%ebx), %eax
	mov %eax, rt_exc_ip
	movl $0, rt_exc_ip + 4
	mov %cr2, %eax
	mov %eax, rt_exc_cr2
	movl $0, rt_exc_cr2 + 4
	mov %dr6, %eax
	mov %eax, rt_exc_dr6
	incl rt_exc_count
	mov rt_exc_hook, %eax
	test %eax, %eax
	jz 1f
	call *%eax
	test %eax, %eax
	jnz 2f
1:	mov rt_resume, %eax
	test %eax, %eax
	jz rt_unexpected32
	movl $0, rt_resume
	mov %eax, FR32_IP(%ebx)
2:	popa
	add $8, %esp
	iret

	CODE64
rt_exc_common64:
	push %rax
	push %rcx
	push %rdx
	push %rbx
	push %rbp
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rbx
	mov FR64_VEC(%rbx), %eax
	mov %eax, rt_exc_vector
	mov FR64_ERR(%rbx), %eax
	mov %eax, rt_exc_error
	mov FR64_IP(%rbx), %rax
	mov %rax, rt_exc_ip
	mov %cr2, %rax
	mov %rax, rt_exc_cr2
	mov %dr6, %rax
	mov %eax, rt_exc_dr6
	incl rt_exc_count
	mov rt_exc_hook, %eax
	test %eax, %eax
	jz 1f
	call *%rax
	test %eax, %eax
	jnz 2f
1:	mov rt_resume, %eax
	test %eax, %eax
	jz rt_unexpected64
	movl $0, rt_resume
	mov %rax, FR64_IP(%rbx)
2:	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rbp
	pop %rbx
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

/* ---- output and reporting, for both modes ------------------------------ */
.macro RT_REPORT bits
/* ESI = NUL-terminated string -> COM1 THR */
rt_puts\bits:
1:	movb (%esi), %al
	test %al, %al
	jz 2f
	mov $NESTLAB_COM1_PORT, %dx
	outb %al, %dx
	inc %esi
	jmp 1b
2:	ret

/* EAX -> 8 hex digits */
rt_puthex\bits:
	mov %eax, %edi
	mov $8, %ecx
1:	rol $4, %edi
	mov %edi, %eax
	and $15, %eax
	movb rt_hexdigits(%eax), %al
	mov $NESTLAB_COM1_PORT, %dx
	outb %al, %dx
	dec %ecx
	jnz 1b
	ret

/* ESI = prefix: prints "<prefix><scenario>: [<subcase>: ]<rt_msg>" */
rt_head\bits:
	call rt_puts\bits
	mov $scenario_name, %esi
	call rt_puts\bits
	mov $rt_s_sep, %esi
	call rt_puts\bits
	mov rt_subcase, %esi
	test %esi, %esi
	jz 1f
	cmpb $0, (%esi)
	je 1f
	call rt_puts\bits
	mov $rt_s_sep, %esi
	call rt_puts\bits
1:	mov rt_msg, %esi
	jmp rt_puts\bits

/* ESI = message, EAX = got, EDX = want */
	.globl rt_check\bits
rt_check\bits:
	mov %esi, rt_msg
	mov %eax, rt_got
	mov %edx, rt_want
	incl rt_checks
	cmp %edx, %eax
	jne 1f
	mov $rt_s_pass, %esi
	call rt_head\bits
	mov $rt_s_nl, %esi
	jmp rt_puts\bits
1:	incl rt_fails
	mov $rt_s_fail, %esi
	call rt_head\bits
	mov $rt_s_got, %esi
	call rt_puts\bits
	mov rt_got, %eax
	call rt_puthex\bits
	mov $rt_s_want, %esi
	call rt_puts\bits
	mov rt_want, %eax
	call rt_puthex\bits
	mov $rt_s_nl, %esi
	jmp rt_puts\bits

	.globl rt_pass\bits
rt_pass\bits:
	xor %eax, %eax
	xor %edx, %edx
	jmp rt_check\bits

	.globl rt_fail\bits
rt_fail\bits:
	mov %esi, rt_msg
	incl rt_checks
	incl rt_fails
	mov $rt_s_fail, %esi
	call rt_head\bits
	mov $rt_s_nl, %esi
	jmp rt_puts\bits

	.globl rt_note\bits
rt_note\bits:
	mov %esi, rt_msg
	mov $rt_s_note, %esi
	call rt_head\bits
	mov $rt_s_nl, %esi
	jmp rt_puts\bits

/* ESI = message, EAX = value */
	.globl rt_notev\bits
rt_notev\bits:
	mov %esi, rt_msg
	mov %eax, rt_got
	mov $rt_s_note, %esi
	call rt_head\bits
	mov $rt_s_space, %esi
	call rt_puts\bits
	mov rt_got, %eax
	call rt_puthex\bits
	mov $rt_s_nl, %esi
	jmp rt_puts\bits

/* EAX = status -> isa-debug-exit (OUT dword, include/nestlab/status.h) */
	.globl rt_exit\bits
rt_exit\bits:
	mov $NESTLAB_DEBUG_EXIT_PORT, %dx
	outl %eax, %dx
1:	cli
	hlt
	jmp 1b

	.globl rt_finish\bits
rt_finish\bits:
	movl $0, rt_subcase
	cmpl $0, rt_checks
	jne 1f
	FAIL "no check ran"
1:	mov $HOSTILE_STATUS_PASS, %eax
	cmpl $0, rt_fails
	je 2f
	mov $HOSTILE_STATUS_WORKLOAD_FAIL, %eax
2:	jmp rt_exit\bits

/* Checks of the probe results against what L1 must answer. */
	.globl rt_check_sig\bits
rt_check_sig\bits:
	CHECK rt_res_ax, $NESTLAB_CPUID_LEAF_MAX, "CPUID 0x40000000: EAX is the max leaf"
	CHECK rt_res_bx, $NESTLAB_CPUID_SIG_EBX, "CPUID 0x40000000: EBX is Nest"
	CHECK rt_res_cx, $NESTLAB_CPUID_SIG_ECX, "CPUID 0x40000000: ECX is LabL"
	CHECK rt_res_dx, $NESTLAB_CPUID_SIG_EDX, "CPUID 0x40000000: EDX is 1Hyp"
	ret

/* The probes below at (probe + EBP/RBP): CPUID 0x40000000, RDMSR EFER
 * (must read rt_expect_efer), VMMCALL HC_VERSION; each must raise nothing. */
	.globl rt_probe_all\bits
rt_probe_all\bits:
	mov %ebx, rt_saved_bx
	call rt_res_clear\bits
	TRY 1f
	SAVE_SP
	mov $NESTLAB_CPUID_LEAF_BASE, %eax
	xor %ecx, %ecx
	mov $rt_probe_cpuid\bits, %edi
	.if \bits == 64
	add %rbp, %rdi
	call *%rdi
	.else
	add %ebp, %edi
	call *%edi
	.endif
1:	RESTORE_SP
	ENDTRY
	CHECK rt_exc_vector, $VEC_NONE, "CPUID: no exception (vector)"
	call rt_check_sig\bits

	call rt_res_clear\bits
	TRY 1f
	SAVE_SP
	mov $MSR_EFER, %ecx
	mov $rt_probe_rdmsr\bits, %edi
	.if \bits == 64
	add %rbp, %rdi
	call *%rdi
	.else
	add %ebp, %edi
	call *%edi
	.endif
1:	RESTORE_SP
	ENDTRY
	CHECK rt_exc_vector, $VEC_NONE, "RDMSR EFER: no exception (vector)"
	CHECK rt_res_ax, rt_expect_efer, "RDMSR EFER: EAX"
	CHECK rt_res_dx, $0, "RDMSR EFER: EDX"

	call rt_res_clear\bits
	TRY 1f
	SAVE_SP
	mov $HOSTILE_HC_MAGIC, %eax
	mov $HOSTILE_HC_VERSION, %ecx
	xor %ebx, %ebx
	xor %esi, %esi
	mov $rt_probe_vmmcall\bits, %edx
	.if \bits == 64
	add %rbp, %rdx
	xor %edi, %edi
	call *%rdx
	.else
	add %ebp, %edx
	xor %edi, %edi
	call *%edx
	.endif
1:	RESTORE_SP
	ENDTRY
	CHECK rt_exc_vector, $VEC_NONE, "VMMCALL HC_VERSION: no exception (vector)"
	CHECK rt_res_ax, $HOSTILE_HC_OK, "VMMCALL HC_VERSION: status OK"
	CHECK rt_res_bx, $HOSTILE_HC_ABI_VERSION, "VMMCALL HC_VERSION: ABI version"
	mov rt_saved_bx, %ebx
	ret

/* L1 still answers: CPUID 0x40000000 from the identity-mapped probe. */
	.globl rt_alive\bits
rt_alive\bits:
	mov %ebx, rt_saved_bx
	call rt_res_clear\bits
	mov $NESTLAB_CPUID_LEAF_BASE, %eax
	xor %ecx, %ecx
	call rt_probe_cpuid\bits
	mov rt_saved_bx, %ebx
	jmp rt_check_sig\bits

rt_res_clear\bits:
	movl $0xBAD0BAD0, rt_res_ax
	movl $0xBAD0BAD0, rt_res_bx
	movl $0xBAD0BAD0, rt_res_cx
	movl $0xBAD0BAD0, rt_res_dx
	movl $0xBAD0BAD0, rt_res_si
	ret
.endm

/* The page of probes: each starts with its intercepted instruction (so a
 * fetch fault on it has CR2 = the probe's address) and stores the results. */
.macro RT_PROBES bits
	.globl rt_probe_ret\bits, rt_probe_cpuid\bits, rt_probe_rdmsr\bits, rt_probe_vmmcall\bits
rt_probe_ret\bits:
	ret
rt_probe_cpuid\bits:
	cpuid
	mov %eax, rt_res_ax
	mov %ebx, rt_res_bx
	mov %ecx, rt_res_cx
	mov %edx, rt_res_dx
	ret
rt_probe_rdmsr\bits:
	rdmsr
	mov %eax, rt_res_ax
	mov %edx, rt_res_dx
	ret
rt_probe_vmmcall\bits:
	vmmcall
	mov %eax, rt_res_ax
	mov %ebx, rt_res_bx
	mov %esi, rt_res_si
	ret
.endm

	.text
	CODE32
	RT_REPORT 32
rt_unexpected32:
	LDSTR %esi, "unexpected exception: vector"
	mov %esi, rt_msg
	incl rt_checks
	incl rt_fails
	mov $rt_s_fail, %esi
	call rt_head32
	mov $rt_s_space, %esi
	call rt_puts32
	mov rt_exc_vector, %eax
	call rt_puthex32
	mov $rt_s_err, %esi
	call rt_puts32
	mov rt_exc_error, %eax
	call rt_puthex32
	mov $rt_s_ip, %esi
	call rt_puts32
	mov rt_exc_ip, %eax
	call rt_puthex32
	mov $rt_s_cr2, %esi
	call rt_puts32
	mov rt_exc_cr2, %eax
	call rt_puthex32
	mov $rt_s_nl, %esi
	call rt_puts32
	mov $HOSTILE_STATUS_WORKLOAD_FAIL, %eax
	jmp rt_exit32

	CODE64
	RT_REPORT 64

/* RAX -> 16 hex digits */
rt_putq64:
	mov %rax, rt_tmp64
	shr $32, %rax
	call rt_puthex64
	mov rt_tmp64, %eax
	jmp rt_puthex64

/* ESI = message, RAX = got, RDX = want (64-bit compare) */
	.globl rt_checkq64
rt_checkq64:
	mov %esi, rt_msg
	mov %rax, rt_got64
	mov %rdx, rt_want64
	incl rt_checks
	cmp %rdx, %rax
	jne 1f
	mov $rt_s_pass, %esi
	call rt_head64
	mov $rt_s_nl, %esi
	jmp rt_puts64
1:	incl rt_fails
	mov $rt_s_fail, %esi
	call rt_head64
	mov $rt_s_got, %esi
	call rt_puts64
	mov rt_got64, %rax
	call rt_putq64
	mov $rt_s_want, %esi
	call rt_puts64
	mov rt_want64, %rax
	call rt_putq64
	mov $rt_s_nl, %esi
	jmp rt_puts64

rt_unexpected64:
	LDSTR %esi, "unexpected exception: vector"
	mov %esi, rt_msg
	incl rt_checks
	incl rt_fails
	mov $rt_s_fail, %esi
	call rt_head64
	mov $rt_s_space, %esi
	call rt_puts64
	mov rt_exc_vector, %eax
	call rt_puthex64
	mov $rt_s_err, %esi
	call rt_puts64
	mov rt_exc_error, %eax
	call rt_puthex64
	mov $rt_s_ip, %esi
	call rt_puts64
	mov rt_exc_ip, %rax
	call rt_putq64
	mov $rt_s_cr2, %esi
	call rt_puts64
	mov rt_exc_cr2, %rax
	call rt_putq64
	mov $rt_s_nl, %esi
	call rt_puts64
	mov $HOSTILE_STATUS_WORKLOAD_FAIL, %eax
	jmp rt_exit64

	.section .probes, "ax"
	CODE32
	RT_PROBES 32
	CODE64
	RT_PROBES 64

/* ---- data --------------------------------------------------------------- */
	.section .rodata, "a"
rt_hexdigits:	.ascii "0123456789abcdef"
rt_s_pass:	.asciz "PASS: "
rt_s_fail:	.asciz "FAIL: "
rt_s_note:	.asciz "NOTE: "
rt_s_sep:	.asciz ": "
rt_s_nl:	.asciz "\n"
rt_s_space:	.asciz " "
rt_s_got:	.asciz ": got "
rt_s_want:	.asciz " want "
rt_s_err:	.asciz " error "
rt_s_ip:	.asciz " at IP "
rt_s_cr2:	.asciz " CR2 "

	.balign 8
rt_gdt_ptr:
	.word rt_gdt_end - rt_gdt - 1
	.long rt_gdt
rt_idt32_ptr:
	.word 256 * 8 - 1
	.long rt_idt32
	.balign 8
rt_idt64_ptr:
	.word 256 * 16 - 1
	.quad rt_idt64

	.data
	.balign 16
/* Descriptor layout: APM vol.2 4.8 (G, D/B, L, AVL in bits 55-52). */
	.globl rt_gdt
rt_gdt:
	.quad 0                          /* 0x00 null */
	.quad 0x00AF9A000000FFFF         /* 0x08 code, 64-bit (L=1 D=0) */
	.quad 0x00CF92000000FFFF         /* 0x10 data, flat */
	.quad 0x00CF9A000000FFFF         /* 0x18 code, 32-bit (L=0 D=1) */
	.quad 0x00EF9A000000FFFF         /* 0x20 code with L=1 and D=1 */
	.quad 0                          /* 0x28 a scenario's TSS */
	.quad 0                          /* 0x30 spare */
rt_gdt_end:

	.balign 8
	.globl rt_mb_magic, rt_mb_info, rt_subcase, rt_exc_count, rt_exc_vector
	.globl rt_exc_error, rt_exc_ip, rt_exc_cr2, rt_exc_dr6, rt_exc_hook
	.globl rt_resume, rt_saved_sp, rt_expect_efer, rt_res_ax, rt_res_bx
	.globl rt_res_cx, rt_res_dx, rt_res_si, rt_checks, rt_fails
rt_exc_ip:	.quad 0
rt_exc_cr2:	.quad 0
rt_saved_sp:	.quad 0
rt_got64:	.quad 0
rt_want64:	.quad 0
rt_tmp64:	.quad 0
rt_mb_magic:	.long 0
rt_mb_info:	.long 0
rt_checks:	.long 0
rt_fails:	.long 0
rt_msg:		.long 0
rt_got:		.long 0
rt_want:	.long 0
rt_subcase:	.long 0
rt_exc_count:	.long 0
rt_exc_vector:	.long VEC_NONE
rt_exc_error:	.long 0
rt_exc_dr6:	.long 0
rt_exc_hook:	.long 0
rt_resume:	.long 0
rt_efer_extra:	.long 0
rt_lm_cont:	.long 0
rt_expect_efer:	.long 0
rt_saved_bx:	.long 0
rt_res_ax:	.long 0
rt_res_bx:	.long 0
rt_res_cx:	.long 0
rt_res_dx:	.long 0
rt_res_si:	.long 0

	.bss
	.balign 4096
	.globl rt_pml4, rt_pdpt, rt_pd, rt_pd_hi, rt_pt_hi, rt_idt32, rt_idt64
rt_pml4:	.skip 4096
rt_pdpt:	.skip 4096
rt_pd:		.skip 4096
rt_pd_hi:	.skip 4096
rt_pt_hi:	.skip 4096
rt_idt64:	.skip 4096
rt_idt32:	.skip 2048
	.balign 4096
rt_stack:	.skip 16384
	.globl rt_stack_top
rt_stack_top:
