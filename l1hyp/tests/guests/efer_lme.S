/*
 * efer_lme: in long mode (paging on), WRMSR EFER clearing LME.
 *
 * APM vol.2 14.6 (long-mode consistency checks) and 3.1.7 (EFER): with
 * paging enabled, changing EFER.LME raises #GP(0) (long mode is left by
 * clearing CR0.PG first; APM vol.3 WRMSR). The MSR keeps its value. L1 emulates EFER writes, so
 * it must raise the #GP itself. Here EFER = SCE|LME|LMA = 0x501 and the
 * write is 0x401 (SCE|LMA), the issue's values.
 */
#include "hostile.h"

	SCENARIO efer_lme
	.text
	CODE32
	.globl scenario_main
scenario_main:
	ENTER_LONG_MODE EFER_SCE
	mov $MSR_EFER, %ecx
	rdmsr
	CHECK %eax, $(EFER_SCE | EFER_LME | EFER_LMA), "EFER reads SCE|LME|LMA (0x501)"

	TRY 1f
	mov $MSR_EFER, %ecx
	mov $(EFER_SCE | EFER_LMA), %eax
	xor %edx, %edx
efer_wr:
	wrmsr
1:	ENDTRY
	CHECK rt_exc_vector, $VEC_GP, "WRMSR EFER 0x401 (LME cleared) raises #GP (vector)"
	CHECK rt_exc_error, $0, "WRMSR EFER 0x401: error code 0"
	CHECK rt_exc_ip, $efer_wr, "WRMSR EFER 0x401: saved RIP is the WRMSR"
	mov $MSR_EFER, %ecx
	rdmsr
	CHECK %eax, $(EFER_SCE | EFER_LME | EFER_LMA), "EFER unchanged (0x501)"
	call rt_alive64
	FINISH
