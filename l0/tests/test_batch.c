/*
 * Batching in the launcher: --batch/--batch-max (cli_batch.c), the L2
 * kernel's per-phase console lines (batch_console.c) and the expected
 * batches from the workloads' declared runs (expect_batch.c). Expected
 * counts are worked out from the workloads' definitions (batch_chain.c:
 * iteration i runs 2 + i mod 15 calls, 6 emulated instructions per gap).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include <nestlab/batch.h>
#include "batch_console.h"
#include "cli_batch.h"
#include "expect_batch.h"
#include "expect_l1_batch.h"
#include "expect.h"

Test(cli_batch, values)
{
	enum l0_batch b = L0_BATCH_KERNEL;
	unsigned m = 0;
	char why[160];

	cr_assert(eq(int, cli_batch_parse("off", &b, why, sizeof(why)), 0));
	cr_assert(eq(int, b, L0_BATCH_OFF));
	cr_assert(eq(int, cli_batch_parse("kernel", &b, why, sizeof(why)), 0));
	cr_assert(eq(int, b, L0_BATCH_KERNEL));
	cr_assert(eq(int, cli_batch_parse("l1", &b, why, sizeof(why)), 0));
	cr_assert(eq(int, b, L0_BATCH_L1));
	cr_assert(eq(int, cli_batch_parse("both", &b, why, sizeof(why)), 0));
	cr_assert(eq(int, b, L0_BATCH_BOTH));
	cr_assert(eq(int, cli_batch_parse("all", &b, why, sizeof(why)), -1));
	cr_assert(eq(str, why, "--batch 'all': want off, kernel, l1 or both"));
	cr_assert(eq(str, (char *)l0_batch_name(L0_BATCH_BOTH), "both"));
	cr_assert(eq(int, cli_batch_max_parse("1", &m), 0));
	cr_assert(eq(u32, m, 1));
	cr_assert(eq(int, cli_batch_max_parse("64", &m), 0));
	cr_assert(eq(u32, m, NESTLAB_BATCH_MAX_LIMIT));
	cr_assert(eq(int, cli_batch_max_parse("0", &m), -1));
	cr_assert(eq(int, cli_batch_max_parse("65", &m), -1));
	cr_assert(eq(int, cli_batch_max_parse("4x", &m), -1));
	cr_assert(eq(int, cli_batch_max_parse("-4", &m), -1));
	cr_assert(eq(int, cli_batch_max_parse("", &m), -1));
	cr_assert(eq(str, (char *)l0_batch_name(L0_BATCH_KERNEL), "kernel"));
}

Test(cli_batch, l2_words)
{
	struct run_config c;
	char buf[64] = " mbec=on", why[160];

	memset(&c, 0, sizeof(c));
	cr_assert(eq(int, cli_batch_l2_words(&c, buf, sizeof(buf)), 0));
	cr_assert(eq(str, buf, " mbec=on"));
	c.batch = L0_BATCH_KERNEL;
	cr_assert(eq(int, cli_batch_l2_words(&c, buf, sizeof(buf)), 0));
	cr_assert(eq(str, buf, " mbec=on batch=kernel"));
	strcpy(buf, "");
	c.batch_max = 4;
	cr_assert(eq(int, cli_batch_l2_words(&c, buf, sizeof(buf)), 0));
	cr_assert(eq(str, buf, " batch=kernel batch_max=4"));
	strcpy(buf, "");
	cr_assert(eq(int, cli_batch_l2_words(&c, buf, 10), -1)); /* does not fit */
	c.batch = L0_BATCH_OFF;
	cr_assert(eq(int, cli_batch_check(&c, buf, sizeof(buf)), -1));
	cr_assert(eq(str, buf, "--batch-max needs --batch kernel, l1 or both"));
	/* l1: L1's words, none for the kernel; level 2 under nestlab's L1 only */
	c.batch = L0_BATCH_L1;
	c.level = 2;
	strcpy(buf, "");
	cr_assert(eq(int, cli_batch_l2_words(&c, buf, sizeof(buf)), 0));
	cr_assert(eq(str, buf, ""));
	cr_assert(eq(int, cli_batch_l1_words(&c, buf, sizeof(buf)), 0));
	cr_assert(eq(str, buf, " batch=on batch_max=4"));
	cr_assert(eq(int, cli_batch_check(&c, buf, sizeof(buf)), 0));
	c.level = 1;
	cr_assert(eq(int, cli_batch_check(&c, why, sizeof(why)), -1));
	cr_assert(eq(str, why, "--batch l1: L1's batching is nestlab L1's mechanism: it needs "
		     "--level 2 and --l1 nestlab"));
	/* interposition: counting and tracing kernel entries is allowed with
	 * the kernel's batching, a deny list is not */
	c.batch = L0_BATCH_KERNEL;
	c.level = 2;
	c.interpose = L0_INTERPOSE_TRAP;
	c.interpose_op = L0_INTERPOSE_OP_COUNT;
	cr_assert(eq(int, cli_batch_check(&c, why, sizeof(why)), 0));
	c.interpose_op = L0_INTERPOSE_OP_TRACE;
	cr_assert(eq(int, cli_batch_check(&c, why, sizeof(why)), 0));
	c.interpose_op = L0_INTERPOSE_OP_DENY;
	cr_assert(eq(int, cli_batch_check(&c, why, sizeof(why)), -1));
	cr_assert(eq(str, why, "--batch kernel and --interpose-op deny exclude each other: a "
		     "batched system call makes no SYSCALL of its own, so the interposer could "
		     "not deny it"));
	c.batch = L0_BATCH_L1;                  /* L1's batching does not batch SYSCALL */
	cr_assert(eq(int, cli_batch_check(&c, why, sizeof(why)), 0));
	c.interpose = L0_INTERPOSE_OFF;
	c.interpose_op = L0_INTERPOSE_OP_COUNT;
	/* both: the kernel's words and L1's, level 2 under nestlab's L1 only */
	c.batch = L0_BATCH_BOTH;
	c.level = 2;
	strcpy(buf, "");
	cr_assert(eq(int, cli_batch_l2_words(&c, buf, sizeof(buf)), 0));
	cr_assert(eq(str, buf, " batch=kernel batch_max=4"));
	strcpy(buf, "");
	cr_assert(eq(int, cli_batch_l1_words(&c, buf, sizeof(buf)), 0));
	cr_assert(eq(str, buf, " batch=on batch_max=4"));
	cr_assert(eq(int, cli_batch_check(&c, why, sizeof(why)), 0));
	c.l1 = L0_L1_KVM;
	cr_assert(eq(int, cli_batch_check(&c, why, sizeof(why)), -1));
	cr_assert(eq(str, why, "--batch both: L1's batching is nestlab L1's mechanism: it needs "
		     "--level 2 and --l1 nestlab"));
}

