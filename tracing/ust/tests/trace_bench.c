/*
 * Collector benchmark: records per second drained, checked, merged and
 * emitted. Two full rings (L1 and L2, 2^20 records each, interleaved TSCs)
 * are drained by one poll, ROUNDS times: first into a null sink (the
 * collector alone), then, with --sink, through the LTTng-UST sink (run it
 * inside an active session: trace_bench.sh sets one up). Only the polls
 * are timed; refilling the rings is not.
 *   trace-bench [--sink libnestlab-ust.so] [--rounds N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <nestlab/exit_reason.h>
#include "trace_collect.h"
#include "trace_fake.h"
#include "trace_ust.h"

#define BENCH_CAP      (1u << 20)
#define BENCH_RING     NESTLAB_TRACE_RING_BYTES(BENCH_CAP)
#define BENCH_DIR_OFF  0ull
#define BENCH_L1_OFF   0x1000ull
#define BENCH_L2_OFF   (BENCH_L1_OFF + ((BENCH_RING + 0xfff) & ~0xfffull))
#define BENCH_BYTES    (BENCH_L2_OFF + BENCH_RING)

static double bench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench_now(void)
{
	return bench_clock(CLOCK_MONOTONIC);
}

/* CPU time of this thread: the rate per CPU-second does not depend on what
 * else runs on the machine (the wall-clock rate does). */
static double bench_cpu(void)
{
	return bench_clock(CLOCK_THREAD_CPUTIME_ID);
}

static uint64_t bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void null_record(void *ctx, const struct nestlab_trace_record *r, uint32_t p, uint64_t ts)
{
	(*(uint64_t *)ctx) += r->tsc;
}

static void bench_fill(struct nestlab_trace_ring *l1, struct nestlab_trace_ring *l2, uint64_t *tsc)
{
	for (uint32_t i = 0; i < BENCH_CAP; i++) {
		struct nestlab_trace_record a = trace_fake_record(NESTLAB_TRACE_L1_EXIT, *tsc,
								  NESTLAB_EXIT_CPUID, 1);
		struct nestlab_trace_record b = trace_fake_record(NESTLAB_TRACE_L2_SYSCALL_ENTRY,
								  *tsc + 1, 39, 1);

		trace_fake_push(l1, &a);
		trace_fake_push(l2, &b);
		*tsc += 3;
	}
}

static double bench_run(const struct trace_sink *sink, unsigned rounds, uint8_t *mem,
			uint64_t *records, double *cpu)
{
	struct nestlab_trace_ring *l1, *l2;
	struct trace_collector c;
	struct trace_map m;
	uint64_t tsc = 1000;
	double t = 0;

	*cpu = 0;
	memset(mem, 0, BENCH_BYTES);
	trace_map_wrap(&m, mem, BENCH_BYTES);
	trace_fake_dir_init(mem, BENCH_DIR_OFF);
	l1 = trace_fake_ring_init(mem, BENCH_L1_OFF, BENCH_CAP, NESTLAB_TRACE_L1);
	l2 = trace_fake_ring_init(mem, BENCH_L2_OFF, BENCH_CAP, NESTLAB_TRACE_L2);
	trace_fake_dir_add(mem, BENCH_DIR_OFF, NESTLAB_TRACE_L1, BENCH_L1_OFF, BENCH_RING, 0);
	trace_fake_dir_add(mem, BENCH_DIR_OFF, NESTLAB_TRACE_L2, BENCH_L2_OFF, BENCH_RING, 0);
	trace_collector_init(&c, BENCH_DIR_OFF, 0x1000, sink);
	trace_collector_attach(&c, &m);
	trace_collector_poll(&c, bench_ns());
	*records = 0;
	for (unsigned r = 0; r < rounds; r++) {
		double t0, c0;

		bench_fill(l1, l2, &tsc);
		t0 = bench_now();
		c0 = bench_cpu();
		*records += trace_collector_poll(&c, bench_ns() + (1ull << 40));
		t += bench_now() - t0;
		*cpu += bench_cpu() - c0;
	}
	if (trace_collector_dropped(&c) || trace_collector_rejected(&c))
		fprintf(stderr, "trace-bench: unexpected losses\n");
	trace_collector_fini(&c);
	return t;
}

int main(int argc, char **argv)
{
	const char *so = NULL;
	unsigned rounds = 5;
	uint64_t sum = 0, n;
	struct trace_sink null_sink = { null_record, NULL, &sum }, ust;
	uint8_t *mem;
	double t, cpu;
	char err[300];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sink") && i + 1 < argc)
			so = argv[++i];
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned)strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: trace-bench [--sink SO] [--rounds N]\n");
			return 2;
		}
	}
	mem = aligned_alloc(4096, (BENCH_BYTES + 4095) & ~4095ull);
	if (!mem)
		return 1;
	t = bench_run(&null_sink, rounds, mem, &n, &cpu);
	printf("trace-bench: collector alone (null sink): %llu records in %.3f s: %.1f M records/s "
	       "(%.1f M per CPU-second)\n", (unsigned long long)n, t, (double)n / t / 1e6,
	       (double)n / cpu / 1e6);
	if (so) {
		if (trace_ust_load(so, 1, &ust, err, sizeof(err))) {
			fprintf(stderr, "trace-bench: %s\n", err);
			return 1;
		}
		t = bench_run(&ust, rounds, mem, &n, &cpu);
		printf("trace-bench: merged and emitted through LTTng-UST: %llu records in %.3f s: "
		       "%.1f M records/s (%.1f M per CPU-second of the collector)\n",
		       (unsigned long long)n, t, (double)n / t / 1e6, (double)n / cpu / 1e6);
	}
	free(mem);
	return 0;
}
