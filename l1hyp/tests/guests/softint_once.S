/*
 * softint_once (run with --npt-lazy): INT 0x80 and INT3 at CPL0 in 32-bit
 * protected mode, with ESP at the top of a page L2 has never touched, so
 * the nested page fault comes while the CPU pushes the interrupt frame.
 *
 * APM vol.2 8.1/8.4: INT n and INT3 are traps; the frame's EIP is the next
 * instruction and the handler runs once per instruction. With no privilege
 * change there is no stack switch: the frame goes to the current stack.
 * APM vol.2 15.7.2: an intercept during event delivery (the NPF on the
 * stack page, 15.25.6) reports the event in EXITINTINFO; L1 re-injects it
 * (EVENTINJ, 15.20). For a software interrupt (type 4) or INT3 the CPU's
 * RIP still points at the INT; without NRIPS (QEMU's TCG) L1 must give the
 * injected event the right return address (advance RIP past the INT, or
 * restart the instruction instead of injecting), else the handler returns
 * to the INT and runs a second time. The first INT 0x80 runs on the
 * normal stack and touches every page of the image first, so the only
 * fresh page in the real cases is the stack.
 */
#include "hostile.h"

#define FRESH_STACK_1 0x00300000        /* in L2 RAM, outside the image */
#define FRESH_STACK_2 0x00302000

	.text
	CODE32
/* Count INT 0x80 and INT3 (#BP) and keep the frame's EIP; others: no. */
int_hook:
	mov FR32_VEC(%ebx), %eax
	cmp $0x80, %eax
	je 1f
	cmp $VEC_BP, %eax
	je 2f
	xor %eax, %eax
	ret
1:	incl int80_count
	cmpl $8, int80_count             /* an L1 that loops: stop, as unexpected */
	ja 3f
	mov FR32_IP(%ebx), %eax
	mov %eax, int80_ip
	mov $1, %eax
	ret
2:	incl int3_count
	cmpl $8, int3_count
	ja 3f
	mov FR32_IP(%ebx), %eax
	mov %eax, int3_ip
	mov $1, %eax
	ret
3:	xor %eax, %eax
	ret

	SCENARIO softint_once
	.globl scenario_main
scenario_main:
	SUBCASE "setup"
	call rt_res_clear_once
	mov $NESTLAB_CPUID_LEAF_INFO, %eax
	xor %ecx, %ecx
	cpuid
	and $HOSTILE_FEAT_NPT_LAZY, %ebx
	CHECK %ebx, $HOSTILE_FEAT_NPT_LAZY, "L1 runs with lazy NPT (run with --npt-lazy)"
	mov $__load_start, %esi          /* touch every page of the image */
1:	mov (%esi), %al
	add $4096, %esi
	cmp $__bss_end, %esi
	jb 1b
	movl $int_hook, rt_exc_hook

	SUBCASE "touched stack"
	movl $0, int80_count
	int $0x80
int80_ret0:
	CHECK int80_count, $1, "INT 0x80: handler ran once"
	CHECK int80_ip, $int80_ret0, "INT 0x80: frame EIP is the next instruction"

	SUBCASE "untouched stack"
	movl $0, int80_count
	mov %esp, saved_esp
	mov $(FRESH_STACK_1 + 4096), %esp
	int $0x80
int80_ret1:
	mov saved_esp, %esp
	CHECK int80_count, $1, "INT 0x80: handler ran once"
	CHECK int80_ip, $int80_ret1, "INT 0x80: frame EIP is the next instruction"

	movl $0, int3_count
	mov %esp, saved_esp
	mov $(FRESH_STACK_2 + 4096), %esp
	int3
int3_ret:
	mov saved_esp, %esp
	CHECK int3_count, $1, "INT3: handler ran once"
	CHECK int3_ip, $int3_ret, "INT3: frame EIP is the next instruction"
	movl $0, rt_exc_hook
	SUBCASE "after"
	call rt_alive32
	ret

rt_res_clear_once:
	movl $0, int80_count
	movl $0, int3_count
	ret

	.data
saved_esp:	.long 0
int80_count:	.long 0
int80_ip:	.long 0
int3_count:	.long 0
int3_ip:	.long 0
