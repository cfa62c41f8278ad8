/*
 * The keys of each section of an experiment file: [matrix] and [case NAME]
 * (the runs), [table], [plot NAME], [fit] and [published NAME]. Each value
 * is checked as it is read, against the launcher's own vocabulary (workload
 * names, transports, exit reasons), and a bad one is reported at its line.
 */
#include "bench_exp_int.h"

#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include <nestlab/interpose.h>
#include <nestlab/procs.h>
#include "bench_expr.h"
#include "cli.h"
#include "results_parse.h"

void bench_case_init(struct bench_case *c)
{
	memset(c, 0, sizeof(*c));
	c->per_iteration = -1;
	c->mbec = c->mbec_tlb = c->batch = c->interpose = c->trampoline = c->retpoline = -1;
}

/* A scalar key of one of the words in want (index into *dst). */
static void case_word(struct bench_ps *ps, const char *name, const char *value,
		      const char *const *want, int *dst)
{
	if (*dst >= 0 && !ps->cont) {
		bench_error(ps->err, ps->path, ps->line, "duplicate key '%s'", name);
		return;
	}
	char words[96] = "";
	size_t k = 0;

	for (int i = 0; want[i]; i++)
		if (!strcmp(value, want[i])) {
			*dst = i;
			return;
		}
	for (int i = 0; want[i] && k < sizeof(words); i++)
		k += (size_t)snprintf(words + k, sizeof(words) - k, "%s%s",
				      i ? (want[i + 1] ? ", " : " or ") : "", want[i]);
	bench_error(ps->err, ps->path, ps->line, "%s '%s': want %s", name, value, words);
}

static const char *const bench_cell_keys[] = {
	"case", "workload", "transport", "npt", "iterations", "level", "l1",
};

static const char *const bench_metrics[] = {
	"tsc", "ticks_per_iter", "exits", "exits_per_iter", "reason_exits",
	"cycles_per_exit", "l1_cycles", "l1_cycles_per_iter", "model_ok",
	"ticks_per_call", "tramp_hit_pct", "tramp_generations",
};

static bool in_table(const char *s, const char *const *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, t[i]))
			return true;
	return false;
}

bool bench_is_cell_key(const char *s)
{
	return in_table(s, bench_cell_keys, sizeof(bench_cell_keys) / sizeof(bench_cell_keys[0]));
}

bool bench_is_metric(const char *s)
{
	return in_table(s, bench_metrics, sizeof(bench_metrics) / sizeof(bench_metrics[0]));
}

/* Adds `value` to list `l`, then checks the new entries with `ok`. */
static void case_list(struct bench_ps *ps, struct bench_list *l, const char *name,
		      const char *value, bool (*ok)(const char *), const char *want)
{
	unsigned from = ps->cont ? l->n : 0;

	if (bench_split_list(ps, l, value))
		return;
	for (unsigned i = from; i < l->n; i++)
		if (!ok(l->v[i]))
			bench_error(ps->err, ps->path, ps->line, "%s '%s': want %s", name,
				    l->v[i], want);
}

static bool ok_workload(const char *s)
{
	return !strcmp(s, "@passing") || cli_workload_valid(s);
}

static bool ok_transport(const char *s)
{
	return bench_key_value_valid("transport", s, NULL);
}

static bool ok_npt(const char *s)
{
	return !strcmp(s, "eager") || !strcmp(s, "lazy");
}

static bool ok_iterations(const char *s)
{
	return bench_key_value_valid("iterations", s, NULL);
}

static bool ok_quick_iterations(const char *s)
{
	unsigned long v;

	return ok_iterations(s) && !cli_parse_ulong(s, &v) && v <= BENCH_QUICK_ITER_MAX;
}

static bool ok_level(const char *s)
{
	return !strcmp(s, "1") || !strcmp(s, "2");
}

static bool ok_l1(const char *s)
{
	return !strcmp(s, "nestlab") || !strcmp(s, "kvm");
}

