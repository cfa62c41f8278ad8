/*
 * The verdict of an MBEC fetch probe (mbec_check.h). The error code L1
 * injects for a forbidden fetch is a page fault's (AMD APM vol.2 8.4.2,
 * Intel SDM vol.3 4.7): P = 1 (the page is present; its rights refuse the
 * access), I/D = 1 (an instruction fetch), U/S = 1 only when the fetch was
 * made at CPL3; CR2 holds the address fetched, which is RIP.
 */
#include "ulib.h"
#include "mbec_check.h"

int mbec_probe_verdict(const char *name, const struct l2_mbec_fault *f, uint64_t want_error)
{
	int mbec = u_kinfo()->mbec != 0;

	if (f->faults == 0) {
		u_printf("PASS: %s: the call of the stub at 0x%lx returned (%s)\n", name,
			 f->target, mbec ? "MBEC on: L1 let the fetch run" : "no MBEC");
		return NESTLAB_STATUS_PASS;
	}
	if (!mbec) {
		u_printf("FAIL: %s: %lu #PF at the stub 0x%lx without MBEC (error 0x%lx)\n",
			 name, f->faults, f->target, f->error);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	if (f->faults != 1 || f->error != want_error || f->rip != f->target ||
	    f->cr2 != f->target) {
		u_printf("FAIL: %s: %lu #PF, error 0x%lx rip 0x%lx cr2 0x%lx; want one, error "
			 "0x%lx, rip = cr2 = 0x%lx\n", name, f->faults, f->error, f->rip,
			 f->cr2, want_error, f->target);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	u_printf("PASS: %s: #PF at the stub 0x%lx, error 0x%lx (P, I/D, %s), CR2 = RIP\n", name,
		 f->target, f->error, (want_error & 4) ? "user" : "supervisor");
	return NESTLAB_STATUS_PASS;
}
