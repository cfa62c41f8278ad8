/*
 * Criterion tests of the experiment-file parser (bench_exp*.c) and the
 * expression checks (bench_expr.c): a valid file reads into the right
 * fields; each kind of mistake is reported as "FILE:LINE: problem" with the
 * line it is on, and all of a file's mistakes are reported, not the first.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench_exp.h"
#include "bench_expr.h"

static char dir[] = "/tmp/nestlab-test-exp.XXXXXX";
static char path[256];
static struct bench_exp x;
static struct bench_errors err;

static void setup(void)
{
	cr_assert(mkdtemp(dir) != NULL);
}

static void teardown(void)
{
	bench_exp_free(&x);
	bench_errors_free(&err);
	unlink(path);
	rmdir(dir);
}

TestSuite(bench_exp, .init = setup, .fini = teardown);

/* Writes `text` as DIR/<name>.ini and parses it. */
static int parse(const char *name, const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.ini", dir, name);
	f = fopen(path, "w");
	cr_assert(f != NULL);
	fputs(text, f);
	fclose(f);
	return bench_exp_parse(path, &x, &err);
}

/* Whether the errors hold "<path>:<line>: " followed by `what`. */
static bool has_error(int line, const char *what)
{
	char want[512];

	snprintf(want, sizeof(want), "%s:%d: %s", path, line, what);
	return err.text && strstr(err.text, want);
}

#define HEAD "[experiment]\nname = t\nquestion = Does it parse?\n"

Test(bench_exp, valid_file)
{
	int rc = parse("t", HEAD
		       "[matrix]\n"
		       "iterations = 100 1000\n"
		       "iterations_full = 100000\n"
		       "level = 1 2\n"
		       "[case cpuid]\n"
		       "workload = cpuid\n"
		       "exit = cpuid\n"
		       "[case lazy]\n"
		       "workload = pagefault\n"
		       "npt = lazy\n"
		       "l2mem = 512\n"
		       "per_iteration = no\n"
		       "[table]\n"
		       "rows = case\n"
		       "columns = level\n"
		       "values = ticks_per_iter cycles_per_exit\n"
		       "ratio nested = ticks_per_iter level=2 / level=1\n"
		       "[plot p]\n"
		       "x = case\n"
		       "y = ticks_per_iter\n"
		       "series = level l1\n"
		       "logy = yes\n"
		       "[published k]\n"
		       "figure = a figure\n"
		       "value = 18890 / 8304\n"
		       "unit = ratio\n"
		       "source = somebody, 2018\n"
		       "setup = hardware\n"
		       "ours = ticks_per_iter[case=cpuid level=2] / ticks_per_iter[case=cpuid level=1]\n"
		       "ours_unit = ratio\n"
		       "ours_setup = TCG\n"
		       "same_unit = yes\n");

	cr_assert(eq(int, rc, 0), "%s", err.text ? err.text : "");
	cr_assert(eq(str, x.name, "t"));
	cr_assert(eq(str, x.question, "Does it parse?"));
	cr_assert(eq(u32, x.matrix.iterations.n, 2));
	cr_assert(eq(str, x.matrix.iterations.v[1], "1000"));
	cr_assert(eq(u32, x.ncases, 2));
	cr_assert(eq(str, x.cases[1].name, "lazy"));
	cr_assert(eq(str, x.cases[1].npt.v[0], "lazy"));
	cr_assert(eq(u64, x.cases[1].l2mem, 512));
	cr_assert(eq(int, x.cases[1].per_iteration, 0));
	cr_assert(eq(int, x.cases[0].per_iteration, -1));
	cr_assert(eq(u32, x.table.nratios, 1));
	cr_assert(eq(str, x.table.ratios[0].label, "nested"));
	cr_assert(eq(u32, x.nplots, 1));
	cr_assert(eq(str, x.plots[0].kind, "bar"));
	cr_assert(x.plots[0].logy);
	cr_assert(eq(u32, x.npublished, 1));
	cr_assert(x.published[0].same_unit);
	cr_assert(eq(int, x.published[0].ours_line, 32));
}

Test(bench_exp, continuation_lines_join)
{
	cr_assert(eq(int, parse("t", "[experiment]\nname = t\nquestion = Is this\n"
				"  one question?\n[case a]\nworkload = cpuid\n  pio\n"), 0));
	cr_assert(eq(str, x.question, "Is this one question?"));
	cr_assert(eq(u32, x.cases[0].workload.n, 2));
	cr_assert(eq(str, x.cases[0].workload.v[1], "pio"));
}

