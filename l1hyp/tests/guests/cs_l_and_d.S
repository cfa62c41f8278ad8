/*
 * cs_l_and_d: in long mode, a far return (LRETQ) to a code segment whose
 * descriptor has L=1 and D=1, then CPUID.
 *
 * APM vol.2 4.8.1 "Code-Segment Descriptors": in long mode L=1 selects
 * 64-bit mode and D must then be 0; L=1 with D=1 is reserved. APM vol.2
 * 15.5.1 "VMRUN": "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all
 * non-zero" is an illegal guest state, VMRUN exits with VMEXIT_INVALID. A
 * CPU that loads such a CS (QEMU's TCG does, and runs the code as 64-bit)
 * hands L1 a guest it can never resume: at the CPUID exit L1 must end the
 * run as an L2 fault (status l2_bad_state, naming the failed check), never
 * as l1_error. Nothing after the CPUID should run; if it does, FAIL. A CPU
 * that refuses the far return itself (#GP) leaves nothing for L1 to do:
 * that is reported as a PASS with a NOTE.
 */
#include "hostile.h"

	SCENARIO cs_l_and_d
	.text
	CODE32
	.globl scenario_main
scenario_main:
	ENTER_LONG_MODE
	NOTE "far return to CS with L=1 and D=1, then CPUID: the run must end in l2_bad_state"
	TRY refused
	pushq $SEL_CODE64_LD
	pushq $1f
	lretq
1:	mov $NESTLAB_CPUID_LEAF_BASE, %eax
	xor %ecx, %ecx
	cpuid
	pushq $SEL_CODE64                /* back to a valid CS before printing */
	pushq $2f
	lretq
2:	ENDTRY
	FAIL "CPUID with CS.L=1 and CS.D=1 returned to L2: VMRUN cannot run this state"
	FINISH

refused:
	CHECK rt_exc_vector, $VEC_GP, "the CPU refused the far return itself: #GP (vector)"
	NOTE "nothing reached L1: the CPU refused CS with L=1 and D=1"
	FINISH
