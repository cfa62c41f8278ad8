/*
 * Workload "hypercall": N NESTLAB_HC_NOP hypercalls from ring 3 over the
 * run's transport (one VMMCALL exit, or one IOIO exit for the backdoor, each
 * at level 2). Check at level 2: every one returns NESTLAB_HC_OK. At level 1
 * nobody answers (the backdoor port reads all ones; a VMMCALL raises #UD,
 * which the kernel completes with all ones, or under KVM is answered by KVM
 * itself), so the statuses are not checked there.
 */
#include "ulib.h"

int wl_hypercall(const struct wl_args *a)
{
	uint64_t i, bad = 0, last = 0;
	int64_t ph = u_phase_begin(a);

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < a->iterations; i++) {
		struct nestlab_hc_ret r = nestlab_hc_call(a->transport, NESTLAB_HC_NOP, 0, 0, 0);

		if (r.status != NESTLAB_HC_OK) {
			bad++;
			last = r.status;
		}
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (a->level == 2 && bad) {
		u_printf("hypercall: %lu of %lu NOPs failed, last status %lu\n", bad,
			 a->iterations, last);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
