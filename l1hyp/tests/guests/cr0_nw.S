/*
 * cr0_nw: invalid CR0 combinations, at CPL0 in 32-bit protected mode.
 *
 * APM vol.2 3.1.1 "CR0 Register" and APM vol.3 "MOV CRn": setting CR0.NW
 * with CR0.CD clear raises #GP(0), and so does setting CR0.PG with CR0.PE
 * clear; CR0 keeps its old value. Both are states VMRUN refuses ("CR0.CD is
 * zero and CR0.NW is set", APM 15.5.1) or that no CPU can be in, so L1
 * must make the write fault (intercept CR0 writes). If a write goes
 * through, the next instruction restores CR0 (MOV to CR0 encodes the same
 * in every mode), so the report still reaches COM1. For the PG attempt
 * CR3 points at a 4 MiB identity page (CR4.PSE), so paging, if the CPU
 * turned it on, would not lose the code.
 */
#include "hostile.h"

.macro CR0_ATTEMPT label, what
	NOTE "\what: attempting the write"
	TRY 1f
\label:
	mov %ecx, %cr0
1:	mov %cr0, %eax
	mov %ebx, %cr0                   /* undo at once if it went through */
	mov %eax, cr0_seen
	ENDTRY
	CHECK rt_exc_vector, $VEC_GP, "\what raises #GP (vector)"
	CHECK rt_exc_error, $0, "\what: error code 0"
	CHECK rt_exc_ip, $\label, "\what: saved EIP is the MOV"
	CHECK cr0_seen, %ebx, "\what: CR0 unchanged"
.endm

	SCENARIO cr0_nw
	.text
	CODE32
	.globl scenario_main
scenario_main:
	/* identity PD: PDE 0 = 4 MiB page at 0 (P | W | PS) */
	movl $0x83, pd32
	mov %cr4, %eax
	or $CR4_PSE, %eax
	mov %eax, %cr4
	mov $pd32, %eax
	mov %eax, %cr3

	SUBCASE "NW without CD"
	mov %cr0, %ebx
	mov %ebx, %ecx
	and $~CR0_CD, %ecx
	or $CR0_NW, %ecx
	CR0_ATTEMPT cr0_w_nw, "CR0.NW=1 with CD=0"

	SUBCASE "PG without PE"
	mov %cr0, %ebx
	mov %ebx, %ecx
	and $~CR0_PE, %ecx
	or $CR0_PG, %ecx
	CR0_ATTEMPT cr0_w_pg, "CR0.PG=1 with PE=0"

	SUBCASE "after"
	call rt_alive32
	ret

	.data
cr0_seen:	.long 0
	.bss
	.balign 4096
pd32:	.skip 4096