Test(bench_exp, unknown_key_names_its_line)
{
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = cpuid\nworkloads = pio\n"), -1));
	cr_assert(has_error(6, "[case a]: unknown key 'workloads'"), "%s", err.text);
}

Test(bench_exp, bad_values_name_their_lines)
{
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = cpuid nosuch\n"
				"transport = vmcall\nlevel = 3\nl1 = xen\nnpt = lazyy\n"
				"exit = cpuidd\nl2mem = 4\n"), -1));
	cr_assert(has_error(5, "workload 'nosuch'"), "%s", err.text);
	cr_assert(has_error(6, "transport 'vmcall'"), "%s", err.text);
	cr_assert(has_error(7, "level '3'"), "%s", err.text);
	cr_assert(has_error(8, "l1 'xen'"), "%s", err.text);
	cr_assert(has_error(9, "npt 'lazyy'"), "%s", err.text);
	cr_assert(has_error(10, "exit 'cpuidd'"), "%s", err.text);
	cr_assert(has_error(11, "l2mem '4'"), "%s", err.text);
	cr_assert(eq(u32, err.count, 7));
}

Test(bench_exp, quick_iterations_capped)
{
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = cpuid\niterations = 100000\n"), -1));
	cr_assert(has_error(6, "iterations '100000': want 1..10000 in the quick matrix"),
		  "%s", err.text);
}

Test(bench_exp, syntax_errors)
{
	cr_assert(eq(int, parse("t", HEAD "[case a\nworkload cpuid\n  stray\n"), -1));
	cr_assert(has_error(4, "section header without ']'"), "%s", err.text);
	cr_assert(has_error(5, "want 'key = value'"), "%s", err.text);
}

Test(bench_exp, indented_line_without_key)
{
	cr_assert(eq(int, parse("t", HEAD "[case a]\n  workload = cpuid\n"), -1));
	cr_assert(has_error(5, "indented line continues no key"), "%s", err.text);
}

Test(bench_exp, unknown_section_and_duplicates)
{
	cr_assert(eq(int, parse("t", HEAD "[cases a]\nworkload = cpuid\n[case b]\n"
				"workload = cpuid\nworkload = pio\n[case b]\nworkload = pio\n"), -1));
	cr_assert(has_error(4, "unknown section [cases a]"), "%s", err.text);
	cr_assert(has_error(8, "duplicate key (first on line 7)"), "%s", err.text);
	cr_assert(has_error(9, "[case b] again (first on line 6)"), "%s", err.text);
}

Test(bench_exp, whole_file_checks)
{
	cr_assert(eq(int, parse("t", "[experiment]\nname = other\nquestion = no question\n"
				"[case a]\nexit = cpuid\n"), -1));
	cr_assert(has_error(2, "name 'other' differs from the file's name (t)"), "%s", err.text);
	cr_assert(has_error(3, "question: one sentence ending in '?'"), "%s", err.text);
	cr_assert(has_error(4, "[case a] has no workload"), "%s", err.text);
}

Test(bench_exp, missing_experiment_keys)
{
	cr_assert(eq(int, parse("t", "[experiment]\nname = t\n[case a]\nworkload = cpuid\n"), -1));
	cr_assert(has_error(1, "[experiment] has no 'question'"), "%s", err.text);
}

Test(bench_exp, published_checks)
{
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = cpuid\n"
				"[published p]\nfigure = f\nvalue = 6 .. x\nunit = u\nsource = s\n"
				"setup = s\nours = ticks_per_iter[case=b]\nours_unit = u\n"
				"ours_setup = s\n"
				"[published q]\nfigure = f\n"), -1));
	cr_assert(has_error(8, "value: column 6: 'x': only numbers here"), "%s", err.text);
	cr_assert(has_error(12, "ours: column 21: 'b' is no valid case of this experiment"),
		  "%s", err.text);
	cr_assert(has_error(15, "[published q] has no 'value'"), "%s", err.text);
}

Test(bench_exp, table_ratio_checked)
{
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = cpuid\n[table]\nrows = case\n"
				"values = ticks\nratio r = ticks_per_iter level=2 level=1\n"), -1));
	cr_assert(has_error(8, "values 'ticks': unknown metric"), "%s", err.text);
	cr_assert(has_error(9, "ratio r: column 31: want '/'"), "%s", err.text);
}

