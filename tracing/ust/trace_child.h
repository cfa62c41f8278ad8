/*
 * The collector process. The launcher forks it before QEMU starts; it
 * maps the guest-RAM file as soon as QEMU has created it, polls every
 * TRACE_POLL_MS while QEMU runs, and when the launcher closes the stop
 * pipe (QEMU has exited, whatever the outcome) it drains once more, sends
 * its struct trace_stats back through a second pipe and exits. A process
 * rather than a thread: LTTng-UST (loaded only there, with its clock
 * plugin and threads) stays out of the launcher, and a collector bug
 * under hostile ring contents cannot take the launcher's results down.
 */
#ifndef NESTLAB_TRACE_CHILD_H
#define NESTLAB_TRACE_CHILD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "trace_stats.h"

struct trace_child_cfg {
	const char *ram_path;      /* the guest-RAM file (may not exist yet) */
	uint64_t ram_bytes;        /* its size once QEMU has created it */
	uint64_t dir_off;          /* the trace region: directory at its start */
	uint64_t region_bytes;
	const char *sink_so;       /* libnestlab-ust.so; NULL: count, emit nothing */
	int wait_go;               /* wait for trace_child_go() before loading the sink */
	int guest_clock;           /* load the sink as the LTTng-UST clock plugin */
	unsigned poll_ms;
};

struct trace_child {
	pid_t pid;
	int stop_fd;               /* write end; closing it means "finish" */
	int result_fd;             /* read end of the stats pipe */
};

/* Forks the collector. 0, or -1 with `err` filled. */
int trace_child_start(struct trace_child *tc, const struct trace_child_cfg *cfg,
		      char *err, size_t errlen);

/*
 * With wait_go: lets the collector start, with the LTTng sink or without
 * (use_sink 0: the session could not be set up; it counts only). The
 * launcher forks first so that the session can track the collector's pid
 * before LTTng-UST registers with the session daemon.
 */
int trace_child_go(struct trace_child *tc, int use_sink);

/*
 * Tells it to finish and waits (at most timeout_ms) for its stats.
 * 0 with `st` filled, or -1 with `err` filled (the process is killed).
 */
int trace_child_finish(struct trace_child *tc, struct trace_stats *st, unsigned timeout_ms,
		       char *err, size_t errlen);

/*
 * The collector loop itself, run in the current process until `stop_fd`
 * reads EOF (with wait_go, its first byte says go: 'g' with the sink, 'n'
 * without); used by the forked child and by test programs.
 */
void trace_child_collect(const struct trace_child_cfg *cfg, int stop_fd, struct trace_stats *st);

#endif
