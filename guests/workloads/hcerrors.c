/*
 * Workload "hcerrors" (negative tests of L1's hypercall checks, level 2
 * only): from ring 3, each malformed hypercall must get its fixed error
 * code. Prints "PASS: <check>" or "FAIL: <check>" per check after the phase
 * and ends PASS only if all hold. At level 1 there is no L1: one SKIP line,
 * an empty phase, and PASS.
 */
#include <nestlab/results.h>
#include "ulib.h"

#define NONCANONICAL  0x8000000000000000ull
#define KERNEL_PAGE   0x100000ull   /* the kernel image: supervisor-only */
#define UNMAPPED_USER (L2_USER_PROBE_VA + 0x100000ull)

static char big_buf[NESTLAB_HC_CONSOLE_MAX + 1];

struct hc_check {
	const char *what;
	uint64_t got;
	uint64_t want, want2;  /* either is fine */
};

int wl_hcerrors(const struct wl_args *a)
{
	struct hc_check c[8];
	unsigned n = 0, i, failed = 0;
	unsigned t = a->transport;
	int64_t ph = u_phase_begin(a);

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (a->level != 2) {
		if (u_phase_end(ph) < 0)
			return NESTLAB_STATUS_WORKLOAD_FAIL;
		u_printf("SKIP: hcerrors: needs nestlab's L1 (level 2)\n");
		return NESTLAB_STATUS_PASS;
	}
#define CHECK(w, call, s1, s2)                                   \
	do {                                                     \
		c[n].what = (w);                                 \
		c[n].got = (call).status;                        \
		c[n].want = (s1);                                \
		c[n].want2 = (s2);                               \
		n++;                                             \
	} while (0)
	CHECK("unknown command -> E_UNKNOWN",
	      nestlab_hc_call(t, 0x7fffffffu, 0, 0, 0), NESTLAB_HC_E_UNKNOWN, NESTLAB_HC_E_UNKNOWN);
	CHECK("EXIT from CPL3 -> E_PERM",
	      nestlab_hc_call(t, NESTLAB_HC_EXIT, NESTLAB_STATUS_WORKLOAD_FAIL, 0, 0),
	      NESTLAB_HC_E_PERM, NESTLAB_HC_E_PERM);
	CHECK("CONSOLE_WRITE unmapped user pointer -> E_FAULT",
	      nestlab_hc_call(t, NESTLAB_HC_CONSOLE_WRITE, UNMAPPED_USER, 8, 0),
	      NESTLAB_HC_E_FAULT, NESTLAB_HC_E_FAULT);
	CHECK("CONSOLE_WRITE supervisor-only page -> E_FAULT",
	      nestlab_hc_call(t, NESTLAB_HC_CONSOLE_WRITE, KERNEL_PAGE, 8, 0),
	      NESTLAB_HC_E_FAULT, NESTLAB_HC_E_FAULT);
	CHECK("CONSOLE_WRITE length CONSOLE_MAX+1 -> E_RANGE",
	      nestlab_hc_call(t, NESTLAB_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)big_buf,
			      NESTLAB_HC_CONSOLE_MAX + 1, 0),
	      NESTLAB_HC_E_RANGE, NESTLAB_HC_E_RANGE);
	CHECK("VMMCALL with a wrong magic -> E_MAGIC",
	      nestlab_hc_vmmcall_raw(NESTLAB_HC_MAGIC ^ 1, NESTLAB_HC_NOP, 0, 0, 0),
	      NESTLAB_HC_E_MAGIC, NESTLAB_HC_E_MAGIC);
	CHECK("PHASE_END of a never-begun index -> E_INVAL or E_STATE",
	      nestlab_hc_call(t, NESTLAB_HC_PHASE_END, NESTLAB_MAX_PHASES - 1, 0, 0),
	      NESTLAB_HC_E_INVAL, NESTLAB_HC_E_STATE);
	CHECK("CONSOLE_WRITE non-canonical pointer -> E_FAULT",
	      nestlab_hc_call(t, NESTLAB_HC_CONSOLE_WRITE, NONCANONICAL, 8, 0),
	      NESTLAB_HC_E_FAULT, NESTLAB_HC_E_FAULT);
#undef CHECK
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < n; i++) {
		int ok = c[i].got == c[i].want || c[i].got == c[i].want2;

		if (ok)
			u_printf("PASS: hcerrors: %s\n", c[i].what);
		else
			u_printf("FAIL: hcerrors: %s (got status %lu)\n", c[i].what, c[i].got);
		failed += !ok;
	}
	return failed ? NESTLAB_STATUS_WORKLOAD_FAIL : NESTLAB_STATUS_PASS;
}
