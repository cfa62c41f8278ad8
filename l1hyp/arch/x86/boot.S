/*
 * L1 entry: a multiboot v1 image (Multiboot Specification 0.6.96, 3.1) that
 * QEMU's -kernel loads with the a.out kludge (flags bit 16), entered in
 * 32-bit protected mode with paging off, EAX = 0x2BADB002, EBX = multiboot
 * info. We build identity page tables for the low 4 GiB (2 MiB pages, except
 * the first 2 MiB in 4 KiB pages with page 0 left unmapped so that NULL
 * dereferences fault), enable PAE, EFER.LME/NXE and paging (AMD APM vol.2
 * 14.6 "Enabling and Activating Long Mode"), and jump to 64-bit C.
 */
#include <nestlab/platform.h>
/* status.h is an enum, which does not assemble: main.c checks this value
 * against NESTLAB_STATUS_NO_SVM at compile time. */
#define STATUS_NO_LONG_MODE 6

#include <nestlab/multiboot.h>

	.section .multiboot, "a"
	MULTIBOOT_AOUT_HEADER _start32

	.section .text.boot, "ax"
	.code32
	.global _start32
_start32:
	cli
	movl %eax, boot_mb_magic
	movl %ebx, boot_mb_info
	movl $boot_stack_top, %esp

	/* Long mode needs CPUID 0x80000001 EDX.LM (bit 29) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %esi                  /* keep EDX.NX (bit 20) for EFER.NXE */

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3 */
	movl $boot_pdpt, %eax
	orl $3, %eax
	movl %eax, boot_pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $3, %eax
	movl %eax, boot_pdpt(,%ecx,8)
	incl %ecx
	cmpl $4, %ecx
	jb 1b
	/* PD entries: 2 MiB pages, P|RW|PS, for 0..4 GiB */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, boot_pd(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax                   /* bits 32+ of (ecx << 21) */
	movl %eax, boot_pd+4(,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jb 2b
	/* First 2 MiB through a page table; page 0 not present */
	movl $boot_pt0, %eax
	orl $3, %eax
	movl %eax, boot_pd
	movl $0, boot_pt0
	movl $1, %ecx
3:	movl %ecx, %eax
	shll $12, %eax
	orl $3, %eax
	movl %eax, boot_pt0(,%ecx,8)
	incl %ecx
	cmpl $512, %ecx
	jb 3b

	movl %cr4, %eax
	orl $(1 << 5), %eax              /* CR4.PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx           /* EFER */
	rdmsr
	orl $(1 << 8), %eax              /* LME */
	btl $20, %esi
	jnc 4f
	orl $(1 << 11), %eax             /* NXE: needed for NX in page tables and NPT */
4:	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax   /* PG | WP | PE */
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $start64

no_long_mode:
	/* No console yet worth setting up: report through isa-debug-exit. */
	movw $NESTLAB_DEBUG_EXIT_PORT, %dx
	movl $STATUS_NO_LONG_MODE, %eax
	outl %eax, %dx
5:	hlt
	jmp 5b

	.code64
start64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_mb_magic, %edi
	movl boot_mb_info, %esi
	call l1_main
6:	cli
	hlt
	jmp 6b

	.section .rodata
	.align 16
	.global boot_gdt
boot_gdt:
	.quad 0
	.quad 0x00209A0000000000         /* 0x08: 64-bit code, DPL0 */
	.quad 0x0000920000000000         /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .data
	.align 4
boot_mb_magic: .long 0
boot_mb_info:  .long 0

	.section .bss
	.align 4096
	.global boot_pml4
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096
	.global boot_pt0                 /* l1_page.c changes single L1 pages */
boot_pt0:  .skip 4096
	.global boot_stack_top
boot_stack: .skip 32768
boot_stack_top:
