/*
 * QEMU process handling. exec failures reach the parent through a
 * close-on-exec pipe (nothing read: exec worked; an errno: it failed), so
 * "QEMU not installed" is told apart from "QEMU started and failed". The child
 * asks to be killed when the launcher dies (PR_SET_PDEATHSIG), so an aborted
 * launcher never leaves a guest spinning.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double run_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_child(const struct run_spawn *s, int errfd, pid_t parent)
{
	int in = open("/dev/null", O_RDONLY);
	int out = open(s->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int e;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
		e = errno;
		(void)!write(errfd, &e, sizeof(e));
		_exit(127);
	}
	/* Signals the launcher handles must not stay blocked or ignored in QEMU. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	execvp(s->argv[0], s->argv);
	e = errno;
	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

/* Copies what was appended to the console file since the last call. */
static void run_echo(const struct run_spawn *s, int *fd)
{
	char buf[4096];
	ssize_t n;

	if (!s->echo)
		return;
	if (*fd < 0)
		*fd = open(s->console_path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return;
	while ((n = read(*fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, s->echo);
	fflush(s->echo);
}

void run_qemu(const struct run_spawn *s, struct qemu_result *res, double *wall_s)
{
	double start = run_now(), killed_at = 0;
	int pipefd[2], status, echo_fd = -1, e;
	bool timed_out = false, interrupted = false, sent_kill = false;
	pid_t parent = getpid(), pid;
	ssize_t n;

	*wall_s = 0;
	if (pipe2(pipefd, O_CLOEXEC)) {
		res->how = QEMU_SPAWN_FAILED;
		res->code = errno;
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		res->how = QEMU_SPAWN_FAILED;
		res->code = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return;
	}
	if (pid == 0)
		run_child(s, pipefd[1], parent);
	close(pipefd[1]);
	do
		n = read(pipefd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == sizeof(e)) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		res->how = QEMU_SPAWN_FAILED;
		res->code = e;
		*wall_s = run_now() - start;
		return;
	}

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		double now = run_now();

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = 0;
			break;
		}
		run_echo(s, &echo_fd);
		if (!killed_at && (now - start >= s->timeout_s || (s->stop && *s->stop))) {
			timed_out = !(s->stop && *s->stop);
			interrupted = !timed_out;
			kill(pid, SIGTERM);
			killed_at = now;
		} else if (killed_at && !sent_kill && (now - killed_at) * 1000 >= s->grace_ms) {
			kill(pid, SIGKILL);
			sent_kill = true;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	*wall_s = run_now() - start;
	/* A terminal's Ctrl-C reaches QEMU too, which may exit before we act. */
	if (!timed_out && s->stop && *s->stop)
		interrupted = true;
	run_echo(s, &echo_fd);
	if (echo_fd >= 0)
		close(echo_fd);

	if (timed_out) {
		res->how = QEMU_TIMEOUT;
		res->code = 0;
	} else if (interrupted) {
		res->how = QEMU_INTERRUPTED;
		res->code = 0;
	} else if (WIFEXITED(status)) {
		res->how = QEMU_EXITED;
		res->code = WEXITSTATUS(status);
	} else {
		res->how = QEMU_SIGNALED;
		res->code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
}
