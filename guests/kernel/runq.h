/*
 * The L2 kernel's run queue: which of the boot-time processes may run, and
 * who runs next. Round robin over a fixed table: the next process is the
 * first runnable one after the current, cyclically, the current last (it
 * keeps the CPU only when it is the only runnable one). Processes are never
 * added after boot; they only leave, by exiting. Pure C, host-tested.
 */
#ifndef L2_RUNQ_H
#define L2_RUNQ_H

#include <nestlab/procs.h>

enum runq_state {
	RUNQ_RUNNABLE = 0,
	RUNQ_EXITED,
};

struct runq {
	unsigned n;                              /* processes, 1..NESTLAB_PROCS_MAX */
	unsigned current;                        /* index of the running one */
	unsigned char state[NESTLAB_PROCS_MAX];  /* enum runq_state */
};

/* n processes (clamped to 1..NESTLAB_PROCS_MAX), all runnable, 0 running. */
void runq_init(struct runq *q, unsigned n);

/* How many are runnable (the current one included, unless it exited). */
unsigned runq_runnable(const struct runq *q);

/* Index of the process to run after the current one, or -1 if none is left. */
int runq_next(const struct runq *q);

/* Make i the running process (it must be runnable). */
void runq_switch(struct runq *q, unsigned i);

/* The current process exits: it is never picked again. */
void runq_exit_current(struct runq *q);

#endif
