/*
 * The L2 kernel's user software-interrupt gate (uapi.h, L2_USER_GATE_VEC):
 * the one IDT vector with DPL 3 (desc_set_user_gate), so ring 3 may raise
 * it with INT n (AMD APM vol.2 8.9.3: the gate's DPL must be >= CPL for a
 * software interrupt). A 64-bit interrupt gate: IF is cleared on entry and
 * the CPU switches to TSS.RSP0, the running process's kernel stack, and
 * pushes SS, RSP, RFLAGS, CS, RIP (APM 8.9.3); IRETQ returns past the INT
 * instruction. The handler computes RAX = l2_user_gate_result(RDI) and
 * counts the call in l2_kinfo->user_gate, so a program can check both; all
 * other registers are preserved. INT of L2_USER_GATE_DENIED_VEC (a DPL 0
 * gate) from ring 3 is the architecture's #GP(vector * 8 + 2) with RIP at
 * the INT (SDM vol.2 "INT n" pseudo-code, the DPL check; QEMU 7.2's TCG
 * says vector * 16 + 2, uapi.h); the #GP handler lets
 * user_gate_denied_catch count it, record that RIP and the error code and
 * resume past the instruction, so a program can check the refusal exactly. It is what
 * workload intn uses to give
 * every privilege change through INT n (MBEC's designs: docs/mbec.md) a
 * result that shows the kernel really ran.
 */
#include "kernel.h"
#include "irq.h"
#include "freestanding/x86_exceptions.h"
#include "freestanding/isr.h"

_Static_assert(L2_USER_GATE_DENIED_VEC == L2_VEC_TIMER, "a DPL 0 gate");

uint64_t user_gate_dispatch(uint64_t x);

/* The caller-saved registers the C call may change are saved around it
 * (SysV x86-64 ABI); 8 pushes and 8 bytes more keep RSP 16-byte aligned
 * at the call (the CPU aligned it before the 40-byte frame). RDI is the
 * argument as the caller left it. */
__asm__(".text\n"
	".globl user_gate_entry\n"
	"user_gate_entry:\n\t"
	"pushq %rcx\n\tpushq %rdx\n\tpushq %rsi\n\tpushq %rdi\n\t"
	"pushq %r8\n\tpushq %r9\n\tpushq %r10\n\tpushq %r11\n\t"
	"subq $8, %rsp\n\t"
	"cld\n\t"
	"call user_gate_dispatch\n\t"
	"addq $8, %rsp\n\t"
	"popq %r11\n\tpopq %r10\n\tpopq %r9\n\tpopq %r8\n\t"
	"popq %rdi\n\tpopq %rsi\n\tpopq %rdx\n\tpopq %rcx\n\t"
	"iretq\n");

extern char user_gate_entry[];

uint64_t user_gate_dispatch(uint64_t x)
{
	l2_kinfo->user_gate++;
	return l2_user_gate_result(x);
}

void user_gate_init(void)
{
	desc_set_user_gate(L2_USER_GATE_VEC, (uint64_t)(uintptr_t)user_gate_entry);
}

int user_gate_denied_catch(struct isr_frame *f)
{
	const uint8_t *ip = (const uint8_t *)(uintptr_t)f->rip;

	if (f->vector != X86_EXC_GP || (f->cs & 3) != 3 ||
	    (f->error != L2_USER_GATE_DENIED_ERR && f->error != L2_USER_GATE_DENIED_ERR_QEMU))
		return 0;
	if (!process_user_range_ok(f->rip, 2) || ip[0] != 0xCD ||
	    ip[1] != L2_USER_GATE_DENIED_VEC)
		return 0;
	l2_kinfo->user_gate_denied++;
	l2_kinfo->user_gate_denied_rip = f->rip;
	l2_kinfo->user_gate_denied_error = f->error;
	f->rip += 2;
	return 1;
}
