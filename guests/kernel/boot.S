/*
 * L2 kernel entry: the multiboot v1 header (a.out kludge) and the way from
 * 32-bit protected mode, as a multiboot loader leaves it (Multiboot spec 3.2:
 * EAX = 0x2BADB002, EBX = info, paging off, flat segments), to 64-bit C.
 * Steps (AMD APM vol.2 14.6 "Enabling and Activating Long Mode"): zero bss,
 * mask the legacy PIC, identity-map the first 1 GiB with 2 MiB pages, set
 * CR4.PAE, load CR3, set EFER.LME, set CR0.PG, far-jump to a 64-bit code
 * segment. kmain() then builds the real page tables.
 */
#include <nestlab/multiboot.h>

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10

	.section .multiboot, "a"
	MULTIBOOT_AOUT_HEADER _start32

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	mov %eax, %esi                  /* keep magic and info out of bss */
	mov %ebx, %ebp

	/* Zero bss (the loader should, but this also touches every page). */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl
	mov %esi, boot_mb_magic
	mov %ebp, boot_mb_info
	mov $boot_stack_top, %esp

	/* Mask both 8259A PICs: nestlab L2 runs without interrupts. */
	mov $0xff, %al
	outb %al, $0xa1
	outb %al, $0x21

	/* Boot page tables: PML4[0] -> PDPT, PDPT[0] -> PD, PD = 512 x 2 MiB. */
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
	mov $0xC0000080, %ecx           /* EFER.LME */
	rdmsr
	or $(1 << 8), %eax
	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 0)), %eax /* CR0.PG | CR0.PE */
	mov %eax, %cr0

	lgdt gdt_ptr32
	ljmp $KERNEL_CS, $start64

	.code64
start64:
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	xor %ebp, %ebp
	mov boot_mb_magic(%rip), %edi
	mov boot_mb_info(%rip), %esi
	call kmain
2:	cli
	hlt
	jmp 2b

	.section .rodata
	.balign 8
gdt_ptr32:
	.word gdt_end - gdt - 1
	.long gdt

	.data
	.balign 16
/* The GDT (APM vol.2 4.8): the SYSCALL/SYSRET layout of STAR (6.1.1) needs
 * user data right after a 32-bit user code slot and 64-bit user code after
 * it; the TSS descriptor (16 bytes) is filled in by desc.c. */
	.globl gdt, gdt_end
gdt:
	.quad 0                         /* 0x00 null */
	.quad 0x00AF9A000000FFFF        /* 0x08 kernel code, 64-bit */
	.quad 0x00CF92000000FFFF        /* 0x10 kernel data */
	.quad 0x00CFFA000000FFFF        /* 0x18 user code, 32-bit (unused) */
	.quad 0x00CFF2000000FFFF        /* 0x20 user data */
	.quad 0x00AFFA000000FFFF        /* 0x28 user code, 64-bit */
	.quad 0, 0                      /* 0x30 TSS */
gdt_end:

	.globl boot_mb_magic, boot_mb_info
boot_mb_magic:
	.long 0
boot_mb_info:
	.long 0

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4096
boot_stack:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:
