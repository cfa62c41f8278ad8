/*
 * Test kernel entry: a multiboot v1 header WITHOUT the a.out kludge (the
 * loader takes the ELF program headers: Multiboot spec 3.1.2, flags bit 16
 * clear), then the way from 32-bit protected mode as a multiboot loader
 * leaves it (spec 3.2: EAX = 0x2BADB002, EBX = info, paging off) to 64-bit
 * C: its own GDT, bss zeroed, the first 1 GiB identity-mapped with 2 MiB
 * pages (apic.c maps the APIC page later), CR4.PAE, CR3, EFER.LME, CR0.PG,
 * a far jump to the 64-bit code segment (AMD APM vol.2 14.6 "Enabling and
 * Activating Long Mode", Intel SDM vol.3 10.8.5), then tk_main().
 */
#include <nestlab/multiboot.h>

#define TK_CS64  0x08
#define TK_DS    0x10
#define TK_CS32  0x18
#define TK_MB_FLAGS (MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO)

	.section .multiboot, "a"
	.balign 4
	.long MULTIBOOT_HEADER_MAGIC
	.long TK_MB_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + TK_MB_FLAGS)

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	mov %eax, %esi                  /* magic and info survive the bss wipe */
	mov %ebx, %ebp
	lgdt tk_gdt_ptr
	ljmp $TK_CS32, $1f
1:	mov $TK_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs

	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl
	mov %esi, tk_mb_magic
	mov %ebp, tk_mb_info
	mov $tk_stack_top, %esp

	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD = 512 x 2 MiB (P | W | PS). */
	mov $tk_pdpt, %eax
	or $0x3, %eax
	mov %eax, tk_pml4
	mov $tk_pd, %eax
	or $0x3, %eax
	mov %eax, tk_pdpt
	mov $tk_pd, %edi
	mov $0x83, %eax
	mov $512, %ecx
2:	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 2b

	mov %cr4, %eax
	or $(1 << 5), %eax              /* CR4.PAE */
	mov %eax, %cr4
	mov $tk_pml4, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx           /* EFER.LME */
	rdmsr
	or $(1 << 8), %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax            /* CR0.PG | CR0.PE */
	mov %eax, %cr0
	ljmp $TK_CS64, $3f

	.code64
3:	mov $TK_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $tk_stack_top, %rsp
	call tk_main
4:	cli
	hlt
	jmp 4b

	.section .rodata
	.balign 8
tk_gdt:
	.quad 0                          /* null */
	.quad 0x00AF9A000000FFFF         /* 0x08 code, 64-bit (L=1, D=0) */
	.quad 0x00CF92000000FFFF         /* 0x10 data, flat */
	.quad 0x00CF9A000000FFFF         /* 0x18 code, 32-bit (L=0, D=1) */
tk_gdt_end:
tk_gdt_ptr:
	.word tk_gdt_end - tk_gdt - 1
	.long tk_gdt

	.bss
	.balign 4096
	.globl tk_pml4, tk_pdpt
tk_pml4:	.skip 4096
tk_pdpt:	.skip 4096
tk_pd:		.skip 4096
	.balign 16
tk_stack:	.skip 16384
tk_stack_top:
	.balign 4
	.globl tk_mb_magic, tk_mb_info
tk_mb_magic:	.long 0
tk_mb_info:	.long 0