/* One program of a --procs list (include/nestlab/procs.h). */
static bool ok_procs(const char *s)
{
	struct nestlab_procs p;

	return nestlab_procs_parse(s, strlen(s), &p, NULL, NULL) == NESTLAB_PROCS_OK;
}

/* An L1 command-line word, as --l1-option takes it (cli.h). */
static bool ok_l1_option(const char *s)
{
	return !cli_l1_option_check(s);
}

static void case_mib(struct bench_ps *ps, const char *name, const char *value,
		     unsigned long *dst)
{
	unsigned long v;

	if (*dst && !ps->cont) {
		bench_error(ps->err, ps->path, ps->line, "duplicate key '%s'", name);
		return;
	}
	if (cli_parse_ulong(value, &v) || v < 8 || v > 16384) {
		bench_error(ps->err, ps->path, ps->line, "%s '%s': want MiB in 8..16384",
			    name, value);
		return;
	}
	*dst = v;
}

void bench_key_case(struct bench_ps *ps, struct bench_case *c, const char *name,
		    const char *value)
{
	if (!strcmp(name, "workload")) {
		case_list(ps, &c->workload, name, value, ok_workload,
			  "a workload of `nestlab expect --list` or @passing");
	} else if (!strcmp(name, "transport")) {
		case_list(ps, &c->transport, name, value, ok_transport, "vmmcall or backdoor");
	} else if (!strcmp(name, "npt")) {
		case_list(ps, &c->npt, name, value, ok_npt, "eager or lazy");
	} else if (!strcmp(name, "iterations")) {
		case_list(ps, &c->iterations, name, value, ok_quick_iterations,
			  "1..10000 in the quick matrix (larger N go in iterations_full)");
	} else if (!strcmp(name, "iterations_full")) {
		case_list(ps, &c->iterations_full, name, value, ok_iterations,
			  "an integer in 1..100000000");
	} else if (!strcmp(name, "level")) {
		case_list(ps, &c->level, name, value, ok_level, "1 or 2");
	} else if (!strcmp(name, "l1")) {
		case_list(ps, &c->l1, name, value, ok_l1, "nestlab or kvm");
	} else if (!strcmp(name, "exit")) {
		if (bench_set_text(ps, &c->exit, value))
			return;
		if (strcmp(c->exit, "@hc") && results_reason_index(c->exit, strlen(c->exit)) < 0)
			bench_error(ps->err, ps->path, ps->line, "exit '%s': not an exit reason "
				    "of include/nestlab/exit_reason.h (or @hc, the transport's)",
				    c->exit);
	} else if (!strcmp(name, "per_iteration")) {
		bool b;

		if (!bench_set_bool(ps, name, value, &b))
			c->per_iteration = b;
	} else if (!strcmp(name, "l2mem")) {
		case_mib(ps, name, value, &c->l2mem);
	} else if (!strcmp(name, "mem")) {
		case_mib(ps, name, value, &c->mem);
	} else if (!strcmp(name, "mbec")) {
		static const char *const w[] = { "off", "exec-fault", "intercept", NULL };

		case_word(ps, name, value, w, &c->mbec);
	} else if (!strcmp(name, "mbec_tlb")) {
		static const char *const w[] = { "asid", "flush", NULL };

		case_word(ps, name, value, w, &c->mbec_tlb);
	} else if (!strcmp(name, "batch")) {
		static const char *const w[] = { "off", "kernel", "l1", "both", NULL };

		case_word(ps, name, value, w, &c->batch);
	} else if (!strcmp(name, "interpose")) {
		static const char *const w[] = { NESTLAB_INTERPOSE_VARIANT_WORDS, NULL };

		case_word(ps, name, value, w, &c->interpose);
	} else if (!strcmp(name, "trampoline")) {
		static const char *const w[] = { "off", "global", "process", NULL };

		case_word(ps, name, value, w, &c->trampoline);
	} else if (!strcmp(name, "retpoline")) {
		static const char *const w[] = { "off", "on", NULL };

		case_word(ps, name, value, w, &c->retpoline);
	} else if (!strcmp(name, "procs")) {
		case_list(ps, &c->procs, name, value, ok_procs,
			  "multi's programs in order, at most 8 (--procs: null, cpuid, hypercall, "
			  "pio, getpid, write, dispatch-skewed, dispatch-uniform)");
		if (c->procs.n > NESTLAB_PROCS_MAX)
			bench_error(ps->err, ps->path, ps->line, "procs: more than %u programs",
				    NESTLAB_PROCS_MAX);
	} else if (!strcmp(name, "l1_option")) {
		case_list(ps, &c->l1_option, name, value, ok_l1_option,
			  "KEY=VALUE words for nestlab's L1 (--l1-option: key [a-z0-9_-], "
			  "value printable without spaces or commas)");
	} else {
		bench_error(ps->err, ps->path, ps->line, "[%s]: unknown key '%s' (workload, "
			    "transport, npt, iterations, iterations_full, level, l1, exit, "
			    "per_iteration, l2mem, mem, mbec, mbec_tlb, batch, interpose, l1_option, "
			    "trampoline, retpoline, procs)",
			    ps->section, name);
	}
}

