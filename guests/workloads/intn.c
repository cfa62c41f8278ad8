/*
 * Workload "intn": N software interrupts from ring 3, `INT 0x80` through
 * the kernel's DPL 3 gate (kernel/user_gate.c, uapi.h L2_USER_GATE_VEC),
 * each with RDI = the iteration and RAX = l2_user_gate_result(RDI) back.
 * No exit without L1's MBEC emulation (an INT n to a DPL 3 gate is not
 * intercepted); under it each is one privilege change into the kernel and
 * one back by IRETQ (docs/mbec.md: exec-fault 2 npf, intercept one swint,
 * one iret, one excp_db). Checks: every result is right, the kernel's gate
 * counted exactly N calls in the phase (the kernel ran each one), and,
 * after the phase, one INT of a DPL 0 vector (L2_USER_GATE_DENIED_VEC) is
 * refused with #GP at exactly that INT instruction (the kernel's record).
 */
#include "ulib.h"

static inline uint64_t user_gate(uint64_t x)
{
	uint64_t r;

	__asm__ __volatile__("int $0x80" : "=a"(r) : "D"(x) : "memory");
	return r;
}
_Static_assert(L2_USER_GATE_VEC == 0x80, "the INT's immediate");

/* INT of a DPL 0 gate: #GP at the instruction, which the kernel records. */
static int denied_check(void)
{
	const volatile struct l2_kinfo *k = u_kinfo();
	uint64_t d0 = k->user_gate_denied, rip;

	__asm__ __volatile__("lea 1f(%%rip), %0\n"
			     "1:\tint $0x20" : "=r"(rip) : : "memory");
	if (k->user_gate_denied - d0 == 1 && k->user_gate_denied_rip == rip) {
		u_printf("PASS: intn: INT 0x20 (a DPL 0 gate) refused with #GP at the INT, "
			 "error code 0x%lx (%s)\n", k->user_gate_denied_error,
			 k->user_gate_denied_error == L2_USER_GATE_DENIED_ERR ? "the architecture's" :
			 "QEMU TCG's");
		return 0;
	}
	u_printf("FAIL: intn: INT 0x20: %lu #GP recorded, RIP %lx, want 1 at %lx\n",
		 k->user_gate_denied - d0, k->user_gate_denied_rip, rip);
	return -1;
}
_Static_assert(L2_USER_GATE_DENIED_VEC == 0x20, "the INT's immediate");

int wl_intn(const struct wl_args *a)
{
	const volatile struct l2_kinfo *k = u_kinfo();
	uint64_t i, bad = 0, c0, c1;
	int64_t ph;
	int failed = 0;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	c0 = k->user_gate;
	for (i = 0; i < a->iterations; i++)
		bad += user_gate(i) != l2_user_gate_result(i);
	c1 = k->user_gate;
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (bad) {
		u_printf("FAIL: intn: %lu of %lu INT 0x80 returned a wrong result\n", bad,
			 a->iterations);
		failed++;
	} else {
		u_printf("PASS: intn: %lu INT 0x80 from ring 3, every result the gate's\n",
			 a->iterations);
	}
	if (c1 - c0 != a->iterations) {
		u_printf("FAIL: intn: the kernel's gate counted %lu calls, want %lu\n", c1 - c0,
			 a->iterations);
		failed++;
	} else {
		u_printf("PASS: intn: the kernel's gate counted %lu calls\n", c1 - c0);
	}
	if (denied_check() < 0)
		failed++;
	return failed ? NESTLAB_STATUS_WORKLOAD_FAIL : NESTLAB_STATUS_PASS;
}
