/*
 * Unit tests of the run verdict (l0/outcome.c) and the status names
 * (l0/status_names.c): pass needs QEMU exit 1 AND a complete stream with
 * status 0; each other combination gets its own status and message.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <nestlab/status.h>
#include "outcome.h"
#include "status_names.h"

static struct results_stream rs;
static char why[256];
static enum results_parse_rc prc;
static struct outcome o;

static void stream(const char *text)
{
	prc = results_parse(text, strlen(text), &rs, why, sizeof(why));
}

static void decide(enum qemu_end how, int code, const char *err)
{
	struct qemu_result q = { how, code };

	outcome_decide(&q, prc, &rs, why, err, 120, false, &o);
}

/* The same for an image that need not write a stream (--l2-image, level 1). */
static void decide_foreign(enum qemu_end how, int code, const char *err)
{
	struct qemu_result q = { how, code };

	outcome_decide(&q, prc, &rs, why, err, 120, true, &o);
}

#define PASS_STREAM "nestlab-results 1 producer=l1\nphase 0 cpuid tsc=1\nstatus 0\nend\n"

Test(outcome, pass)
{
	stream(PASS_STREAM);
	decide(QEMU_EXITED, 1, "");
	cr_assert(o.pass);
	cr_assert(eq(str, (char *)o.status, "pass"));
	cr_assert(eq(int, o.status_code, 0));
	cr_assert(eq(str, o.message, ""));
}

Test(outcome, exit1_with_incomplete_or_bad_or_empty_stream)
{
	stream("nestlab-results 1 producer=l1\nphase 0 cpuid tsc=1\n");
	decide(QEMU_EXITED, 1, NULL);
	cr_assert(not(o.pass));
	cr_assert(eq(str, (char *)o.status, OUTCOME_INCOMPLETE));
	cr_assert(eq(str, o.message, "results stream incomplete: no 'end' line after 2 lines"));

	stream("nestlab-results 1 producer=l1\nfoo\nstatus 0\nend\n");
	decide(QEMU_EXITED, 1, "");
	cr_assert(not(o.pass));
	cr_assert(eq(str, (char *)o.status, OUTCOME_BAD_RESULTS));
	cr_assert(eq(str, o.message, "malformed results line 2: unknown record 'foo'"));

	stream("");
	decide(QEMU_EXITED, 1, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_NO_RESULTS));
	cr_assert(eq(int, o.status_code, -1));

	/* QEMU's own errors exit 1 too: its stderr tells them apart. */
	decide(QEMU_EXITED, 1, "qemu-system-x86_64: warning: host lacks x\n"
		"qemu-system-x86_64: -kernel x: could not load kernel\n\n");
	cr_assert(eq(str, (char *)o.status, OUTCOME_QEMU_FAILED));
	cr_assert(eq(str, o.message, "QEMU failed: qemu-system-x86_64: -kernel x: could not load kernel"));
}

Test(outcome, guest_status_from_exit_code)
{
	stream("nestlab-results 1 producer=l1\nerror L2 triple fault\nstatus 2\nend\n");
	decide(QEMU_EXITED, (NESTLAB_STATUS_L2_SHUTDOWN << 1) | 1, "");
	cr_assert(not(o.pass));
	cr_assert(eq(str, (char *)o.status, "l2_shutdown"));
	cr_assert(eq(int, o.status_code, 2));
	cr_assert(eq(str, o.message,
		     "guest reported status 2 l2_shutdown: L2 triple-faulted (SHUTDOWN intercept)"));

	/* Stream missing: the exit code still tells the status. */
	stream("");
	decide(QEMU_EXITED, (NESTLAB_STATUS_L2_BAD_ACCESS << 1) | 1, "");
	cr_assert(eq(str, (char *)o.status, "l2_bad_access"));
	cr_assert(eq(int, o.status_code, 3));

	/* Disagreeing stream is flagged. */
	stream("nestlab-results 1 producer=l1\nstatus 1\nend\n");
	decide(QEMU_EXITED, (NESTLAB_STATUS_L1_ERROR << 1) | 1, "");
	cr_assert(eq(str, (char *)o.status, "l1_error"));
	cr_assert(not(eq(ptr, strstr(o.message, "disagrees"), NULL)));
}

