/*
 * Hostile L2 test guests: the shared contract between the runtime (rt.S)
 * and the scenarios (one <scenario>.S per image, docs/hostile-l2.md).
 *
 * Every image is a flat multiboot a.out-kludge kernel loaded at 1 MiB
 * (hostile.ld). rt.S owns the entry (_start32, 32-bit protected mode, paging
 * off, flat segments), the GDT, both IDTs, COM1 output, the PASS:/FAIL:
 * reporting and the exit through isa-debug-exit; a scenario provides
 * `scenario_name` (SCENARIO) and `scenario_main` (32-bit code, called once;
 * it may enter long mode with ENTER_LONG_MODE and end with FINISH).
 *
 * Register convention of every rt_* routine: EAX, ECX, EDX, ESI, EDI (and
 * their 64-bit forms) are clobbered; EBX, EBP, ESP are preserved.
 *
 * The numeric constants of include/nestlab/hypercall.h and status.h live in
 * enums there, which the assembler cannot read, so they are repeated below;
 * consts_check.c compares the two at build time.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <nestlab/platform.h>

/* include/nestlab/status.h */
#define HOSTILE_STATUS_PASS          0
#define HOSTILE_STATUS_WORKLOAD_FAIL 1
/* include/nestlab/hypercall.h */
#define HOSTILE_HC_MAGIC             0x564D5868
#define HOSTILE_HC_VERSION           0
#define HOSTILE_HC_ABI_VERSION       1
#define HOSTILE_HC_OK                0
#define HOSTILE_FEAT_NPT_LAZY        (1 << 3)

/* The GDT of rt.S (APM vol.2 4.8: code, data and system descriptors). */
#define SEL_CODE64     0x08  /* 64-bit code: L=1, D=0 */
#define SEL_DATA       0x10  /* flat data */
#define SEL_CODE32     0x18  /* flat 32-bit code: L=0, D=1 */
#define SEL_CODE64_LD  0x20  /* code with L=1 and D=1: invalid in long mode (APM 15.5.1) */
#define SEL_TSS32      0x28  /* left empty for a scenario's 32-bit TSS */

/* Architectural bits (APM vol.2 3.1.1 CR0, 3.1.3 CR4, 3.1.7 EFER). */
#define CR0_PE   (1 << 0)
#define CR0_NW   (1 << 29)
#define CR0_CD   (1 << 30)
#define CR0_PG   (1 << 31)
#define CR4_PSE  (1 << 4)
#define CR4_PAE  (1 << 5)
#define CR4_LA57 (1 << 12)
#define MSR_EFER 0xC0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_LMA (1 << 10)
#define EFER_NXE (1 << 11)
#define RFLAGS_TF (1 << 8)
#define DR6_BS   (1 << 14)
#define DR6_INIT 0xFFFF0FF0   /* DR6 with no status bit set (APM vol.2 13.1, DR6) */

/* #PF error code bits (APM vol.2 8.4.2). */
#define PF_P   (1 << 0)
#define PF_W   (1 << 1)
#define PF_U   (1 << 2)
#define PF_RSV (1 << 3)
#define PF_ID  (1 << 4)

/* Vectors (APM vol.2 8.2). */
#define VEC_DB 1
#define VEC_BP 3
#define VEC_UD 6
#define VEC_GP 13
#define VEC_PF 14
#define VEC_NONE 0xFFFFFFFF   /* rt_exc_vector when nothing was taken */

/*
 * Long-mode page tables of rt.S: 0-1 GiB identity with 2 MiB pages, and
 * ALIAS_BASE + X -> X for X < 2 MiB with 4 KiB pages (rt_pt_hi, one PTE per
 * page), so a scenario can map and unmap one page of its own code.
 */
#define ALIAS_BASE 0x40000000

/* Frame layouts the exception entry builds (rt.S); a hook gets EBX/RBX = frame. */
#define FR32_VEC   32   /* after PUSHA */
#define FR32_ERR   36
#define FR32_IP    40
#define FR32_CS    44
#define FR32_FLAGS 48
#define FR64_VEC   120  /* after 15 GPR pushes */
#define FR64_ERR   128
#define FR64_IP    136
#define FR64_CS    144
#define FR64_FLAGS 152
#define FR64_SP    160

