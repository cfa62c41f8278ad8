/*
 * The L2 kernel's trampoline in the launcher: its counter lines
 * (l2_counters.c) and the counter model `nestlab expect --trampoline`
 * prints (expect_ktramp.c). Expected counts are worked out by hand from
 * the workloads' definitions (include/nestlab/ktramp.h, docs/tramp.md):
 * a window of W in-phase calls, then the hot entries' calls are direct.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include <nestlab/ktramp.h>
#include <nestlab/procs.h>
#include "expect_ktramp.h"
#include "l2_counters.h"

Test(l2_counters, one_line)
{
	struct results_named_counter c;
	const char *l = "nestlab-l2: counter 3 ktramp.p2.direct 18446744073709551615";

	cr_assert(eq(int, l2_counters_line(l, strlen(l), &c), 0));
	cr_assert(eq(u32, c.phase, 3));
	cr_assert(eq(str, c.name, "ktramp.p2.direct"));
	cr_assert(eq(u64, c.value, UINT64_MAX));
}

Test(l2_counters, bad_lines)
{
	static const char *const bad[] = {
		"nestlab-l2: counter 16 ktramp.direct 1",            /* no such phase index */
		"nestlab-l2: counter 0 ktramp.direct 18446744073709551616", /* over 64 bits */
		"nestlab-l2: counter 0 Ktramp.direct 1",             /* upper case */
		"nestlab-l2: counter 0 ktramp.direct 1 ",            /* trailing */
		"nestlab-l2: counter 0 ktramp.direct",               /* no value */
		"nestlab-l2: counter 00 ktramp.direct 1",            /* leading zero */
		"nestlab-l2: counter 0  ktramp.direct 1",            /* empty name */
		"nestlab-l2: counter 0 abcdefghijabcdefghijabcdefghijab 1", /* 32 characters */
		"nestlab-l2: counter -1 ktramp.direct 1",
	};
	struct results_named_counter c;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(eq(int, l2_counters_line(bad[i], strlen(bad[i]), &c), -1), "%s", bad[i]);
}

Test(l2_counters, merge)
{
	static struct results_stream rs;
	const char *text =
		"boot\n"
		"L2: nestlab-l2: counter 0 ktramp.direct 744\r\n"
		"L2: nestlab-l2: counter 0 ktramp.table 257\n"
		"nestlab-l2: counter 0 ktramp.table 1\n"             /* repeated */
		"nestlab-l2: counter 1 ktramp.direct 5\n"            /* no phase 1 */
		"nestlab-l2: counter 0 ktramp.generations x\n"       /* malformed */
		"nestlab-l2: counter 0 ktramp.generations 1";        /* no newline at the end */
	unsigned skipped = 0;

	memset(&rs, 0, sizeof(rs));
	rs.nphases = 1;
	rs.ncounters = 1;
	strcpy(rs.counters[0].name, "l1_tramp.direct");
	rs.counters[0].value = 9;
	cr_assert(eq(u32, l2_counters_merge(text, strlen(text), &rs, &skipped), 3));
	cr_assert(eq(u32, skipped, 3));
	cr_assert(eq(u32, rs.ncounters, 4));
	cr_assert(eq(str, rs.counters[1].name, "ktramp.direct"));
	cr_assert(eq(u64, rs.counters[1].value, 744));
	cr_assert(eq(u64, rs.counters[2].value, 257));
	cr_assert(eq(str, rs.counters[3].name, "ktramp.generations"));
	/* full: every further line is skipped */
	rs.ncounters = NESTLAB_MAX_COUNTERS;
	cr_assert(eq(u32, l2_counters_merge("nestlab-l2: counter 0 a 1\n", 26, &rs, &skipped), 0));
	cr_assert(eq(u32, skipped, 1));
}

static struct nestlab_procs procs(const char *list)
{
	struct nestlab_procs p;

	cr_assert(eq(int, nestlab_procs_parse(list, strlen(list), &p, NULL, NULL), 0));
	return p;
}

static struct expect_ktramp model(unsigned wl, unsigned long n, const char *list, unsigned mode,
				  unsigned w)
{
	struct nestlab_procs p = procs(list ? list : "getpid");
	struct expect_ktramp k;

	expect_ktramp_compute(wl, n, &p, mode, w, &k);
	return k;
}

/* getpid: W calls learn, N - W direct; the table: the window and the end
 * marker. syscall-mix: 4N calls, hot getpid getuid getppid. */
