/*
 * Workload "multi": several processes, each running one program of the
 * procs= list (include/nestlab/procs.h) one iteration ("step") at a time and
 * yielding after each step, so the steps interleave round robin:
 * process 1 step 1, process 2 step 1, ..., process 1 step 2, ...
 *
 * Every process runs this same sequence, so with the round-robin scheduler
 * they move in lockstep, one round of P yields (P processes) at a time:
 *   setup (outside the phase: the program's reference values), yield;
 *   process 1 opens the phase (every setup is done by then);
 *   N x (step, yield);
 *   the last process closes the phase (every step is done by then), yield;
 *   a write process ends its line of dots, yield;
 *   check and report (outside the phase: console output), exit.
 * One phase spans all processes (phases do not overlap, so there is no
 * per-process phase); it holds exactly the steps' own exits, each program's
 * as in its own workload: N per cpuid, pio, hypercall or write process,
 * none for null, getpid or the dispatch programs (whose process i runs the
 * set rotated by 4i, include/nestlab/ktramp.h: different hot sets). Yields are system calls and switches load CR3:
 * neither exits at level 2.
 *
 * Check per process: its steps' results (as its workload checks them) and
 * that each of its yields let exactly one full round run, P context switches
 * (none with a single process).
 */
#include <nestlab/bootargs.h>
#include <nestlab/mem.h>
#include "ulib.h"

struct prog_state {
	uint32_t ref[4];     /* cpuid: leaf 0 before the phase */
	int64_t pid;         /* getpid: the pid before the phase */
	uint8_t pio_first;   /* pio: the first value read */
	uint64_t bad;        /* steps whose result was wrong */
};

static int prog_setup(const struct wl_args *a, struct prog_state *st)
{
	if (a->program == NESTLAB_WL_CPUID)
		u_cpuid0(st->ref);
	if (a->program == NESTLAB_WL_GETPID || a->program == NESTLAB_WL_DISPATCH_SKEWED ||
	    a->program == NESTLAB_WL_DISPATCH_UNIFORM) {
		st->pid = u_getpid();
		if (st->pid <= 0) {
			u_printf("multi: bad pid %ld\n", st->pid);
			return -1;
		}
	}
	return 0;
}

static void prog_step(const struct wl_args *a, struct prog_state *st, uint64_t i)
{
	static const char dot = '.';
	uint32_t r[4];
	uint8_t v;

	switch (a->program) {
	case NESTLAB_WL_CPUID:
		u_cpuid0(r);
		st->bad += (r[0] ^ st->ref[0]) | (r[1] ^ st->ref[1]) | (r[2] ^ st->ref[2]) |
			   (r[3] ^ st->ref[3]) ? 1 : 0;
		break;
	case NESTLAB_WL_HYPERCALL:
		st->bad += a->level == 2 &&
			   nestlab_hc_call(a->transport, NESTLAB_HC_NOP, 0, 0, 0).status !=
			   NESTLAB_HC_OK;
		break;
	case NESTLAB_WL_PIO:
		v = u_pio_read();
		if (i == 0)
			st->pio_first = v;
		st->bad += v != st->pio_first;
		break;
	case NESTLAB_WL_GETPID:
		st->bad += u_getpid() != st->pid;
		break;
	case NESTLAB_WL_WRITE:
		st->bad += u_write(&dot, 1) != 1;
		break;
	case NESTLAB_WL_DISPATCH_SKEWED:
	case NESTLAB_WL_DISPATCH_UNIFORM:
		st->bad += dispatch_step(a->program == NESTLAB_WL_DISPATCH_SKEWED, a->index,
					 st->pid, a->level);
		break;
	}
}

int wl_multi(const struct wl_args *a)
{
	static const char *const names[NESTLAB_WL_NR] = {
#define MULTI_NAME_(id, name, what) name,
		NESTLAB_WORKLOADS(MULTI_NAME_)
#undef MULTI_NAME_
	};
	const volatile struct l2_kinfo *k = u_kinfo();
	uint64_t nprocs = k->nprocs, round = nprocs > 1 ? nprocs : 0, last, i, bad_rounds = 0;
	struct prog_state st;

	memset(&st, 0, sizeof(st));
	if (prog_setup(a, &st))
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	u_yield();
	if (a->index == 0 && u_phase_begin(a) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	last = k->switches;
	for (i = 0; i < a->iterations; i++) {
		prog_step(a, &st, i);
		u_yield();
		bad_rounds += k->switches - last != round;
		last = k->switches;
	}
	if (a->index == nprocs - 1 && u_phase_end((int64_t)k->phase_index) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	u_yield();
	/* the dots' line ends before anyone reports */
	if (a->program == NESTLAB_WL_WRITE)
		u_write("\n", 1);
	u_yield();

	if (st.bad || bad_rounds) {
		u_printf("FAIL: multi: process %u (%s): %lu of %lu steps wrong, %lu yields not "
			 "a round of %lu switches\n", a->index + 1, names[a->program], st.bad,
			 a->iterations, bad_rounds, round);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	u_printf("PASS: multi: process %u (%s): %lu steps, each yield a round of %lu switches\n",
		 a->index + 1, names[a->program], a->iterations, round);
	return NESTLAB_STATUS_PASS;
}
