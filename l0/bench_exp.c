/*
 * Reading one experiment file with inih: a line-counting reader in front of
 * ini_parse_stream gives every key its line, checks each raw line's syntax
 * (inih itself reports only the first bad line, without saying why), and
 * the handler files each key into the struct bench_exp of its section.
 * Values are checked where they can be on their own; what needs the whole
 * file (required keys, references to cases) is bench_exp_check.c's.
 */
#include "bench_exp.h"
#include "bench_exp_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

void bench_error(struct bench_errors *e, const char *path, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int k;
	char *t;

	if (line > 0)
		k = snprintf(msg, sizeof(msg), "%s:%d: ", path, line);
	else
		k = snprintf(msg, sizeof(msg), "%s: ", path);
	va_start(ap, fmt);
	vsnprintf(msg + k, sizeof(msg) - (size_t)k, fmt, ap);
	va_end(ap);
	t = realloc(e->text, e->len + strlen(msg) + 2);
	if (!t)
		return;
	e->text = t;
	e->len += (size_t)sprintf(e->text + e->len, "%s\n", msg);
	e->count++;
}

void bench_errors_free(struct bench_errors *e)
{
	free(e->text);
	memset(e, 0, sizeof(*e));
}

/* The reader: fgets, line count, raw syntax of the line. */
static char *ps_read(char *str, int num, void *stream)
{
	struct bench_ps *ps = stream;
	char *s, *end;
	size_t len;

	if (!fgets(str, num, ps->f))
		return NULL;
	ps->line++;
	len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(ps->f)) {
		int c;

		bench_error(ps->err, ps->path, ps->line, "line longer than %d characters "
			    "(continue a value on an indented line)", num - 2);
		while ((c = fgetc(ps->f)) != EOF && c != '\n')
			;
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	ps->cont = false;
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	end = s + strcspn(s, "\r\n");
	if (s == end || *s == ';' || *s == '#')
		return str;
	if (s > str) {
		if (!ps->have_key)
			bench_error(ps->err, ps->path, ps->line,
				    "indented line continues no key (keys start in column 1)");
		ps->cont = true;
		return str;
	}
	if (*s == '[') {
		char *close = memchr(s, ']', (size_t)(end - s));

		if (!close) {
			bench_error(ps->err, ps->path, ps->line, "section header without ']'");
		} else {
			ps->pending_open = true;
			ps->header_line = ps->line;
		}
		ps->have_key = false;
		return str;
	}
	if (!memchr(s, '=', (size_t)(end - s)) && !memchr(s, ':', (size_t)(end - s)))
		bench_error(ps->err, ps->path, ps->line, "want 'key = value', '[section]' "
			    "or a comment, found '%.*s'", (int)(end - s > 40 ? 40 : end - s), s);
	else
		ps->have_key = true;
	return str;
}

int bench_split_list(struct bench_ps *ps, struct bench_list *l, const char *value)
{
	const char *p = value;

	if (!ps->cont) {
		if (l->line) {
			bench_error(ps->err, ps->path, ps->line, "duplicate key (first on line %d)",
				    l->line);
			return -1;
		}
		l->line = ps->line;
	}
	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, " \t,");
		if (!n)
			break;
		if (l->n == BENCH_LIST_MAX) {
			bench_error(ps->err, ps->path, ps->line, "more than %d values",
				    BENCH_LIST_MAX);
			return -1;
		}
		l->v[l->n++] = strndup(p, n);
		p += n;
	}
	if (!l->n) {
		bench_error(ps->err, ps->path, ps->line, "empty list");
		return -1;
	}
	return 0;
}

int bench_set_text(struct bench_ps *ps, char **dst, const char *value)
{
	char *t;

	if (ps->cont && *dst) {
		if (asprintf(&t, "%s %s", *dst, value) < 0)
			return -1;
		free(*dst);
		*dst = t;
		return 0;
	}
	if (*dst) {
		bench_error(ps->err, ps->path, ps->line, "duplicate key");
		return -1;
	}
	if (!*value) {
		bench_error(ps->err, ps->path, ps->line, "empty value");
		return -1;
	}
	*dst = strdup(value);
	return 0;
}

int bench_set_bool(struct bench_ps *ps, const char *name, const char *value, bool *dst)
{
	if (!strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "1"))
		*dst = true;
	else if (!strcmp(value, "no") || !strcmp(value, "false") || !strcmp(value, "0"))
		*dst = false;
	else {
		bench_error(ps->err, ps->path, ps->line, "%s '%s': want yes or no", name, value);
		return -1;
	}
	return 0;
}

