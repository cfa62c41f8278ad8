/*
 * The L2 kernel's trampoline counters a run must show (include/nestlab/
 * ktramp.h), for `nestlab expect --trampoline global|process`: the
 * workload's system calls as its definition makes them, in the order the
 * dispatch counts them (when each returns), fed to the kernel's own policy
 * (lib/tramp's tramp_select and tramp_decide, the same window and
 * KTRAMP_HOT), one trampoline state for the run (global) or one per process
 * (process). Modelled: getpid, syscall-mix, write, dispatch-skewed,
 * dispatch-uniform and multi (its programs' steps and yields, round robin:
 * multi.c). Pure.
 */
#ifndef L0_EXPECT_KTRAMP_H
#define L0_EXPECT_KTRAMP_H

#include <stdbool.h>
#include <stdint.h>
#include <nestlab/ktramp.h>
#include <nestlab/procs.h>
#include "results_parse.h"

struct expect_ktramp_ctr {
	uint64_t direct, table, generations;
};

struct expect_ktramp {
	bool known;                  /* the workload's calls are modelled */
	unsigned mode;               /* enum nestlab_ktramp_mode */
	unsigned nprocs;             /* process mode: proc[0..nprocs) */
	struct expect_ktramp_ctr phase;          /* phase 0, all together */
	struct expect_ktramp_ctr proc[NESTLAB_PROCS_MAX];
};

/* wl's phase 0 for n iterations (procs: multi's programs), window w. */
void expect_ktramp_compute(unsigned wl, unsigned long n, const struct nestlab_procs *procs,
			   unsigned mode, unsigned w, struct expect_ktramp *out);

/* The counters as the results stream's (phase 0, the kernel's names and
 * order), into c[] (room for 3 + 3 * NESTLAB_PROCS_MAX); how many. */
unsigned expect_ktramp_counters(const struct expect_ktramp *k, struct results_named_counter *c);

#endif
