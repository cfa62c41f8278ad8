/*
 * Workload "cpuid": N CPUID instructions (leaf 0) from ring 3; each is one
 * CPUID exit at level 2 (CPUID is always intercepted). Check: every CPUID
 * returns what the one before the phase returned.
 */
#include "ulib.h"

int wl_cpuid(const struct wl_args *a)
{
	uint32_t ref[4], r[4], diff = 0;
	uint64_t i;
	int64_t ph;

	u_cpuid0(ref);
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < a->iterations; i++) {
		u_cpuid0(r);
		diff |= (r[0] ^ ref[0]) | (r[1] ^ ref[1]) | (r[2] ^ ref[2]) | (r[3] ^ ref[3]);
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (diff) {
		u_printf("cpuid: leaf 0 changed during the loop\n");
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
