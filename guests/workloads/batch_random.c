/*
 * Workload "batch-random": the random differential check of decoded-syscall
 * batching (issue 14 part 5; docs/batching.md). Each of the N iterations
 * generates one random sequence (batch_gen.c: random registers and flags,
 * 1..5 system calls with random glue from inside and outside the emulated
 * subset between them, loads and stores of a scratch block, loads from a
 * demand-paged region whose pages are absent until first touched), runs it
 * and folds its output registers, flags and scratch block into a 64-bit
 * FNV-1a hash. The generator's seed is fixed, so the sequences are the same
 * in every run: with batching off the CPU runs them, with batch=kernel the
 * kernel emulates whatever it can between the calls; the two runs must
 * print the same line
 *
 *   batch-random: N sequences, C system calls, hash H
 *
 * (tests/integration/batching.sh compares them; `make batch-campaign`
 * runs a long one). The code buffer and the block are page-aligned pages of
 * their own, so a store to the block is never a store into code.
 *
 * Workload "exit-random" is the same for L1's exit-level batching (part 5,
 * its second half): the generator's exit mode puts an OUT or IN of the
 * scratch port (the one port ring 3 may use), a CPUID or a VMMCALL (NOP,
 * VERSION) where the system calls were, so with --batch off every one is a
 * VM exit and with --batch l1 L1 emulates the glue it can and handles the
 * next one in the same exit. It prints
 *
 *   exit-random: N sequences, C exiting instructions (ioio I cpuid P vmmcall V), hash H
 *
 * the per-kind counts being what the phase's exits (plus, with batching,
 * its l1batch.<kind> counters) must add up to (tests/integration/
 * batching_l1.sh; `make batch-campaign BATCH_WL=exit-random` the long run).
 */
#include "ulib.h"
#include "batch_gen.h"

#define DEMAND_PAGES 64
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static uint8_t code[4096] __attribute__((aligned(4096)));
static uint8_t block[4096] __attribute__((aligned(4096)));

static void run_sequence(uint8_t *entry, uint8_t *r15)
{
	__asm__ __volatile__(
		"push %%rbp\n\t"
		"push %%rbx\n\t"
		"push %%r12\n\t"
		"push %%r13\n\t"
		"push %%r14\n\t"
		"push %%r15\n\t"
		"mov %%rdi, %%r15\n\t"
		"call *%%rsi\n\t"
		"pop %%r15\n\t"
		"pop %%r14\n\t"
		"pop %%r13\n\t"
		"pop %%r12\n\t"
		"pop %%rbx\n\t"
		"pop %%rbp\n\t"
		: "+D"(r15), "+S"(entry)
		:
		: "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc");
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

static int random_run(const struct wl_args *a, int exits)
{
	struct batch_gen g = { .rng = 0x9E3779B97F4A7C15ull, .demand_pages = DEMAND_PAGES,
			       .exits = exits, .port = NESTLAB_PIO_WORKLOAD_PORT };
	uint64_t kinds[NESTLAB_L1_BATCH_KIND_NR] = { 0 };
	uint8_t *r15 = block + 128;
	int64_t region = u_syscall(L2_SYS_MMAP, DEMAND_PAGES * 4096ull, 0, 0), ph;
	uint64_t h = FNV_OFFSET, calls = 0;

	if (region < 0) {
		u_printf("batch-random: mmap failed: %ld\n", region);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	g.demand_disp = region - (int64_t)(uintptr_t)r15;
	if (g.demand_disp + DEMAND_PAGES * 4096ll > 0x7FFFFFFFll) {
		u_printf("batch-random: the region is out of disp32 reach\n");
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (uint64_t i = 0; i < a->iterations; i++) {
		size_t n = batch_gen_sequence(&g, code, r15);

		if (n >= BATCH_GEN_CODE_MAX) {
			u_printf("batch-random: sequence %lu does not fit\n", i);
			return NESTLAB_STATUS_WORKLOAD_FAIL;
		}
		run_sequence(code, r15);
		h = fnv(h, r15 + BATCH_GEN_OUT, 16 * 8 + 8);
		h = fnv(h, r15 + BATCH_GEN_SCRATCH, 256);
		calls += g.calls;
		for (unsigned k = 0; k < NESTLAB_L1_BATCH_KIND_NR; k++)
			kinds[k] += g.kinds[k];
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (exits)
		u_printf("exit-random: %lu sequences, %lu exiting instructions (ioio %lu cpuid %lu "
			 "vmmcall %lu), hash %lx\n", a->iterations, calls,
			 kinds[NESTLAB_L1_BATCH_KIND_IOIO], kinds[NESTLAB_L1_BATCH_KIND_CPUID],
			 kinds[NESTLAB_L1_BATCH_KIND_VMMCALL], h);
	else
		u_printf("batch-random: %lu sequences, %lu system calls, hash %lx\n",
			 a->iterations, calls, h);
	return NESTLAB_STATUS_PASS;
}

int wl_batch_random(const struct wl_args *a)
{
	return random_run(a, 0);
}

int wl_exit_random(const struct wl_args *a)
{
	return random_run(a, 1);
}
