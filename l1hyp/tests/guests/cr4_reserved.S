/*
 * cr4_reserved: MOV to CR4 (0F 22 E1, mov %ecx/%rcx, %cr4) with a reserved
 * bit set, at CPL0: in 32-bit protected mode (bit 31) and in long mode
 * (bit 39, the reserved bit of the issue's RCX = 0x8000015890; bit 31; and
 * LA57, bit 12, which cannot change while long mode is active and which
 * qemu64 does not offer).
 *
 * APM vol.2 3.1.3 "CR4 Register": reserved bits (63:32 and the undefined
 * ones below) must be zero, setting one raises #GP(0); APM vol.3 "MOV CRn":
 * #GP(0) for a reserved bit, or for changing CR4.LA57 with EFER.LMA=1. The
 * write does not happen: CR4 keeps its old value. A CPU that accepted it
 * would leave L2 in a state VMRUN refuses ("any MBZ bit of CR4 is set",
 * APM 15.5.1), so L1 must make the write fault (intercept CR4 writes).
 * Each attempt restores the old CR4 at once if the write went through, so
 * the report still reaches COM1.
 */
#include "hostile.h"

/* one attempt: CR4 = old | \bits (in \reg), expect #GP(0) and no change */
.macro CR4_ATTEMPT label, reg, what
	NOTE "\what: attempting the write"
	TRY 1f
\label:
	mov \reg, %cr4
1:	ENDTRY
	.if rt_bits == 64
	mov %cr4, %rax
	mov %rax, cr4_after
	mov %rbx, %cr4                   /* undo at once if it went through */
	.else
	mov %cr4, %eax
	mov %eax, cr4_after
	mov %ebx, %cr4
	.endif
	CHECK rt_exc_vector, $VEC_GP, "\what raises #GP (vector)"
	CHECK rt_exc_error, $0, "\what: error code 0"
	CHECK rt_exc_ip, $\label, "\what: saved IP is the MOV"
	.if rt_bits == 64
	CHECK64 cr4_after, %rbx, "\what: CR4 unchanged"
	.else
	CHECK cr4_after, %ebx, "\what: CR4 unchanged"
	.endif
.endm

	SCENARIO cr4_reserved
	.text
	CODE32
	.globl scenario_main
scenario_main:
	SUBCASE "32-bit"
	mov %cr4, %ebx
	mov %ebx, %ecx
	or $(1 << 31), %ecx
	CR4_ATTEMPT cr4_w32, %ecx, "CR4 bit 31"
	call rt_alive32

	ENTER_LONG_MODE
	SUBCASE "long mode"
	mov %cr4, %rbx
	mov $1, %rcx
	shl $39, %rcx
	or %rbx, %rcx
	CR4_ATTEMPT cr4_w64a, %rcx, "CR4 bit 39"
	mov %rbx, %rcx
	bts $31, %rcx
	CR4_ATTEMPT cr4_w64b, %rcx, "CR4 bit 31"
	mov %rbx, %rcx
	or $CR4_LA57, %rcx
	CR4_ATTEMPT cr4_w64c, %rcx, "CR4.LA57 in long mode"
	call rt_alive64
	FINISH

	.data
	.balign 8
cr4_after:	.quad 0
