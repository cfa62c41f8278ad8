/*
 * pae: PAE paging without long mode (CR4.PAE=1, EFER.LME=0, EFER.NXE=1),
 * CPUID / RDMSR EFER / VMMCALL executed at a virtual address that is not
 * the physical one.
 *
 * APM vol.2 5.2 "Legacy-Mode Page Translation", PAE paging: CR3 points to four PDPTEs
 * (32-byte aligned; their R/W, U/S and NX bits are reserved, only P and
 * the address are set here), each to a directory of 2 MiB pages (PS=1) or
 * 4 KiB page tables, entries 64 bits wide. 0-1 GiB is identity-mapped with
 * 2 MiB pages; ALIAS_BASE + X -> X through a 4 KiB page table. L1 must
 * walk these tables (3 levels, 8-byte entries) to read the instruction,
 * and answer as in paging32; RDMSR EFER reads NXE (0x800).
 */
#include "hostile.h"

	SCENARIO pae
	.text
	CODE32
	.globl scenario_main
scenario_main:
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_NXE, %eax
	wrmsr
	movl $EFER_NXE, rt_expect_efer
	mov $ALIAS_BASE, %ebp

	mov $pd0, %eax                   /* PDPTE: P and address only */
	or $1, %eax
	mov %eax, pdpt
	mov $pd1, %eax
	or $1, %eax
	mov %eax, pdpt + 8
	mov $pd0, %edi                   /* 0-1 GiB: 2 MiB pages */
	mov $0x83, %eax
	mov $512, %ecx
1:	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	dec %ecx
	jnz 1b
	mov $pt1, %eax                   /* 1 GiB (ALIAS_BASE) + X -> X, 4 KiB pages */
	or $3, %eax
	mov %eax, pd1
	mov $pt1, %edi
	mov $3, %eax
	mov $512, %ecx
1:	mov %eax, (%edi)
	add $4096, %eax
	add $8, %edi
	dec %ecx
	jnz 1b

	SUBCASE "PAE, EFER.LME=0"
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $pdpt, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	call rt_probe_all32
	ret

	.bss
	.balign 4096
pdpt:	.skip 4096
pd0:	.skip 4096
pd1:	.skip 4096
pt1:	.skip 4096
