/*
 * Workload "mbec-kexec-user", an MBEC probe (kernel/mbec_probe.c): the
 * kernel, at CPL0, calls a one-instruction `ret` in this program's code, a
 * page the kernel's policy makes user-executable only. The phase holds that
 * one system call (L2_TEST_MBEC_KEXEC); the iteration count is not used.
 *
 * Without MBEC the call returns. Under L1's MBEC emulation the supervisor
 * fetch is a violation: `stop` ends the run at it (l2_mbec_violation, no
 * line printed); `inject` makes it a #PF with error code 0x11 (P, I/D,
 * supervisor) at the stub, which the kernel's guard catches and completes;
 * `report` lets it run, and the call returns. One check (mbec_check.c).
 */
#include "ulib.h"
#include "mbec_check.h"
#include "freestanding/x86_paging.h"

extern const char u_mbec_ret_stub[];
__asm__(".pushsection .text\n"
	".globl u_mbec_ret_stub\n"
	"u_mbec_ret_stub:\n\t"
	"ret\n"
	".popsection");

int wl_mbec_kexec_user(const struct wl_args *a)
{
	struct l2_mbec_fault f;
	int64_t ph, r;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	r = u_syscall(L2_SYS_TEST, L2_TEST_MBEC_KEXEC, (uint64_t)(uintptr_t)u_mbec_ret_stub, 0);
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (r < 0) {
		u_printf("FAIL: %s: the kernel did not call the stub: %ld%s\n", a->name, r,
			 r == -L2_EPERM ? " (CR4.SMEP is set)" : "");
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	if (u_syscall(L2_SYS_TEST, L2_TEST_MBEC_FAULT, (uint64_t)(uintptr_t)&f, 0) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	return mbec_probe_verdict(a->name, &f, X86_PF_P | X86_PF_ID);
}
