/*
 * The vCPU loop: VMRUN, then dispatch on EXITCODE (APM appendix C), count the
 * exit with the L1 TSC cycles its handling took, and go back in. An event
 * whose delivery was interrupted by the exit (EXITINTINFO valid, APM 15.7.2)
 * is re-injected so that L2 never loses an exception, e.g. when delivering
 * it touched a page that lazy NPT had not mapped yet.
 */
#include "l1.h"
#include "exits.h"
#include "hypercall.h"
#include "../arch/x86/cpu.h"
#include <nestlab/status.h>

static unsigned handle_exit(uint64_t code, uint64_t tsc)
{
	switch (code) {
	case SVM_EXIT_CPUID:    return exit_cpuid(tsc);
	case SVM_EXIT_VMMCALL:  return exit_vmmcall(tsc);
	case SVM_EXIT_IOIO:     return exit_ioio(tsc);
	case SVM_EXIT_MSR:      return exit_msr(tsc);
	case SVM_EXIT_NPF:      return exit_npf(tsc);
	case SVM_EXIT_HLT:      return exit_hlt(tsc);
	case SVM_EXIT_SHUTDOWN: return exit_shutdown(tsc);
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:
		return exit_svm_insn(tsc);
	case SVM_EXIT_TASK_SWITCH:
		l1_dump_guest();
		l1_end_run(NESTLAB_STATUS_L2_BAD_INSN,
			   "L2 attempted a hardware task switch: not supported");
	case SVM_EXIT_INVALID:
		l1_dump_guest();
		l1_end_run(NESTLAB_STATUS_L1_ERROR,
			   "VMRUN failed: invalid L2 state in the VMCB "
			   "(EXITCODE VMEXIT_INVALID, APM 15.5.1)");
	default:
		l1_dump_guest();
		l1_end_run(NESTLAB_STATUS_L1_ERROR,
			   "unexpected exit code %lx (not intercepted on purpose)", code);
	}
}

void vcpu_run(void)
{
	struct vmcb *v = l1.vmcb;

	for (;;) {
		uint64_t t0, code;
		unsigned flags;

		svm_vmrun(&l1.gprs, l1.vmcb_pa, l1.host_save_pa);
		t0 = rdtsc();
		code = v->control.exit_code;
		v->control.tlb_control = 0;
		v->control.event_inj = 0;
		if (v->control.exit_int_info & SVM_EVTINJ_VALID)
			v->control.event_inj = v->control.exit_int_info;
		flags = handle_exit(code, t0);
		exit_stats_record(&l1.stats, svm_exit_reason(code), rdtsc() - t0,
				  !(flags & HC_MARKER));
		if (l1.exit_requested)
			l1_end_run(l1.exit_status, 0);
	}
}
