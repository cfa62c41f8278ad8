/*
 * Workload "mbec-errors": the MBEC hypercalls' error codes and answers
 * (include/nestlab/hypercall.h, NESTLAB_HC_MBEC_*), checked with the kernel
 * making the calls at CPL0 (L2_TEST_MBEC_HC) and this program making some
 * at CPL3. It needs L1's MBEC emulation and the kernel's mbec=on (the
 * launcher's --mbec exec-fault); otherwise, and at level 1, one SKIP line,
 * an empty phase, and PASS. Under mbec=on the kernel leaves its policy to
 * this workload (kernel/mbec.c), so that the calls before ENABLE can be
 * checked first; the workload then has it declared (L2_TEST_MBEC_POLICY)
 * and checks the calls after ENABLE, among them that QUERY answers what
 * the policy's SETs gave and that the view switches count two per system
 * call round trip (the exec-fault design: the kernel's first fetch after
 * the entry, the program's first after the return). The calls are made
 * inside the phase; a PASS or FAIL line per check follows it
 * (NESTLAB_WM_MBEC_ERRORS_CHECKS, include/nestlab/workload_model.h).
 */
#include <nestlab/bootargs.h>
#include <nestlab/workload_model.h>
#include "ulib.h"

#define PAGE         4096ull
#define KERNEL_CODE  ((uint64_t)NESTLAB_L2_LOAD_ADDR)   /* kernel.ld: code first */

/* A data page of this program: never executed, its rights free to change. */
static char data_page[PAGE] __attribute__((aligned(4096)));

struct check {
	const char *what;
	int ok;
	uint64_t got;
};

static struct l2_mbec_hc kcall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct l2_mbec_hc h = { .cmd = cmd, .arg0 = a0, .arg1 = a1, .arg2 = a2,
				.status = ~0ull };

	u_syscall(L2_SYS_TEST, L2_TEST_MBEC_HC, (uint64_t)(uintptr_t)&h, 0);
	return h;
}

static uint64_t user_pa(const void *p)
{
	return (uint64_t)u_syscall(L2_SYS_TEST, L2_TEST_USER_PA, (uint64_t)(uintptr_t)p, 0);
}

