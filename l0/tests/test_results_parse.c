/*
 * Unit tests of the results-stream parser (l0/results_parse.c): complete
 * streams from both producers, incomplete ones, and every kind of malformed
 * line, each rejected with a reason naming the line.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>
#include "results_parse.h"

static struct results_stream rs;
static char why[300];

static enum results_parse_rc parse(const char *text)
{
	return results_parse(text, strlen(text), &rs, why, sizeof(why));
}

static const char l1_stream[] =
	"nestlab-results 1 producer=l1\n"
	"phase 0 cpuid tsc=2770000\n"
	"exit 0 cpuid 1000 85000\n"
	"phase 1 write.x tsc=42\n"
	"exit 1 vmmcall 3 300\n"
	"exit 1 ioio 2 20\n"
	"exit total cpuid 1010 86000\n"
	"exit total vmmcall 9 900\n"
	"error note one\n"
	"status 0\n"
	"error late note\n"
	"end\n";

Test(results_parse, complete_l1_stream)
{
	cr_assert(eq(int, parse(l1_stream), RESULTS_COMPLETE));
	cr_assert(eq(str, why, ""));
	cr_assert(eq(u32, rs.version, 1));
	cr_assert(eq(str, rs.producer, "l1"));
	cr_assert(eq(u32, rs.nphases, 2));
	cr_assert(eq(str, rs.phases[0].name, "cpuid"));
	cr_assert(eq(u64, rs.phases[0].tsc, 2770000));
	cr_assert(eq(u64, rs.phases[0].exits.present, 1ull << NESTLAB_EXIT_CPUID));
	cr_assert(eq(u64, rs.phases[0].exits.c[NESTLAB_EXIT_CPUID].count, 1000));
	cr_assert(eq(u64, rs.phases[0].exits.c[NESTLAB_EXIT_CPUID].cycles, 85000));
	cr_assert(eq(str, rs.phases[1].name, "write.x"));
	cr_assert(eq(u64, rs.phases[1].exits.present,
		     (1ull << NESTLAB_EXIT_VMMCALL) | (1ull << NESTLAB_EXIT_IOIO)));
	cr_assert(eq(u64, rs.phases[1].exits.c[NESTLAB_EXIT_IOIO].count, 2));
	cr_assert(eq(u64, rs.totals.c[NESTLAB_EXIT_VMMCALL].cycles, 900));
	cr_assert(eq(u32, rs.nerrors, 2));
	cr_assert(eq(str, rs.errors[0], "note one"));
	cr_assert(eq(str, rs.errors[1], "late note"));
	cr_assert(rs.have_status);
	cr_assert(eq(u32, rs.status, 0));
	cr_assert(rs.complete);
}

Test(results_parse, level1_stream_crlf_and_blank_lines)
{
	cr_assert(eq(int, parse("nestlab-results 1 producer=l2\r\n\r\n"
				"phase 0 getpid tsc=18446744073709551615\r\n"
				"status 4\r\nend\r\n"), RESULTS_COMPLETE));
	cr_assert(eq(str, rs.producer, "l2"));
	cr_assert(eq(u64, rs.phases[0].tsc, 18446744073709551615ull));
	cr_assert(eq(u64, rs.phases[0].exits.present, 0));
	cr_assert(eq(u32, rs.status, 4));
}

Test(results_parse, end_without_final_newline_is_complete)
{
	cr_assert(eq(int, parse("nestlab-results 1 producer=l2\nstatus 0\nend"),
		     RESULTS_COMPLETE));
	cr_assert(eq(u32, rs.nphases, 0));
}

Test(results_parse, empty)
{
	cr_assert(eq(int, parse(""), RESULTS_EMPTY));
	cr_assert(eq(int, parse("\n\r\n"), RESULTS_EMPTY));
	cr_assert(not(eq(ptr, strstr(why, "empty"), NULL)));
}

Test(results_parse, missing_end)
{
	cr_assert(eq(int, parse("nestlab-results 1 producer=l1\nphase 0 cpuid tsc=5\n"
				"exit 0 cpuid 1 2\nstatus 0\n"), RESULTS_INCOMPLETE));
	cr_assert(eq(str, why, "results stream incomplete: no 'end' line after 4 lines"));
	/* What was read is kept. */
	cr_assert(eq(u32, rs.nphases, 1));
	cr_assert(eq(u64, rs.phases[0].exits.c[NESTLAB_EXIT_CPUID].count, 1));
	cr_assert(not(rs.complete));
}

