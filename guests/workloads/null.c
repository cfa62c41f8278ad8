/*
 * Workload "null": an empty phase. Measures the cost of the markers alone;
 * at level 2 the phase must show no exit at all.
 */
#include "ulib.h"

int wl_null(const struct wl_args *a)
{
	int64_t ph = u_phase_begin(a);

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	return NESTLAB_STATUS_PASS;
}