static void check_keys(struct bench_ps *ps, const struct bench_list *l, const char *name,
		       unsigned from)
{
	for (unsigned i = from; i < l->n; i++)
		if (!bench_is_cell_key(l->v[i]))
			bench_error(ps->err, ps->path, ps->line, "%s '%s': not a cell key (case, "
				    "workload, transport, npt, iterations, level, l1)", name,
				    l->v[i]);
}

static void check_metrics(struct bench_ps *ps, const struct bench_list *l, const char *name,
			  unsigned from)
{
	for (unsigned i = from; i < l->n; i++)
		if (!bench_is_metric(l->v[i]))
			bench_error(ps->err, ps->path, ps->line, "%s '%s': unknown metric "
				    "(docs/bench.md lists them)", name, l->v[i]);
}

void bench_key_table(struct bench_ps *ps, struct bench_table *t, const char *name,
		     const char *value)
{
	struct bench_list *l = NULL;
	unsigned from;

	if (!strncmp(name, "ratio ", 6)) {
		struct bench_ratio *r;

		if (ps->cont) {
			bench_set_text(ps, &t->ratios[t->nratios - 1].spec, value);
			return;
		}
		if (t->nratios == BENCH_RATIOS_MAX) {
			bench_error(ps->err, ps->path, ps->line, "more than %d ratios",
				    BENCH_RATIOS_MAX);
			return;
		}
		r = &t->ratios[t->nratios++];
		r->label = strdup(name + 6);
		r->line = ps->line;
		bench_set_text(ps, &r->spec, value);
		return;
	}
	if (!strcmp(name, "rows") || !strcmp(name, "columns"))
		l = name[0] == 'r' ? &t->rows : &t->columns;
	else if (!strcmp(name, "values"))
		l = &t->values;
	if (!l) {
		bench_error(ps->err, ps->path, ps->line, "[table]: unknown key '%s' (rows, "
			    "columns, values, ratio LABEL)", name);
		return;
	}
	from = ps->cont ? l->n : 0;
	if (bench_split_list(ps, l, value))
		return;
	if (l == &t->values)
		check_metrics(ps, l, name, from);
	else
		check_keys(ps, l, name, from);
}

