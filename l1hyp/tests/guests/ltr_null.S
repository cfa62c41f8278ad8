/*
 * ltr_null: LTR at CPL0, in 32-bit protected mode.
 *
 * APM vol.3 "LTR": loading an available TSS descriptor marks it busy in the
 * GDT (type 9 -> 0xB; APM vol.2 12.2, the TSS descriptor) and loads TR; a
 * null selector raises #GP(0); so does a busy or non-TSS descriptor
 * (#GP(selector)). STR reads TR back. The null LTR must fault with EIP at
 * the LTR and leave TR as it was. L1 must not let an L2 reach VMRUN/VMSAVE
 * with a null TR the CPU would never have loaded (QEMU's TCG accepts the
 * null LTR natively; L1 has to intercept TR writes and raise the #GP).
 */
#include "hostile.h"

	SCENARIO ltr_null
	.text
	CODE32
	.globl scenario_main
scenario_main:
	/* A 32-bit available TSS (type 9, P=1, DPL=0, limit 0x67) for tss32. */
	mov $tss32, %eax
	mov %eax, %edx
	shl $16, %eax
	or $0x67, %eax
	mov %eax, rt_gdt + SEL_TSS32
	mov %edx, %eax
	and $0xFF000000, %eax
	mov %edx, %ecx
	shr $16, %ecx
	and $0xFF, %ecx
	or %ecx, %eax
	or $0x8900, %eax
	mov %eax, rt_gdt + SEL_TSS32 + 4

	SUBCASE "valid TSS"
	TRY 1f
	mov $SEL_TSS32, %ax
	ltr %ax
1:	ENDTRY
	CHECK rt_exc_vector, $VEC_NONE, "LTR of an available 32-bit TSS: no exception (vector)"
	xor %eax, %eax
	str %ax
	CHECK %eax, $SEL_TSS32, "STR reads the loaded selector back"
	mov rt_gdt + SEL_TSS32 + 4, %eax
	shr $8, %eax
	and $0xF, %eax
	CHECK %eax, $0xB, "the TSS descriptor is now busy (type 0xB)"

	SUBCASE "null selector"
	TRY 1f
	xor %eax, %eax
ltr_null_insn:
	ltr %ax
1:	ENDTRY
	CHECK rt_exc_count, $1, "LTR 0 raises one exception"
	CHECK rt_exc_vector, $VEC_GP, "LTR 0 raises #GP (vector 13)"
	CHECK rt_exc_error, $0, "LTR 0: error code 0"
	CHECK rt_exc_ip, $ltr_null_insn, "LTR 0: saved EIP is the LTR"
	xor %eax, %eax
	str %ax
	CHECK %eax, $SEL_TSS32, "TR still holds the valid TSS"
	SUBCASE "after"
	call rt_alive32
	ret

	.bss
	.balign 16
tss32:	.skip 104
