/*
 * Workload "getpid": N getpid system calls (SYSCALL/SYSRET, no exit at
 * level 2). Check: every call returns the pid seen before the phase.
 */
#include "ulib.h"

int wl_getpid(const struct wl_args *a)
{
	int64_t pid = u_getpid(), ph;
	uint64_t i, bad = 0;

	if (pid <= 0) {
		u_printf("getpid: bad pid %ld\n", pid);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < a->iterations; i++)
		bad += u_getpid() != pid;
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (bad) {
		u_printf("getpid: %lu calls returned another pid\n", bad);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
