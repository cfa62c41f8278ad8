/*
 * Workload "write": N write(1, ".", 1) system calls, N dots on the console;
 * at level 2 each is exactly one NESTLAB_HC_CONSOLE_WRITE hypercall. Check:
 * every call returns 1. The newline after the dots is written after the phase.
 */
#include "ulib.h"

int wl_write(const struct wl_args *a)
{
	static const char dot = '.';
	uint64_t i, bad = 0;
	int64_t ph, r, last = 1;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < a->iterations; i++) {
		r = u_write(&dot, 1);
		if (r != 1) {
			bad++;
			last = r;
		}
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	u_write("\n", 1);
	if (bad) {
		u_printf("write: %lu writes failed, last returned %ld\n", bad, last);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
