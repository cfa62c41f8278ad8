/*
 * The plan of a bench result set: the expanded matrix with one
 * self-contained shell command per run (repeat k of cell c runs in
 * DIR/runs/<cell>/r<k>/ and leaves result.json, log.txt and rc there),
 * written as DIR/plan.json (everything the collector and the analysis
 * need), DIR/commands.txt (one command a line), DIR/slurm.sbatch (a job
 * array, one task per line) and DIR/parallel.sh (GNU parallel). The local
 * runner executes the very same command lines.
 */
#ifndef L0_BENCH_PLAN_H
#define L0_BENCH_PLAN_H

#include <stdbool.h>
#include <jansson.h>
#include "bench_exp.h"
#include "bench_matrix.h"

#define BENCH_PLAN_FORMAT "nestlab-bench-plan 1"
#define BENCH_GUARD_EXTRA_S 60u /* the outer `timeout` beyond the launcher's own */

struct bench_opts {
	const char *root;        /* repository root: experiments/, analysis/ */
	const char *exp_dir;     /* experiment files */
	const char *launcher;    /* absolute path of the nestlab that runs the cells */
	const char *out;         /* the result set (absolute) */
	const char *accel;       /* --accel for the launcher, NULL: its default */
	bool full;
	bool l1_kvm;             /* the launcher has --l1 */
	unsigned repeat;
	unsigned jobs;
	unsigned timeout_s;      /* the launcher's --timeout */
};

/* The plan object (see docs/bench.md); NULL out of memory. */
json_t *bench_plan_build(const struct bench_exp *x, unsigned nexp,
			 const struct bench_matrix *m, const struct bench_opts *o);

/* Writes plan.json, commands.txt, slurm.sbatch, parallel.sh into o->out
 * (which exists) and creates runs/ and slurm/. 0, or -1 with errno. */
int bench_plan_write(const json_t *plan, const struct bench_opts *o);

/* The command line of repeat `rep` (1-based) of cell `c`, malloc'd. */
char *bench_cell_command(const struct bench_cell *c, unsigned rep, const struct bench_opts *o);

/* Number of runs (available cells x repeat) in a plan object. */
unsigned bench_plan_runs(const json_t *plan);

#endif