static const char LINE[] = "nestlab-l2: batch phase 3: entries 5 syscalls 9 emulated 24 skipped 7 "
			   "sizes 1:2,2:1,4:2 ends limit:2,branch:3";

Test(batch_console, one_line)
{
	struct batch_console_phase ph;
	unsigned idx = 99;

	cr_assert(eq(int, batch_console_line(LINE, strlen(LINE), &idx, &ph), 0));
	cr_assert(eq(u32, idx, 3));
	cr_assert(ph.present);
	cr_assert(eq(u64, ph.entries, 5));
	cr_assert(eq(u64, ph.syscalls, 9));
	cr_assert(eq(u64, ph.emulated, 24));
	cr_assert(eq(u64, ph.skipped, 7));
	cr_assert(eq(u64, ph.size[1], 2));
	cr_assert(eq(u64, ph.size[2], 1));
	cr_assert(eq(u64, ph.size[3], 0));
	cr_assert(eq(u64, ph.size[4], 2));
	cr_assert(eq(u32, ph.nends, 2));
	cr_assert(eq(str, ph.end[0].name, "limit"));
	cr_assert(eq(u64, ph.end[0].count, 2));
	cr_assert(eq(str, ph.end[1].name, "branch"));
	cr_assert(eq(u64, ph.end[1].count, 3));
}

