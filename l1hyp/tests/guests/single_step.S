/*
 * single_step: RFLAGS.TF=1 over instructions L1 intercepts and emulates
 * (CPUID, IN/OUT on COM1's scratch register 0x3FF, RDMSR/WRMSR EFER,
 * VMMCALL HC_VERSION), in 32-bit protected mode at CPL0, and MOV SS
 * followed by CPUID.
 *
 * APM vol.2 13.1 (single step, DR6): with TF=1 the CPU takes
 * a #DB trap after every instruction, with the saved EIP = the next
 * instruction and DR6.BS (bit 14) set. An instruction L1 emulates completes
 * in L1, so L1 must raise that #DB itself (inject #DB, set DR6.BS) when the
 * guest's TF was set, exactly once. MOV SS inhibits interrupts and debug
 * traps until the end of the next instruction (APM vol.2 15.21.5 interrupt
 * shadow, vol.3 "MOV": "... single-step trap ... delayed"): no #DB after
 * MOV SS, one #DB after the CPUID it shadows, even when L1 emulates that
 * CPUID. The #DB hook records every trap's EIP and DR6 and clears TF once
 * the EIP reaches the end label; the checks then count the traps at each expected EIP.
 */
#include "hostile.h"

#define MAX_DB 32

	.text
	CODE32
db_hook:
	cmpl $VEC_DB, FR32_VEC(%ebx)
	jne 9f
	mov db_n, %ecx
	cmp $MAX_DB, %ecx
	jae 1f
	mov FR32_IP(%ebx), %eax
	mov %eax, db_ip(, %ecx, 4)
	mov rt_exc_dr6, %eax
	mov %eax, db_dr6(, %ecx, 4)
1:	incl db_n
	mov $DR6_INIT, %eax              /* DR6 status bits are sticky */
	mov %eax, %dr6
	cmpl $s_end, FR32_IP(%ebx)       /* at or past the end: stop stepping */
	jae 2f
	cmpl $(MAX_DB + 8), db_n         /* runaway: stop stepping */
	jb 3f
2:	andl $~RFLAGS_TF, FR32_FLAGS(%ebx)
3:	mov $1, %eax
	ret
9:	xor %eax, %eax
	ret

/* EAX = an EIP -> EAX = how many recorded #DB traps have it */
db_count_at:
	xor %edx, %edx
	xor %ecx, %ecx
1:	cmp db_n, %ecx
	jae 3f
	cmp $MAX_DB, %ecx
	jae 3f
	cmp db_ip(, %ecx, 4), %eax
	jne 2f
	inc %edx
2:	inc %ecx
	jmp 1b
3:	mov %edx, %eax
	ret

.macro AT label, what
	mov $\label, %eax
	call db_count_at
	CHECK %eax, $1, "\what"
.endm

	SCENARIO single_step
	.globl scenario_main
scenario_main:
	mov $DR6_INIT, %eax
	mov %eax, %dr6
	movl $db_hook, rt_exc_hook
	mov $NESTLAB_CPUID_LEAF_BASE, %eax
	xor %ecx, %ecx
	pushf
	orl $RFLAGS_TF, (%esp)
	popf                             /* TF=1 from the next instruction on */
s_cpuid:	cpuid
s_1:	mov $(NESTLAB_COM1_PORT + 7), %dx
s_in:	inb %dx, %al
s_out:	outb %al, %dx
s_2:	mov $MSR_EFER, %ecx
s_rdmsr:	rdmsr
s_wrmsr:	wrmsr
s_3:	mov $HOSTILE_HC_MAGIC, %eax
s_4:	mov $HOSTILE_HC_VERSION, %ecx
s_5:	xor %ebx, %ebx
s_6:	xor %esi, %esi
s_7:	xor %edi, %edi
s_vmmcall:	vmmcall
s_8:	mov %ss, %ax
s_movss:	mov %ax, %ss
s_cpuid2:	cpuid
s_end:	nop
	movl $0, rt_exc_hook

	SUBCASE "TF"
	AT s_1, "one #DB after CPUID, EIP = next instruction"
	AT s_in, "one #DB after MOV DX"
	AT s_out, "one #DB after IN AL,DX (port 0x3FF)"
	AT s_2, "one #DB after OUT DX,AL (port 0x3FF)"
	AT s_rdmsr, "one #DB after MOV ECX"
	AT s_wrmsr, "one #DB after RDMSR EFER"
	AT s_3, "one #DB after WRMSR EFER"
	AT s_4, "one #DB after MOV EAX"
	AT s_5, "one #DB after MOV ECX"
	AT s_6, "one #DB after XOR EBX"
	AT s_7, "one #DB after XOR ESI"
	AT s_vmmcall, "one #DB after XOR EDI"
	AT s_8, "one #DB after VMMCALL"
	AT s_movss, "one #DB after MOV AX,SS"
	mov $s_cpuid2, %eax
	call db_count_at
	CHECK %eax, $0, "no #DB after MOV SS (shadowed until the next instruction ends)"
	AT s_end, "one #DB after the CPUID that MOV SS shadows"
	CHECK db_n, $15, "15 #DB traps in all"
	/* DR6.BS on every recorded trap */
	xor %ecx, %ecx
	xor %edx, %edx
1:	cmp db_n, %ecx
	jae 2f
	cmp $MAX_DB, %ecx
	jae 2f
	mov db_dr6(, %ecx, 4), %eax
	and $DR6_BS, %eax
	jz 3f
	inc %edx
3:	inc %ecx
	jmp 1b
2:	CHECK %edx, db_n, "DR6.BS set on every #DB"
	SUBCASE "after"
	call rt_alive32
	ret

	.data
db_n:	.long 0
db_ip:	.skip MAX_DB * 4
db_dr6:	.skip MAX_DB * 4
