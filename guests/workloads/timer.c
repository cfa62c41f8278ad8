/*
 * Workload "timer": N local APIC timer interrupts taken in user mode, with
 * the timer preempting one process for the other at each of them. The
 * kernel runs NESTLAB_TIMER_PROCS = 2 processes of this program, ring 3
 * with IF = 1; both only spin, reading the kernel's counters page (no
 * system call: the kernel runs with IF = 0, an interrupt arriving there
 * would wait).
 *
 * Process 1 (index 0) measures: it starts the periodic timer (a system
 * call: the APIC setup happens outside the phase), waits for a tick so that
 * the phase begins just after one, opens the phase, spins until the kernel
 * has counted N more ticks, closes the phase and stops the timer. Each tick
 * switches to the other process (round robin of two), so after the N-th the
 * measurer runs if N is even; if the spinner runs instead, it yields at
 * once (a system call, no exit) and the measurer closes the phase. The phase
 * thus holds exactly N interrupts, each with its one EOI write.
 * Process 2 (index 1) spins until the phase it waits for has seen its N
 * ticks, yields if the phase is still open, and exits.
 *
 * Checks (process 1, after the phase): the N interrupts all interrupted
 * ring 3, and each one preempted a process.
 */
#include <nestlab/bootargs.h>
#include "ulib.h"

static int spinner(const struct wl_args *a, const volatile struct l2_kinfo *k)
{
	while (k->phases == 0)
		;
	while (k->phase_open && k->ticks - k->phase_ticks < a->iterations)
		;
	if (k->phase_open)
		u_yield();
	return NESTLAB_STATUS_PASS;
}

int wl_timer(const struct wl_args *a)
{
	const volatile struct l2_kinfo *k = u_kinfo();
	uint64_t n = a->iterations, t, t0, u0, p0, t1, u1, p1;
	int64_t ph, r;
	int failed = 0;

	if (a->index != 0)
		return spinner(a, k);
	r = u_syscall(L2_SYS_TIMER, 1, 0, 0);
	if (r < 0) {
		u_printf("timer: cannot start the timer: %ld\n", r);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	t = k->ticks;
	while (k->ticks == t)
		;
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	t0 = k->ticks;
	u0 = k->ticks_user;
	p0 = k->preemptions;
	while (k->ticks - t0 < n)
		;
	t1 = k->ticks;
	u1 = k->ticks_user;
	p1 = k->preemptions;
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	u_syscall(L2_SYS_TIMER, 0, 0, 0);

	if (t1 - t0 == n && u1 - u0 == n) {
		u_printf("PASS: timer: %lu interrupts taken in user mode\n", n);
	} else {
		u_printf("FAIL: timer: %lu interrupts in the phase, %lu in user mode, want %lu\n",
			 t1 - t0, u1 - u0, n);
		failed++;
	}
	if (p1 - p0 == n) {
		u_printf("PASS: timer: %lu preemptions between %lu processes\n", n, k->nprocs);
	} else {
		u_printf("FAIL: timer: %lu preemptions in the phase, want %lu\n", p1 - p0, n);
		failed++;
	}
	return failed ? NESTLAB_STATUS_WORKLOAD_FAIL : NESTLAB_STATUS_PASS;
}
