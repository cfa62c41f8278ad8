/*
 * Checks of the experiment files' expressions (grammar in bench_expr.h):
 * a recursive-descent pass over the text that accepts or names the first
 * problem and its column. Nothing is evaluated here; the analysis does that
 * on the results (analysis/bench_expr.py implements the same grammar).
 */
#include "bench_expr.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include "cli.h"

struct px {
	const char *s, *p;
	const struct bench_exp *x;
	bool refs;
	char *why;
	size_t n;
	int failed;
};

static int px_fail(struct px *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int px_fail(struct px *q, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (q->failed++)
		return -1;
	k = snprintf(q->why, q->n, "column %d: ", (int)(q->p - q->s) + 1);
	if (k < 0 || (size_t)k >= q->n)
		return -1;
	va_start(ap, fmt);
	vsnprintf(q->why + k, q->n - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

static void px_space(struct px *q)
{
	while (*q->p == ' ' || *q->p == '\t')
		q->p++;
}

static bool is_word(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '@';
}

/* A word of [A-Za-z0-9_.@-] into buf; its length (0: none). */
static size_t px_word(struct px *q, char *buf, size_t n, bool value)
{
	size_t k = 0;

	while (value ? is_word((unsigned char)*q->p) :
	       (isalnum((unsigned char)*q->p) || *q->p == '_')) {
		if (k + 1 < n)
			buf[k] = *q->p;
		k++;
		q->p++;
	}
	buf[k < n ? k : n - 1] = '\0';
	return k;
}

bool bench_key_value_valid(const char *key, const char *v, const struct bench_exp *x)
{
	unsigned long u;

	if (!strcmp(key, "case")) {
		for (unsigned i = 0; x && i < x->ncases; i++)
			if (!strcmp(x->cases[i].name, v))
				return true;
		return !x;
	}
	if (!strcmp(key, "workload"))
		return cli_workload_valid(v);
	if (!strcmp(key, "transport"))
		return !strcmp(v, "vmmcall") || !strcmp(v, "backdoor");
	if (!strcmp(key, "npt"))
		return !strcmp(v, "eager") || !strcmp(v, "lazy") || !strcmp(v, "-");
	if (!strcmp(key, "level"))
		return !strcmp(v, "1") || !strcmp(v, "2");
	if (!strcmp(key, "l1"))
		return !strcmp(v, "nestlab") || !strcmp(v, "kvm") || !strcmp(v, "-");
	if (!strcmp(key, "iterations"))
		return !cli_parse_ulong(v, &u) && u >= 1 && u <= NESTLAB_ITERATIONS_MAX;
	return false;
}

/* KEY=VALUE pairs up to `stop` ('\0', ']' or '/'). */
static int px_selectors(struct px *q, char stop)
{
	char key[32], val[64];
	const char *at;

	for (;;) {
		px_space(q);
		at = q->p;
		if (*q->p == stop || (stop == '/' && !*q->p))
			return 0;
		if (!*q->p)
			return px_fail(q, "missing ']'");
		if (!px_word(q, key, sizeof(key), false))
			return px_fail(q, "want KEY=VALUE, found '%.10s'", q->p);
		if (!bench_is_cell_key(key)) {
			q->p = at;
			return px_fail(q, "unknown key '%s' (case, workload, transport, npt, "
				       "iterations, level, l1)", key);
		}
		if (*q->p != '=')
			return px_fail(q, "want '=' after '%s'", key);
		q->p++;
		at = q->p;
		if (!px_word(q, val, sizeof(val), true))
			return px_fail(q, "'%s=' needs a value", key);
		if (!bench_key_value_valid(key, val, q->x)) {
			q->p = at;
			return px_fail(q, "'%s' is no valid %s%s", val, key,
				       strcmp(key, "case") ? "" : " of this experiment");
		}
	}
}

static int px_number(struct px *q)
{
	char *end;

	strtod(q->p, &end);
	if (end == q->p)
		return px_fail(q, "want a number, found '%.10s'", q->p);
	/* "6..8": strtod took "6." */
	if (end > q->p && end[-1] == '.' && end[0] == '.')
		end--;
	q->p = end;
	return 0;
}

static int px_expr(struct px *q);

static int px_factor(struct px *q)
{
	const char *at;
	char name[40];

	px_space(q);
	if (*q->p == '-') {
		q->p++;
		return px_factor(q);
	}
	if (*q->p == '(') {
		q->p++;
		if (px_expr(q))
			return -1;
		px_space(q);
		if (*q->p != ')')
			return px_fail(q, "want ')'");
		q->p++;
		return 0;
	}
	if (isdigit((unsigned char)*q->p) || *q->p == '.')
		return px_number(q);
	if (!isalpha((unsigned char)*q->p))
		return px_fail(q, *q->p ? "unexpected '%c'" : "expression ends too early%c",
			       *q->p ? *q->p : ' ');
	at = q->p;
	px_word(q, name, sizeof(name), false);
	if (!q->refs || !bench_is_metric(name)) {
		q->p = at;
		return px_fail(q, !q->refs ? "'%s': only numbers here" : "unknown metric '%s'",
			       name);
	}
	px_space(q);
	if (*q->p != '[')
		return px_fail(q, "want '[' after metric '%s'", name);
	q->p++;
	if (px_selectors(q, ']'))
		return -1;
	q->p++;
	return 0;
}

static int px_term(struct px *q)
{
	if (px_factor(q))
		return -1;
	for (;;) {
		px_space(q);
		if (*q->p != '*' && *q->p != '/')
			return 0;
		q->p++;
		if (px_factor(q))
			return -1;
	}
}

static int px_expr(struct px *q)
{
	if (px_term(q))
		return -1;
	for (;;) {
		px_space(q);
		/* ".." ends an expression (a range); a lone '-' continues it */
		if (*q->p != '+' && *q->p != '-')
			return 0;
		q->p++;
		if (px_term(q))
			return -1;
	}
}

static int px_whole(struct px *q)
{
	if (px_expr(q))
		return -1;
	px_space(q);
	if (*q->p)
		return px_fail(q, "unexpected '%.10s'", q->p);
	return 0;
}

int bench_expr_check(const char *s, const struct bench_exp *x, char *why, size_t n)
{
	struct px q = { s, s, x, true, why, n, 0 };

	return px_whole(&q);
}

int bench_value_check(const char *s, char *why, size_t n)
{
	struct px q = { s, s, NULL, false, why, n, 0 };

	if (px_expr(&q))
		return -1;
	px_space(&q);
	if (q.p[0] == '.' && q.p[1] == '.') {
		q.p += 2;
		return px_whole(&q);
	}
	if (*q.p)
		return px_fail(&q, "unexpected '%.10s'", q.p);
	return 0;
}

int bench_selectors_check(const char *s, const struct bench_exp *x, char *why, size_t n)
{
	struct px q = { s, s, x, true, why, n, 0 };

	if (px_selectors(&q, '\0'))
		return -1;
	return 0;
}

int bench_ratio_check(const char *s, const struct bench_exp *x, char *why, size_t n)
{
	struct px q = { s, s, x, true, why, n, 0 };
	char name[40];

	px_space(&q);
	if (!px_word(&q, name, sizeof(name), false))
		return px_fail(&q, "want 'METRIC SEL... / SEL...'");
	if (!bench_is_metric(name))
		return px_fail(&q, "unknown metric '%s'", name);
	if (px_selectors(&q, '/'))
		return -1;
	if (*q.p != '/')
		return px_fail(&q, "want '/' between the two cells' selectors");
	q.p++;
	return px_selectors(&q, '\0');
}
