/*
 * Run verdict. QEMU's exit code is the primary witness (status.h: an odd code
 * carries (status << 1) | 1, 0 means the machine stopped without reporting),
 * the results stream the second; they must agree for a pass. QEMU's own
 * errors (bad option, unreadable image) also exit with 1, which is why a pass
 * needs the complete stream as well - except from an image that may not
 * write one (stream_optional), where exit code 1 and a silent QEMU stderr
 * are the pass.
 */
#include "outcome.h"

#include <stdio.h>
#include <string.h>
#include <nestlab/status.h>
#include "status_names.h"

/* Last non-empty line of QEMU's stderr (its fatal error comes after any
 * warnings), for messages. */
static void outcome_last_line(const char *s, char *buf, size_t len)
{
	const char *start = NULL, *end = NULL;
	size_t n;

	for (const char *p = s; p && *p;) {
		const char *e = p + strcspn(p, "\n");
		if (e > p) {
			start = p;
			end = e;
		}
		p = *e ? e + 1 : e;
	}
	n = start ? (size_t)(end - start) : 0;
	if (n >= len)
		n = len - 1;
	if (n)
		memcpy(buf, start, n);
	buf[n] = '\0';
}

static void outcome_guest_status(struct outcome *o, unsigned code, const char *src)
{
	o->pass = false;
	o->status_code = (int)code;
	o->status = status_name(code);
	snprintf(o->message, sizeof(o->message), "guest reported status %u %s: %s%s", code,
		 o->status, status_explain(code), src);
}

void outcome_decide(const struct qemu_result *q, enum results_parse_rc prc,
		    const struct results_stream *rs, const char *why,
		    const char *qemu_stderr, unsigned timeout_s, bool stream_optional,
		    struct outcome *o)
{
	char line[400];

	memset(o, 0, sizeof(*o));
	o->status_code = -1;
	outcome_last_line(qemu_stderr, line, sizeof(line));

	switch (q->how) {
	case QEMU_SPAWN_FAILED:
		o->status = OUTCOME_QEMU_FAILED;
		snprintf(o->message, sizeof(o->message), "QEMU failed to start: %s",
			 strerror(q->code));
		return;
	case QEMU_TIMEOUT:
		o->status = OUTCOME_TIMEOUT;
		snprintf(o->message, sizeof(o->message), "no result after %u s: guest hung?",
			 timeout_s);
		return;
	case QEMU_INTERRUPTED:
		o->status = OUTCOME_INTERRUPTED;
		snprintf(o->message, sizeof(o->message), "interrupted: QEMU stopped by the launcher");
		return;
	case QEMU_SIGNALED:
		o->status = OUTCOME_QEMU_FAILED;
		snprintf(o->message, sizeof(o->message), "QEMU killed by signal %d (%s)%s%s",
			 q->code, strsignal(q->code), line[0] ? ": " : "", line);
		return;
	case QEMU_EXITED:
		break;
	}

	if (q->code == 0) {
		o->status = OUTCOME_NO_STATUS;
		snprintf(o->message, sizeof(o->message),
			 "guest stopped without reporting a status (triple fault at level 1?)");
		return;
	}
	if (!(q->code & 1)) {
		o->status = OUTCOME_QEMU_FAILED;
		snprintf(o->message, sizeof(o->message), "QEMU exited with code %d%s%s",
			 q->code, line[0] ? ": " : "", line);
		return;
	}
	if (q->code != 1) {
		/* isa-debug-exit carried a failure status: that is the verdict. */
		unsigned code = (unsigned)q->code >> 1;
		outcome_guest_status(o, code, prc == RESULTS_COMPLETE && rs->status != code
				     ? " (the results stream disagrees)" : "");
		return;
	}

	/* Exit code 1: a pass, or QEMU's own failure. */
	switch (prc) {
	case RESULTS_EMPTY:
		if (line[0]) {
			o->status = OUTCOME_QEMU_FAILED;
			snprintf(o->message, sizeof(o->message), "QEMU failed: %s", line);
		} else if (stream_optional) {
			break;          /* isa-debug-exit said pass */
		} else {
			o->status = OUTCOME_NO_RESULTS;
			snprintf(o->message, sizeof(o->message),
				 "QEMU exited with code 1 but the guest wrote no results stream");
		}
		return;
	case RESULTS_INCOMPLETE:
		o->status = OUTCOME_INCOMPLETE;
		snprintf(o->message, sizeof(o->message), "%s", why);
		return;
	case RESULTS_MALFORMED:
		o->status = OUTCOME_BAD_RESULTS;
		snprintf(o->message, sizeof(o->message), "malformed %s", why);
		return;
	case RESULTS_COMPLETE:
		break;
	}
	if (prc == RESULTS_COMPLETE && rs->status != NESTLAB_STATUS_PASS) {
		outcome_guest_status(o, rs->status, " (but QEMU exit code said pass)");
		o->status = OUTCOME_MISMATCH;
		return;
	}
	o->pass = true;
	o->status_code = NESTLAB_STATUS_PASS;
	o->status = status_name(NESTLAB_STATUS_PASS);
}