Test(outcome, stream_status_nonzero_with_exit1_is_a_mismatch)
{
	stream("nestlab-results 1 producer=l2\nstatus 1\nend\n");
	decide(QEMU_EXITED, 1, "");
	cr_assert(not(o.pass));
	cr_assert(eq(str, (char *)o.status, OUTCOME_MISMATCH));
	cr_assert(eq(int, o.status_code, 1));
}

Test(outcome, exit0_timeout_signal_spawn)
{
	stream("");
	decide(QEMU_EXITED, 0, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_NO_STATUS));
	cr_assert(eq(str, o.message,
		     "guest stopped without reporting a status (triple fault at level 1?)"));

	decide(QEMU_TIMEOUT, 0, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_TIMEOUT));
	cr_assert(eq(str, o.message, "no result after 120 s: guest hung?"));

	decide(QEMU_SIGNALED, SIGSEGV, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_QEMU_FAILED));
	cr_assert(not(eq(ptr, strstr(o.message, "signal 11"), NULL)));

	decide(QEMU_SPAWN_FAILED, ENOENT, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_QEMU_FAILED));
	cr_assert(eq(str, o.message, "QEMU failed to start: No such file or directory"));

	decide(QEMU_EXITED, 2, "boom");
	cr_assert(eq(str, (char *)o.status, OUTCOME_QEMU_FAILED));
	cr_assert(eq(str, o.message, "QEMU exited with code 2: boom"));

	decide(QEMU_INTERRUPTED, 0, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_INTERRUPTED));
	cr_assert(not(o.pass));

	/* A pass stream does not rescue a timeout. */
	stream(PASS_STREAM);
	decide(QEMU_TIMEOUT, 0, "");
	cr_assert(not(o.pass));
}

Test(outcome, every_status_has_a_name)
{
	static const char *const names[] = {
		"pass", "workload_fail", "l2_shutdown", "l2_bad_access", "l2_exception",
		"l1_error", "no_svm", "bad_config", "l2_bad_insn", "l2_halted", "l2_bad_state",
		"l2_mbec_violation",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) == NESTLAB_STATUS_LAST + 1,
		       "a name per status");
	for (unsigned i = 0; i <= NESTLAB_STATUS_LAST; i++) {
		cr_assert(eq(str, (char *)status_name(i), (char *)names[i]));
		cr_assert(ne(str, (char *)status_explain(i),
			     "status code not defined in include/nestlab/status.h"));
	}
	cr_assert(eq(str, (char *)status_name(NESTLAB_STATUS_LAST + 1), "unknown"));
	cr_assert(eq(str, (char *)status_name(127), "unknown"));
}

Test(outcome, foreign_image_without_a_stream)
{
	/* isa-debug-exit status 0, no stream: the exit code decides. */
	stream("");
	decide_foreign(QEMU_EXITED, 1, "");
	cr_assert(o.pass);
	cr_assert(eq(str, (char *)o.status, "pass"));
	cr_assert(eq(int, o.status_code, 0));
	cr_assert(eq(str, o.message, ""));

	/* A failure status still fails, with its name. */
	decide_foreign(QEMU_EXITED, (NESTLAB_STATUS_WORKLOAD_FAIL << 1) | 1, NULL);
	cr_assert(not(o.pass));
	cr_assert(eq(str, (char *)o.status, "workload_fail"));
	cr_assert(eq(int, o.status_code, NESTLAB_STATUS_WORKLOAD_FAIL));

	/* QEMU's own error exits 1 too: still qemu_failed. */
	decide_foreign(QEMU_EXITED, 1, "qemu-system-x86_64: -kernel x: could not load kernel\n");
	cr_assert(eq(str, (char *)o.status, OUTCOME_QEMU_FAILED));

	/* No status at all (triple fault at level 1) stays no_status. */
	decide_foreign(QEMU_EXITED, 0, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_NO_STATUS));

	/* A stream it does write is held to the rules. */
	stream("nestlab-results 1 producer=l2\nphase 0 cpuid tsc=1\n");
	decide_foreign(QEMU_EXITED, 1, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_INCOMPLETE));
	stream("nestlab-results 1 producer=l2\nstatus 1\nend\n");
	decide_foreign(QEMU_EXITED, 1, "");
	cr_assert(eq(str, (char *)o.status, OUTCOME_MISMATCH));
}
