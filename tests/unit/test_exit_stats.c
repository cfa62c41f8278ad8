/*
 * Exit accounting: per-phase and total counts and cycles, marker exclusion,
 * phase state errors, and the exact results-stream records it emits.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../../l1hyp/core/exit_stats.h"
#include "../../lib/results/results_writer.h"

static char out[4096];
static size_t out_len;

static void sink(void *ctx, char c) { out[out_len++] = c; out[out_len] = 0; }

Test(exit_stats, counts_in_phase_and_totals)
{
	struct exit_stats s;

	exit_stats_init(&s);
	exit_stats_record(&s, NESTLAB_EXIT_MSR, 5, true);          /* before any phase */
	cr_assert(eq(int, exit_stats_phase_begin(&s, "cpuid", 5, 100), 0));
	for (int i = 0; i < 1000; i++)
		exit_stats_record(&s, NESTLAB_EXIT_CPUID, 3, true);
	exit_stats_record(&s, NESTLAB_EXIT_VMMCALL, 7, false);     /* a marker */
	cr_assert(eq(int, exit_stats_phase_end(&s, 0, 900), 0));
	exit_stats_record(&s, NESTLAB_EXIT_CPUID, 3, true);        /* after */

	cr_assert(eq(u64, s.phase[0].counts.count[NESTLAB_EXIT_CPUID], 1000));
	cr_assert(eq(u64, s.phase[0].counts.cycles[NESTLAB_EXIT_CPUID], 3000));
	cr_assert(eq(u64, s.phase[0].counts.count[NESTLAB_EXIT_VMMCALL], 0));
	cr_assert(eq(u64, s.phase[0].counts.count[NESTLAB_EXIT_MSR], 0));
	cr_assert(eq(u64, s.total.count[NESTLAB_EXIT_CPUID], 1001));
	cr_assert(eq(u64, s.total.count[NESTLAB_EXIT_VMMCALL], 1));
	cr_assert(eq(u64, s.total.count[NESTLAB_EXIT_MSR], 1));
}

Test(exit_stats, out_of_range_reason_counts_as_unknown)
{
	struct exit_stats s;

	exit_stats_init(&s);
	exit_stats_record(&s, 9999, 1, true);
	cr_assert(eq(u64, s.total.count[NESTLAB_EXIT_UNKNOWN], 1));
}

Test(exit_stats, phase_errors)
{
	struct exit_stats s;
	char name[NESTLAB_PHASE_NAME_MAX + 2];

	exit_stats_init(&s);
	memset(name, 'a', sizeof(name));
	cr_assert(eq(int, exit_stats_phase_begin(&s, name, 0, 0), EXIT_STATS_E_NAME));
	cr_assert(eq(int, exit_stats_phase_begin(&s, name, NESTLAB_PHASE_NAME_MAX + 1, 0),
		     EXIT_STATS_E_NAME));
	cr_assert(eq(int, exit_stats_phase_begin(&s, "a/b", 3, 0), EXIT_STATS_E_NAME));
	cr_assert(eq(int, exit_stats_phase_begin(&s, name, NESTLAB_PHASE_NAME_MAX, 0), 0));
	cr_assert(eq(int, exit_stats_phase_begin(&s, "x", 1, 0), EXIT_STATS_E_STATE));
	cr_assert(eq(int, exit_stats_phase_end(&s, 1, 0), EXIT_STATS_E_INDEX));
	cr_assert(eq(int, exit_stats_phase_end(&s, 0, 0), 0));
	cr_assert(eq(int, exit_stats_phase_end(&s, 0, 0), EXIT_STATS_E_STATE));
	for (int i = 1; i < NESTLAB_MAX_PHASES; i++) {
		cr_assert(eq(int, exit_stats_phase_begin(&s, "p", 1, 0), i));
		cr_assert(eq(int, exit_stats_phase_end(&s, (unsigned)i, 0), 0));
	}
	cr_assert(eq(int, exit_stats_phase_begin(&s, "p", 1, 0), EXIT_STATS_E_FULL));
}

