/*
 * Exception handling of the L2 kernel. Two exceptions are handled and
 * resumed:
 *  - #PF on a not-present page of a demand-paged user region (process.c
 *    gives it a fresh frame), from ring 3 or from the kernel copying a user
 *    buffer (APM vol.2 8.4.2: error code bit 0 = present);
 *  - at level 1 only, #UD on a ring-3 VMMCALL (0F 01 D9): there is no L1 to
 *    answer, so the kernel completes it the way an unbacked backdoor port
 *    answers, RAX = all ones, and skips it. The hypercall workload thus runs
 *    the same code at both levels.
 *  - a fault of a kernel instruction probe (probe.c), provoked on purpose;
 *  - the #PF of an MBEC fetch probe (mbec_probe.c), when L1 injects one;
 *  - the #GP of a ring-3 INT of the DPL 0 vector L2_USER_GATE_DENIED_VEC
 *    (user_gate.c), which workload intn raises on purpose.
 * Everything else is reported (vector, error code, RIP, CR2, registers) and
 * ends the run with NESTLAB_STATUS_L2_EXCEPTION: the kernel never hangs.
 */
#include <nestlab/status.h>
#include "kernel.h"
#include "freestanding/format.h"
#include "trap.h"
#include "probe.h"
#include "domain_probe.h"
#include "mbec.h"
#include "arch.h"
#include "trace.h"
#include "freestanding/x86_exceptions.h"
#include "freestanding/x86_paging.h"

static int vmmcall_ud_fixup(struct isr_frame *f)
{
	const uint8_t *ip = (const uint8_t *)(uintptr_t)f->rip;

	if (l2k.level != 1 || (f->cs & 3) != 3)
		return 0;
	if (!process_user_range_ok(f->rip, 3))
		return 0;
	if (ip[0] != 0x0F || ip[1] != 0x01 || ip[2] != 0xD9)
		return 0;
	f->rax = 0xFFFFFFFFull;
	f->rip += 3;
	return 1;
}

void isr_dispatch(struct isr_frame *f)
{
	uint64_t cr2 = read_cr2();
	char msg[96];

	if (f->vector == X86_EXC_PF)
		trace_event(NESTLAB_TRACE_L2_PAGE_FAULT, (uint8_t)(f->cs & 3), (uint32_t)f->error,
			    f->rip, cr2, 0, 0);
	if (f->vector == X86_EXC_PF && mbec_probe_catch(f, cr2))
		return;
	if (f->vector == X86_EXC_PF && domain_probe_catch(f, cr2))
		return;
	if (probe_catch(f))
		return;
	if (f->vector == X86_EXC_PF && !(f->error & X86_PF_P) && process_demand_fault(cr2) == 0)
		return;
	if (f->vector == X86_EXC_UD && vmmcall_ud_fixup(f))
		return;
	if (user_gate_denied_catch(f))
		return;

	kprintf("nestlab-l2: exception %s (vector %lu) in %s mode, error code 0x%lx\n",
		x86_exception_name(f->vector), f->vector, (f->cs & 3) ? "user" : "kernel",
		f->error);
	kprintf("  rip=%016lx cs=%04lx rflags=%016lx rsp=%016lx ss=%04lx\n",
		f->rip, f->cs, f->rflags, f->rsp, f->ss);
	kprintf("  cr2=%016lx cr3=%016lx\n", cr2, read_cr3());
	kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	kprintf("  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n", f->r9, f->r10, f->r11, f->r12);
	kprintf("  r13=%016lx r14=%016lx r15=%016lx\n", f->r13, f->r14, f->r15);
	format_snprintf(msg, sizeof(msg), "L2 exception %s error 0x%lx rip 0x%lx cr2 0x%lx",
		      x86_exception_name(f->vector), f->error, f->rip, cr2);
	run_set_error(msg);
	run_finish(NESTLAB_STATUS_L2_EXCEPTION);
}
