/*
 * Exits that end the run, each with its status and a diagnosis:
 *   HLT          with interrupts disabled (RFLAGS.IF = 0), a halted L2 could
 *                never wake (l2_halted); devices/apic_deliver.c takes HLT
 *                first and sends only that case here;
 *   SHUTDOWN     L2 triple-faulted (l2_shutdown);
 *   task switch  hardware task switches are not supported (l2_bad_insn);
 *   invalid      VMRUN refused the state (APM vol.2 15.5.1): l2_bad_state
 *                when it is L2's, l1_error when it is L1's.
 */
#include "l1.h"
#include "exit_core.h"
#include "../arch/x86/console.h"
#include <nestlab/status.h>

unsigned exit_hlt(struct vcpu *v)
{
	return vcpu_stop(v, NESTLAB_STATUS_L2_HALTED, true,
			 "L2 executed HLT at RIP %lx with interrupts disabled "
			 "(RFLAGS.IF=0): it could never wake: stopping", v->regs.rip);
}

unsigned exit_shutdown(struct vcpu *v)
{
	l1_printf("nestlab-l1: L2 SHUTDOWN (triple fault); last known state:\n");
	return vcpu_stop(v, NESTLAB_STATUS_L2_SHUTDOWN, true,
			 "L2 triple fault (SHUTDOWN intercept) at RIP %lx, CR2 %lx",
			 v->regs.rip, vendor_read_cr(v, 2));
}

unsigned exit_task_switch(struct vcpu *v)
{
	return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_INSN, true,
			 "L2 attempted a hardware task switch at RIP %lx: not supported",
			 v->regs.rip);
}

/* VMRUN refused the state: L2's fault (l2_bad_state) when the failing
 * check is on state L2 controls, an L1 error otherwise; the report names
 * the check of APM 15.5.1. */
unsigned exit_invalid_state(struct vcpu *v)
{
	const struct exit_invalid *e = &v->exit.invalid;

	if (!e->check)
		return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true,
				 "VMRUN failed (exit code %lx) and none of the APM "
				 "15.5.1 consistency checks L1 knows explains it",
				 v->exit.raw_code);
	return vcpu_stop(v, e->l2_fault ? NESTLAB_STATUS_L2_BAD_STATE :
			 NESTLAB_STATUS_L1_ERROR, true,
			 "VMRUN refused %s state: %s (APM 15.5.1 consistency check)",
			 e->l2_fault ? "L2's" : "L1's", e->check);
}