Test(batch_console, bad_lines)
{
	static const char *const bad[] = {
		"nestlab-l2: batch phase 16: entries 1 syscalls 1 emulated 0 skipped 0 sizes 1:1 ends branch:1",
		"nestlab-l2: batch phase 0: entries 1 syscalls 1 emulated 0 skipped 0 sizes 0:1 ends branch:1",
		"nestlab-l2: batch phase 0: entries 1 syscalls 1 emulated 0 skipped 0 sizes 65:1 ends branch:1",
		"nestlab-l2: batch phase 0: entries 1 syscalls 1 emulated 0 skipped 0 sizes 1:1 ends :1",
		"nestlab-l2: batch phase 0: entries 1 syscalls 1 emulated 0 skipped 0 sizes 1:1 ends branch:1 x",
		"nestlab-l2: batch phase 0: entries 1 syscalls 1 sizes 1:1 ends branch:1",
		"nestlab-l2: batch phase 0: entries 99999999999999999999 syscalls 1 emulated 0 skipped 0 sizes 1:1 ends branch:1",
		"nestlab-l2: batch phase 0: entries 1 syscalls 1 emulated 0 skipped 0 sizes 1:1 ends",
		/* the format before the negative cache: no skipped count */
		"nestlab-l2: batch phase 0: entries 1 syscalls 1 emulated 0 sizes 1:1 ends branch:1",
	};
	struct batch_console_phase ph;
	unsigned idx;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(eq(int, batch_console_line(bad[i], strlen(bad[i]), &idx, &ph), -1),
			  "accepted: %s", bad[i]);
}

/* A console as the launcher sees it at level 2 (L1's "L2: " relay), with
 * one malformed line and other output around it. */
Test(batch_console, console)
{
	struct batch_console bc;
	char text[512];

	snprintf(text, sizeof(text), "L2: nestlab-l2: level 2\nL2: %s\r\n"
		 "L2: nestlab-l2: batch phase 1: entries x\n%s", LINE,
		 "nestlab-l2: batch phase 0: entries 1 syscalls 2 emulated 3 skipped 0 sizes 2:1 ends branch:1");
	batch_console_parse(text, strlen(text), &bc);
	cr_assert(eq(u32, bc.lines, 2));
	cr_assert(eq(u32, bc.malformed, 1));
	cr_assert(bc.phase[3].present);
	cr_assert(eq(u64, bc.phase[3].entries, 5));
	cr_assert(not(bc.phase[1].present));
	cr_assert(bc.phase[0].present);
	cr_assert(eq(u64, bc.phase[0].size[2], 1));
}

/* batch-chain over one full period of 15 iterations: one run each of
 * 2..16 calls (135 calls), 6 emulated instructions per gap. */
Test(expect_batch, chain_period)
{
	struct expect_batch b;
	uint64_t calls = 0, gaps = 0;

	for (unsigned l = 2; l <= 16; l++)
		calls += l;
	expect_batch_compute(NESTLAB_WL_BATCH_CHAIN, 15, 16, &b);
	cr_assert(b.known);
	cr_assert(eq(u64, b.entries, 15));
	cr_assert(eq(u64, b.syscalls, calls));
	cr_assert(eq(u64, b.emulated, 6 * (calls - 15)));
	for (unsigned l = 1; l <= NESTLAB_BATCH_MAX_LIMIT; l++)
		cr_assert(eq(u64, b.size[l], l >= 2 && l <= 16 ? 1 : 0), "size %u", l);
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_LIMIT], 1));     /* the run of 16 */
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_BRANCH], 14));

	/* batch_max 4: a run of l is l / 4 entries of 4 ("limit") and one of
	 * l % 4 when that is not 0 */
	expect_batch_compute(NESTLAB_WL_BATCH_CHAIN, 15, 4, &b);
	uint64_t e = 0, fours = 0, rest[4] = { 0 };
	for (unsigned l = 2; l <= 16; l++) {
		fours += l / 4;
		rest[l % 4] += l % 4 != 0;
		e += l / 4 + (l % 4 != 0);
		gaps += l - (l / 4 + (l % 4 != 0));
	}
	cr_assert(eq(u64, b.entries, e));
	cr_assert(eq(u64, b.size[4], fours));
	cr_assert(eq(u64, b.size[1], rest[1]));
	cr_assert(eq(u64, b.size[2], rest[2]));
	cr_assert(eq(u64, b.size[3], rest[3]));
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_LIMIT], fours));
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_BRANCH], rest[1] + rest[2] + rest[3]));
	cr_assert(eq(u64, b.emulated, 6 * gaps));
}

