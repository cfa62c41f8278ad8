/*
 * pml4_bit8: long mode; PML4 entry 1 (virtual 512 GiB, HIGH_BASE) points to
 * the same PDPT as entry 0 with bit 8 set, so HIGH_BASE + X -> X; the
 * probes run at HIGH_BASE + their address.
 *
 * Bit 8 of a PML4E (the G position of a leaf) is where CPUs differ: AMD
 * documents bits 8:7 of a PML4E as MBZ in older APM revisions (vol.2 5.3
 * "Long-Mode Page Translation", the PML4E format; 5.4 entry fields) and
 * KVM treats bit 8 of non-leaf PML4Es/PDPEs as reserved on
 * AMD; Intel and QEMU's TCG ignore it. Whatever the CPU does, L1 must agree
 * with it: a native RET from HIGH_BASE shows which. If the CPU ignores the
 * bit, the instruction was fetched through this entry, so CPUID, RDMSR and
 * VMMCALL at HIGH_BASE must work with no fault (an L1 walker stricter than
 * the CPU invents a #PF, or gives up). If the CPU faults on it natively
 * (#PF with RSV=1), nothing reaches L1 and the scenario only notes that.
 */
#include "hostile.h"

#define HIGH_BASE_GIB 512               /* PML4 entry 1 */

	SCENARIO pml4_bit8
	.text
	CODE32
	.globl scenario_main
scenario_main:
	ENTER_LONG_MODE
	movl $(EFER_LME | EFER_LMA), rt_expect_efer
	mov $rt_pdpt, %eax
	or $(3 | (1 << 8)), %eax         /* P | W | bit 8 */
	mov %eax, rt_pml4 + 8
	mov %cr3, %rax
	mov %rax, %cr3
	mov $HIGH_BASE_GIB, %rbp
	shl $30, %rbp                    /* RBP = HIGH_BASE, the probe delta */

	SUBCASE "native fetch"
	TRY 1f
	SAVE_SP
	mov $rt_probe_ret64, %eax
	add %rbp, %rax
	call *%rax
1:	RESTORE_SP
	ENDTRY
	cmpl $VEC_NONE, rt_exc_vector
	je 2f
	CHECK rt_exc_vector, $VEC_PF, "the CPU faults on PML4E bit 8 itself: #PF (vector)"
	mov rt_exc_error, %eax
	and $PF_RSV, %eax
	CHECK %eax, $PF_RSV, "the CPU's #PF has RSV set"
	NOTE "the CPU treats PML4E bit 8 as reserved: nothing reaches L1"
	FINISH
2:	PASS "the CPU ignores PML4E bit 8: a RET at 512 GiB runs"

	SUBCASE "PML4E bit 8"
	call rt_probe_all64
	SUBCASE "after"
	call rt_alive64
	FINISH
