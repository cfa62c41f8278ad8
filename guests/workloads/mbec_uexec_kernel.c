/*
 * Workload "mbec-uexec-kernel", an MBEC probe (kernel/mbec_probe.c): the
 * kernel maps the code page holding its own `ret` stub at a user address
 * too (L2_TEST_MBEC_ALIAS, before the phase), and this program calls the
 * stub there at CPL3. The page is supervisor-executable only under the
 * kernel's policy, and execute rights follow the guest-physical page, not
 * the address. The phase holds that one call; the iteration count is not
 * used.
 *
 * Without MBEC the call returns. Under L1's MBEC emulation: `stop` ends the
 * run at the fetch (l2_mbec_violation, no line printed); `inject` makes it a
 * #PF with error code 0x15 (P, I/D, user) at the alias, which the kernel's
 * guard catches and completes as the `ret`; `report` lets it run. One check
 * (mbec_check.c).
 */
#include "ulib.h"
#include "mbec_check.h"
#include "freestanding/x86_paging.h"

int wl_mbec_uexec_kernel(const struct wl_args *a)
{
	struct l2_mbec_fault f;
	int64_t ph, va = u_syscall(L2_SYS_TEST, L2_TEST_MBEC_ALIAS, 0, 0);

	if (va < 0) {
		u_printf("FAIL: %s: the kernel did not map its stub: %ld\n", a->name, va);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	((void (*)(void))(uintptr_t)va)();
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (u_syscall(L2_SYS_TEST, L2_TEST_MBEC_FAULT, (uint64_t)(uintptr_t)&f, 0) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	return mbec_probe_verdict(a->name, &f, X86_PF_P | X86_PF_ID | X86_PF_U);
}
