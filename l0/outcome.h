/*
 * The verdict of a run, decided from how QEMU ended and what the results
 * stream says (pure). A run passes only when QEMU exited with code 1
 * ((NESTLAB_STATUS_PASS << 1) | 1 through isa-debug-exit) AND the stream is
 * complete with status 0; every other combination gets a status name and a
 * one-line message saying what went wrong.
 */
#ifndef L0_OUTCOME_H
#define L0_OUTCOME_H

#include <stdbool.h>
#include "results_parse.h"

enum qemu_end {
	QEMU_EXITED,        /* code = exit status */
	QEMU_SIGNALED,      /* code = signal number */
	QEMU_TIMEOUT,       /* killed by the launcher after the timeout */
	QEMU_INTERRUPTED,   /* the launcher got SIGINT/SIGTERM and stopped QEMU */
	QEMU_SPAWN_FAILED,  /* code = errno of exec */
};

struct qemu_result {
	enum qemu_end how;
	int code;
};

struct outcome {
	bool pass;
	int status_code;       /* enum nestlab_status, or -1 when none is known */
	const char *status;    /* "pass", a status_name(), or a launcher name below */
	char message[768];     /* one line; "" on pass */
};

/* Launcher-side status names (no guest status was reported). */
#define OUTCOME_TIMEOUT     "timeout"
#define OUTCOME_INTERRUPTED "interrupted"
#define OUTCOME_QEMU_FAILED "qemu_failed"
#define OUTCOME_NO_STATUS   "no_status"
#define OUTCOME_NO_RESULTS  "no_results"
#define OUTCOME_INCOMPLETE  "incomplete"
#define OUTCOME_BAD_RESULTS "bad_results"
#define OUTCOME_MISMATCH    "status_mismatch"

/*
 * q: how QEMU ended; prc/rs/why: the parsed stream (results_parse());
 * qemu_stderr: QEMU's stderr text (may be "" or NULL); timeout_s: the limit.
 * stream_optional: the guest may be an image that does not speak the
 * results protocol (a --l2-image at level 1, where no L1 writes the stream
 * for it): then an empty stream is no failure, and QEMU's exit code alone
 * decides, as L1's stream carries nothing but that status at level 2.
 */
void outcome_decide(const struct qemu_result *q, enum results_parse_rc prc,
		    const struct results_stream *rs, const char *why,
		    const char *qemu_stderr, unsigned timeout_s, bool stream_optional,
		    struct outcome *out);

#endif
