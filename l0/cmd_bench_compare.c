/*
 * `nestlab bench-compare A B [--threshold PCT] [--changed]`: the figures
 * of two result sets (their collected.json), cell by cell and figure by
 * figure: each phase's TSC and its exits and L1 cycles per reason, the
 * median of a cell's passing repeats. Prints A, B and the delta in percent
 * of A; exits 1 when a delta is past the threshold (default 1 %), when a
 * figure is in one set only, or when a cell that passed in A does not in B.
 * Cells run in only one of the sets are counted, not judged.
 */
#include "cmd_bench.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_util.h"
#include "cmd_run.h"

struct cmp {
	double threshold;
	bool changed_only;
	unsigned figures, changed, past, only_a_cells, only_b_cells, regressed;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Adds "<phase> <what>.<reason>" (or "<phase> tsc") -> value to `flat`. */
static void flatten_run(json_t *acc, const json_t *figures)
{
	const json_t *p, *v;
	const char *r;
	size_t i;

	json_array_foreach(json_object_get(figures, "phases"), i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		char key[160];
		const char *what[] = { "exits", "l1_cycles" };

		snprintf(key, sizeof(key), "%s tsc", name ? name : "?");
		if (json_is_number(json_object_get(p, "tsc"))) {
			json_t *a = json_object_get(acc, key);

			if (!a)
				json_object_set_new(acc, key, a = json_array());
			json_array_append_new(a, json_real(json_number_value(json_object_get(p,
								"tsc"))));
		}
		for (unsigned w = 0; w < 2; w++)
			json_object_foreach((json_t *)json_object_get(p, what[w]), r, v) {
				json_t *a;

				snprintf(key, sizeof(key), "%s %s.%s", name ? name : "?", what[w], r);
				a = json_object_get(acc, key);
				if (!a)
					json_object_set_new(acc, key, a = json_array());
				json_array_append_new(a, json_real(json_number_value(v)));
			}
	}
}

/* figure -> median over the cell's passing runs; NULL if none passed. */
static json_t *cell_figures(const json_t *cell)
{
	json_t *acc = json_object(), *out = json_object(), *a;
	const json_t *r;
	const char *k;
	size_t i;
	bool any = false;

	json_array_foreach(json_object_get(cell, "runs"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "state")) ?: "", "pass"))
			continue;
		any = true;
		flatten_run(acc, json_object_get(r, "figures"));
	}
	json_object_foreach(acc, k, a) {
		size_t n = json_array_size(a);
		double *v = calloc(n, sizeof(double)), med;

		for (i = 0; i < n; i++)
			v[i] = json_real_value(json_array_get(a, i));
		qsort(v, n, sizeof(double), cmp_double);
		med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		json_object_set_new(out, k, json_real(med));
		free(v);
	}
	json_decref(acc);
	if (!any) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static const json_t *find_cell(const json_t *collected, const char *id)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(collected, "cells"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "id")) ?: "", id))
			return c;
	return NULL;
}

static void print_row(struct cmp *s, const char *cell, const char *fig, const json_t *a,
		      const json_t *b)
{
	double va = a ? json_real_value(a) : NAN, vb = b ? json_real_value(b) : NAN;
	double d = a && b ? (va == vb ? 0 : va ? 100.0 * (vb - va) / fabs(va) : INFINITY) : NAN;
	bool past = !a || !b || fabs(d) > s->threshold;
	char da[32], db[32], dd[32];

	s->figures++;
	s->changed += !a || !b || va != vb;
	s->past += past;
	if (s->changed_only && a && b && va == vb)
		return;
	snprintf(da, sizeof(da), a ? "%.0f" : "-", va);
	snprintf(db, sizeof(db), b ? "%.0f" : "-", vb);
	if (a && b)
		snprintf(dd, sizeof(dd), "%+.2f%%", d);
	else
		snprintf(dd, sizeof(dd), "%s", a ? "only in A" : "only in B");
	printf("%-44s %-26s %12s %12s %10s%s\n", cell, fig, da, db, dd, past ? "  !" : "");
}

static void compare_cell(struct cmp *s, const char *id, const json_t *ca, const json_t *cb)
{
	json_t *fa = cell_figures(ca), *fb = cell_figures(cb), *v;
	const char *k;

	if (fa && !fb) {
		printf("%-44s %-26s %12s %12s %10s  !\n", id, "(cell)", "pass",
		       json_string_value(json_object_get(cb, "state")) ?: "?", "regressed");
		s->regressed++;
	}
	if (fa && fb) {
		json_object_foreach(fa, k, v)
			print_row(s, id, k, v, json_object_get(fb, k));
		json_object_foreach(fb, k, v)
			if (!json_object_get(fa, k))
				print_row(s, id, k, NULL, v);
	}
	json_decref(fa);
	json_decref(fb);
}

static json_t *load_set(const char *dir)
{
	char *p = bench_fmt("%s/collected.json", dir), why[400];
	json_t *j = p ? bench_json_load(p, why, sizeof(why)) : NULL;

	if (!j)
		fprintf(stderr, "nestlab bench-compare: %s (is %s a bench result set?)\n", why,
			dir);
	free(p);
	return j;
}

static void usage(FILE *f)
{
	fputs("usage: nestlab bench-compare A B [--threshold PCT] [--changed]\n"
	      "  per figure of the cells both result sets ran (phase TSC, exits and L1\n"
	      "  cycles per reason): A, B, delta in % of A; '!' marks one past the\n"
	      "  threshold (default 1), only in one set, or a cell that regressed.\n"
	      "  --changed  print only the figures that differ\n"
	      "Exit status: 0 all within the threshold, 1 not, 2 bad command line or set.\n", f);
}

int cmd_bench_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "changed", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmp s = { .threshold = 1.0 };
	json_t *a, *b;
	const json_t *c;
	size_t i;
	char *end;
	int o;

	opterr = 0;
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			s.threshold = strtod(optarg, &end);
			if (end == optarg || *end || s.threshold < 0) {
				fprintf(stderr, "nestlab bench-compare: --threshold '%s': want a "
					"percentage >= 0\n", optarg);
				return L0_EXIT_CONFIG;
			}
			break;
		case 'c':
			s.changed_only = true;
			break;
		case 'h':
			usage(stdout);
			return L0_EXIT_PASS;
		default:
			fprintf(stderr, "nestlab bench-compare: bad option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return L0_EXIT_CONFIG;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return L0_EXIT_CONFIG;
	}
	a = load_set(argv[optind]);
	b = a ? load_set(argv[optind + 1]) : NULL;
	if (!a || !b) {
		json_decref(a);
		return L0_EXIT_CONFIG;
	}
	printf("%-44s %-26s %12s %12s %10s\n", "cell", "figure", "A", "B", "delta");
	json_array_foreach(json_object_get(a, "cells"), i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const json_t *cb = find_cell(b, id);

		if (!cb)
			s.only_a_cells++;
		else
			compare_cell(&s, id, c, cb);
	}
	json_array_foreach(json_object_get(b, "cells"), i, c)
		if (!find_cell(a, json_string_value(json_object_get(c, "id"))))
			s.only_b_cells++;
	printf("bench-compare: %u figures, %u changed, %u past %.2f%%; %u cells regressed; "
	       "cells only in A: %u, only in B: %u\n", s.figures, s.changed, s.past, s.threshold,
	       s.regressed, s.only_a_cells, s.only_b_cells);
	json_decref(a);
	json_decref(b);
	return s.past || s.regressed ? L0_EXIT_FAIL : L0_EXIT_PASS;
}