int wl_mbec_errors(const struct wl_args *a)
{
	struct check c[NESTLAB_WM_MBEC_ERRORS_CHECKS];
	unsigned n = 0, i, failed = 0, t = a->transport;
	uint64_t ram, data, stack, code, s1, s2, local = 0;
	struct l2_mbec_hc h;
	int64_t ph = u_phase_begin(a), pages;

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (a->level != 2 || !u_kinfo()->mbec) {
		if (u_phase_end(ph) < 0)
			return NESTLAB_STATUS_WORKLOAD_FAIL;
		u_printf("SKIP: mbec-errors: needs L1's MBEC emulation (--mbec exec-fault)\n");
		return NESTLAB_STATUS_PASS;
	}
#define CHECK(w, cond, value)                                    \
	do {                                                     \
		if (n < NESTLAB_WM_MBEC_ERRORS_CHECKS) {         \
			c[n].what = (w);                         \
			c[n].ok = (cond);                        \
			c[n].got = (value);                      \
		}                                                \
		n++;                                             \
	} while (0)
#define STATUS_IS(w, call, want) \
	do { uint64_t s_ = (call).status; CHECK(w, s_ == (want), s_); } while (0)

	data = user_pa(data_page);
	stack = user_pa(&local);
	code = user_pa((const void *)(uintptr_t)L2_USER_BASE);

	/* before ENABLE */
	STATUS_IS("SET before ENABLE -> E_STATE",
		  kcall(NESTLAB_HC_MBEC_SET, data, 1, 0), NESTLAB_HC_E_STATE);
	STATUS_IS("QUERY before ENABLE -> E_STATE",
		  kcall(NESTLAB_HC_MBEC_QUERY, data, 0, 0), NESTLAB_HC_E_STATE);
	STATUS_IS("ENABLE of another policy version -> E_INVAL",
		  kcall(NESTLAB_HC_MBEC_ENABLE, NESTLAB_MBEC_POLICY_VERSION + 1, 0, 0),
		  NESTLAB_HC_E_INVAL);
	STATUS_IS("ENABLE from CPL3 -> E_PERM",
		  nestlab_hc_call(t, NESTLAB_HC_MBEC_ENABLE, NESTLAB_MBEC_POLICY_VERSION, 0, 0),
		  NESTLAB_HC_E_PERM);

	/* the kernel's policy: ENABLE and its SETs */
	pages = u_syscall(L2_SYS_TEST, L2_TEST_MBEC_POLICY, 0, 0);
	CHECK("the kernel's policy declared (ENABLE answers the pages of L2 RAM)", pages > 0,
	      (uint64_t)pages);
	ram = pages > 0 ? (uint64_t)pages * PAGE : 0;

	/* after ENABLE */
	STATUS_IS("ENABLE again -> E_STATE",
		  kcall(NESTLAB_HC_MBEC_ENABLE, NESTLAB_MBEC_POLICY_VERSION, 0, 0),
		  NESTLAB_HC_E_STATE);
	STATUS_IS("SET of a misaligned address -> E_INVAL",
		  kcall(NESTLAB_HC_MBEC_SET, data + 8, 1, 0), NESTLAB_HC_E_INVAL);
	STATUS_IS("SET of zero pages -> E_INVAL",
		  kcall(NESTLAB_HC_MBEC_SET, data, 0, 0), NESTLAB_HC_E_INVAL);
	STATUS_IS("SET with an unknown rights bit -> E_INVAL",
		  kcall(NESTLAB_HC_MBEC_SET, data, 1, NESTLAB_MBEC_X_BOTH + 1), NESTLAB_HC_E_INVAL);
	STATUS_IS("SET of the page after L2 RAM -> E_RANGE",
		  kcall(NESTLAB_HC_MBEC_SET, ram, 1, 0), NESTLAB_HC_E_RANGE);
	h = kcall(NESTLAB_HC_MBEC_SET, ram - PAGE, 2, NESTLAB_MBEC_X_BOTH);
	s1 = h.status;
	h = kcall(NESTLAB_HC_MBEC_QUERY, ram - PAGE, 0, 0);
	CHECK("SET across the end of L2 RAM -> E_RANGE, the last page unchanged",
	      s1 == NESTLAB_HC_E_RANGE && h.status == NESTLAB_HC_OK && h.ret0 == 0, s1);
	STATUS_IS("SET wrapping around the address space -> E_RANGE",
		  kcall(NESTLAB_HC_MBEC_SET, 2 * PAGE, (1ull << 52) - 1, 0), NESTLAB_HC_E_RANGE);
	STATUS_IS("QUERY of the page after L2 RAM -> E_RANGE",
		  kcall(NESTLAB_HC_MBEC_QUERY, ram, 0, 0), NESTLAB_HC_E_RANGE);
	STATUS_IS("SET from CPL3 -> E_PERM",
		  nestlab_hc_call(t, NESTLAB_HC_MBEC_SET, data, 1, NESTLAB_MBEC_X_BOTH),
		  NESTLAB_HC_E_PERM);
	STATUS_IS("QUERY from CPL3 -> E_PERM",
		  nestlab_hc_call(t, NESTLAB_HC_MBEC_QUERY, data, 0, 0), NESTLAB_HC_E_PERM);

	/* what the policy's SETs gave */
	h = kcall(NESTLAB_HC_MBEC_QUERY, KERNEL_CODE, 0, 0);
	CHECK("QUERY of kernel code -> X_SUPER",
	      h.status == NESTLAB_HC_OK && h.ret0 == NESTLAB_MBEC_X_SUPER, h.ret0);
	h = kcall(NESTLAB_HC_MBEC_QUERY, code, 0, 0);
	CHECK("QUERY of user code -> X_USER",
	      h.status == NESTLAB_HC_OK && h.ret0 == NESTLAB_MBEC_X_USER, h.ret0);
	h = kcall(NESTLAB_HC_MBEC_QUERY, stack & ~(PAGE - 1), 0, 0);
	CHECK("QUERY of the user stack -> execute-never", h.status == NESTLAB_HC_OK && h.ret0 == 0,
	      h.ret0);

	/* a SET of this program's data page, QUERY, and back */
	h = kcall(NESTLAB_HC_MBEC_SET, data, 1, NESTLAB_MBEC_X_BOTH);
	s1 = h.status == NESTLAB_HC_OK && h.ret0 == 1;
	h = kcall(NESTLAB_HC_MBEC_QUERY, data, 0, 0);
	s1 = s1 && h.status == NESTLAB_HC_OK && h.ret0 == NESTLAB_MBEC_X_BOTH;
	h = kcall(NESTLAB_HC_MBEC_SET, data, 1, 0);
	s2 = h.status;
	h = kcall(NESTLAB_HC_MBEC_QUERY, data, 0, 0);
	CHECK("SET of a data page to X_BOTH (1 page), QUERY -> X_BOTH; back to none",
	      s1 && s2 == NESTLAB_HC_OK && h.status == NESTLAB_HC_OK && h.ret0 == 0, h.ret0);

	/* view switches: from QUERY to QUERY, the return of the first system
	 * call, a getpid's entry and return, the entry of the third: 4 */
	s1 = kcall(NESTLAB_HC_MBEC_QUERY, data, 0, 0).ret1;
	u_getpid();
	s2 = kcall(NESTLAB_HC_MBEC_QUERY, data, 0, 0).ret1;
	CHECK("QUERY's view switches: 4 from one QUERY to the next across a getpid",
	      s2 - s1 == 4, s2 - s1);
#undef STATUS_IS
#undef CHECK
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (n != NESTLAB_WM_MBEC_ERRORS_CHECKS) {
		u_printf("FAIL: mbec-errors: %u checks made, the model says %u\n", n,
			 NESTLAB_WM_MBEC_ERRORS_CHECKS);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	for (i = 0; i < n; i++) {
		if (c[i].ok)
			u_printf("PASS: mbec-errors: %s\n", c[i].what);
		else
			u_printf("FAIL: mbec-errors: %s (got %lu)\n", c[i].what, c[i].got);
		failed += !c[i].ok;
	}
	return failed ? NESTLAB_STATUS_WORKLOAD_FAIL : NESTLAB_STATUS_PASS;
}