Test(expect_batch, pairs_hostile_mix)
{
	struct expect_batch b;

	expect_batch_compute(NESTLAB_WL_BATCH_PAIRS, 1000, 16, &b);
	cr_assert(eq(u64, b.entries, 1000));
	cr_assert(eq(u64, b.syscalls, 2000));
	cr_assert(eq(u64, b.emulated, 5000));
	cr_assert(eq(u64, b.size[2], 1000));
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_BRANCH], 1000));
	/* the negative cache: the gap after getuid fails every time; of 1000
	 * visits the look-ahead runs at 1, 2, 4, 8, 16, 32, 64, 128, 256 and
	 * then every 256th (512, 768): 11, so 989 skipped */
	cr_assert(eq(u64, b.skipped, 989));
	expect_batch_compute(NESTLAB_WL_BATCH_HOSTILE, 1000, 16, &b);
	cr_assert(eq(u64, b.skipped, 5 * 989));          /* five gaps, each the same */
	/* 2000 visits: also 1024, 1280, 1536, 1792: 15 look-aheads a gap */
	expect_batch_compute(NESTLAB_WL_BATCH_HOSTILE, 2000, 16, &b);
	cr_assert(eq(u64, b.skipped, 5 * (2000 - 15)));
	expect_batch_compute(NESTLAB_WL_BATCH_HOSTILE, 10, 16, &b);
	cr_assert(eq(u64, b.skipped, 5 * (10 - 4)));     /* visits 1, 2, 4, 8 look ahead */
	cr_assert(eq(u64, b.entries, 50));
	cr_assert(eq(u64, b.size[1], 50));
	cr_assert(eq(u64, b.emulated, 0));
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_NOT_EMULABLE], 30));
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_CODE_WRITE], 10));
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_BRANCH], 10));
	/* batch_max 1: every call its own entry, each ending at the limit */
	expect_batch_compute(NESTLAB_WL_SYSCALL_MIX, 7, 1, &b);
	cr_assert(eq(u64, b.entries, 28));
	cr_assert(eq(u64, b.end[NESTLAB_BATCH_END_LIMIT], 28));
	cr_assert(eq(u64, b.emulated, 0));
	/* no declared runs: not known */
	expect_batch_compute(NESTLAB_WL_GETPID, 1000, 16, &b);
	cr_assert(not(b.known));
	cr_assert(eq(u64, b.entries, 0));
}

/* The backoff rule (include/nestlab/batch.h): 2^(f-1) - 1 entries
 * skipped after f failures in a row, none after one, at most 255. */
Test(expect_batch, backoff)
{
	cr_assert(eq(u32, nestlab_batch_backoff(0), 0));
	cr_assert(eq(u32, nestlab_batch_backoff(1), 0));
	cr_assert(eq(u32, nestlab_batch_backoff(2), 1));
	cr_assert(eq(u32, nestlab_batch_backoff(3), 3));
	cr_assert(eq(u32, nestlab_batch_backoff(6), 31));
	cr_assert(eq(u32, nestlab_batch_backoff(7), 63));
	cr_assert(eq(u32, nestlab_batch_backoff(8), 127));
	cr_assert(eq(u32, nestlab_batch_backoff(9), 255));
	cr_assert(eq(u32, nestlab_batch_backoff(10), 255));
	cr_assert(eq(u32, nestlab_batch_backoff(31), NESTLAB_BATCH_BACKOFF_MAX));
	cr_assert(eq(u32, NESTLAB_BATCH_BACKOFF_MAX, 255));
}