Test(bench_exp, missing_file)
{
	snprintf(path, sizeof(path), "%s/none.ini", dir);
	cr_assert(eq(int, bench_exp_parse(path, &x, &err), -1));
	cr_assert(strstr(err.text, "none.ini: cannot open") != NULL);
}

Test(bench_expr, grammar)
{
	char why[200];

	cr_assert(eq(int, bench_expr_check("100 * (tsc[level=2] / tsc[level=1] - 1)", NULL,
					   why, sizeof(why)), 0), "%s", why);
	cr_assert(eq(int, bench_expr_check("-3 + 4.5e2", NULL, why, sizeof(why)), 0));
	cr_assert(eq(int, bench_expr_check("tsc[level=2", NULL, why, sizeof(why)), -1));
	cr_assert(eq(str, why, "column 12: missing ']'"));
	cr_assert(eq(int, bench_expr_check("tsc[lvl=2]", NULL, why, sizeof(why)), -1));
	cr_assert(strstr(why, "unknown key 'lvl'") != NULL);
	cr_assert(eq(int, bench_expr_check("cycles[level=2]", NULL, why, sizeof(why)), -1));
	cr_assert(strstr(why, "unknown metric 'cycles'") != NULL);
	cr_assert(eq(int, bench_expr_check("(1 + 2", NULL, why, sizeof(why)), -1));
	cr_assert(eq(int, bench_expr_check("1 2", NULL, why, sizeof(why)), -1));
	cr_assert(eq(int, bench_value_check("6..8", why, sizeof(why)), 0), "%s", why);
	cr_assert(eq(int, bench_value_check("18890 / 8304", why, sizeof(why)), 0));
	cr_assert(eq(int, bench_value_check("1 .. 2 .. 3", why, sizeof(why)), -1));
	cr_assert(eq(int, bench_ratio_check("tsc npt=lazy / npt=eager", NULL, why,
					    sizeof(why)), 0), "%s", why);
	cr_assert(eq(int, bench_ratio_check("tsc npt=lazy", NULL, why, sizeof(why)), -1));
	cr_assert(eq(int, bench_selectors_check("level=2 l1=kvm iterations=100", NULL, why,
						sizeof(why)), 0));
	cr_assert(eq(int, bench_selectors_check("iterations=0", NULL, why, sizeof(why)), -1));
}

/* l1_option words are checked as --l1-option checks them, each at its line. */
Test(bench_exp, l1_option_words_checked)
{
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = cpuid\n"
				"l1_option = l1_trampoline=on noequals\n"
				"  =x Key=v\n"), -1));
	cr_assert(has_error(6, "l1_option 'noequals': want KEY=VALUE words for nestlab's L1"),
		  "%s", err.text);
	cr_assert(has_error(7, "l1_option '=x': want KEY=VALUE"), "%s", err.text);
	cr_assert(has_error(7, "l1_option 'Key=v': want KEY=VALUE"), "%s", err.text);
	cr_assert(not(has_error(6, "l1_option 'l1_trampoline=on'")), "%s", err.text);
	bench_exp_free(&x);
	bench_errors_free(&err);
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = cpuid\n"
				"l1_option = l1_retpoline=on l1_trampoline=on\n"), 0), "%s",
		  err.text);
	cr_assert(eq(u32, x.cases[0].l1_option.n, 2));
	cr_assert(eq(str, x.cases[0].l1_option.v[1], "l1_trampoline=on"));
}

/* trampoline (off global process), retpoline (on off), procs (programs). */
Test(bench_exp, trampoline_keys_checked)
{
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = multi\ntrampoline = always\n"
				"retpoline = maybe\nprocs = getpid pagefault\n"), -1));
	cr_assert(has_error(6, "trampoline 'always': want off, global or process"), "%s",
		  err.text);
	cr_assert(has_error(7, "retpoline 'maybe': want off or on"), "%s", err.text);
	cr_assert(has_error(8, "procs 'pagefault'"), "%s", err.text);
	cr_assert(eq(u32, err.count, 3));
	bench_exp_free(&x);
	bench_errors_free(&err);
	cr_assert(eq(int, parse("t", HEAD "[case a]\nworkload = multi\ntrampoline = process\n"
				"retpoline = off\nprocs = dispatch-skewed write\n"), 0), "%s",
		  err.text);
	cr_assert(eq(int, x.cases[0].trampoline, 2));
	cr_assert(eq(int, x.cases[0].retpoline, 0));
	cr_assert(eq(u32, x.cases[0].procs.n, 2));
}