Test(results_parse, cut_mid_line_is_incomplete_not_malformed)
{
	cr_assert(eq(int, parse("nestlab-results 1 producer=l1\nphase 0 cpuid tsc=5\nexi"),
		     RESULTS_INCOMPLETE));
	cr_assert(eq(str, why, "results stream incomplete: cut short in line 3"));
	cr_assert(eq(int, parse("nestlab-results 1 producer=l1\nexi\nstatus 0\nend\n"),
		     RESULTS_MALFORMED));
}

static void malformed(const char *text, const char *reason)
{
	cr_assert(eq(int, parse(text), RESULTS_MALFORMED), "%s", text);
	cr_assert(eq(str, why, (char *)reason), "%s", text);
}

#define HDR "nestlab-results 1 producer=l1\n"

Test(results_parse, garbage_lines_rejected_with_reason)
{
	malformed("hello\n", "results line 1: expected the 'nestlab-results' header first");
	malformed("nestlab-results 2 producer=l1\n",
		  "results line 1: format version 2, this launcher reads 1");
	malformed("nestlab-results 1 producer=l3\n", "results line 1: producer must be l1 or l2");
	malformed("nestlab-results 1\n",
		  "results line 1: header wants 'nestlab-results <version> producer=l1|l2'");
	malformed(HDR "bogus 1 2\n", "results line 2: unknown record 'bogus'");
	malformed(HDR "phase 0 cpuid\n",
		  "results line 2: phase wants 'phase <index> <name> tsc=<ticks>'");
	malformed(HDR "phase 0 cpuid tsc=12a\n", "results line 2: bad phase tsc 'tsc=12a'");
	malformed(HDR "phase 0 cpuid tsc=\n", "results line 2: bad phase tsc 'tsc='");
	malformed(HDR "phase 0 cp/uid tsc=1\n", "results line 2: bad phase name 'cp/uid'");
	malformed(HDR "phase 0 abcdefghijabcdefghijabcdefghij12 tsc=1\n",
		  "results line 2: bad phase name 'abcdefghijabcdefghijabcdefghij12'");
	malformed(HDR "phase 1 cpuid tsc=1\n", "results line 2: phase 1 out of order (expected 0)");
	malformed(HDR "phase x cpuid tsc=1\n", "results line 2: bad phase index 'x'");
	malformed(HDR "phase 0 cpuid  tsc=1\n",
		  "results line 2: phase wants 'phase <index> <name> tsc=<ticks>'");
	malformed(HDR "exit 0 cpuid 1 1\n",
		  "results line 2: exit names phase 0, which was not declared");
	malformed(HDR "exit total cpuid 1\n",
		  "results line 2: exit wants 'exit <index|total> <reason> <count> <cycles>'");
	malformed(HDR "exit total cpuid -1 0\n", "results line 2: bad exit count or cycles");
	malformed(HDR "exit total cpuid 1 18446744073709551616\n",
		  "results line 2: bad exit count or cycles");
	malformed(HDR "exit total cpuid 1 1\nexit total cpuid 2 2\n",
		  "results line 3: exit total cpuid repeated");
	malformed(HDR "status\n", "results line 2: status wants 'status <0..127>'");
	malformed(HDR "status 128\n", "results line 2: status wants 'status <0..127>'");
	malformed(HDR "status 0\nstatus 0\n",
		  "results line 3: only 'error' and 'end' may follow 'status'");
	malformed(HDR "status 0\nphase 0 a tsc=1\n",
		  "results line 3: only 'error' and 'end' may follow 'status'");
	malformed(HDR "end\n", "results line 2: 'end' without a 'status' line");
	malformed(HDR "status 0\nend \n", "results line 3: text after 'end'");
	malformed(HDR "status 0\nend\nphase 0 a tsc=1\n", "results line 4: text after 'end'");
	malformed(HDR "status 0\x01\n", "results line 2: non-printable byte 0x01");
}

Test(results_parse, unknown_reason_name)
{
	malformed(HDR "phase 0 cpuid tsc=1\nexit 0 CPUID 1 1\n",
		  "results line 3: unknown exit reason 'CPUID'");
	malformed(HDR "exit total vmexit_cpuid 1 1\n",
		  "results line 2: unknown exit reason 'vmexit_cpuid'");
	/* Everything before the bad line was kept. */
	cr_assert(eq(str, rs.producer, "l1"));
	cr_assert(eq(int, results_reason_index("excp_ud", 7), NESTLAB_EXIT_EXCP_UD));
	cr_assert(eq(int, results_reason_index("unknown", 7), NESTLAB_EXIT_UNKNOWN));
	cr_assert(eq(int, results_reason_index("cpuid", 4), -1));
}