Test(expect_batch, render)
{
	struct expect_batch b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	expect_batch_compute(NESTLAB_WL_BATCH_PAIRS, 3, 16, &b);
	expect_batch_render(f, &b);
	expect_batch_compute(NESTLAB_WL_GETPID, 3, 16, &b);
	expect_batch_render(f, &b);
	fclose(f);
	/* 3 visits of the failing gap: look-aheads at the 1st and 2nd (none
	 * skipped after one failure), the 3rd skipped (1 after two) */
	cr_assert(eq(str, buf, "{\"entries\": 3, \"syscalls\": 6, \"emulated\": 15, "
		     "\"skipped\": 1, \"sizes\": {\"2\": 3}, \"ends\": {\"branch\": 3}}null"));
	free(buf);
	cr_assert(eq(str, (char *)expect_batch_end_name(NESTLAB_BATCH_END_CODE_WRITE),
		     "code_write"));
	cr_assert(eq(str, (char *)expect_batch_end_name(NESTLAB_BATCH_END_NR), "?"));
}

/* L1's exit-level batching model (workload_model.h nestlab_wm_l1_batch),
 * worked out by hand from exit-pairs' definition: per iteration the run
 * CPUID, 5 glue, CPUID, 3, VMMCALL, 3, VMMCALL (ends branch) and the run
 * RDMSR, 3, WRMSR (ends branch). */
Test(expect_l1_batch, exit_pairs)
{
	const struct nestlab_workload_model *m = nestlab_workload_model(NESTLAB_WL_EXIT_PAIRS);
	struct nestlab_wm_l1_batch b;

	/* batch_max 16: one exit per run, CPUID's of 4 and MSR's of 2 */
	nestlab_wm_l1_batch(m->l1_runs, 16, &b);
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_CPUID], 1));
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_VMMCALL], 0));
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_MSR], 1));
	cr_assert(eq(u64, b.batched[NESTLAB_EXIT_CPUID], 1));
	cr_assert(eq(u64, b.batched[NESTLAB_EXIT_VMMCALL], 2));
	cr_assert(eq(u64, b.batched[NESTLAB_EXIT_MSR], 1));
	cr_assert(eq(u64, b.batches, 2));
	cr_assert(eq(u64, b.handled, 6));
	cr_assert(eq(u64, b.emulated, 5 + 3 + 3 + 3));
	cr_assert(eq(u64, b.size[4], 1));
	cr_assert(eq(u64, b.size[2], 1));
	cr_assert(eq(u64, b.end[NESTLAB_L1_BATCH_END_BRANCH], 2));
	/* 3: CPUID exit (C C V, limit), VMMCALL exit (V, branch), MSR exit (R W, branch) */
	nestlab_wm_l1_batch(m->l1_runs, 3, &b);
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_CPUID], 1));
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_VMMCALL], 1));
	cr_assert(eq(u64, b.batched[NESTLAB_EXIT_VMMCALL], 1));
	cr_assert(eq(u64, b.emulated, 5 + 3 + 3));
	cr_assert(eq(u64, b.size[3], 1));
	cr_assert(eq(u64, b.size[1], 1));
	cr_assert(eq(u64, b.end[NESTLAB_L1_BATCH_END_LIMIT], 1));
	cr_assert(eq(u64, b.end[NESTLAB_L1_BATCH_END_BRANCH], 2));
	/* 2: C C (limit), V V (limit), R W (limit) */
	nestlab_wm_l1_batch(m->l1_runs, 2, &b);
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_CPUID], 1));
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_VMMCALL], 1));
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_MSR], 1));
	cr_assert(eq(u64, b.emulated, 5 + 3 + 3));
	cr_assert(eq(u64, b.end[NESTLAB_L1_BATCH_END_LIMIT], 3));
	/* 1: every instruction its own exit, nothing batched */
	nestlab_wm_l1_batch(m->l1_runs, 1, &b);
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_CPUID], 2));
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_VMMCALL], 2));
	cr_assert(eq(u64, b.exits[NESTLAB_EXIT_MSR], 2));
	cr_assert(eq(u64, b.handled, 6));
	cr_assert(eq(u64, b.emulated, 0));
	cr_assert(eq(u64, b.end[NESTLAB_L1_BATCH_END_LIMIT], 6));
}

