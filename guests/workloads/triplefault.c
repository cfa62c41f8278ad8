/*
 * Workload "triplefault" (negative test): asks the kernel to load an empty
 * IDT and raise an exception, which shuts the CPU down. At level 2, L1 sees
 * the SHUTDOWN intercept and ends the run with NESTLAB_STATUS_L2_SHUTDOWN; at
 * level 1 QEMU (-no-reboot) stops with no status. Returning is a failure.
 */
#include "ulib.h"

int wl_triplefault(const struct wl_args *a)
{
	int64_t ph, r;

	u_printf("triplefault: empty IDT, then ud2\n");
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	r = u_syscall(L2_SYS_TEST, L2_TEST_TRIPLEFAULT, 0, 0);
	u_phase_end(ph);
	u_printf("triplefault: the kernel survived an empty IDT (%ld)\n", r);
	return NESTLAB_STATUS_WORKLOAD_FAIL;
}