#ifdef __ASSEMBLY__

/* Mode switches that also tell the macros below which runtime to call. */
.macro CODE32
	.code32
	.set rt_bits, 32
.endm
.macro CODE64
	.code64
	.set rt_bits, 64
.endm

/* call rt_<fn>32 or rt_<fn>64, whichever matches the current mode */
.macro RTCALL fn
	.if rt_bits == 64
	call \fn\()64
	.else
	call \fn\()32
	.endif
.endm

/* \reg = address of a new NUL-terminated string */
.macro LDSTR reg, text
	.pushsection .rodata, "a"
.Lstr\@:
	.asciz "\text"
	.popsection
	mov $.Lstr\@, \reg
.endm

.macro SCENARIO name
	.pushsection .rodata, "a"
	.globl scenario_name
scenario_name:
	.asciz "\name"
	.popsection
.endm

/* Name printed after the scenario in the following lines ("" for none). */
.macro SUBCASE text
	LDSTR %esi, "\text"
	mov %esi, rt_subcase
.endm

/* One check: "PASS: <scenario>: [<subcase>: ]<msg>" if got == want (32-bit
 * compare), else "FAIL: ...: got G want W". got is loaded before want. */
.macro CHECK got, want, msg
	mov \got, %eax
	mov \want, %edx
	LDSTR %esi, "\msg"
	RTCALL rt_check
.endm

/* The same with 64-bit values (long mode only). */
.macro CHECK64 got, want, msg
	mov \got, %rax
	mov \want, %rdx
	LDSTR %esi, "\msg"
	call rt_checkq64
.endm

.macro PASS msg
	LDSTR %esi, "\msg"
	RTCALL rt_pass
.endm
.macro FAIL msg
	LDSTR %esi, "\msg"
	RTCALL rt_fail
.endm
/* "NOTE: <scenario>: <msg>", or with a value: "... <msg> XXXXXXXX" */
.macro NOTE msg
	LDSTR %esi, "\msg"
	RTCALL rt_note
.endm
.macro NOTEV msg, val
	mov \val, %eax
	LDSTR %esi, "\msg"
	RTCALL rt_notev
.endm

/*
 * TRY resume: arm the default exception path. The next exception is
 * recorded (rt_exc_*) and execution resumes at \resume (stack as at the
 * fault); with no exception, code falls through to \resume anyway. ENDTRY
 * disarms. Checks then read rt_exc_count, rt_exc_vector, rt_exc_error,
 * rt_exc_ip, rt_exc_cr2.
 */
.macro TRY resume
	movl $0, rt_exc_count
	movl $VEC_NONE, rt_exc_vector
	movl $0, rt_exc_error
	movl $0, rt_exc_ip
	movl $0, rt_exc_ip + 4
	movl $\resume, rt_resume
.endm
.macro ENDTRY
	movl $0, rt_resume
.endm

/* Save the stack pointer before a call that may fault; restore after. */
.macro SAVE_SP
	.if rt_bits == 64
	mov %rsp, rt_saved_sp
	.else
	mov %esp, rt_saved_sp
	.endif
.endm
.macro RESTORE_SP
	.if rt_bits == 64
	mov rt_saved_sp, %rsp
	.else
	mov rt_saved_sp, %esp
	.endif
.endm

/*
 * From 32-bit code: build rt's long-mode page tables, CR4.PAE, CR3,
 * EFER.LME | \efer_extra, CR0.PG (APM vol.2 14.6.1), 64-bit IDT, fresh
 * stack; execution continues after the macro in 64-bit mode.
 */
.macro ENTER_LONG_MODE efer_extra=0
	mov $\efer_extra, %eax
	mov $.Llm\@, %edi
	jmp rt_enter_long_mode32
	CODE64
.Llm\@:
.endm

/* Report and exit: status 0 if every check passed (and there was one), else 1. */
.macro FINISH
	.if rt_bits == 64
	jmp rt_finish64
	.else
	jmp rt_finish32
	.endif
.endm

#endif /* __ASSEMBLY__ */
#endif
