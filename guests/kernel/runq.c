/*
 * Round-robin run queue of the L2 kernel (runq.h).
 */
#include "runq.h"

void runq_init(struct runq *q, unsigned n)
{
	if (n < 1)
		n = 1;
	if (n > NESTLAB_PROCS_MAX)
		n = NESTLAB_PROCS_MAX;
	q->n = n;
	q->current = 0;
	for (unsigned i = 0; i < NESTLAB_PROCS_MAX; i++)
		q->state[i] = i < n ? RUNQ_RUNNABLE : RUNQ_EXITED;
}

unsigned runq_runnable(const struct runq *q)
{
	unsigned k = 0;

	for (unsigned i = 0; i < q->n; i++)
		k += q->state[i] == RUNQ_RUNNABLE;
	return k;
}

int runq_next(const struct runq *q)
{
	for (unsigned step = 1; step <= q->n; step++) {
		unsigned i = (q->current + step) % q->n;

		if (q->state[i] == RUNQ_RUNNABLE)
			return (int)i;
	}
	return -1;
}

void runq_switch(struct runq *q, unsigned i)
{
	if (i < q->n && q->state[i] == RUNQ_RUNNABLE)
		q->current = i;
}

void runq_exit_current(struct runq *q)
{
	q->state[q->current] = RUNQ_EXITED;
}
