/*
 * LTTng session handling through the lttng CLI. Each tool runs with stdin
 * from /dev/null and stdout+stderr appended to the session log; a tool
 * that does not finish in TRACE_TOOL_TIMEOUT_S is killed. `--no-sessiond`
 * keeps the lttng client from starting a daemon behind our back: the
 * daemon is started explicitly, once, and said so.
 */
#include "trace_session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRACE_TOOL_TIMEOUT_S 30
#define TRACE_CHANNEL        "nestlab"

char *trace_which(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *tok, *found = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) ? NULL : strdup(name);
	if (!path || !*path)
		return NULL;
	copy = strdup(path);
	if (!copy)
		return NULL;
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		char *cand;
		struct stat st;

		if (asprintf(&cand, "%s/%s", *tok ? tok : ".", name) < 0)
			break;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK)) {
			found = cand;
			break;
		}
		free(cand);
	}
	free(copy);
	return found;
}

int trace_mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	int rc = 0;

	if (!p)
		return -1;
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

/* The last non-empty line of the log, for messages. */
static void trace_log_last_line(const struct trace_session *s, char *buf, size_t len)
{
	char line[512] = "", cur[512];
	FILE *f = fopen(s->log, "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(cur, sizeof(cur), f)) {
		cur[strcspn(cur, "\n")] = '\0';
		if (cur[0])
			snprintf(line, sizeof(line), "%s", cur);
	}
	fclose(f);
	snprintf(buf, len, "%s", line);
}

/* Runs argv (argv[0] looked up in PATH), output appended to the log; its exit code or -1. */
static int trace_tool(const struct trace_session *s, char *const argv[])
{
	int status, logfd;
	pid_t pid;
	FILE *f = fopen(s->log, "a");

	if (f) {
		fputs("$", f);
		for (int i = 0; argv[i]; i++)
			fprintf(f, " %s", argv[i]);
		fputc('\n', f);
		fclose(f);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);

		logfd = open(s->log, O_WRONLY | O_APPEND | O_CREAT, 0644);
		if (in < 0 || logfd < 0 || dup2(in, 0) < 0 || dup2(logfd, 1) < 0 ||
		    dup2(logfd, 2) < 0)
			_exit(126);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	for (int waited = 0; ; waited++) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
		if (waited >= TRACE_TOOL_TIMEOUT_S * 100) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Fails with "<what> failed: <lttng's last line>". */
static int trace_tool_fail(struct trace_session *s, const char *what, char *err, size_t errlen)
{
	char last[400];

	trace_log_last_line(s, last, sizeof(last));
	snprintf(err, errlen, "--trace: %s failed%s%s", what, last[0] ? ": " : "", last);
	return -1;
}

/* Empty, writable directory `dir`, created if needed. */
static int trace_prepare_dir(struct trace_session *s, const char *dir, char *err, size_t errlen)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char *probe;
	int fd;

	if (trace_mkdir_p(dir)) {
		snprintf(err, errlen, "--trace %s: cannot create it: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--trace %s: not a directory", dir);
		return -1;
	}
	s->dir = realpath(dir, NULL);
	if (!s->dir) {
		snprintf(err, errlen, "--trace %s: %s", dir, strerror(errno));
		return -1;
	}
	d = opendir(s->dir);
	if (!d) {
		snprintf(err, errlen, "--trace %s: cannot read it: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			closedir(d);
			snprintf(err, errlen, "--trace %s: not empty (LTTng would mix two traces); "
				 "remove it or give a new directory", dir);
			return -1;
		}
	}
	closedir(d);
	if (asprintf(&probe, "%s/.nestlab-write-test", s->dir) < 0)
		return -1;
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "--trace %s: not writable: %s", dir, strerror(errno));
		free(probe);
		return -1;
	}
	close(fd);
	unlink(probe);
	free(probe);
	return 0;
}

/* Is a session daemon answering? (`lttng --no-sessiond list` fails when not.) */
static int trace_daemon_alive(const struct trace_session *s)
{
	char *const argv[] = { "lttng", "--no-sessiond", "list", NULL };

	return trace_tool(s, argv) == 0;
}

