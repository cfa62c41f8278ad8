/*
 * Starting QEMU and waiting for it: fork + exec with stdin from /dev/null and
 * stdout+stderr to a file, a wall-clock timeout (SIGTERM, then SIGKILL after
 * a grace period), an optional live echo of the console file, and a stop flag
 * a signal handler can raise.
 */
#ifndef L0_RUN_H
#define L0_RUN_H

#include <signal.h>
#include <stdio.h>
#include "outcome.h"

struct run_spawn {
	char *const *argv;                 /* argv[0] is looked up in PATH */
	const char *stderr_path;           /* QEMU's stdout and stderr go here */
	const char *console_path;          /* echoed to `echo` as it grows */
	FILE *echo;                        /* NULL: no echo */
	unsigned timeout_s;
	unsigned grace_ms;                 /* SIGTERM -> SIGKILL delay */
	volatile sig_atomic_t *stop;       /* set by a signal handler; may be NULL */
};

/* Runs QEMU to its end; fills `res` and the elapsed wall time. */
void run_qemu(const struct run_spawn *s, struct qemu_result *res, double *wall_s);

#endif
