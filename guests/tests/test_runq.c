/*
 * Unit tests of the L2 kernel's round-robin run queue (guests/kernel/runq.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "kernel/runq.h"

static struct runq q;

Test(runq, one_process_keeps_the_cpu)
{
	runq_init(&q, 1);
	cr_assert(eq(u32, runq_runnable(&q), 1));
	cr_assert(eq(int, runq_next(&q), 0));
	runq_exit_current(&q);
	cr_assert(eq(u32, runq_runnable(&q), 0));
	cr_assert(eq(int, runq_next(&q), -1));
}

Test(runq, round_robin_in_index_order)
{
	int order[9];

	runq_init(&q, 3);
	for (int i = 0; i < 9; i++) {
		order[i] = runq_next(&q);
		runq_switch(&q, (unsigned)order[i]);
	}
	for (int i = 0; i < 9; i++)
		cr_assert(eq(int, order[i], (i + 1) % 3));
}

Test(runq, exited_processes_are_skipped)
{
	runq_init(&q, 4);
	runq_switch(&q, 1);
	runq_exit_current(&q);                 /* 1 gone */
	cr_assert(eq(u32, runq_runnable(&q), 3));
	cr_assert(eq(int, runq_next(&q), 2));
	runq_switch(&q, 2);
	cr_assert(eq(int, runq_next(&q), 3));
	runq_switch(&q, 3);
	cr_assert(eq(int, runq_next(&q), 0));
	runq_switch(&q, 0);
	cr_assert(eq(int, runq_next(&q), 2));  /* not 1 */
}

Test(runq, last_one_left_runs_itself)
{
	runq_init(&q, 2);
	runq_exit_current(&q);
	cr_assert(eq(int, runq_next(&q), 1));
	runq_switch(&q, 1);
	cr_assert(eq(int, runq_next(&q), 1));
	runq_exit_current(&q);
	cr_assert(eq(int, runq_next(&q), -1));
}

Test(runq, switch_to_an_exited_process_is_refused)
{
	runq_init(&q, 3);
	runq_switch(&q, 2);
	runq_exit_current(&q);
	runq_switch(&q, 0);
	runq_switch(&q, 2);
	cr_assert(eq(u32, q.current, 0));
	runq_switch(&q, 7);
	cr_assert(eq(u32, q.current, 0));
}

Test(runq, size_is_clamped)
{
	runq_init(&q, 0);
	cr_assert(eq(u32, q.n, 1));
	runq_init(&q, NESTLAB_PROCS_MAX + 5);
	cr_assert(eq(u32, q.n, NESTLAB_PROCS_MAX));
	cr_assert(eq(u32, runq_runnable(&q), NESTLAB_PROCS_MAX));
}