void bench_key_plot(struct bench_ps *ps, struct bench_plot *p, const char *name,
		    const char *value)
{
	if (!strcmp(name, "x")) {
		if (!bench_set_text(ps, &p->x, value) && !bench_is_cell_key(p->x))
			bench_error(ps->err, ps->path, ps->line, "x '%s': not a cell key", p->x);
	} else if (!strcmp(name, "y")) {
		if (!bench_set_text(ps, &p->y, value) && !bench_is_metric(p->y))
			bench_error(ps->err, ps->path, ps->line, "y '%s': unknown metric", p->y);
	} else if (!strcmp(name, "series")) {
		unsigned from = ps->cont ? p->series.n : 0;

		if (!bench_split_list(ps, &p->series, value))
			check_keys(ps, &p->series, name, from);
	} else if (!strcmp(name, "kind")) {
		if (!bench_set_text(ps, &p->kind, value) && strcmp(p->kind, "bar") &&
		    strcmp(p->kind, "line"))
			bench_error(ps->err, ps->path, ps->line, "kind '%s': want bar or line",
				    p->kind);
	} else if (!strcmp(name, "title")) {
		bench_set_text(ps, &p->title, value);
	} else if (!strcmp(name, "logx")) {
		bench_set_bool(ps, name, value, &p->logx);
	} else if (!strcmp(name, "logy")) {
		bench_set_bool(ps, name, value, &p->logy);
	} else {
		bench_error(ps->err, ps->path, ps->line, "[plot %s]: unknown key '%s' (x, y, "
			    "series, kind, title, logx, logy)", p->name, name);
	}
}

void bench_key_fit(struct bench_ps *ps, struct bench_fit *f, const char *name,
		   const char *value)
{
	if (!strcmp(name, "x")) {
		if (!bench_set_text(ps, &f->x, value) && strcmp(f->x, "iterations"))
			bench_error(ps->err, ps->path, ps->line, "x '%s': fits are against "
				    "iterations", f->x);
	} else if (!strcmp(name, "y")) {
		unsigned from = ps->cont ? f->y.n : 0;

		if (!bench_split_list(ps, &f->y, value))
			check_metrics(ps, &f->y, name, from);
	} else if (!strcmp(name, "by")) {
		unsigned from = ps->cont ? f->by.n : 0;

		if (!bench_split_list(ps, &f->by, value))
			check_keys(ps, &f->by, name, from);
	} else if (!strcmp(name, "tolerance_pct")) {
		char *end;

		f->tolerance_pct = strtod(value, &end);
		if (end == value || *end || f->tolerance_pct < 0 || f->tolerance_pct > 100)
			bench_error(ps->err, ps->path, ps->line, "tolerance_pct '%s': want a "
				    "percentage in 0..100", value);
	} else {
		bench_error(ps->err, ps->path, ps->line, "[fit]: unknown key '%s' (x, y, by, "
			    "tolerance_pct)", name);
	}
}

void bench_key_published(struct bench_ps *ps, struct bench_published *p, const char *name,
			 const char *value)
{
	static const char *const keys = "figure, value, unit, source, setup, ours, "
		"ours_unit, ours_setup, same_unit, note";
	char **dst = NULL;

	if (!strcmp(name, "value") && !ps->cont)
		p->value_line = ps->line;
	if (!strcmp(name, "ours") && !ps->cont)
		p->ours_line = ps->line;
	if (!strcmp(name, "figure"))
		dst = &p->figure;
	else if (!strcmp(name, "value"))
		dst = &p->value;
	else if (!strcmp(name, "unit"))
		dst = &p->unit;
	else if (!strcmp(name, "source"))
		dst = &p->source;
	else if (!strcmp(name, "setup"))
		dst = &p->setup;
	else if (!strcmp(name, "ours"))
		dst = &p->ours;
	else if (!strcmp(name, "ours_unit"))
		dst = &p->ours_unit;
	else if (!strcmp(name, "ours_setup"))
		dst = &p->ours_setup;
	else if (!strcmp(name, "note"))
		dst = &p->note;
	if (dst) {
		bench_set_text(ps, dst, value);
		return;
	}
	if (!strcmp(name, "same_unit")) {
		bench_set_bool(ps, name, value, &p->same_unit);
		return;
	}
	bench_error(ps->err, ps->path, ps->line, "[published %s]: unknown key '%s' (%s)",
		    p->name, name, keys);
}
