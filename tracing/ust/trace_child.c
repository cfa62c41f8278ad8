/*
 * Collector process plumbing: two pipes (stop: parent -> child, closed to
 * finish; result: child -> parent, one struct trace_stats), poll(2) on the
 * stop pipe doubling as the poll timer, PR_SET_PDEATHSIG so the collector
 * never outlives the launcher, terminal signals ignored (the launcher
 * decides when collection ends).
 */
#include "trace_child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "trace_collect.h"
#include "trace_layout.h"
#include "trace_map.h"
#include "trace_ust.h"

static uint64_t trace_child_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void trace_null_record(void *ctx, const struct nestlab_trace_record *r,
			      uint32_t producer, uint64_t ts)
{
}

/* Maps the file once it is there; returns 1 when mapped. */
static int trace_child_try_map(const struct trace_child_cfg *cfg, struct trace_map *m,
			       struct trace_stats *st, int *failed)
{
	char err[sizeof(st->map_error)];

	if (*failed)
		return 0;
	switch (trace_map_open(m, cfg->ram_path, cfg->ram_bytes, err, sizeof(err))) {
	case TRACE_MAP_OK:
		return 1;
	case TRACE_MAP_NOT_YET:
		return 0;
	case TRACE_MAP_ERROR:
		snprintf(st->map_error, sizeof(st->map_error), "%s", err);
		*failed = 1;
		return 0;
	}
	return 0;
}

void trace_child_collect(const struct trace_child_cfg *cfg, int stop_fd, struct trace_stats *st)
{
	struct trace_sink sink = { .record = trace_null_record };
	char sink_err[sizeof(st->sink_error)] = "";
	struct trace_collector c;
	struct trace_map m = { .fd = -1 };
	int mapped = 0, map_failed = 0, stop = 0, use_sink = cfg->sink_so != NULL;
	char map_err[sizeof(st->map_error)] = "";

	memset(st, 0, sizeof(*st));
	if (cfg->wait_go) {
		char go = 0;
		ssize_t n;

		do
			n = read(stop_fd, &go, 1);
		while (n < 0 && errno == EINTR);
		use_sink = use_sink && n == 1 && go == 'g';
		stop = n <= 0;
	}
	if (use_sink &&
	    trace_ust_load(cfg->sink_so, cfg->guest_clock, &sink, sink_err, sizeof(sink_err))) {
		sink.record = trace_null_record;
		sink.lost = NULL;
	}
	trace_collector_init(&c, cfg->dir_off, TRACE_DIR_BYTES(cfg->region_bytes), &sink);
	do {
		struct pollfd p = { .fd = stop_fd, .events = POLLIN };

		if (poll(&p, 1, (int)cfg->poll_ms) > 0) {
			char b;

			/* EOF: QEMU is gone; one last drain below. */
			if (read(stop_fd, &b, 1) <= 0 || p.revents & (POLLHUP | POLLERR))
				stop = 1;
		}
		if (!mapped && (mapped = trace_child_try_map(cfg, &m, st, &map_failed)))
			trace_collector_attach(&c, &m);
		/* Poll until a pass finds nothing, so a full ring is drained at once. */
		while (trace_collector_poll(&c, trace_child_now()) && stop)
			;
	} while (!stop);
	snprintf(map_err, sizeof(map_err), "%s", st->map_error);
	trace_stats_fill(&c, st);
	if (map_failed) {
		st->map_state = TRACE_MAP_FAILED;
		snprintf(st->map_error, sizeof(st->map_error), "%s", map_err);
	}
	snprintf(st->sink_error, sizeof(st->sink_error), "%s", sink_err);
	trace_collector_fini(&c);
	trace_map_close(&m);
}

static void trace_child_main(const struct trace_child_cfg *cfg, int stop_fd, int res_fd,
			     pid_t parent)
{
	struct trace_stats st;
	size_t off = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	trace_child_collect(cfg, stop_fd, &st);
	while (off < sizeof(st)) {
		ssize_t n = write(res_fd, (char *)&st + off, sizeof(st) - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	/* exit(), not _exit(): LTTng-UST's destructor unregisters from the session daemon. */
	exit(off == sizeof(st) ? 0 : 1);
}

int trace_child_start(struct trace_child *tc, const struct trace_child_cfg *cfg,
		      char *err, size_t errlen)
{
	int stop[2], res[2];
	pid_t parent = getpid();

	tc->pid = -1;
	tc->stop_fd = tc->result_fd = -1;
	if (pipe2(stop, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(res, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
		close(stop[0]);
		close(stop[1]);
		return -1;
	}
	fflush(NULL);
	tc->pid = fork();
	if (tc->pid < 0) {
		snprintf(err, errlen, "cannot fork the collector: %s", strerror(errno));
		close(stop[0]);
		close(stop[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (tc->pid == 0) {
		close(stop[1]);
		close(res[0]);
		trace_child_main(cfg, stop[0], res[1], parent);
	}
	close(stop[0]);
	close(res[1]);
	tc->stop_fd = stop[1];
	tc->result_fd = res[0];
	return 0;
}

int trace_child_go(struct trace_child *tc, int use_sink)
{
	char go = use_sink ? 'g' : 'n';

	return write(tc->stop_fd, &go, 1) == 1 ? 0 : -1;
}

int trace_child_finish(struct trace_child *tc, struct trace_stats *st, unsigned timeout_ms,
		       char *err, size_t errlen)
{
	size_t off = 0;
	int status, rc = -1;

	if (tc->pid <= 0) {
		snprintf(err, errlen, "no collector running");
		return -1;
	}
	close(tc->stop_fd);
	tc->stop_fd = -1;
	while (off < sizeof(*st)) {
		struct pollfd p = { .fd = tc->result_fd, .events = POLLIN };
		int pr = poll(&p, 1, (int)timeout_ms);
		ssize_t n;

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			snprintf(err, errlen, "the collector did not finish within %u ms", timeout_ms);
			break;
		}
		n = read(tc->result_fd, (char *)st + off, sizeof(*st) - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "the collector died before reporting");
			break;
		}
		off += (size_t)n;
	}
	if (off == sizeof(*st) && st->magic == TRACE_STATS_MAGIC)
		rc = 0;
	else if (off == sizeof(*st))
		snprintf(err, errlen, "the collector sent a garbled report");
	if (rc)
		kill(tc->pid, SIGKILL);
	while (waitpid(tc->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(tc->result_fd);
	tc->result_fd = -1;
	tc->pid = -1;
	return rc;
}
