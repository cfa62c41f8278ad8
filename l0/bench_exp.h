/*
 * Experiment files of `nestlab bench` (experiments/<name>.ini, format in
 * docs/bench.md): what one experiment asks, which runs answer it (a matrix
 * of cases), what its table and plots show and which published figures it
 * is set beside. The parser (bench_exp.c, with inih) reads one file into a
 * struct bench_exp and checks every key and value; each problem is reported
 * as "FILE:LINE: problem", all of them, not only the first.
 */
#ifndef L0_BENCH_EXP_H
#define L0_BENCH_EXP_H

#include <stdbool.h>
#include <stddef.h>

#define BENCH_LIST_MAX       24 /* values of one list key */
#define BENCH_CASES_MAX      32
#define BENCH_RATIOS_MAX     8
#define BENCH_PLOTS_MAX      8
#define BENCH_PUBLISHED_MAX  16
#define BENCH_QUICK_ITER_MAX 10000ul /* quick matrix: make bench in minutes */

/* A space-separated list of values, with the line it was given on. */
struct bench_list {
	unsigned n;
	char *v[BENCH_LIST_MAX];
	int line; /* 0: not given */
};

/* MBEC emulation of nestlab's L1 (docs/mbec.md): the launcher's --mbec. */
enum bench_mbec { BENCH_MBEC_OFF = 0, BENCH_MBEC_EXEC_FAULT = 1, BENCH_MBEC_INTERCEPT = 2 };

/* [matrix] (the defaults) or one [case NAME]: a sub-matrix of runs. */
struct bench_case {
	char *name;                  /* the case's label in tables and plots */
	int line;                    /* first line of the section */
	struct bench_list workload;  /* names, or "@passing" */
	struct bench_list transport; /* vmmcall backdoor */
	struct bench_list npt;       /* eager lazy */
	struct bench_list iterations;
	struct bench_list iterations_full; /* replaces iterations with --full */
	struct bench_list level;     /* 1 2 */
	struct bench_list l1;        /* nestlab kvm */
	char *exit;                  /* the exit reason the case measures */
	int per_iteration;           /* -1 unset, 0 no (fixed probes), 1 yes */
	unsigned long l2mem, mem;    /* 0: the launcher's default */
	int mbec;                    /* -1 unset, else enum bench_mbec */
	int mbec_tlb;                /* -1 unset, 0 asid, 1 flush */
	int batch;                   /* -1 unset, 0 off, 1 kernel, 2 l1: the launcher's --batch */
	int interpose;               /* -1 unset, else enum l0_interpose (--interpose) */
	struct bench_list l1_option; /* KEY=VALUE words, each an --l1-option */
	int trampoline;              /* -1 unset, else enum nestlab_ktramp_mode (--trampoline) */
	int retpoline;               /* -1 unset, 0 off, 1 on: the launcher's --retpoline */
	struct bench_list procs;     /* multi: one program list (--procs) */
};

/* ratio LABEL = METRIC SEL... / SEL...: a table column of two cells' ratio. */
struct bench_ratio {
	char *label;
	char *spec;
	int line;
};

struct bench_table {
	struct bench_list rows, columns, values;
	unsigned nratios;
	struct bench_ratio ratios[BENCH_RATIOS_MAX];
	int line;
};

struct bench_plot {
	char *name;
	char *x, *y, *kind, *title; /* kind: bar or line */
	struct bench_list series;
	bool logx, logy;
	int line;
};

/* [fit]: least-squares lines y = slope * x + intercept, one per group. */
struct bench_fit {
	char *x;                    /* a cell key, "iterations" */
	struct bench_list y, by;    /* metrics; cell keys that form the groups */
	double tolerance_pct;       /* largest residual allowed, % of the value */
	int line;                   /* 0: no [fit] */
};

/* [published NAME]: a figure from the literature set beside one of ours. */
struct bench_published {
	char *name;
	char *figure, *value, *unit, *source, *setup;
	char *ours, *ours_unit, *ours_setup, *note;
	bool same_unit;             /* both figures in one unit: the ratio means something */
	int line, value_line, ours_line;
};

struct bench_exp {
	char *path;
	char *name, *question;
	int name_line, question_line, experiment_line;
	struct bench_case matrix;   /* [matrix]: defaults of every case */
	unsigned ncases;
	struct bench_case cases[BENCH_CASES_MAX];
	struct bench_table table;
	unsigned nplots;
	struct bench_plot plots[BENCH_PLOTS_MAX];
	struct bench_fit fit;
	unsigned npublished;
	struct bench_published published[BENCH_PUBLISHED_MAX];
};

/* Problems found while parsing: "FILE:LINE: ..." lines, newline-ended. */
struct bench_errors {
	char *text;
	size_t len;
	unsigned count;
};

void bench_error(struct bench_errors *e, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void bench_errors_free(struct bench_errors *e);

/* Parses `path` into `x` (zeroed first). 0 when the file is valid; else -1
 * with every problem appended to `err`. Free `x` with bench_exp_free either
 * way. */
int bench_exp_parse(const char *path, struct bench_exp *x, struct bench_errors *err);
void bench_exp_free(struct bench_exp *x);

/* Names of the cell keys (selectors, rows, columns, series) and metrics. */
bool bench_is_cell_key(const char *s);
bool bench_is_metric(const char *s);

#endif