static int trace_ensure_daemon(struct trace_session *s, char *err, size_t errlen)
{
	char *const start[] = { "lttng-sessiond", "--daemonize", NULL };
	char *bin;
	int rc;

	if (trace_daemon_alive(s))
		return 0;
	bin = trace_which("lttng-sessiond");
	if (!bin) {
		snprintf(err, errlen, "--trace: no LTTng session daemon runs and lttng-sessiond "
			 "is not in PATH; install lttng-tools (sudo make deps)");
		return -1;
	}
	free(bin);
	rc = trace_tool(s, start);
	if (rc != 0 || !trace_daemon_alive(s)) {
		char last[400];

		trace_log_last_line(s, last, sizeof(last));
		snprintf(err, errlen, "--trace: the LTTng session daemon would not start "
			 "(lttng-sessiond --daemonize exited %d%s%s); start it by hand as root: "
			 "lttng-sessiond --daemonize", rc, last[0] ? ": " : "", last);
		return -1;
	}
	s->started_daemon = true;
	return 0;
}

int trace_session_begin(struct trace_session *s, const char *dir, const char *log_path,
			long collector, char *err, size_t errlen)
{
	char *lttng, vpid[40];

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "nestlab-%ld-%ld", (long)getpid(), (long)time(NULL));
	s->log = strdup(log_path);
	if (!s->log) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (trace_prepare_dir(s, dir, err, errlen))
		return -1;
	lttng = trace_which("lttng");
	if (!lttng) {
		snprintf(err, errlen, "--trace: the lttng command is not in PATH; install "
			 "lttng-tools (sudo make deps)");
		return -1;
	}
	free(lttng);
	if (trace_ensure_daemon(s, err, errlen))
		return -1;

	char *const create[] = { "lttng", "--no-sessiond", "create", s->name, "--output", s->dir,
				 NULL };
	char *const channel[] = { "lttng", "--no-sessiond", "enable-channel", "--userspace",
				  "--session", s->name, "--subbuf-size", "4M", "--num-subbuf", "8",
				  "--blocking-timeout", "inf", TRACE_CHANNEL, NULL };
	char *const untrack[] = { "lttng", "--no-sessiond", "untrack", "--userspace", "--session",
				  s->name, "--all", "--vpid", NULL };
	char *const track[] = { "lttng", "--no-sessiond", "track", "--userspace", "--session",
				s->name, vpid, NULL };
	char *const event[] = { "lttng", "--no-sessiond", "enable-event", "--userspace",
				"--session", s->name, "--channel", TRACE_CHANNEL, "nestlab:*",
				NULL };
	char *const start[] = { "lttng", "--no-sessiond", "start", s->name, NULL };

	if (trace_tool(s, create))
		return trace_tool_fail(s, "lttng create", err, errlen);
	s->created = true;
	snprintf(vpid, sizeof(vpid), "--vpid=%ld", collector);
	if (trace_tool(s, channel) || trace_tool(s, untrack) || trace_tool(s, track) ||
	    trace_tool(s, event) || trace_tool(s, start)) {
		char tmp[64];

		trace_tool_fail(s, "setting up the LTTng session", err, errlen);
		trace_session_end(s, tmp, sizeof(tmp));
		return -1;
	}
	return 0;
}

int trace_session_end(struct trace_session *s, char *err, size_t errlen)
{
	char *const stop[] = { "lttng", "--no-sessiond", "stop", s->name, NULL };
	char *const destroy[] = { "lttng", "--no-sessiond", "destroy", s->name, NULL };
	int rc = 0;

	if (!s->created)
		return 0;
	if (trace_tool(s, stop))
		rc = trace_tool_fail(s, "lttng stop", err, errlen);
	if (trace_tool(s, destroy) && !rc)
		rc = trace_tool_fail(s, "lttng destroy", err, errlen);
	s->created = false;
	return rc;
}

void trace_session_free(struct trace_session *s)
{
	free(s->dir);
	free(s->log);
	s->dir = s->log = NULL;
}
