/*
 * The local runner (bench_exec.h): a fixed set of slots, a polling loop
 * that reaps children without blocking, enforces each run's guard and
 * redraws the progress. Children get /dev/null for their standard streams:
 * each command line sends the launcher's output to its own log.txt.
 */
#include "bench_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench_util.h"

#define KILL_AFTER_S 5.0

struct slot {
	pid_t pid;
	unsigned job;
	double start, term_at;
	bool timed_out;
};

static volatile sig_atomic_t exec_stop;

static void on_signal(int sig)
{
	exec_stop = sig;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t start(const struct bench_job *j)
{
	pid_t pid;

	bench_mkdirs(j->dir);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl("/bin/sh", "sh", "-c", j->command, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);
	return pid;
}

/* The run's rc: what its command wrote, else `dflt` (written for it). */
static int finish_rc(const struct bench_job *j, int dflt)
{
	char *path = bench_fmt("%s/rc", j->dir);
	char *text = path ? bench_read_text(path) : NULL;
	int rc = dflt;

	if (text && *text) {
		rc = atoi(text);
	} else if (path) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%d\n", dflt);
		bench_write_atomic(path, buf, strlen(buf));
	}
	free(text);
	free(path);
	return rc;
}

static void progress(const struct bench_exec_opts *o, unsigned done, unsigned n,
		     const char *current, double t0)
{
	double el = now() - t0;
	char eta[32] = "?";

	if (done) {
		double left = el / done * (n - done);

		snprintf(eta, sizeof(eta), "%u:%02u", (unsigned)left / 60, (unsigned)left % 60);
	}
	fprintf(o->out, "\r\033[K[%u/%u] %s%s ETA %s", done, n, current ? "running " : "",
		current ? current : "", eta);
	fflush(o->out);
}

unsigned bench_exec(const struct bench_job *jobs, unsigned n, const struct bench_exec_opts *o,
		    bool *interrupted)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct slot *slots = calloc(o->jobs ? o->jobs : 1, sizeof(*slots));
	unsigned next = 0, done = 0, passed = 0, running = 0, nslots = o->jobs ? o->jobs : 1;
	double t0 = now(), drawn = 0;

	*interrupted = false;
	if (!slots)
		return 0;
	exec_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while ((next < n && !exec_stop) || running) {
		int st;
		pid_t pid;
		bool reaped = false;

		for (unsigned s = 0; s < nslots && next < n && !exec_stop; s++) {
			if (slots[s].pid)
				continue;
			slots[s] = (struct slot){ .job = next, .start = now() };
			slots[s].pid = start(&jobs[next]);
			if (slots[s].pid < 0) {
				finish_rc(&jobs[next], 127);
				slots[s].pid = 0;
				done++;
			} else {
				running++;
			}
			next++;
		}
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			for (unsigned s = 0; s < nslots; s++) {
				const struct bench_job *j;
				int rc;

				if (slots[s].pid != pid)
					continue;
				j = &jobs[slots[s].job];
				rc = finish_rc(j, slots[s].timed_out ? 124 : exec_stop ? 130 :
					       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
				slots[s].pid = 0;
				running--;
				done++;
				passed += rc == 0;
				reaped = true;
				if (!o->quiet && !o->tty)
					fprintf(o->out, "[%u/%u] %-4s %s (%.1f s)\n", done, n,
						rc == 0 ? "pass" : rc == 124 ? "TIME" : "FAIL", j->name,
						now() - slots[s].start);
				if (!o->quiet && !o->tty)
					fflush(o->out);
			}
		}
		for (unsigned s = 0; s < nslots; s++) {
			double t = now() - slots[s].start;

			if (!slots[s].pid)
				continue;
			if (!slots[s].term_at && (t > o->guard_s || exec_stop)) {
				slots[s].timed_out = !exec_stop;
				slots[s].term_at = t;
				kill(-slots[s].pid, SIGTERM);
			} else if (slots[s].term_at && t > slots[s].term_at + KILL_AFTER_S) {
				kill(-slots[s].pid, SIGKILL);
			}
		}
		if (o->tty && !o->quiet && (reaped || now() - drawn > 1.0)) {
			const char *cur = NULL;

			for (unsigned s = 0; s < nslots && !cur; s++)
				if (slots[s].pid)
					cur = jobs[slots[s].job].name;
			progress(o, done, n, cur, t0);
			drawn = now();
		}
		if (!reaped) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	if (o->tty && !o->quiet)
		fprintf(o->out, "\r\033[K[%u/%u] done in %.0f s\n", done, n, now() - t0);
	*interrupted = exec_stop != 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(slots);
	return passed;
}