Test(exit_stats, emits_exact_records_and_closes_open_phase)
{
	struct exit_stats s;
	struct results_writer w = { sink, 0 };

	out_len = 0;
	exit_stats_init(&s);
	exit_stats_phase_begin(&s, "null", 4, 10);
	exit_stats_phase_end(&s, 0, 30);
	exit_stats_phase_begin(&s, "cpuid", 5, 100);
	exit_stats_record(&s, NESTLAB_EXIT_CPUID, 4, true);
	exit_stats_record(&s, NESTLAB_EXIT_CPUID, 6, true);
	exit_stats_record(&s, NESTLAB_EXIT_IOIO, 1, false);
	exit_stats_emit(&s, &w, 250);
	cr_assert(eq(str, out,
		     "phase 0 null tsc=20\n"
		     "phase 1 cpuid tsc=150\n"
		     "exit 1 cpuid 2 10\n"
		     "exit total cpuid 2 10\n"
		     "exit total ioio 1 1\n"));
	cr_assert(eq(int, s.open, -1));
}

/* Mechanisms' named counters: set, replaced, emitted after their phase's
 * exits, and refused for a missing phase, a bad name or a full table. */
Test(exit_stats, counters_set_replace_emit_and_errors)
{
	struct exit_stats s;
	struct results_writer w = { sink, 0 };
	char name[8];

	exit_stats_init(&s);
	cr_assert(eq(int, exit_stats_counter_set(&s, 0, "a.b", 1), EXIT_STATS_E_INDEX));
	cr_assert(eq(int, exit_stats_phase_begin(&s, "one", 3, 10), 0));
	exit_stats_record(&s, NESTLAB_EXIT_CPUID, 4, true);
	cr_assert(eq(int, exit_stats_phase_end(&s, 0, 20), 0));
	cr_assert(eq(int, exit_stats_phase_begin(&s, "two", 3, 30), 1));
	cr_assert(eq(int, exit_stats_phase_end(&s, 1, 35), 0));
	cr_assert(eq(int, exit_stats_counter_set(&s, 0, "interpose.nr.2", 7), 0));
	cr_assert(eq(int, exit_stats_counter_set(&s, 1, "interpose.nr.2", 9), 0));
	cr_assert(eq(int, exit_stats_counter_set(&s, 0, "interpose.nr.2", 8), 0));
	cr_assert(eq(u32, s.nr_counters, 2));
	cr_assert(eq(int, exit_stats_counter_set(&s, 2, "x", 1), EXIT_STATS_E_INDEX));
	cr_assert(eq(int, exit_stats_counter_set(&s, 0, "", 1), EXIT_STATS_E_NAME));
	cr_assert(eq(int, exit_stats_counter_set(&s, 0, "Upper", 1), EXIT_STATS_E_NAME));
	cr_assert(eq(int, exit_stats_counter_set(&s, 0, "a b", 1), EXIT_STATS_E_NAME));
	cr_assert(eq(int, exit_stats_counter_set(&s, 0, "0123456789012345678901234567890", 1), 0));
	cr_assert(eq(int, exit_stats_counter_set(&s, 0, "01234567890123456789012345678901", 1),
		     EXIT_STATS_E_NAME));
	out_len = 0;
	out[0] = 0;
	exit_stats_emit(&s, &w, 99);
	cr_assert(eq(str, out,
		     "phase 0 one tsc=10\n"
		     "exit 0 cpuid 1 4\n"
		     "counter 0 interpose.nr.2 8\n"
		     "counter 0 0123456789012345678901234567890 1\n"
		     "phase 1 two tsc=5\n"
		     "counter 1 interpose.nr.2 9\n"
		     "exit total cpuid 1 4\n"));
	for (unsigned i = s.nr_counters; i < NESTLAB_MAX_COUNTERS; i++) {
		name[0] = 'c';
		name[1] = (char)('a' + i / 26);
		name[2] = (char)('a' + i % 26);
		name[3] = 0;
		cr_assert(eq(int, exit_stats_counter_set(&s, 1, name, i), 0));
	}
	cr_assert(eq(int, exit_stats_counter_set(&s, 1, "one.more", 1), EXIT_STATS_E_FULL));
	cr_assert(eq(int, exit_stats_counter_set(&s, 1, "interpose.nr.2", 10), 0));
}