/* The expected phase exits and counters object, pio-pairs and exit-pairs. */
Test(expect_l1_batch, render)
{
	struct expect_l1_batch b;
	struct results_exits ex = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	expect_l1_batch_compute(nestlab_workload_model(NESTLAB_WL_PIO_PAIRS), 5, 16, &b);
	cr_assert(b.known);
	ex.c[NESTLAB_EXIT_IOIO].count = 10;
	ex.present = 1ull << NESTLAB_EXIT_IOIO;
	expect_l1_batch_exits(&b, &ex);
	cr_assert(eq(u64, ex.c[NESTLAB_EXIT_IOIO].count, 5));
	expect_l1_batch_render(f, &b);
	expect_l1_batch_compute(nestlab_workload_model(NESTLAB_WL_EXIT_PAIRS), 2, 2, &b);
	ex = (struct results_exits){ 0 };
	ex.c[NESTLAB_EXIT_VMMCALL].count = 4;
	ex.present = 1ull << NESTLAB_EXIT_VMMCALL;
	expect_l1_batch_exits(&b, &ex);
	cr_assert(eq(u64, ex.c[NESTLAB_EXIT_VMMCALL].count, 2));
	expect_l1_batch_compute(nestlab_workload_model(NESTLAB_WL_GETPID), 2, 16, &b);
	cr_assert(not(b.known));
	expect_l1_batch_render(f, &b);
	fclose(f);
	cr_assert(eq(str, buf, "{\"l1batch.exits\": 5, \"l1batch.handled\": 10, "
		     "\"l1batch.emulated\": 15, \"l1batch.ioio\": 5, \"l1batch.size.2\": 5, "
		     "\"l1batch.end.branch\": 5}null"));
	free(buf);
}

/* Interposition under the kernel's batching (docs/batching.md,
 * "Interposition"): the interposer sees kernel entries, so batch-pairs'
 * 2 calls per iteration are 1 entry: interpose.total N + 1 (PHASE_END's
 * call), 2 excp_ud exits per entry under trap; a workload without a
 * batching model leaves both unknown. */
Test(expect_batch, interpose_sees_entries)
{
	struct expect_params p = {
		.workload = NESTLAB_WL_BATCH_PAIRS, .iterations = 1000, .level = 2,
		.interpose = L0_INTERPOSE_TRAP,
	};
	struct expect e;

	cr_assert(eq(int, expect_compute(&p, &e), 0));
	cr_assert(e.interpose_seen_known);
	cr_assert(eq(u64, e.interpose_seen, 2 * 1000 + 1));
	cr_assert(eq(u64, e.exits.c[NESTLAB_EXIT_EXCP_UD].count, 2 * 2000 + 2));
	p.batch = L0_BATCH_KERNEL;
	cr_assert(eq(int, expect_compute(&p, &e), 0));
	cr_assert(e.exits_known);
	cr_assert(eq(u64, e.interpose_seen, 1000 + 1));
	cr_assert(eq(u64, e.exits.c[NESTLAB_EXIT_EXCP_UD].count, 2 * 1000 + 2));
	p.interpose = L0_INTERPOSE_HYPERCALL;
	cr_assert(eq(int, expect_compute(&p, &e), 0));
	cr_assert(eq(u64, e.exits.c[NESTLAB_EXIT_VMMCALL].count, 1000 + 1));
	p.workload = NESTLAB_WL_GETPID;
	cr_assert(eq(int, expect_compute(&p, &e), 0));
	cr_assert(not(e.interpose_seen_known));
	cr_assert(not(e.exits_known));
}
