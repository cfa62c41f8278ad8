/*
 * The small expression language of experiment files, checked here (the
 * analysis, analysis/bench_expr.py, evaluates it):
 *
 *   expr     := term (("+" | "-") term)*
 *   term     := factor (("*" | "/") factor)*
 *   factor   := NUMBER | ref | "(" expr ")" | "-" factor
 *   ref      := METRIC "[" selector* "]"       ticks_per_iter[case=cpuid level=2]
 *   selector := KEY "=" VALUE                  KEY: a cell key (bench_is_cell_key)
 *
 * A published `value` is an expression of numbers only, or a range
 * "LOW .. HIGH" of two of them. A table ratio is "METRIC SEL... / SEL...".
 * Each check returns 0, or -1 with a one-line reason in `why`.
 */
#ifndef L0_BENCH_EXPR_H
#define L0_BENCH_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include "bench_exp.h"

/* `ours`: an expression; refs are checked against the cases of `x`. */
int bench_expr_check(const char *s, const struct bench_exp *x, char *why, size_t n);

/* A published `value`: numbers only, or "LOW .. HIGH". */
int bench_value_check(const char *s, char *why, size_t n);

/* "KEY=VALUE ..." (possibly empty), each value valid for its key. */
int bench_selectors_check(const char *s, const struct bench_exp *x, char *why, size_t n);

/* A table ratio "METRIC SEL... / SEL...". */
int bench_ratio_check(const char *s, const struct bench_exp *x, char *why, size_t n);

/* Whether `v` is a valid value of cell key `key` in experiment `x`. */
bool bench_key_value_valid(const char *key, const char *v, const struct bench_exp *x);

#endif
