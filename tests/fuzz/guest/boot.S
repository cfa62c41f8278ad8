/*
 * Fuzz guest entry: the multiboot v1 header (a.out kludge, the way L1's
 * loader and QEMU's -kernel both load it) and the way from 32-bit protected
 * mode as a multiboot loader leaves it (Multiboot 0.6.96 3.2: EAX =
 * 0x2BADB002, EBX = info, paging off) to 64-bit C (AMD APM vol.2 14.6
 * "Enabling and Activating Long Mode"): zero bss, boot page tables that
 * identity-map the first 1 GiB in 2 MiB pages, CR4.PAE, CR3, EFER.LME,
 * CR0.PG|WP, a far jump to the 64-bit code segment. fuzz_main() then builds
 * the real tables (vm.c) and descriptor tables (desc.c).
 */
#include <nestlab/multiboot.h>
#include "layout.h"

	.section .multiboot, "a"
	MULTIBOOT_AOUT_HEADER _start32

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	mov %eax, %esi
	mov %ebx, %ebp

	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl
	mov %esi, boot_magic
	mov %ebp, boot_info
	mov $boot_stack_top, %esp

	mov $boot_pdpt, %eax
	or $0x3, %eax
	mov %eax, boot_pml4
	mov $boot_pd, %eax
	or $0x3, %eax
	mov %eax, boot_pdpt
	mov $boot_pd, %edi
	mov $0x83, %eax                 /* P | W | PS */
	mov $512, %ecx
1:	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 1b

	mov %cr4, %eax
	or $(1 << 5), %eax              /* CR4.PAE */
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx           /* EFER: LME | SCE */
	rdmsr
	or $((1 << 8) | (1 << 0)), %eax
	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16) | (1 << 0)), %eax  /* PG | WP | PE */
	mov %eax, %cr0

	lgdt boot_gdtr
	ljmp $SEL_KCODE, $start64

	.code64
start64:
	mov $SEL_KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	xor %ebp, %ebp
	mov boot_magic(%rip), %edi
	mov boot_info(%rip), %esi
	call fuzz_main
2:	cli
	hlt
	jmp 2b

	.section .rodata
	.balign 8
boot_gdtr:
	.word GDT_ENTRIES * 8 - 1
	.long fuzz_gdt

	.data
	.balign 4
boot_magic:
	.long 0
boot_info:
	.long 0

	.bss
	.balign 4096
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4096
	.balign 16
boot_stack:
	.skip 32768
	.globl boot_stack_top
boot_stack_top:
