/*
 * The LTTng session of a `nestlab run --trace DIR`, driven through the
 * lttng command-line tools (fork/exec, no shell): make sure a session
 * daemon runs (start `lttng-sessiond --daemonize` if none does), create a
 * session writing to DIR, a channel for the nestlab events (large
 * sub-buffers, blocking: the collector waits rather than LTTng discarding),
 * track only the collector's process (other processes with the nestlab
 * provider, say a second traced run, stay out of this trace), enable
 * `nestlab:*`, start; at the end stop (which waits until the data is on
 * disk) and destroy. Every failure is one actionable line in `err`.
 */
#ifndef L0_TRACE_SESSION_H
#define L0_TRACE_SESSION_H

#include <stdbool.h>
#include <stddef.h>

struct trace_session {
	char name[64];
	char *dir;        /* absolute path of DIR (malloc'd) */
	char *log;        /* the lttng tools' output (malloc'd) */
	bool created;
	bool started_daemon;
};

/*
 * Prepares DIR (created if missing; must be an empty, writable directory)
 * and starts the session, recording the events of process `collector`
 * only. The tools' output goes to `log_path`. 0, or -1 with `err` filled;
 * on failure nothing is left behind but DIR itself.
 */
int trace_session_begin(struct trace_session *s, const char *dir, const char *log_path,
			long collector, char *err, size_t errlen);

/* Stops and destroys the session. 0, or -1 with `err` filled. */
int trace_session_end(struct trace_session *s, char *err, size_t errlen);

void trace_session_free(struct trace_session *s);

/* Creates `dir` and its parents (mode 0755). 0, or -1 with errno set. */
int trace_mkdir_p(const char *dir);

/* "<dir of PATH entry>/name" when `name` is an executable in PATH (malloc'd), else NULL. */
char *trace_which(const char *name);

#endif
