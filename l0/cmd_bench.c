/*
 * The `nestlab bench` driver: options (getopt_long), the experiments, the
 * launcher's abilities (does `run --help` offer --l1?), the matrix, then
 * one of: --list; --plan DIR (write the plan, print how to run it); the
 * default (plan into --out, run it here, collect, manifest, report); or
 * --collect DIR (a plan run elsewhere). Exit status 0 when every available
 * run passed and repeats agree, 1 otherwise, 2 for a bad command line or
 * experiment file.
 */
#include "cmd_bench.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench_collect.h"
#include "bench_exec.h"
#include "bench_manifest.h"
#include "bench_matrix.h"
#include "bench_plan.h"
#include "bench_suite.h"
#include "bench_util.h"
#include "cli.h"
#include "cmd_run.h"
#include "kvm_l1.h"
#include "paths.h"

#define BENCH_TIMEOUT_DEFAULT_S 300u
#define BENCH_PYTHON "/usr/bin/python3"

struct bench_cli {
	bool list, full, no_report, quiet;
	const char *experiments, *out, *plan, *collect, *root, *exp_dir, *launcher, *accel;
	unsigned long jobs, repeat, timeout_s;
};

static void bench_usage(FILE *f)
{
	fputs("usage: nestlab bench [--list] [--experiments LIST] [--full] [--jobs N] [--repeat K]\n"
	      "                     [--out DIR | --plan DIR | --collect DIR] [--timeout S]\n"
	      "                     [--accel auto|kvm|tcg] [--root DIR] [--experiments-dir DIR]\n"
	      "                     [--nestlab PATH] [--no-report] [--quiet]\n"
	      "\n"
	      "Runs the experiments of experiments/*.ini (docs/bench.md), each run a\n"
	      "`nestlab run` child with its own directory, N at a time, and writes a result\n"
	      "set: plan.json, runs/, collected.json, manifest.json and report.md.\n"
	      "\n"
	      "  --list              list the experiments (name, cells, question)\n"
	      "  --experiments LIST  comma-separated experiment names (default: all)\n"
	      "  --full              the full matrix (iterations_full; default the quick one)\n"
	      "  --jobs N            runs at a time (default: the number of cores)\n"
	      "  --repeat K          run each cell K times and flag figures that differ\n"
	      "  --out DIR           the result set (default <dir of nestlab>/bench)\n"
	      "  --plan DIR          write the runs as commands (commands.txt, slurm.sbatch,\n"
	      "                      parallel.sh) instead of running them\n"
	      "  --collect DIR       gather the results of a plan into its report\n"
	      "  --timeout S         each run's launcher --timeout (default 300)\n"
	      "  --accel A           passed to every run (default: the launcher's auto)\n"
	      "  --root DIR          the nestlab tree (experiments/, analysis/)\n"
	      "  --experiments-dir DIR  experiment files (default ROOT/experiments)\n"
	      "  --nestlab PATH      the launcher to run (default this nestlab)\n"
	      "  --no-report         skip the analysis (tables, plots, report.md)\n"
	      "  -q, --quiet         no progress, only the summary\n"
	      "\n"
	      "Exit status: 0 every available run passed (and repeats agree under icount),\n"
	      "1 a run failed, timed out or differed, or the report failed, 2 bad command\n"
	      "line or experiment file.\n", f);
}

static int bench_bad(const char *fmt, const char *arg)
{
	fputs("nestlab bench: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'nestlab bench --help'.\n", stderr);
	return L0_EXIT_CONFIG;
}

static int parse_count(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	return cli_parse_ulong(s, out) || *out < lo || *out > hi ? -1 : 0;
}

