/*
 * Workload "mbec-kalias-user", an MBEC probe (kernel/mbec_probe.c): the
 * kernel maps the page of a one-instruction `ret` in this program's code
 * at a kernel address (L2_KERNEL_UALIAS_VA, supervisor-only: a guest that
 * edits its page tables to give itself a kernel alias of user code) and
 * calls it there at CPL0. Paging allows it (a supervisor page, SMEP does
 * not apply); MBEC refuses it all the same, because execute rights follow
 * the guest-physical page, which the kernel's policy makes user-executable
 * only. Under each violation policy as mbec-kexec-user: `stop` ends the
 * run, `inject` a #PF with error code 0x11 at the alias (the guard
 * completes it), `report` lets it return. One check (mbec_check.c).
 */
#include "ulib.h"
#include "mbec_check.h"
#include "freestanding/x86_paging.h"

extern const char u_mbec_kalias_stub[];
__asm__(".pushsection .text\n"
	".globl u_mbec_kalias_stub\n"
	"u_mbec_kalias_stub:\n\t"
	"ret\n"
	".popsection");

int wl_mbec_kalias_user(const struct wl_args *a)
{
	struct l2_mbec_fault f;
	int64_t ph, r;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	r = u_syscall(L2_SYS_TEST, L2_TEST_MBEC_KALIAS, (uint64_t)(uintptr_t)u_mbec_kalias_stub, 0);
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (r < 0) {
		u_printf("FAIL: %s: the kernel did not call the stub: %ld%s\n", a->name, r,
			 r == -L2_ENOMEM ? " (no memory for the alias)" : "");
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	if (u_syscall(L2_SYS_TEST, L2_TEST_MBEC_FAULT, (uint64_t)(uintptr_t)&f, 0) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	return mbec_probe_verdict(a->name, &f, X86_PF_P | X86_PF_ID);
}
