/*
 * Inside the experiment-file parser: the state shared by the reader and
 * handler (bench_exp.c), the per-section key handlers (bench_exp_keys.c)
 * and the whole-file checks (bench_exp_check.c). Not for other users.
 */
#ifndef L0_BENCH_EXP_INT_H
#define L0_BENCH_EXP_INT_H

#include <stdbool.h>
#include <stdio.h>
#include "bench_exp.h"

enum bench_ps_kind {
	PS_NONE, PS_BAD, PS_EXPERIMENT, PS_CASE, PS_TABLE, PS_PLOT, PS_FIT, PS_PUBLISHED,
};

struct bench_ps {
	const char *path;
	FILE *f;
	int line;                 /* of the line inih is handling */
	bool cont;                /* that line continues the previous key */
	bool have_key;            /* a key was seen since the last header */
	bool pending_open;        /* a header was read: the next key opens it */
	int header_line;          /* line of that header */
	char section[128];
	enum bench_ps_kind kind;
	void *cur;                /* the case, plot or published entry */
	struct bench_exp *x;
	struct bench_errors *err;
};

void bench_case_init(struct bench_case *c);

/* Value helpers: 0, or -1 with the error recorded at the current line. */
int bench_split_list(struct bench_ps *ps, struct bench_list *l, const char *value);
int bench_set_text(struct bench_ps *ps, char **dst, const char *value);
int bench_set_bool(struct bench_ps *ps, const char *name, const char *value, bool *dst);

void bench_key_case(struct bench_ps *ps, struct bench_case *c, const char *name,
		    const char *value);
void bench_key_table(struct bench_ps *ps, struct bench_table *t, const char *name,
		     const char *value);
void bench_key_plot(struct bench_ps *ps, struct bench_plot *p, const char *name,
		    const char *value);
void bench_key_fit(struct bench_ps *ps, struct bench_fit *f, const char *name,
		   const char *value);
void bench_key_published(struct bench_ps *ps, struct bench_published *p, const char *name,
			 const char *value);

/* Whole-file checks, after every key has been read. */
void bench_exp_check(struct bench_exp *x, struct bench_errors *err);

#endif
