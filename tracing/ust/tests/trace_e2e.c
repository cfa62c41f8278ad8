/*
 * End-to-end test producer, no QEMU: lays out a trace region in a file the
 * way L1 and the L2 kernel do (include/nestlab/trace.h), runs the real
 * collector process on it (trace_child.c, with the LTTng sink when --sink
 * is given and a session is active), and plays a cpuid-like run: phase
 * markers, N in-phase l1_exit(cpuid) records, L2 system calls, a burst
 * into a tiny third ring that overflows (drops), and corrupt records in
 * the L2 ring (hostile). It writes a results-like JSON (phases, exits,
 * the collector's trace object) for `nestlab trace-stats --check`, and
 * prints PASS:/FAIL: lines for the invariants.
 *   trace-e2e --file F --json J [--sink SO] [--iterations N] [--corrupt K]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <nestlab/exit_reason.h>
#include "trace_child.h"
#include "trace_fake.h"
#include "trace_layout.h"

#define E2E_FILE_BYTES (32ull << 20)
#define E2E_DIR_OFF    (E2E_FILE_BYTES - 9 * (1ull << 20))
#define E2E_L1_OFF     (E2E_DIR_OFF + 0x1000)
#define E2E_L1_CAP     4096u
#define E2E_L2_OFF     0x200000ull
#define E2E_L2_CAP     2048u
#define E2E_TINY_OFF   0x400000ull
#define E2E_TINY_CAP   8u

static int e2e_fails;

static void e2e_check(int ok, const char *what)
{
	printf("%s: trace-e2e: %s\n", ok ? "PASS" : "FAIL", what);
	e2e_fails += !ok;
}

static void e2e_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Pushes, waiting for the collector while the ring is full (a patient producer). */
static void e2e_push_wait(struct nestlab_trace_ring *r, struct nestlab_trace_record rec)
{
	while (r->head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= r->capacity)
		e2e_sleep_ms(1);
	trace_fake_push(r, &rec);
}

