/*
 * Native dispatch benchmark (issue 15 part 6): cycles per dispatch, on this
 * machine's CPU, of four ways to call entry i of a table of N functions:
 *   indirect    call *table(,%rax,8)            (no Spectre-v2 mitigation)
 *   retpoline   the same through a retpoline thunk (call/ret construction)
 *   switch      a C switch the compiler turns into a jump table (64 cases:
 *               the table's functions repeat every 64 entries)
 *   trampoline  lib/tramp's generated compare-and-jump for the hot entries,
 *               the retpolined table for the others
 * over index sequences: uniform, Zipf with s = 1.2, skewed (Zipf s = 2: a
 * few hot entries, the dispatch-skewed mix), and a phase change (skewed
 * over one hot set, then over another; the trampoline
 * is generated from the first phase's counts and not regenerated, so the
 * second phase shows what a stale hot set costs), with N = 8 .. 512 and the
 * trampoline's hit rate. One run prints every figure as cycles and as a
 * ratio to the retpoline. Cycles are RDTSC ticks (constant-rate TSC), the
 * median of 7 rounds of 2^16 dispatches each, the loop overhead of an
 * empty dispatch subtracted. `make tramp-bench`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <math.h>
#include <x86intrin.h>
#include "../tramp.h"
#include "tramp_native.h"

#define MAXN     512
#define SEQ      (1u << 16)
#define ROUNDS   7
#define HOT_K    8

typedef long (*fn_t)(long);
static fn_t table[MAXN];
static uint32_t seq[SEQ];

/* 512 distinct small functions: each adds its index */
#define F(i) static __attribute__((noinline)) long f##i(long a) { return a + i; }
#define F8(b) F(b##0) F(b##1) F(b##2) F(b##3) F(b##4) F(b##5) F(b##6) F(b##7)
F8(0) F8(1) F8(2) F8(3) F8(4) F8(5) F8(6) F8(7)
#undef F
#undef F8
static fn_t base_fns[64] = {
#define F(i) f##i,
#define F8(b) F(b##0) F(b##1) F(b##2) F(b##3) F(b##4) F(b##5) F(b##6) F(b##7)
	F8(0) F8(1) F8(2) F8(3) F8(4) F8(5) F8(6) F8(7)
#undef F
#undef F8
};

static uint8_t *code;            /* RX page: thunk at 0, trampoline at 64 */