/* 0 parsed, 1 help printed, 2 bad command line. */
static int bench_parse(int argc, char **argv, struct bench_cli *c)
{
	enum { O_ROOT = 256, O_EXPDIR, O_NESTLAB, O_NOREPORT, O_TIMEOUT, O_ACCEL };
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "experiments", required_argument, NULL, 'e' },
		{ "full", no_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "plan", required_argument, NULL, 'p' },
		{ "collect", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "accel", required_argument, NULL, O_ACCEL },
		{ "root", required_argument, NULL, O_ROOT },
		{ "experiments-dir", required_argument, NULL, O_EXPDIR },
		{ "nestlab", required_argument, NULL, O_NESTLAB },
		{ "no-report", no_argument, NULL, O_NOREPORT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	memset(c, 0, sizeof(*c));
	c->repeat = 1;
	c->timeout_s = BENCH_TIMEOUT_DEFAULT_S;
	c->jobs = (unsigned long)sysconf(_SC_NPROCESSORS_ONLN);
	opterr = 0;
	optind = 1;
	while ((o = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
		switch (o) {
		case 'l': c->list = true; break;
		case 'e': c->experiments = optarg; break;
		case 'f': c->full = true; break;
		case 'o': c->out = optarg; break;
		case 'p': c->plan = optarg; break;
		case 'c': c->collect = optarg; break;
		case 'q': c->quiet = true; break;
		case O_ROOT: c->root = optarg; break;
		case O_EXPDIR: c->exp_dir = optarg; break;
		case O_NESTLAB: c->launcher = optarg; break;
		case O_NOREPORT: c->no_report = true; break;
		case 'j':
			if (parse_count(optarg, 1, 256, &c->jobs))
				return bench_bad("--jobs '%s': want 1..256", optarg);
			break;
		case 'r':
			if (parse_count(optarg, 1, 100, &c->repeat))
				return bench_bad("--repeat '%s': want 1..100", optarg);
			break;
		case O_TIMEOUT:
			if (parse_count(optarg, 1, 86400, &c->timeout_s))
				return bench_bad("--timeout '%s': want seconds in 1..86400", optarg);
			break;
		case O_ACCEL:
			if (strcmp(optarg, "auto") && strcmp(optarg, "kvm") && strcmp(optarg, "tcg"))
				return bench_bad("--accel '%s': want auto, kvm or tcg", optarg);
			c->accel = optarg;
			break;
		case 'h':
			bench_usage(stdout);
			return 1;
		case ':':
			return bench_bad("option '%s' needs a value", argv[optind - 1]);
		default:
			return bench_bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bench_bad("unexpected argument '%s'", argv[optind]);
	if (!!c->out + !!c->plan + !!c->collect > 1)
		return bench_bad("%s", "--out, --plan and --collect exclude each other");
	if (c->list && (c->plan || c->collect))
		return bench_bad("%s", "--list runs nothing: no --plan or --collect with it");
	return 0;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* --root, else the working directory if it is a nestlab tree, else the
 * folder above the nestlab binary (build/nestlab -> the tree). */
static char *find_root(const char *given)
{
	char *up;

	if (given)
		return bench_abspath(given);
	if (is_dir("experiments") && is_dir("analysis"))
		return bench_abspath(".");
	up = paths_beside_self("..");
	if (up) {
		char real[PATH_MAX];

		if (realpath(up, real)) {
			free(up);
			return strdup(real);
		}
	}
	return up;
}

static int mentions_l1(const char *text)
{
	for (const char *p = strstr(text, "--l1"); p; p = strstr(p + 1, "--l1")) {
		char c = p[4];

		if (c != '-' && c != '_' && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9'))
			return 1;
	}
	return 0;
}

/* The KVM cells run only where the launcher's --l1 kvm has its L1 Linux
 * (`make kvm-l1`, docs/kvm-l1.md): the kernel beside the launcher. */
static bool kvm_l1_built(const char *launcher)
{
	char *dir = strdup(launcher), *kernel = NULL;
	bool ok = false;

	if (dir && asprintf(&kernel, "%s/" KVM_L1_KERNEL_REL, dirname(dir)) >= 0)
		ok = access(kernel, R_OK) == 0;
	free(kernel);
	free(dir);
	return ok;
}

/* A result set folder may be replaced; anything else non-empty is refused. */
static int prepare_dir(const char *dir)
{
	char *plan = bench_fmt("%s/plan.json", dir);
	bool ours = plan && !access(plan, F_OK);

	free(plan);
	if (ours) {
		bench_rmtree(dir);
	} else if (is_dir(dir) && rmdir(dir)) {
		fprintf(stderr, "nestlab bench: %s exists and is no bench result set (no "
			"plan.json): not overwriting it\n", dir);
		return -1;
	}
	if (bench_mkdirs(dir)) {
		fprintf(stderr, "nestlab bench: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int run_analysis(const char *root, const char *dir, bool quiet)
{
	char *script = bench_fmt("%s/analysis/bench_report.py", root);
	pid_t pid;
	int st = 0;

	if (!script || access(script, R_OK)) {
		fprintf(stderr, "nestlab bench: no analysis at %s\n", script ? script : "?");
		free(script);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		/* Debian's python3 (python3-pandas, python3-matplotlib), not another one
		 * first in PATH; NESTLAB_PYTHON overrides */
		const char *py = getenv("NESTLAB_PYTHON");

		if (!py || !*py)
			py = access(BENCH_PYTHON, X_OK) ? "python3" : BENCH_PYTHON;
		execlp(py, py, script, dir, quiet ? "--quiet" : (char *)NULL, (char *)NULL);
		fprintf(stderr, "nestlab bench: cannot run %s: %s\n", py, strerror(errno));
		_exit(127);
	}
	free(script);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void list_experiments(const struct bench_suite *s, bool l1_kvm)
{
	printf("%-12s %6s %6s  %s\n", "experiment", "quick", "full", "question");
	for (unsigned i = 0; i < s->n; i++) {
		struct bench_matrix q = { 0 }, f = { 0 };
		struct bench_matrix_opts oq = { false, l1_kvm }, of = { true, l1_kvm };

		bench_matrix_add(&q, 0, &s->x[i], &oq);
		bench_matrix_add(&f, 0, &s->x[i], &of);
		printf("%-12s %6u %6u  %s\n", s->x[i].name, q.ncells, f.ncells, s->x[i].question);
		bench_matrix_free(&q);
		bench_matrix_free(&f);
	}
	printf("(cells: distinct runs of the quick and the --full matrix)\n");
}

/* Collect, manifest and report of `dir`; the summary; the exit status. */
static int finish(const char *dir, const json_t *plan, const char *root, const char *mode,
		  const struct bench_cli *c)
{
	struct bench_tally t;
	bool report_ok = true;

	if (bench_collect(dir, plan, &t, stdout)) {
		fprintf(stderr, "nestlab bench: cannot write %s/collected.json: %s\n", dir,
			strerror(errno));
		return L0_EXIT_FAIL;
	}
	if (bench_manifest_write(dir, plan, root, mode, (unsigned)c->jobs))
		fprintf(stderr, "nestlab bench: cannot write %s/manifest.json\n", dir);
	if (!c->no_report)
		report_ok = !run_analysis(root, dir, c->quiet);
	printf("bench: %u runs: %u passed, %u failed, %u timed out, %u not run", t.runs,
	       t.passed, t.failed, t.timed_out, t.not_run);
	if (t.unavailable)
		printf("; %u cells not available", t.unavailable);
	printf("\n");
	if (json_integer_value(json_object_get(plan, "repeat")) > 1)
		printf("bench: repeats: %u cells differ under icount%s%s\n", t.differ,
		       t.vary ? ", cells that vary without icount: " : "",
		       t.vary ? "see the report" : "");
	if (!c->no_report)
		printf("bench: report %s/report.md%s\n", dir, report_ok ? "" : " (FAILED)");
	return t.failed || t.timed_out || t.not_run || t.differ || !report_ok ? L0_EXIT_FAIL
		: L0_EXIT_PASS;
}

static int do_collect(const struct bench_cli *c, const char *root)
{
	char *dir = bench_abspath(c->collect), *p = bench_fmt("%s/plan.json", dir), why[400];
	json_t *plan = bench_json_load(p, why, sizeof(why));
	int rc;

	free(p);
	if (!plan) {
		fprintf(stderr, "nestlab bench --collect: %s (is %s a bench plan?)\n", why, dir);
		free(dir);
		return L0_EXIT_CONFIG;
	}
	rc = finish(dir, plan, root, "collect", c);
	json_decref(plan);
	free(dir);
	return rc;
}

static int do_run(const struct bench_cli *c, const struct bench_opts *o, const json_t *plan)
{
	const json_t *cells = json_object_get(plan, "cells"), *cell, *r;
	unsigned n = bench_plan_runs(plan), k = 0;
	struct bench_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
	char **names = calloc(n ? n : 1, sizeof(char *)), **dirs = calloc(n ? n : 1, sizeof(char *));
	struct bench_exec_opts eo = {
		.jobs = (unsigned)c->jobs, .guard_s = o->timeout_s + BENCH_GUARD_EXTRA_S + 30,
		.tty = isatty(STDOUT_FILENO), .quiet = c->quiet, .out = stdout,
	};
	bool interrupted;
	size_t i, j;
	int rc;

	if (!jobs || !names || !dirs)
		return L0_EXIT_FAIL;
	json_array_foreach(cells, i, cell)
		json_array_foreach(json_object_get(cell, "runs"), j, r) {
			const char *id = json_string_value(json_object_get(cell, "id"));

			names[k] = o->repeat > 1 ? bench_fmt("%s#%d", id,
				(int)json_integer_value(json_object_get(r, "rep"))) : strdup(id);
			dirs[k] = bench_fmt("%s/%s", o->out,
					    json_string_value(json_object_get(r, "dir")));
			jobs[k].name = names[k];
			jobs[k].dir = dirs[k];
			jobs[k].command = json_string_value(json_object_get(r, "command"));
			k++;
		}
	if (!c->quiet)
		printf("bench: %u runs, %u at a time, results in %s\n", n, eo.jobs, o->out);
	fflush(stdout);
	bench_exec(jobs, n, &eo, &interrupted);
	if (interrupted)
		fprintf(stderr, "nestlab bench: interrupted; collecting what ran\n");
	rc = finish(o->out, plan, o->root, "bench", c);
	for (k = 0; k < n; k++) {
		free(names[k]);
		free(dirs[k]);
	}
	free(names);
	free(dirs);
	free(jobs);
	return interrupted ? L0_EXIT_FAIL : rc;
}

static void print_plan_help(const struct bench_opts *o, unsigned n)
{
	printf("bench: plan of %u runs in %s\n"
	       "  one command a line:  %s/commands.txt\n"
	       "  GNU parallel:        sh %s/parallel.sh      (JOBS=N to change %u)\n"
	       "  Slurm job array:     sbatch --wait %s/slurm.sbatch\n"
	       "  then:                %s bench --collect %s\n",
	       n, o->out, o->out, o->out, o->jobs, o->out, o->launcher, o->out);
}

int cmd_bench(int argc, char **argv)
{
	struct bench_cli c;
	struct bench_suite s = { 0 };
	struct bench_errors err = { 0 };
	struct bench_matrix m = { 0 };
	struct bench_opts o = { 0 };
	char *root = NULL, *expdir = NULL, *launcher = NULL, *out = NULL;
	char *help_argv[4];
	json_t *plan = NULL;
	int rc;

	rc = bench_parse(argc, argv, &c);
	if (rc)
		return rc == 1 ? L0_EXIT_PASS : L0_EXIT_CONFIG;
	root = find_root(c.root);
	if (c.collect) {
		rc = do_collect(&c, root);
		goto out;
	}
	expdir = c.exp_dir ? bench_abspath(c.exp_dir) : bench_fmt("%s/experiments", root);
	if (bench_suite_load(expdir, c.experiments, &s, &err)) {
		fputs(err.text ? err.text : "nestlab bench: cannot load the experiments\n", stderr);
		rc = L0_EXIT_CONFIG;
		goto out;
	}
	launcher = c.launcher ? bench_abspath(c.launcher) : paths_beside_self("nestlab");
	if (!c.launcher) {
		char self[PATH_MAX];
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (len > 0) {
			self[len] = '\0';
			free(launcher);
			launcher = strdup(self);
		}
	}
	help_argv[0] = launcher;
	help_argv[1] = "run";
	help_argv[2] = "--help";
	help_argv[3] = NULL;
	o.l1_kvm = bench_output_matches(help_argv, mentions_l1) && kvm_l1_built(launcher);
	if (c.list) {
		list_experiments(&s, o.l1_kvm);
		rc = L0_EXIT_PASS;
		goto out;
	}
	out = c.plan ? bench_abspath(c.plan) : c.out ? bench_abspath(c.out)
		: paths_beside_self("bench");
	o.root = root;
	o.exp_dir = expdir;
	o.launcher = launcher;
	o.out = out;
	o.accel = c.accel;
	o.full = c.full;
	o.repeat = (unsigned)c.repeat;
	o.jobs = (unsigned)c.jobs;
	o.timeout_s = (unsigned)c.timeout_s;
	for (unsigned i = 0; i < s.n; i++)
		if (bench_matrix_add(&m, i, &s.x[i], &(struct bench_matrix_opts){ o.full, o.l1_kvm })) {
			rc = L0_EXIT_FAIL;
			goto out;
		}
	plan = bench_plan_build(s.x, s.n, &m, &o);
	if (!plan || prepare_dir(out) || bench_plan_write(plan, &o)) {
		if (plan)
			fprintf(stderr, "nestlab bench: cannot write the plan into %s: %s\n", out,
				strerror(errno));
		rc = L0_EXIT_FAIL;
		goto out;
	}
	if (!o.l1_kvm && !c.quiet)
		for (unsigned i = 0; i < m.ncells; i++)
			if (m.cells[i].l1 == BENCH_L1_KVM) {
				printf("bench: %s run has no --l1, or no L1 Linux beside it "
				       "(make kvm-l1): the KVM-as-L1 cells are marked not "
				       "available\n", launcher);
				break;
			}
	if (c.plan) {
		print_plan_help(&o, bench_plan_runs(plan));
		rc = L0_EXIT_PASS;
		goto out;
	}
	rc = do_run(&c, &o, plan);
out:
	json_decref(plan);
	bench_matrix_free(&m);
	bench_suite_free(&s);
	bench_errors_free(&err);
	free(root);
	free(expdir);
	free(launcher);
	free(out);
	return rc;
}
