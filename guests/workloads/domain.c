/*
 * Workload "domain": a protection domain (docs/mbec.md, "Protection
 * domains") made and used by the kernel on this program's requests
 * (kernel/domain_probe.c, L2_TEST_DOMAIN). Before the phase, the checks of
 * what L1 must refuse and hide (NESTLAB_WM_DOMAIN_CHECKS in all):
 *   - DOMAIN_CREATE with each bad descriptor: its error code (8 cases);
 *     the valid one OK; again E_STATE;
 *   - from outside the domain, a read of its secret and a call into its
 *     code elsewhere than the gate: each a #PF with CR2 the address (the
 *     pages are absent outside the domain's view);
 *   - DOMAIN_RETURN from outside: E_STATE; DOMAIN_CALL of another id:
 *     E_INVAL.
 * The phase: N calls through the gate, each returning i ^ the secret (2
 * VMMCALL exits each: the CALL and the domain's RETURN). After it: all N
 * right, and the secret still absent from outside. At level 1 (no L1), or
 * with L1's domain mechanism off, one SKIP line and an empty phase.
 */
#include <nestlab/workload_model.h>
#include "ulib.h"

#define PF_FAULT (-(L2_EPROBE_BASE + 14))

struct checks {
	unsigned n, failed;
	const char *what[NESTLAB_WM_DOMAIN_CHECKS];
	int ok[NESTLAB_WM_DOMAIN_CHECKS];
};

static void check(struct checks *c, const char *what, int ok)
{
	if (c->n < NESTLAB_WM_DOMAIN_CHECKS) {
		c->what[c->n] = what;
		c->ok[c->n] = ok;
	}
	c->n++;
	c->failed += !ok;
}

static struct l2_domain_test kd(uint64_t op, uint64_t arg)
{
	struct l2_domain_test t = { .op = op, .arg = arg, .status = ~0ull };

	u_syscall(L2_SYS_TEST, L2_TEST_DOMAIN, (uint64_t)(uintptr_t)&t, 0);
	return t;
}

static void setup_checks(struct checks *c)
{
	static const struct { uint64_t desc, status; const char *what; } bad[] = {
		{ L2_DOMAIN_DESC_MAGIC, NESTLAB_HC_E_INVAL, "CREATE with a wrong magic: E_INVAL" },
		{ L2_DOMAIN_DESC_NO_RANGE, NESTLAB_HC_E_INVAL, "CREATE with no range: E_INVAL" },
		{ L2_DOMAIN_DESC_MISALIGN, NESTLAB_HC_E_INVAL, "CREATE misaligned: E_INVAL" },
		{ L2_DOMAIN_DESC_OUTSIDE, NESTLAB_HC_E_RANGE, "CREATE past L2 RAM: E_RANGE" },
		{ L2_DOMAIN_DESC_TOO_BIG, NESTLAB_HC_E_RANGE, "CREATE of 65 pages: E_RANGE" },
		{ L2_DOMAIN_DESC_OVERLAP, NESTLAB_HC_E_INVAL, "CREATE overlapping: E_INVAL" },
		{ L2_DOMAIN_DESC_GATE_OUT, NESTLAB_HC_E_INVAL, "CREATE gate outside: E_INVAL" },
		{ L2_DOMAIN_DESC_UNMAPPED, NESTLAB_HC_E_FAULT, "CREATE unmapped descriptor: E_FAULT" },
		{ L2_DOMAIN_DESC_VALID, NESTLAB_HC_OK, "CREATE valid: OK" },
		{ L2_DOMAIN_DESC_VALID, NESTLAB_HC_E_STATE, "CREATE again: E_STATE" },
	};
	struct l2_domain_test t, addr = kd(L2_DOMAIN_ADDRESSES, 0);

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check(c, bad[i].what, kd(L2_DOMAIN_CREATE, bad[i].desc).status == bad[i].status);
	t = kd(L2_DOMAIN_READ, 0);
	check(c, "the secret read from outside: #PF at its address",
	      t.result == PF_FAULT && t.cr2 == (uint64_t)addr.result);
	t = kd(L2_DOMAIN_ENTER_AWAY, 0);
	check(c, "a call into the domain elsewhere than the gate: #PF at it",
	      t.result == PF_FAULT && t.cr2 == addr.ret0);
	check(c, "RETURN from outside: E_STATE",
	      kd(L2_DOMAIN_RETURN, 0).status == NESTLAB_HC_E_STATE);
	check(c, "CALL of another id: E_INVAL",
	      kd(L2_DOMAIN_CALL_BAD, 0).status == NESTLAB_HC_E_INVAL);
}

int wl_domain(const struct wl_args *a)
{
	struct checks c = { 0 };
	uint64_t wrong = 0;
	int64_t ph;
	/* E_STATE before any check of the descriptor: the mechanism is off,
	 * or the view slot is another mechanism's. */
	int on = a->level == 2 &&
		 kd(L2_DOMAIN_CREATE, L2_DOMAIN_DESC_MAGIC).status != NESTLAB_HC_E_STATE;

	if (on)
		setup_checks(&c);
	else
		u_printf("SKIP: domain: needs L1's domain mechanism (level 2; the launcher turns "
			 "it on for this workload) and its view slot free\n");
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (uint64_t i = 0; on && i < a->iterations; i++) {
		struct l2_domain_test t = kd(L2_DOMAIN_CALL, i);

		wrong += t.status != NESTLAB_HC_OK || t.ret0 != (i ^ L2_DOMAIN_SECRET);
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (on) {
		struct l2_domain_test t = kd(L2_DOMAIN_READ, 0);

		check(&c, "every call through the gate returned i ^ the secret", !wrong);
		check(&c, "the secret still absent from outside after the calls",
		      t.result == PF_FAULT);
	}
	for (unsigned i = 0; i < c.n && i < NESTLAB_WM_DOMAIN_CHECKS; i++)
		u_printf("%s: domain: %s\n", c.ok[i] ? "PASS" : "FAIL", c.what[i]);
	return c.failed || c.n > NESTLAB_WM_DOMAIN_CHECKS ? NESTLAB_STATUS_WORKLOAD_FAIL :
	       NESTLAB_STATUS_PASS;
}