/* "case cpuid" -> kind "case", name "cpuid" (a name of [a-z0-9_-]). */
static int ps_section_name(struct bench_ps *ps, const char *section, const char *kind,
			   char **name)
{
	const char *p = section + strlen(kind);

	while (*p == ' ')
		p++;
	if (!*p) {
		bench_error(ps->err, ps->path, ps->line, "[%s] needs a name: [%s NAME]", kind,
			    kind);
		return -1;
	}
	for (const char *q = p; *q; q++)
		if (!islower((unsigned char)*q) && !isdigit((unsigned char)*q) &&
		    *q != '-' && *q != '_') {
			bench_error(ps->err, ps->path, ps->line, "[%s %s]: names are made of "
				    "a-z, 0-9, '-' and '_'", kind, p);
			return -1;
		}
	*name = strdup(p);
	return 0;
}

static bool has_prefix(const char *s, const char *kind)
{
	size_t n = strlen(kind);

	return !strncmp(s, kind, n) && (s[n] == ' ' || s[n] == '\0');
}

/* Opens the slot of a section; ps->line is its header's line here. */
static int ps_open(struct bench_ps *ps, const char *section)
{
	struct bench_exp *x = ps->x;
	char *name = NULL;

	snprintf(ps->section, sizeof(ps->section), "%s", section);
	ps->kind = PS_NONE;
	ps->cur = NULL;
	if (!strcmp(section, "experiment")) {
		ps->kind = PS_EXPERIMENT;
	} else if (!strcmp(section, "matrix")) {
		ps->kind = PS_CASE;
		ps->cur = &x->matrix;
		x->matrix.line = ps->line;
	} else if (!strcmp(section, "table")) {
		ps->kind = PS_TABLE;
		x->table.line = ps->line;
	} else if (!strcmp(section, "fit")) {
		ps->kind = PS_FIT;
		x->fit.line = ps->line;
	} else if (has_prefix(section, "case")) {
		if (ps_section_name(ps, section, "case", &name))
			return -1;
		for (unsigned i = 0; i < x->ncases; i++)
			if (!strcmp(x->cases[i].name, name)) {
				bench_error(ps->err, ps->path, ps->line, "[case %s] again "
					    "(first on line %d)", name, x->cases[i].line);
				free(name);
				return -1;
			}
		if (x->ncases == BENCH_CASES_MAX) {
			bench_error(ps->err, ps->path, ps->line, "more than %d cases",
				    BENCH_CASES_MAX);
			free(name);
			return -1;
		}
		ps->cur = &x->cases[x->ncases++];
		bench_case_init(ps->cur);
		((struct bench_case *)ps->cur)->name = name;
		((struct bench_case *)ps->cur)->line = ps->line;
		ps->kind = PS_CASE;
	} else if (has_prefix(section, "plot")) {
		struct bench_plot *p;

		if (ps_section_name(ps, section, "plot", &name))
			return -1;
		if (x->nplots == BENCH_PLOTS_MAX) {
			bench_error(ps->err, ps->path, ps->line, "more than %d plots",
				    BENCH_PLOTS_MAX);
			free(name);
			return -1;
		}
		p = &x->plots[x->nplots++];
		p->name = name;
		p->line = ps->line;
		ps->cur = p;
		ps->kind = PS_PLOT;
	} else if (has_prefix(section, "published")) {
		struct bench_published *p;

		if (ps_section_name(ps, section, "published", &name))
			return -1;
		if (x->npublished == BENCH_PUBLISHED_MAX) {
			bench_error(ps->err, ps->path, ps->line, "more than %d published figures",
				    BENCH_PUBLISHED_MAX);
			free(name);
			return -1;
		}
		p = &x->published[x->npublished++];
		p->name = name;
		p->line = ps->line;
		ps->cur = p;
		ps->kind = PS_PUBLISHED;
	} else {
		bench_error(ps->err, ps->path, ps->line, "unknown section [%s] (experiment, "
			    "matrix, case NAME, table, plot NAME, fit, published NAME)", section);
		ps->kind = PS_BAD;
	}
	return 0;
}

/* Called at the first key of a section: errors about the section itself
 * name its header's line. */
