/*
 * A tiny multiboot v1 kernel in ELF form for test_mb_elf.c: the header
 * (Multiboot Specification 0.6.96, 3.1.1) with flags bit 16 clear, so a
 * loader must take the load addresses from the ELF program headers (3.1.2:
 * the a.out kludge is optional for ELF). Code, a data marker and a bss the
 * test checks after loading; mb_elf_image.ld places them, identity-mapped
 * or at a virtual offset. Never run: the code only has to be recognisable.
 */
#include <nestlab/multiboot.h>

#define MB_ELF_FLAGS (MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO)

	.section .multiboot, "a"
	.balign 4
	.long MULTIBOOT_HEADER_MAGIC
	.long MB_ELF_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MB_ELF_FLAGS)

	.text
	.code32
	.globl _start
_start:                         /* the test looks for these two bytes */
	cli
	hlt
	jmp	_start

	.data
	.globl mb_elf_marker
mb_elf_marker:
	.ascii "nestlab ELF multiboot test data\0"

	.bss
	.balign 4096
	.globl mb_elf_bss
mb_elf_bss:
	.space 0x3000