int main(int argc, char **argv)
{
	const char *file = NULL, *json = NULL, *sink = NULL;
	unsigned long iters = 1000, ncorrupt = 10;
	uint64_t tsc = 1000000, produced = 0, tiny_tries = 0;
	struct nestlab_trace_ring *l1, *l2, *tiny;
	struct trace_child_cfg cfg;
	struct trace_child tc;
	struct trace_stats st;
	char err[300];
	uint8_t *mem;
	int fd, opt;
	FILE *out;
	static const struct option longopts[] = {
		{ "file", 1, 0, 'f' }, { "json", 1, 0, 'j' }, { "sink", 1, 0, 's' },
		{ "iterations", 1, 0, 'n' }, { "corrupt", 1, 0, 'c' }, { 0, 0, 0, 0 },
	};

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f': file = optarg; break;
		case 'j': json = optarg; break;
		case 's': sink = optarg; break;
		case 'n': iters = strtoul(optarg, NULL, 10); break;
		case 'c': ncorrupt = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: trace-e2e --file F --json J [--sink SO] "
				"[--iterations N] [--corrupt K]\n");
			return 2;
		}
	}
	if (!file || !json) {
		fprintf(stderr, "trace-e2e: --file and --json are required\n");
		return 2;
	}

	/* The collector starts first and must wait for the file, as with QEMU. */
	unlink(file);
	cfg = (struct trace_child_cfg){
		.ram_path = file, .ram_bytes = E2E_FILE_BYTES, .dir_off = E2E_DIR_OFF,
		.region_bytes = TRACE_REGION_BYTES, .sink_so = sink, .wait_go = 0, .guest_clock = 1,
		.poll_ms = TRACE_POLL_MS,
	};
	if (trace_child_start(&tc, &cfg, err, sizeof(err))) {
		fprintf(stderr, "trace-e2e: %s\n", err);
		return 1;
	}
	e2e_sleep_ms(20);
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)E2E_FILE_BYTES)) {
		perror(file);
		return 1;
	}
	mem = mmap(NULL, E2E_FILE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	/* L1: directory and its ring; then (later, like the hypercall) L2's and a tiny one. */
	trace_fake_dir_init(mem, E2E_DIR_OFF);
	l1 = trace_fake_ring_init(mem, E2E_L1_OFF, E2E_L1_CAP, NESTLAB_TRACE_L1);
	trace_fake_dir_add(mem, E2E_DIR_OFF, NESTLAB_TRACE_L1, E2E_L1_OFF,
			   NESTLAB_TRACE_RING_BYTES(E2E_L1_CAP), 0);
	for (int i = 0; i < 3; i++, tsc += 500, produced++)
		e2e_push_wait(l1, trace_fake_record(NESTLAB_TRACE_L1_EXIT, tsc, NESTLAB_EXIT_MSR, 0));
	e2e_sleep_ms(20);
	l2 = trace_fake_ring_init(mem, E2E_L2_OFF, E2E_L2_CAP, NESTLAB_TRACE_L2);
	trace_fake_dir_add(mem, E2E_DIR_OFF, NESTLAB_TRACE_L2, E2E_L2_OFF,
			   NESTLAB_TRACE_RING_BYTES(E2E_L2_CAP), 0);
	tiny = trace_fake_ring_init(mem, E2E_TINY_OFF, E2E_TINY_CAP, NESTLAB_TRACE_L2);
	trace_fake_dir_add(mem, E2E_DIR_OFF, NESTLAB_TRACE_L2, E2E_TINY_OFF,
			   NESTLAB_TRACE_RING_BYTES(E2E_TINY_CAP), 0);

	/* The phase, bracketed as L1 and L2 bracket it. */
	e2e_push_wait(l1, trace_fake_record(NESTLAB_TRACE_L1_EXIT, tsc++, NESTLAB_EXIT_VMMCALL, 0));
	e2e_push_wait(l1, trace_fake_record(NESTLAB_TRACE_L1_PHASE_BEGIN, tsc, 0, 0));
	e2e_push_wait(l2, trace_fake_record(NESTLAB_TRACE_L2_PHASE_BEGIN, tsc, 0,
					    NESTLAB_TRACE_F_IN_PHASE));
	produced += 3;
	tsc += 100;
	for (unsigned long i = 0; i < iters; i++, tsc += 316, produced++) {
		e2e_push_wait(l1, trace_fake_record(NESTLAB_TRACE_L1_EXIT, tsc, NESTLAB_EXIT_CPUID,
						    NESTLAB_TRACE_F_IN_PHASE));
		if (i % 100 == 0) {
			e2e_push_wait(l2, trace_fake_record(NESTLAB_TRACE_L2_SYSCALL_ENTRY, tsc + 1, 39,
							    NESTLAB_TRACE_F_IN_PHASE));
			e2e_push_wait(l2, trace_fake_record(NESTLAB_TRACE_L2_SYSCALL_EXIT, tsc + 2, 39,
							    NESTLAB_TRACE_F_IN_PHASE));
			produced += 2;
		}
	}
	/* Hostile L2: corrupt records among its own (bad seq, an L1 type, cpl 7). */
	for (unsigned long i = 0; i < ncorrupt; i++, produced++) {
		struct nestlab_trace_record rec = trace_fake_record(NESTLAB_TRACE_L2_PAGE_FAULT, tsc++,
								    14, NESTLAB_TRACE_F_IN_PHASE);
		uint64_t head = l2->head;

		while (head - __atomic_load_n(&l2->tail, __ATOMIC_ACQUIRE) >= l2->capacity)
			e2e_sleep_ms(1);
		switch (i % 3) {
		case 0: rec.seq = head + 5; break;
		case 1: rec.type = NESTLAB_TRACE_L1_EXIT; break;
		default: rec.cpl = 7; break;
		}
		rec.seq = i % 3 ? head : rec.seq;
		l2->rec[head & (l2->capacity - 1)] = rec;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		__atomic_store_n(&l2->head, head + 1, __ATOMIC_RELEASE);
	}
	/* A burst into the tiny ring, faster than any poll: most are dropped. */
	for (int i = 0; i < 1000; i++, tiny_tries++, produced++) {
		struct nestlab_trace_record rec = trace_fake_record(NESTLAB_TRACE_L2_SYSCALL_ENTRY,
								    tsc + (uint64_t)i, 1, 0);
		trace_fake_push(tiny, &rec);
	}
	e2e_push_wait(l1, trace_fake_record(NESTLAB_TRACE_L1_PHASE_END, tsc, 0, 0));
	e2e_push_wait(l1, trace_fake_record(NESTLAB_TRACE_L1_EXIT, tsc + 1, NESTLAB_EXIT_VMMCALL, 0));
	e2e_push_wait(l2, trace_fake_record(NESTLAB_TRACE_L2_PHASE_END, tsc + 2, 0, 0));
	produced += 3;

	if (trace_child_finish(&tc, &st, 60000, err, sizeof(err))) {
		fprintf(stderr, "trace-e2e: %s\n", err);
		return 1;
	}
	printf("trace-e2e: produced %llu, emitted %llu, dropped %llu, rejected %llu, lost events %llu%s%s\n",
	       (unsigned long long)produced, (unsigned long long)st.emitted,
	       (unsigned long long)st.dropped, (unsigned long long)st.rejected,
	       (unsigned long long)st.lost_events, st.sink_error[0] ? "; sink: " : "",
	       st.sink_error);
	e2e_check(st.nrings == 3, "three rings collected (L1, L2 registered later, tiny)");
	e2e_check(st.emitted + st.dropped + st.rejected == produced,
		  "emitted + dropped + rejected == produced");
	e2e_check(st.rejected == ncorrupt, "every corrupt L2 record rejected");
	e2e_check(st.dropped > 0 && st.dropped < tiny_tries, "the tiny ring dropped, counted");
	e2e_check(st.events[NESTLAB_TRACE_L1_EXIT] == iters + 5, "every l1_exit emitted");
	e2e_check(st.lost_events > 0, "losses reported as nestlab:lost events");
	e2e_check(!sink || !st.sink_error[0], "LTTng sink loaded");

	out = fopen(json, "w");
	if (!out) {
		perror(json);
		return 1;
	}
	fprintf(out, "{\"phases\": [{\"name\": \"cpuid\", \"exits\": {\"cpuid\": %lu}}],\n"
		" \"trace\": {\"events\": {", iters);
	for (uint32_t i = 1; i < NESTLAB_TRACE_NR; i++)
		fprintf(out, "%s\"%s\": %llu", i > 1 ? ", " : "", trace_type_info(i)->name,
			(unsigned long long)st.events[i]);
	fprintf(out, "}, \"emitted\": %llu, \"dropped\": %llu, \"rejected\": %llu}}\n",
		(unsigned long long)st.emitted, (unsigned long long)st.dropped,
		(unsigned long long)st.rejected);
	fclose(out);
	munmap(mem, E2E_FILE_BYTES);
	close(fd);
	return e2e_fails ? 1 : 0;
}
