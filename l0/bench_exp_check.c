/*
 * The checks of an experiment file that need all of it: required keys, the
 * file named after its experiment, every case with a workload (its own or
 * [matrix]'s), and the expressions of ratios and published figures, whose
 * references must name metrics, cell keys and this experiment's cases.
 * Defaults are filled in here (plot kind bar, fit tolerance 1 %).
 */
#include "bench_exp_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "bench_expr.h"

static void check_name(struct bench_exp *x, struct bench_errors *err)
{
	const char *base = strrchr(x->path, '/');
	size_t n;

	base = base ? base + 1 : x->path;
	n = strcspn(base, ".");
	if (!x->name) {
		bench_error(err, x->path, x->experiment_line, "[experiment] has no 'name'");
		return;
	}
	for (const char *p = x->name; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-') {
			bench_error(err, x->path, x->name_line, "name '%s': use a-z, 0-9 and '-'",
				    x->name);
			return;
		}
	if (strlen(x->name) != n || strncmp(x->name, base, n))
		bench_error(err, x->path, x->name_line, "name '%s' differs from the file's name (%.*s)",
			    x->name, (int)n, base);
}

static void check_question(struct bench_exp *x, struct bench_errors *err)
{
	size_t n;

	if (!x->question) {
		bench_error(err, x->path, x->experiment_line, "[experiment] has no 'question'");
		return;
	}
	n = strlen(x->question);
	if (x->question[n - 1] != '?')
		bench_error(err, x->path, x->question_line, "question: one sentence ending in '?'");
}

static void check_cases(struct bench_exp *x, struct bench_errors *err)
{
	if (!x->ncases) {
		bench_error(err, x->path, 0, "no [case NAME] section: nothing to run");
		return;
	}
	for (unsigned i = 0; i < x->ncases; i++) {
		const struct bench_case *c = &x->cases[i];

		if (!c->workload.n && !x->matrix.workload.n)
			bench_error(err, x->path, c->line, "[case %s] has no workload (here or in "
				    "[matrix])", c->name);
	}
}

static void check_table(struct bench_exp *x, struct bench_errors *err)
{
	struct bench_table *t = &x->table;
	char why[200];

	if (!t->line)
		return;
	if (!t->rows.n)
		bench_error(err, x->path, t->line, "[table] has no 'rows'");
	if (!t->values.n)
		bench_error(err, x->path, t->line, "[table] has no 'values'");
	for (unsigned i = 0; i < t->nratios; i++)
		if (bench_ratio_check(t->ratios[i].spec, x, why, sizeof(why)))
			bench_error(err, x->path, t->ratios[i].line, "ratio %s: %s",
				    t->ratios[i].label, why);
}

static void check_plots(struct bench_exp *x, struct bench_errors *err)
{
	for (unsigned i = 0; i < x->nplots; i++) {
		struct bench_plot *p = &x->plots[i];

		if (!p->x || !p->y)
			bench_error(err, x->path, p->line, "[plot %s] needs 'x' and 'y'", p->name);
		if (!p->kind)
			p->kind = strdup("bar");
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(x->plots[j].name, p->name))
				bench_error(err, x->path, p->line, "[plot %s] again (first on line "
					    "%d)", p->name, x->plots[j].line);
	}
}

static void check_fit(struct bench_exp *x, struct bench_errors *err)
{
	struct bench_fit *f = &x->fit;

	if (!f->line)
		return;
	if (!f->x)
		f->x = strdup("iterations");
	if (!f->y.n)
		bench_error(err, x->path, f->line, "[fit] has no 'y'");
	if (f->tolerance_pct == 0)
		f->tolerance_pct = 1.0;
}

static void check_published(struct bench_exp *x, struct bench_errors *err)
{
	char why[200];

	for (unsigned i = 0; i < x->npublished; i++) {
		struct bench_published *p = &x->published[i];
		const char *missing = !p->figure ? "figure" : !p->value ? "value" :
			!p->unit ? "unit" : !p->source ? "source" : !p->setup ? "setup" :
			!p->ours ? "ours" : !p->ours_unit ? "ours_unit" :
			!p->ours_setup ? "ours_setup" : NULL;

		for (unsigned j = 0; j < i; j++)
			if (!strcmp(x->published[j].name, p->name))
				bench_error(err, x->path, p->line, "[published %s] again (first on "
					    "line %d)", p->name, x->published[j].line);
		if (missing) {
			bench_error(err, x->path, p->line, "[published %s] has no '%s'", p->name,
				    missing);
			continue;
		}
		if (bench_value_check(p->value, why, sizeof(why)))
			bench_error(err, x->path, p->value_line, "value: %s", why);
		if (bench_expr_check(p->ours, x, why, sizeof(why)))
			bench_error(err, x->path, p->ours_line, "ours: %s", why);
	}
}

void bench_exp_check(struct bench_exp *x, struct bench_errors *err)
{
	check_name(x, err);
	check_question(x, err);
	check_cases(x, err);
	check_table(x, err);
	check_plots(x, err);
	check_fit(x, err);
	check_published(x, err);
}
