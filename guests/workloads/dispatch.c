/*
 * Workloads "dispatch-skewed" and "dispatch-uniform" (issue 15 part 7): the
 * system-call table's dispatch under a skewed and under a flat mix, for the
 * trampoline (docs/tramp.md). Every call is one without an effect, from the
 * set of include/nestlab/ktramp.h (getpid, getppid, getuid, level,
 * write(fd 0), mmap(len 0), test(kind 0), timer(0)); one iteration is 16
 * calls in the ruler pattern 8:4:2:1:1 over the set's first five (skewed) or
 * the set's 8 once each (uniform), in the order nestlab_dispatch_nr gives,
 * which `nestlab expect` models from the same definition. No exit at level
 * 2 (none reaches L1: the failing ones fail before they act).
 *
 * In workload multi these are programs (dispatch_step): process i runs the
 * set rotated by 4i, so two skewed processes have disjoint hot sets.
 *
 * Check: every call returns its entry's value (the pid seen before the
 * phase, 0, L2_UID, the level, -L2_EINVAL three times, -L2_EPERM).
 */
#include <nestlab/ktramp.h>
#include "ulib.h"

_Static_assert(NESTLAB_KTRAMP_SYS_NR == L2_SYS_NR &&
	       NESTLAB_KTRAMP_SYS_WRITE == L2_SYS_WRITE &&
	       NESTLAB_KTRAMP_SYS_GETPID == L2_SYS_GETPID &&
	       NESTLAB_KTRAMP_SYS_GETPPID == L2_SYS_GETPPID &&
	       NESTLAB_KTRAMP_SYS_GETUID == L2_SYS_GETUID &&
	       NESTLAB_KTRAMP_SYS_BEGIN == L2_SYS_PHASE_BEGIN &&
	       NESTLAB_KTRAMP_SYS_END == L2_SYS_PHASE_END &&
	       NESTLAB_KTRAMP_SYS_YIELD == L2_SYS_YIELD, "ktramp.h's system calls");

/* One call of the set: its arguments, and what it must return. */
static int64_t call_one(unsigned nr, int64_t pid, unsigned level, int64_t *want)
{
	switch (nr) {
	case L2_SYS_GETPID:  *want = pid; break;
	case L2_SYS_GETPPID: *want = 0; break;
	case L2_SYS_GETUID:  *want = L2_UID; break;
	case L2_SYS_LEVEL:   *want = level; break;
	case L2_SYS_TIMER:   *want = -L2_EPERM; break;
	default:             *want = -L2_EINVAL; break; /* write fd 0, mmap 0, test 0 */
	}
	return u_syscall(nr, 0, 0, 0);
}

uint64_t dispatch_step(int skewed, unsigned proc, int64_t pid, unsigned level)
{
	unsigned n = nestlab_dispatch_calls(skewed);
	uint64_t bad = 0;

	for (unsigned k = 0; k < n; k++) {
		int64_t want, got = call_one(nestlab_dispatch_nr(skewed, proc, k), pid, level, &want);

		bad += got != want;
	}
	return bad;
}

static int run(const struct wl_args *a, int skewed)
{
	int64_t pid = u_getpid(), ph;
	uint64_t i, bad = 0;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < a->iterations; i++)
		bad += dispatch_step(skewed, 0, pid, a->level);
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (bad) {
		u_printf("%s: %lu calls returned a wrong value\n", a->name, bad);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}

int wl_dispatch_skewed(const struct wl_args *a)
{
	return run(a, 1);
}

int wl_dispatch_uniform(const struct wl_args *a)
{
	return run(a, 0);
}
