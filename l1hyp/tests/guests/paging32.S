/*
 * paging32: 32-bit (non-PAE) paging, CPUID / RDMSR EFER / VMMCALL executed
 * at a virtual address that is not the physical one.
 *
 * APM vol.2 5.2 "Legacy-Mode Page Translation", non-PAE paging: with
 * CR4.PSE=1 a PDE with PS=1 maps a 4 MiB page; with CR4.PSE=0 the PS bit
 * is ignored and every PDE points to a page table of 4 KiB pages. The
 * probes run at ALIAS_BASE + their physical address, so an L1 that reads the
 * instruction at RIP without walking L2's 32-bit tables (or that walks them
 * as PAE or 4-level tables) reads the wrong bytes. L1 must answer CPUID
 * 0x40000000 with the NestLab signature, RDMSR EFER with 0 (EFER.SVME is
 * L1's and hidden), and HC_VERSION (include/nestlab/hypercall.h).
 */
#include "hostile.h"

#define ALIAS_PDE (ALIAS_BASE >> 22)    /* PDE index of ALIAS_BASE */

	SCENARIO paging32
	.text
	CODE32
	.globl scenario_main
scenario_main:
	movl $0, rt_expect_efer
	mov $ALIAS_BASE, %ebp            /* probe delta */

	/* Directory A (CR4.PSE=1): 0-4 MiB and ALIAS_BASE -> 0, 4 MiB pages. */
	movl $0x83, pd_a                  /* P | W | PS */
	movl $0x83, pd_a + ALIAS_PDE * 4
	/* Directory B (CR4.PSE=0): both through one table of 4 KiB pages. */
	mov $pt_b, %edi
	mov $3, %eax
	mov $1024, %ecx
1:	mov %eax, (%edi)
	add $4096, %eax
	add $4, %edi
	dec %ecx
	jnz 1b
	mov $pt_b, %eax
	or $3, %eax
	mov %eax, pd_b
	mov %eax, pd_b + ALIAS_PDE * 4

	SUBCASE "PSE 4 MiB page"
	mov %cr4, %eax
	or $CR4_PSE, %eax
	mov %eax, %cr4
	mov $pd_a, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	call rt_probe_all32
	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0

	SUBCASE "4 KiB pages"
	mov %cr4, %eax
	and $~CR4_PSE, %eax
	mov %eax, %cr4
	mov $pd_b, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	call rt_probe_all32
	ret

	.bss
	.balign 4096
pd_a:	.skip 4096
pd_b:	.skip 4096
pt_b:	.skip 4096