Test(expect_ktramp, single_process)
{
	struct expect_ktramp k = model(NESTLAB_WL_GETPID, 1000, NULL, NESTLAB_KTRAMP_GLOBAL, 0);

	cr_assert(k.known);
	cr_assert(eq(u64, k.phase.direct, 1000 - 256));
	cr_assert(eq(u64, k.phase.table, 256 + 1));
	cr_assert(eq(u64, k.phase.generations, 1));
	k = model(NESTLAB_WL_SYSCALL_MIX, 1000, NULL, NESTLAB_KTRAMP_PROCESS, 0);
	cr_assert(eq(u64, k.phase.direct, 4000 - 256));
	cr_assert(eq(u32, k.nprocs, 1));
	cr_assert(eq(u64, k.proc[0].direct, 4000 - 256));
	/* a window the phase never fills: no generation, every call by the table */
	k = model(NESTLAB_WL_GETPID, 100, NULL, NESTLAB_KTRAMP_GLOBAL, 0);
	cr_assert(eq(u64, k.phase.direct, 0));
	cr_assert(eq(u64, k.phase.table, 101));
	cr_assert(eq(u64, k.phase.generations, 0));
	/* not modelled; off: nothing */
	cr_assert(not(model(NESTLAB_WL_CPUID, 10, NULL, NESTLAB_KTRAMP_GLOBAL, 0).known));
	cr_assert(not(model(NESTLAB_WL_GETPID, 10, NULL, NESTLAB_KTRAMP_OFF, 0).known));
}

/* Window 1 on syscall-mix: hot getpid after the first call; at the phase's
 * end the phase's other calls make [2 3 4 6] more than 1/8 cheaper (a
 * regeneration at the end of a burst of 4N calls): direct 2N - 1, table
 * 1 + 2N + the end marker. */
Test(expect_ktramp, regeneration_at_the_phase_end)
{
	struct expect_ktramp k = model(NESTLAB_WL_SYSCALL_MIX, 1000, NULL,
				       NESTLAB_KTRAMP_GLOBAL, 1);

	cr_assert(eq(u64, k.phase.direct, 2 * 1000 - 1));
	cr_assert(eq(u64, k.phase.table, 1 + 2 * 1000 + 1));
	cr_assert(eq(u64, k.phase.generations, 2));
}

/* dispatch-skewed: 16 calls per iteration, W = 256 is 16 iterations; hot
 * positions 0 1 2 3 (15 of 16 calls); dispatch-uniform: 8 per iteration,
 * 32 iterations learn, ties by number: hot 1 2 3 4 (4 of 8). */
Test(expect_ktramp, dispatch_workloads)
{
	struct expect_ktramp k = model(NESTLAB_WL_DISPATCH_SKEWED, 1000, NULL,
				       NESTLAB_KTRAMP_GLOBAL, 0);

	cr_assert(eq(u64, k.phase.direct, 15 * (1000 - 16)));
	cr_assert(eq(u64, k.phase.table, 256 + (1000 - 16) + 1));
	k = model(NESTLAB_WL_DISPATCH_UNIFORM, 1000, NULL, NESTLAB_KTRAMP_GLOBAL, 0);
	cr_assert(eq(u64, k.phase.direct, 4 * (1000 - 32)));
	cr_assert(eq(u64, k.phase.table, 256 + 4 * (1000 - 32) + 1));
	cr_assert(eq(u32, nestlab_dispatch_nr(1, 0, 0), 2));
	cr_assert(eq(u32, nestlab_dispatch_nr(1, 1, 0), 1));  /* rotated by 4 */
	cr_assert(eq(u32, nestlab_dispatch_nr(0, 0, 7), 11));
}

/* multi with two skewed processes of disjoint hot sets: per process each
 * has 15 of its 17 calls a round hot (its 4 hottest; its yield, cold, ties
 * with its 9 / 11 and loses to the lower number); one trampoline for both
 * has 4 entries for 8 hot ones: per-process wins in hit rate. */
Test(expect_ktramp, multi_per_process_beats_global)
{
	struct expect_ktramp g = model(NESTLAB_WL_MULTI, 1000, "dispatch-skewed,dispatch-skewed",
				       NESTLAB_KTRAMP_GLOBAL, 0);
	struct expect_ktramp p = model(NESTLAB_WL_MULTI, 1000, "dispatch-skewed,dispatch-skewed",
				       NESTLAB_KTRAMP_PROCESS, 0);
	uint64_t all = 2 * 1000 * 17 + 2;  /* steps and yields; setup yield, end marker */

	cr_assert(eq(u64, g.phase.direct + g.phase.table, all));
	cr_assert(eq(u64, p.phase.direct + p.phase.table, all));
	cr_assert(gt(u64, p.phase.direct, g.phase.direct));
	cr_assert(eq(u32, p.nprocs, 2));
	cr_assert(eq(u64, p.proc[0].generations, 1));
	cr_assert(eq(u64, p.proc[0].direct + p.proc[1].direct, p.phase.direct));
}
