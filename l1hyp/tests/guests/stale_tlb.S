/*
 * stale_tlb: long mode, EFER.NXE=1. The probe page is mapped at
 * ALIAS_BASE + its physical address by one 4 KiB PTE (rt_pt_hi). Per
 * sub-case (CPUID, RDMSR, VMMCALL): map it, INVLPG, run a RET from the
 * page (the TLB now holds the translation), clear the PTE *without*
 * INVLPG, and call the probe whose first instruction is the intercepted one.
 *
 * APM vol.2 5.5 "Translation-Lookaside Buffer": the CPU may or may not
 * still use the stale TLB entry. Either it faults natively, or it runs the
 * instruction, which exits to L1. An L1 that then walks L2's tables finds
 * the PTE not present: the architectural answer is the #PF the fetch would
 * have raised (APM vol.2 8.4.2: CR2 = the fetch address, error code P=0,
 * R/W=0, U/S=0, I/D=1 since EFER.NXE=1), injected, not the end of the run.
 * Both paths are architectural, so the #PF handler (which restores the PTE
 * and retries) must see exactly one #PF with that CR2 and error code, or
 * none when the instruction ran from the stale translation; the
 * instruction's result must be right either way.
 */
#include "hostile.h"

/* #PF on the probe page: count it, put the PTE back, retry the fetch. */
	.text
	CODE64
pf_hook:
	cmpl $VEC_PF, FR64_VEC(%rbx)
	jne 1f
	incl pf_count
	cmpl $3, pf_count                /* no loop if the retry faults again */
	ja 1f
	mov rt_exc_cr2, %rax
	mov %rax, pf_cr2
	mov FR64_ERR(%rbx), %eax
	mov %eax, pf_err
	mov pte_val, %rax
	mov pte_ptr, %rdi
	mov %rax, (%rdi)
	mov $1, %eax
	ret
1:	xor %eax, %eax
	ret

/* One sub-case: \probe is the identity address of a probe; registers for
 * it are set by \setup (a macro name). */
.macro STALE_CASE name, probe, setup
	SUBCASE "\name"
	/* Nothing between the warm-up and the probe may exit to L1: a world
	 * switch flushes the TLB of TCG, and the stale entry would be gone. */
	NOTE "clearing the PTE without INVLPG, then calling the probe"
	mov pte_val, %rax                /* map, flush, warm the TLB */
	mov pte_ptr, %rdi
	mov %rax, (%rdi)
	mov $(ALIAS_BASE + rt_probe_ret64), %rax
	invlpg (%rax)
	call *%rax
	mov pte_ptr, %rdi                /* unmap without INVLPG */
	movq $0, (%rdi)
	movl $0, pf_count
	movq $0, pf_cr2
	movl $0, pf_err
	call rt_res_clear_stale
	movl $pf_hook, rt_exc_hook
	\setup
	mov $(ALIAS_BASE + \probe), %rbp
	call *%rbp
	movl $0, rt_exc_hook
	mov pte_val, %rax                /* mapped again in any case */
	mov pte_ptr, %rdi
	mov %rax, (%rdi)
	invlpg (%rbp)
	mov pf_count, %eax
	cmp $1, %eax
	ja 8f
	je 7f
	NOTE "no #PF: the instruction ran from the stale translation"
	jmp 9f
7:	NOTE "one #PF, handler restored the PTE"
	mov $(ALIAS_BASE + \probe), %rax
	CHECK64 pf_cr2, %rax, "#PF CR2 is the probe's address"
	CHECK pf_err, $PF_ID, "#PF error code: not present, read, supervisor, instruction fetch"
	jmp 9f
8:	CHECK pf_count, $1, "at most one #PF"
9:
.endm

.macro SETUP_CPUID
	mov $NESTLAB_CPUID_LEAF_BASE, %eax
	xor %ecx, %ecx
.endm
.macro SETUP_RDMSR
	mov $MSR_EFER, %ecx
.endm
.macro SETUP_VMMCALL
	mov $HOSTILE_HC_MAGIC, %eax
	mov $HOSTILE_HC_VERSION, %ecx
	xor %ebx, %ebx
	xor %esi, %esi
	xor %edi, %edi
.endm

rt_res_clear_stale:
	movl $0xBAD0BAD0, rt_res_ax
	movl $0xBAD0BAD0, rt_res_bx
	movl $0xBAD0BAD0, rt_res_cx
	movl $0xBAD0BAD0, rt_res_dx
	ret

	SCENARIO stale_tlb
	CODE32
	.globl scenario_main
scenario_main:
	ENTER_LONG_MODE EFER_NXE
	mov $__probes_start, %eax        /* its PTE: rt_pt_hi[phys >> 12] */
	shr $12, %eax
	lea rt_pt_hi(, %rax, 8), %rdi
	mov %rdi, pte_ptr
	mov (%rdi), %rax
	mov %rax, pte_val

	STALE_CASE "CPUID", rt_probe_cpuid64, SETUP_CPUID
	call rt_check_sig64
	STALE_CASE "RDMSR", rt_probe_rdmsr64, SETUP_RDMSR
	CHECK rt_res_ax, $(EFER_LME | EFER_LMA | EFER_NXE), "RDMSR EFER: EAX"
	CHECK rt_res_dx, $0, "RDMSR EFER: EDX"
	STALE_CASE "VMMCALL", rt_probe_vmmcall64, SETUP_VMMCALL
	CHECK rt_res_ax, $HOSTILE_HC_OK, "VMMCALL HC_VERSION: status OK"
	CHECK rt_res_bx, $HOSTILE_HC_ABI_VERSION, "VMMCALL HC_VERSION: ABI version"
	SUBCASE "after"
	call rt_alive64
	FINISH

	.data
	.balign 8
pte_val:	.quad 0
pte_ptr:	.quad 0
pf_cr2:		.quad 0
pf_count:	.long 0
pf_err:		.long 0
