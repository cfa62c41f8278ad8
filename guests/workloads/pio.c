/*
 * Workload "pio": N one-byte port reads of NESTLAB_PIO_WORKLOAD_PORT (COM1's
 * scratch register) from ring 3, allowed by the TSS I/O permission bitmap;
 * one IOIO exit each at level 2. Check: every read returns the same value
 * (nothing writes the scratch register during the phase).
 */
#include "ulib.h"

int wl_pio(const struct wl_args *a)
{
	uint64_t i, diff = 0;
	uint8_t first = 0, v;
	int64_t ph = u_phase_begin(a);

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < a->iterations; i++) {
		v = u_pio_read();
		if (i == 0)
			first = v;
		diff |= (uint64_t)(v ^ first);
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (diff) {
		u_printf("pio: the scratch register changed during the loop\n");
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