static long call_retpoline(long index, long a)
{
	long ret;

	__asm__ volatile("sub $128, %%rsp\n\tmov (%[tab],%%rax,8), %%r11\n\t"
			 "call *%[th]\n\tadd $128, %%rsp"
			 : "=a"(ret), "+D"(a) : [tab] "r"(table), [th] "r"(code), "a"(index)
			 : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

static __attribute__((noinline)) long call_switch(long i, long a)
{
	switch (i & 63) {
#define C(k) case k: return f##k(a);
#define C8(b) C(b##0) C(b##1) C(b##2) C(b##3) C(b##4) C(b##5) C(b##6) C(b##7)
	C8(0) C8(1) C8(2) C8(3) C8(4) C8(5) C8(6) C8(7)
#undef C
#undef C8
	}
	return 0;
}

enum way { W_EMPTY, W_INDIRECT, W_RETPOLINE, W_SWITCH, W_TRAMP, W_NR };

static uint64_t run(enum way w, unsigned from, unsigned n)
{
	uint64_t t0 = __rdtsc();
	long acc = 0;

	for (unsigned j = from; j < from + n; j++) {
		long i = seq[j];

		switch (w) {
		case W_EMPTY:     acc += i; break;
		case W_INDIRECT:  acc += table[i](acc & 1); break;
		case W_RETPOLINE: acc += call_retpoline(i, acc & 1); break;
		case W_SWITCH:    acc += call_switch(i, acc & 1); break;
		case W_TRAMP:     acc += tramp_call(code + 64, i, acc & 1); break;
		case W_NR:        break;
		}
	}
	__asm__ volatile("" : : "r"(acc));
	return __rdtsc() - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double median_cycles(enum way w, unsigned from, unsigned n)
{
	uint64_t r[ROUNDS];

	for (unsigned k = 0; k < ROUNDS; k++)
		r[k] = run(w, from, n);
	qsort(r, ROUNDS, sizeof(r[0]), cmp_u64);
	return (double)r[ROUNDS / 2] / n;
}

/* Zipf(s) over n entries, permuted by `shift` (the phase's hot set) */
static void fill_zipf(unsigned n, double s, unsigned from, unsigned len, unsigned shift,
		      unsigned *rng)
{
	double w[MAXN], total = 0;

	for (unsigned i = 0; i < n; i++)
		total += w[i] = 1.0 / pow(i + 1, s);
	for (unsigned j = from; j < from + len; j++) {
		double x = (double)rand_r(rng) / RAND_MAX * total;
		unsigned i = 0;

		while (i < n - 1 && x > w[i])
			x -= w[i++];
		seq[j] = (i + shift) % n;
	}
}

static int make_trampoline(unsigned n, unsigned from, unsigned len, double *hit)
{
	uint64_t counts[MAXN] = { 0 };
	uint32_t hot_idx[HOT_K];
	struct tramp_hot hot[HOT_K];
	struct tramp_spec s;
	unsigned nhot, hits = 0;
	size_t clen;
	int rc;

	for (unsigned j = from; j < from + len; j++)
		counts[seq[j]]++;
	nhot = tramp_select(counts, n, HOT_K, hot_idx);
	for (unsigned i = 0; i < nhot; i++) {
		hot[i] = (struct tramp_hot){ hot_idx[i], (uint64_t)table[hot_idx[i]] };
		hits += (unsigned)counts[hot_idx[i]];
	}
	*hit = (double)hits / len;
	s = (struct tramp_spec){ .hot = hot, .nhot = nhot, .index_reg = 0,
				 .table = (uint64_t)table, .thunk = (uint64_t)code,
				 .load_addr = (uint64_t)(code + 64) };
	if (mprotect(code, 4096, PROT_READ | PROT_WRITE))
		return -1;
	rc = tramp_generate(&s, code + 64, 4096 - 64, &clen);
	if (mprotect(code, 4096, PROT_READ | PROT_EXEC) || rc)
		return -1;
	return 0;
}

static double hit_rate(unsigned from, unsigned len, unsigned n)
{
	uint64_t counts[MAXN] = { 0 };
	uint32_t hot_idx[HOT_K];
	unsigned nhot, hits = 0;

	for (unsigned j = 0; j < SEQ / 2; j++)         /* the first phase's hot set */
		counts[seq[j]]++;
	nhot = tramp_select(counts, n, HOT_K, hot_idx);
	for (unsigned j = from; j < from + len; j++)
		for (unsigned i = 0; i < nhot; i++)
			hits += seq[j] == hot_idx[i];
	return (double)hits / len;
}

int main(void)
{
	static const unsigned sizes[] = { 8, 64, 512 };
	unsigned rng = 12345;

	code = tramp_page_near((const void *)f00);
	if (!code) {
		fprintf(stderr, "tramp-bench: no page within rel32 reach of the code\n");
		return 1;
	}
	memcpy(code, tramp_retpoline_r11, sizeof(tramp_retpoline_r11));
	for (unsigned i = 0; i < MAXN; i++)
		table[i] = base_fns[i % 64];
	printf("tramp-bench: cycles per dispatch (TSC ticks), median of %u rounds of %u, "
	       "loop overhead subtracted; %u hot entries\n", ROUNDS, SEQ, HOT_K);
	printf("%-8s %5s %10s %10s %10s %10s %10s %8s\n", "mix", "N", "indirect",
	       "retpoline", "switch", "trampoline", "tr/retp", "hits");
	for (unsigned si = 0; si < 3; si++)
	for (unsigned mix = 0; mix < 4; mix++) {
		static const char *const names[] = { "uniform", "zipf1.2", "skewed", "phase" };
		unsigned n = sizes[si], from = 0, len = SEQ;
		double c[W_NR], hit;
		const char *name = names[mix];

		if (mix == 0)
			for (unsigned j = 0; j < SEQ; j++)
				seq[j] = (unsigned)rand_r(&rng) % n;
		else if (mix == 1)
			fill_zipf(n, 1.2, 0, SEQ, 0, &rng);
		else if (mix == 2)
			fill_zipf(n, 2.0, 0, SEQ, 0, &rng);
		else {
			fill_zipf(n, 2.0, 0, SEQ / 2, 0, &rng);
			fill_zipf(n, 2.0, SEQ / 2, SEQ / 2, n / 2, &rng);
			from = SEQ / 2;              /* measure the second phase */
			len = SEQ / 2;
		}
		if (make_trampoline(n, 0, mix == 3 ? SEQ / 2 : SEQ, &hit)) {
			fprintf(stderr, "tramp-bench: cannot generate the trampoline\n");
			return 1;
		}
		if (mix == 3)
			hit = hit_rate(from, len, n);
		for (unsigned w = 0; w < W_NR; w++)
			c[w] = median_cycles((enum way)w, from, len);
		for (unsigned w = 1; w < W_NR; w++)
			c[w] -= c[W_EMPTY];
		printf("%-8s %5u %10.2f %10.2f %10.2f %10.2f %10.2f %7.1f%%\n", name, n,
		       c[W_INDIRECT], c[W_RETPOLINE], c[W_SWITCH], c[W_TRAMP],
		       c[W_TRAMP] / c[W_RETPOLINE], 100.0 * hit);
	}
	return 0;
}
