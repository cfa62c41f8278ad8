/*
 * Unit tests of trace-stats' counting and --check (l0/trace_tally.c):
 * phase attribution by markers and the in-phase flag, losses, and each
 * verdict of the comparison with a results JSON.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "trace_tally.h"

static struct trace_tally t;

/* A cpuid run as L1 traces it: markers, n in-phase exits, out-of-phase ones. */
static void cpuid_run(unsigned n)
{
	trace_tally_init(&t);
	trace_tally_event(&t, NESTLAB_TRACE_L1_EXIT, 0, NESTLAB_EXIT_IOIO);
	trace_tally_event(&t, NESTLAB_TRACE_L1_EXIT, 0, NESTLAB_EXIT_VMMCALL); /* begin marker */
	trace_tally_event(&t, NESTLAB_TRACE_L1_PHASE_BEGIN, 0, 0);
	trace_tally_event(&t, NESTLAB_TRACE_L2_PHASE_BEGIN, 1, 0);
	for (unsigned i = 0; i < n; i++)
		trace_tally_event(&t, NESTLAB_TRACE_L1_EXIT, NESTLAB_TRACE_F_IN_PHASE,
				  NESTLAB_EXIT_CPUID);
	trace_tally_event(&t, NESTLAB_TRACE_L2_SYSCALL_ENTRY, NESTLAB_TRACE_F_IN_PHASE, 6);
	trace_tally_event(&t, NESTLAB_TRACE_L1_PHASE_END, 0, 0);
	trace_tally_event(&t, NESTLAB_TRACE_L1_EXIT, 0, NESTLAB_EXIT_VMMCALL); /* end marker */
	trace_tally_event(&t, NESTLAB_TRACE_L2_PHASE_END, 0, 0);
	trace_tally_event(&t, NESTLAB_TRACE_L1_EXIT, 0, NESTLAB_EXIT_CPUID);
}

static int check(const char *json, char *verdict)
{
	char err[200];
	struct json *j = json_parse(json, strlen(json), err, sizeof(err));
	int rc;

	cr_assert(not(eq(ptr, j, NULL)), "%s", err);
	rc = trace_tally_check(&t, j, verdict, 400);
	json_free(j);
	return rc;
}

Test(trace_tally, phase_attribution)
{
	cpuid_run(1000);
	cr_assert(eq(u64, t.events[NESTLAB_TRACE_L1_EXIT], 1004));
	cr_assert(eq(u64, t.phase[0].exits[NESTLAB_EXIT_CPUID], 1000));
	cr_assert(eq(u64, t.phase[0].exits[NESTLAB_EXIT_VMMCALL], 0));
	cr_assert(eq(u64, t.phase[0].events[NESTLAB_TRACE_L2_SYSCALL_ENTRY], 1));
	cr_assert(eq(int, t.phase[0].seen, 1));
	cr_assert(eq(int, t.phase[1].seen, 0));
	cr_assert(eq(u64, t.unattributed, 0));
	cr_assert(eq(u64, t.total, 1009));
	trace_tally_event(&t, NESTLAB_TRACE_L1_EXIT, NESTLAB_TRACE_F_IN_PHASE, NESTLAB_EXIT_CPUID);
	cr_assert(eq(u64, t.unattributed, 1));
	trace_tally_event(&t, 999, 0, 0);
	cr_assert(eq(u64, t.other_events, 1));
}

Test(trace_tally, check_exact)
{
	char v[400];

	cpuid_run(1000);
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"cpuid\", \"exits\": {\"cpuid\": 1000}}]}", v), 0));
	cr_assert(eq(str, v, "PASS: trace agrees with the results: 1000 phase exits in 1 phases, 1009 events"));
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"cpuid\", \"exits\": {\"cpuid\": 1001}}]}", v), 1));
	cr_assert(not(eq(ptr, strstr(v, "FAIL: phase 0 cpuid: cpuid: trace 1000 l1_exit events, results 1001"), NULL)), "%s", v);
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"cpuid\", \"exits\": {\"cpuid\": 999}}]}", v), 1));
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"cpuid\", \"exits\": {\"cpuid\": 1000, \"npf\": 1}}]}", v), 1));
	cr_assert(eq(int, check("{\"phases\": []}", v), 1));
	cr_assert(not(eq(ptr, strstr(v, "in a phase the results do not have"), NULL)), "%s", v);
	cr_assert(eq(int, check("{}", v), 1));
}

Test(trace_tally, check_allows_l1_losses_only)
{
	char v[400];

	cpuid_run(998);
	trace_tally_lost(&t, NESTLAB_TRACE_L2, 5, 0, 0);
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"cpuid\", \"exits\": {\"cpuid\": 1000}}]}", v), 1));
	trace_tally_lost(&t, NESTLAB_TRACE_L1, 1, 1, 0);
	cr_assert(eq(u64, t.lost_events, 2));
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"cpuid\", \"exits\": {\"cpuid\": 1000}}]}", v), 0), "%s", v);
	cr_assert(not(eq(ptr, strstr(v, "within the allowance"), NULL)), "%s", v);
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"cpuid\", \"exits\": {\"cpuid\": 1001}}]}", v), 1));
}

Test(trace_tally, check_collector_counts_and_discards)
{
	char v[400];

	cpuid_run(3);
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"c\", \"exits\": {\"cpuid\": 3}}], "
				"\"trace\": {\"events\": {\"l1_exit\": 7, \"l1_phase_begin\": 1, "
				"\"l1_phase_end\": 1, \"l2_phase_begin\": 1, \"l2_phase_end\": 1, "
				"\"l2_syscall_entry\": 1}}}", v), 0), "%s", v);
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"c\", \"exits\": {\"cpuid\": 3}}], "
				"\"trace\": {\"events\": {\"l1_exit\": 8}}}", v), 1));
	cr_assert(not(eq(ptr, strstr(v, "l1_exit: the collector emitted 8, the trace holds 7"), NULL)), "%s", v);
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"c\", \"exits\": {\"cpuid\": 3}}], \"trace\": null}", v), 0));
	t.discarded = 4;
	cr_assert(eq(int, check("{\"phases\": [{\"name\": \"c\", \"exits\": {\"cpuid\": 3}}]}", v), 1));
	cr_assert(not(eq(ptr, strstr(v, "LTTng discarded 4 events"), NULL)), "%s", v);
}

Test(trace_tally, print)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cpuid_run(10);
	trace_tally_print(&t, f);
	fclose(f);
	cr_assert(not(eq(ptr, strstr(buf, "    l1_exit cpuid                  10\n"), NULL)), "%s", buf);
	cr_assert(not(eq(ptr, strstr(buf, "phase 0 (in-phase events)"), NULL)), "%s", buf);
	free(buf);
}
