/*
 * Workload "badaccess" (negative test): the kernel maps a guest-physical
 * page 16 MiB above the end of RAM (by the multiboot map) into user space,
 * and the workload reads it. At level 2, L1 gets an NPF outside L2 RAM and
 * ends the run with NESTLAB_STATUS_L2_BAD_ACCESS. At level 1 QEMU answers the
 * read (unbacked memory): print the value and fail, so the run is clearly not
 * a pass.
 */
#include "ulib.h"

int wl_badaccess(const struct wl_args *a)
{
	int64_t gpa = u_syscall(L2_SYS_TEST, L2_TEST_MAP_OUTSIDE, L2_USER_PROBE_VA, 0), ph;
	uint32_t v;

	if (gpa < 0) {
		u_printf("badaccess: cannot map outside RAM: %ld\n", gpa);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	v = *(volatile uint32_t *)(uintptr_t)L2_USER_PROBE_VA;
	u_phase_end(ph);
	u_printf("badaccess: read 0x%x from guest-physical 0x%lx, outside RAM, without a fault\n",
		 v, (uint64_t)gpa);
	return NESTLAB_STATUS_WORKLOAD_FAIL;
}
