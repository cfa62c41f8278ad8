/*
 * The vCPU loop: enter L2, take the exit, dispatch it through the exit
 * table, account it with the L1 TSC cycles its handling took (from right
 * after the exit to the end of the handler), and go back in, until a
 * handler asks to stop. The loop knows no reason and no vendor structure.
 */
#include "l1.h"
#include "exit_table.h"
#include "../mech/mech.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/cpu.h"

void vcpu_run(struct vcpu *v)
{
	for (;;) {
		unsigned flags;

		vendor_vcpu_run(v);
		flags = exit_dispatch(v, v->exit.reason);
		exit_stats_record(&l1.stats, v->exit.reason, rdtsc() - v->exit_tsc,
				  !(flags & EXIT_NOT_IN_PHASE));
		if (v->stop) {
			if (v->stop_dump)
				vendor_dump_state(v);
			mech_report_all(v);
			l1_end_run(v->stop_status, v->stop_diag[0] ? "%s" : 0,
				   v->stop_diag);
		}
	}
}