Test(results_parse, too_many_phases)
{
	char text[4096];
	size_t n = (size_t)snprintf(text, sizeof(text), HDR);

	for (unsigned i = 0; i < NESTLAB_MAX_PHASES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "phase %u p%u tsc=%u\n", i, i, i);
	snprintf(text + n, sizeof(text) - n, "status 0\nend\n");
	cr_assert(eq(int, parse(text), RESULTS_COMPLETE));
	cr_assert(eq(u32, rs.nphases, NESTLAB_MAX_PHASES));
	cr_assert(eq(str, rs.phases[NESTLAB_MAX_PHASES - 1].name, "p15"));

	snprintf(text + n, sizeof(text) - n, "phase 16 p16 tsc=1\nstatus 0\nend\n");
	malformed(text, "results line 18: too many phases (at most 16)");
}

Test(results_parse, error_lines_are_bounded)
{
	char text[8192];
	size_t n = (size_t)snprintf(text, sizeof(text), HDR);

	for (unsigned i = 0; i < RESULTS_ERRORS_MAX + 3; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "error e%u\n", i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "error ");
	memset(text + n, 'x', 400);
	n += 400;
	snprintf(text + n, sizeof(text) - n, "\nerror\nstatus 1\nend\n");
	cr_assert(eq(int, parse(text), RESULTS_COMPLETE));
	cr_assert(eq(u32, rs.nerrors, RESULTS_ERRORS_MAX));
	cr_assert(eq(u32, rs.errors_dropped, 5));
	cr_assert(eq(str, rs.errors[RESULTS_ERRORS_MAX - 1], "e15"));
	cr_assert(eq(u32, rs.status, 1));

	/* A long error line is truncated, an empty one kept as "". */
	cr_assert(eq(int, parse(HDR "error \nerror yyy\nstatus 0\nend\n"), RESULTS_COMPLETE));
	cr_assert(eq(str, rs.errors[0], ""));
	cr_assert(eq(str, rs.errors[1], "yyy"));
}

/* "counter" lines: kept in order with their phase; every malformed form
 * refused with a reason. */
Test(results_parse, counters)
{
	cr_assert(eq(int, parse(HDR "phase 0 getpid tsc=5\nexit 0 cpuid 1 1\n"
				"counter 0 interpose.nr.2 1000\ncounter 0 interpose.nr.6 1\n"
				"phase 1 b tsc=1\ncounter 1 interpose.nr.2 3\nstatus 0\nend\n"),
		     RESULTS_COMPLETE));
	cr_assert(eq(u32, rs.ncounters, 3));
	cr_assert(eq(u32, rs.counters[0].phase, 0));
	cr_assert(eq(str, rs.counters[0].name, "interpose.nr.2"));
	cr_assert(eq(u64, rs.counters[0].value, 1000));
	cr_assert(eq(str, rs.counters[1].name, "interpose.nr.6"));
	cr_assert(eq(u32, rs.counters[2].phase, 1));
	cr_assert(eq(u64, rs.counters[2].value, 3));
	malformed(HDR "counter 0 a 1\n", "results line 2: counter names phase 0, which was not declared");
	malformed(HDR "phase 0 a tsc=1\ncounter 0 a\n",
		  "results line 3: counter wants 'counter <index> <name> <value>'");
	malformed(HDR "phase 0 a tsc=1\ncounter x a 1\n", "results line 3: bad counter phase index 'x'");
	malformed(HDR "phase 0 a tsc=1\ncounter 0 A 1\n", "results line 3: bad counter name 'A'");
	malformed(HDR "phase 0 a tsc=1\ncounter 0 abcdefghijabcdefghijabcdefghij12 1\n",
		  "results line 3: bad counter name 'abcdefghijabcdefghijabcdefghij12'");
	malformed(HDR "phase 0 a tsc=1\ncounter 0 a -1\n", "results line 3: bad counter value '-1'");
	malformed(HDR "phase 0 a tsc=1\ncounter 0 a 1\ncounter 0 a 2\n",
		  "results line 4: counter 0 a repeated");
}

Test(results_parse, too_many_counters)
{
	char text[8192];
	int n = snprintf(text, sizeof(text), HDR "phase 0 a tsc=1\n");

	for (unsigned i = 0; i <= NESTLAB_MAX_COUNTERS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "counter 0 c%u %u\n", i, i);
	cr_assert(eq(int, parse(text), RESULTS_MALFORMED));
	cr_assert(eq(str, why, "results line 67: too many counters (at most 64)"));
	cr_assert(eq(u32, rs.ncounters, NESTLAB_MAX_COUNTERS));
}
