/*
 * The vCPU loop: enter L2, take the exit, dispatch it through the exit
 * table, trace it if the run is traced, let L2's interrupt controller
 * deliver what became due, account the exit with the L1 TSC cycles its
 * handling took (from right after the exit to the end of the handler, its
 * trace record and the delivery it caused), run what a handler deferred
 * past the exit (vcpu_defer: no dispatch in flight then), and go back in,
 * until a handler asks to stop.
 * The loop knows no reason and no vendor structure.
 */
#include "l1.h"
#include "exit_table.h"
#include "../mech/mech.h"
#include "../devices/apic_dev.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/cpu.h"

/* tc is filled and read under the same test of l1.trace.on, which GCC
 * cannot see across the handler call. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
void vcpu_run(struct vcpu *v)
{
	for (;;) {
		struct trace_exit_ctx tc;
		unsigned flags;

		vendor_vcpu_run(v);
		/* l1.trace.on is set once, before the first entry; read twice
		 * rather than kept in a register, which leaves one more
		 * register to hold what the capture keeps. Not marked
		 * unlikely, so GCC keeps the capture in line: one jump fewer
		 * traced, the same test and jump untraced. */
		if (l1.trace.on)
			trace_l1_capture(v, &tc);
		flags = exit_dispatch(v, v->exit.reason);
		/* With tracing on, the record's cost counts in the exit's L1
		 * cycles; the record itself holds the handler's. */
		if (__builtin_expect(l1.trace.on, 0))
			trace_l1_exit(&l1.trace, v, &tc, flags);
		/* The interrupt controller looks at L2 only when something
		 * happened to it or its next event is due; what delivery costs
		 * counts in the exit that made it necessary. */
		if (__builtin_expect(v->irq_recheck || v->exit_tsc >= v->irq_deadline, 0))
			lapic_dev_prepare_entry(v);
		exit_stats_record(&l1.stats, v->exit.reason, rdtsc() - v->exit_tsc,
				  !(flags & EXIT_NOT_IN_PHASE));
		/* One test for both requests (stop, deferred work). */
		if (v->after_exit) {
			if (v->stop) {
				if (v->stop_dump)
					vendor_dump_state(v);
				mech_report_all(v);
				l1_end_run(v->stop_status, v->stop_diag[0] ? "%s" : 0,
					   v->stop_diag);
			}
			vcpu_run_deferred(v);
		}
	}
}
#pragma GCC diagnostic pop