static int ps_open_section(struct bench_ps *ps, const char *section)
{
	int line = ps->line;
	int rc;

	ps->line = ps->header_line;
	rc = ps_open(ps, section);
	ps->line = line;
	return rc;
}

static int ps_handler(void *user, const char *section, const char *name, const char *value)
{
	struct bench_ps *ps = user;

	if (ps->pending_open) {
		ps->pending_open = false;
		if (ps_open_section(ps, section)) {
			ps->kind = PS_BAD;
			return 1;
		}
	}
	switch (ps->kind) {
	case PS_NONE:
		bench_error(ps->err, ps->path, ps->line, "key '%s' before any section", name);
		return 1;
	case PS_BAD:
		return 1; /* reported once, at the section's first key */
	case PS_EXPERIMENT:
		if (!ps->x->experiment_line)
			ps->x->experiment_line = ps->header_line;
		if (!strcmp(name, "name") && !ps->cont)
			ps->x->name_line = ps->line;
		if (!strcmp(name, "question") && !ps->cont)
			ps->x->question_line = ps->line;
		if (!strcmp(name, "name"))
			bench_set_text(ps, &ps->x->name, value);
		else if (!strcmp(name, "question"))
			bench_set_text(ps, &ps->x->question, value);
		else
			bench_error(ps->err, ps->path, ps->line, "[experiment]: unknown key "
				    "'%s' (name, question)", name);
		return 1;
	case PS_CASE:
		bench_key_case(ps, ps->cur, name, value);
		return 1;
	case PS_TABLE:
		bench_key_table(ps, &ps->x->table, name, value);
		return 1;
	case PS_PLOT:
		bench_key_plot(ps, ps->cur, name, value);
		return 1;
	case PS_FIT:
		bench_key_fit(ps, &ps->x->fit, name, value);
		return 1;
	case PS_PUBLISHED:
		bench_key_published(ps, ps->cur, name, value);
		return 1;
	}
	return 1;
}

int bench_exp_parse(const char *path, struct bench_exp *x, struct bench_errors *err)
{
	struct bench_ps ps = { 0 };
	unsigned before = err->count;
	int rc;

	memset(x, 0, sizeof(*x));
	x->path = strdup(path);
	bench_case_init(&x->matrix);
	ps.path = path;
	ps.x = x;
	ps.err = err;
	ps.f = fopen(path, "r");
	if (!ps.f) {
		bench_error(err, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(ps_read, &ps, ps_handler, &ps);
	fclose(ps.f);
	if (rc == -2)
		bench_error(err, path, 0, "out of memory");
	else if (rc > 0 && err->count == before)
		bench_error(err, path, rc, "syntax error");
	bench_exp_check(x, err);
	return err->count == before ? 0 : -1;
}

static void list_free(struct bench_list *l)
{
	for (unsigned i = 0; i < l->n; i++)
		free(l->v[i]);
	memset(l, 0, sizeof(*l));
}

static void case_free(struct bench_case *c)
{
	free(c->name);
	free(c->exit);
	list_free(&c->workload);
	list_free(&c->transport);
	list_free(&c->npt);
	list_free(&c->iterations);
	list_free(&c->iterations_full);
	list_free(&c->level);
	list_free(&c->l1);
	list_free(&c->l1_option);
}

void bench_exp_free(struct bench_exp *x)
{
	free(x->path);
	free(x->name);
	free(x->question);
	case_free(&x->matrix);
	for (unsigned i = 0; i < x->ncases; i++)
		case_free(&x->cases[i]);
	list_free(&x->table.rows);
	list_free(&x->table.columns);
	list_free(&x->table.values);
	for (unsigned i = 0; i < x->table.nratios; i++) {
		free(x->table.ratios[i].label);
		free(x->table.ratios[i].spec);
	}
	for (unsigned i = 0; i < x->nplots; i++) {
		struct bench_plot *p = &x->plots[i];

		free(p->name);
		free(p->x);
		free(p->y);
		free(p->kind);
		free(p->title);
		list_free(&p->series);
	}
	list_free(&x->fit.y);
	list_free(&x->fit.by);
	free(x->fit.x);
	for (unsigned i = 0; i < x->npublished; i++) {
		struct bench_published *p = &x->published[i];

		free(p->name);
		free(p->figure);
		free(p->value);
		free(p->unit);
		free(p->source);
		free(p->setup);
		free(p->ours);
		free(p->ours_unit);
		free(p->ours_setup);
		free(p->note);
	}
	memset(x, 0, sizeof(*x));
}
