/*
 * When L1's exit dispatch trampoline is (re)generated (core/exit_tramp.c,
 * docs/tramp.md): the pure part of the decision, host-tested.
 *
 * A hot list is the exit reasons the trampoline compares, in order. Its
 * modelled cost on a set of exit counts is the compare-and-branch pairs the
 * dispatches execute: a reason at position i (from 0) costs i + 1, a
 * reason not in the list costs every compare plus the fallback (the
 * table load and the thunk), counted as EXIT_TRAMP_MISS_COST pairs more.
 * The candidate is tramp_select's: the k reasons with the highest non-zero
 * counts, hottest first, ties in reason order. Hysteresis: the candidate
 * replaces the live list only when it differs and the live list's cost
 * exceeds the candidate's by more than 1/EXIT_TRAMP_HYST_DIV of it
 * (integer arithmetic, exact); so a hot set that merely wobbles keeps its
 * trampoline, and counts with no exit at all change nothing.
 */
#ifndef L1_EXIT_TRAMP_POLICY_H
#define L1_EXIT_TRAMP_POLICY_H

#include <stdint.h>
#include <stddef.h>
#include "../../lib/tramp/tramp.h"

/* lib/tramp's policy (tramp_cost, tramp_decide) under L1's names. */
#define EXIT_TRAMP_MISS_COST  TRAMP_MISS_COST  /* fallback, in compare pairs */
#define EXIT_TRAMP_HYST_DIV   TRAMP_HYST_DIV   /* the candidate must be > 1/8 cheaper */

/* Modelled cost of hot[0..nhot) on counts[0..n) (reasons >= n count 0). */
uint64_t exit_tramp_cost(const uint64_t *counts, unsigned n, const uint32_t *hot,
			 unsigned nhot);

/* 1 when the candidate from counts (at most k reasons, into out[], *nout)
 * replaces live[0..nlive), 0 to keep live (out and *nout still hold the
 * candidate). */
int exit_tramp_decide(const uint64_t *counts, unsigned n, unsigned k, const uint32_t *live,
		      unsigned nlive, uint32_t *out, unsigned *nout);

/* A decimal in [min, max] (no sign, no leading zeros beyond "0"): 0 and
 * *out, or -1. s need not be NUL-terminated. */
int exit_tramp_parse_u32(const char *s, size_t len, uint32_t min, uint32_t max,
			 uint32_t *out);

#endif
