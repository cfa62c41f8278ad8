/*
 * The exit model of every workload of NESTLAB_WORKLOADS (bootargs.h): what
 * one run must show, as the workload's declared contract. For a run with
 * iterations N, hypercall transport T and L1's NPT mode (eager or lazy):
 *
 *   - the exits the workload's phase shows at level 2 (the "exits" object of
 *     the phase in the JSON results), as a sum of terms, each
 *     per_iter * N + fixed exits of one reason, or of the transport's exit
 *     (NESTLAB_WM_HC: vmmcall, or ioio for the backdoor), optionally only
 *     under lazy NPT; terms that come to 0 are absent, as in the results;
 *   - the run status at level 1 and at level 2 (enum nestlab_status, or
 *     NESTLAB_WM_NO_STATUS when the machine stops without one);
 *   - how many "PASS: <workload>: ..." lines the workload prints at each
 *     level (one per check it makes; it prints FAIL for a check that fails).
 *
 * A per-process workload (multi) runs one process per entry of its procs=
 * list (include/nestlab/procs.h), each running a program that is itself a
 * workload: its phase holds the sum of those programs' exits (each
 * program's terms for the same N), and its checks are per process.
 *
 * Under L1's MBEC emulation (`nestlab run --mbec exec-fault|intercept`,
 * docs/mbec.md; the kernel declares its execute policy, guests/kernel/
 * mbec.c) the model's `mbec` part says what changes, for each of L1's
 * designs and violation policies:
 *
 *   - each change of L2's privilege level is one view switch: 2 per system
 *     call round trip and 2 per exception, interrupt or INT n taken from
 *     ring 3 and returned from. The part counts those per iteration by
 *     kind (syscalls, page_faults, interrupts, swints; for multi: per
 *     process and iteration, on top of its program's). What a switch
 *     costs depends on the design (nestlab_wm_mbec_exits): exec-fault,
 *     one NPF exit per switch (the first fetch in the new mode);
 *     intercept, 2 excp_ud per system call (SYSCALL and SYSRET raise
 *     #UD), and per #PF, interrupt or INT n from ring 3 one iret and one
 *     excp_db (the IRET, stepped), plus the excp_pf of the #PF itself or
 *     the swint of the INT n (the interrupt's entry is the injection L1
 *     makes anyway). The phase's markers add a fixed few,
 *     which the tests cancel by comparing two iteration counts
 *     (tests/integration/mbec.sh), so the phase's exact exits are not
 *     modelled under MBEC;
 *   - a workload that fetches against the policy on purpose (violates) ends
 *     under mbec_violation=stop with NESTLAB_STATUS_L2_MBEC_VIOLATION before
 *     it prints a check; under report and inject it passes;
 *   - extra_checks: the PASS lines it prints under MBEC beyond checks[1].
 *
 * Exits are modelled for runs that pass; a negative test ends mid-phase.
 * At level 1 there is no L1 to count exits: every phase shows none. The
 * phase markers (PHASE_BEGIN/PHASE_END hypercalls) never count in a phase.
 * The workload's C code in guests/workloads/ is the ground truth; `nestlab
 * expect` (l0/cmd_expect.c) evaluates this model and the integration tests
 * (tests/integration/) prove the two agree.
 */
#ifndef NESTLAB_WORKLOAD_MODEL_H
#define NESTLAB_WORKLOAD_MODEL_H

#include <stddef.h>
#include <nestlab/batch.h>
#include <nestlab/bootargs.h>
#include <nestlab/exit_reason.h>
#include <nestlab/hypercall.h>
#include <nestlab/ktramp.h>
#include <nestlab/status.h>

#define NESTLAB_WM_HC         NESTLAB_EXIT_NR /* the transport's exit reason */
#define NESTLAB_WM_NO_STATUS  (-1)            /* stops without a status */
#define NESTLAB_WM_TERMS_MAX  10

enum nestlab_wm_when {
	NESTLAB_WM_ALWAYS   = 0,
	NESTLAB_WM_NPT_LAZY = 1, /* only when L1 maps L2 RAM on first touch */
};

struct nestlab_wm_term {
	unsigned short reason;   /* enum nestlab_exit_reason or NESTLAB_WM_HC */
	unsigned char when;      /* enum nestlab_wm_when */
	unsigned long per_iter;  /* exits per iteration ... */
	unsigned long fixed;     /* ... plus exits per run */
};

struct nestlab_wm_mbec {
	/* privilege changes from ring 3 and back, per iteration */
	unsigned long syscalls_per_iter;    /* system call round trips */
	unsigned long page_faults_per_iter; /* #PF taken from ring 3 */
	unsigned long interrupts_per_iter;  /* interrupts taken from ring 3 */
	unsigned long swints_per_iter;      /* INT n from ring 3 (to a DPL 3 gate) */
	int violates;                    /* fetches against the policy on purpose */
	unsigned extra_checks;           /* PASS lines beyond checks[1] */
	int skips;                       /* needs the views MBEC takes: SKIP, no check */
};

/*
 * Under L1's system-call interposition (`nestlab run --interpose V`,
 * docs/interpose.md) every system call is interposed: the mbec part's
 * syscalls_per_iter (round trips per iteration) are the calls per
 * iteration, and the phase's last call, PHASE_END's, is one more
 * (NESTLAB_WM_INTERPOSE_FIXED_CALLS). The exits they add: inguest none;
 * hypercall one VMMCALL per call (the module's); trap 2 #UD per round trip
 * (SYSCALL and SYSRET) plus PHASE_BEGIN's SYSRET and PHASE_END's SYSCALL
 * in the phase. A workload whose exits change otherwise under
 * interposition says so (exits_vary) and has its level-2 checks per
 * variant.
 */
#define NESTLAB_WM_INTERPOSE_FIXED_CALLS 1
struct nestlab_wm_interpose {
	int exits_vary;                  /* the phase's exits are not modelled */
	/* PASS lines at level 2 beyond checks[1]'s base, replacing
	 * off_checks: [trap, registered module, no module registered] */
	unsigned base_checks, off_checks, trap_checks, module_checks, unreg_checks;
};

/*
 * Under L1's exit-level batching (--batch l1): a run is a sequence of n
 * exiting instructions (their exit reasons), glue[j] instructions between
 * the (j-1)-th and the j-th that L1 emulates exactly (j >= 1), and the
 * reason (enum nestlab_l1_batch_end) L1's look-ahead stops at after the
 * last. Each iteration makes every run once (unused runs have n = 0). With
 * batch_max m the run is handled in exits at its positions 0, m, 2m, ...
 * (a VM exit of that position's reason), each handling the next min(m,
 * rest) instructions: the full ones end `limit` (checked before any
 * look-ahead), the last short one ends `end`; the instructions handled
 * inside an exit are the counters l1batch.<kind> (handled without a VM
 * exit of their own), their glue l1batch.emulated (nestlab_wm_l1_batch).
 */
#define NESTLAB_WM_L1_RUN_MAX  8
#define NESTLAB_WM_L1_RUNS_MAX 2
struct nestlab_wm_l1_run {
	unsigned char n;
	unsigned char reason[NESTLAB_WM_L1_RUN_MAX];   /* enum nestlab_exit_reason */
	unsigned char glue[NESTLAB_WM_L1_RUN_MAX];     /* glue[j]: before the j-th */
	unsigned char end;                             /* enum nestlab_l1_batch_end */
};

/* What one iteration's runs give under batch_max m (1..64). */
struct nestlab_wm_l1_batch {
	unsigned long exits[NESTLAB_EXIT_NR];          /* VM exits by reason */
	unsigned long batched[NESTLAB_EXIT_NR];        /* handled inside an exit */
	unsigned long batches, handled, emulated;      /* exits that began one */
	unsigned long size[NESTLAB_BATCH_MAX_LIMIT + 1];
	unsigned long end[NESTLAB_L1_BATCH_END_NR];
};

static inline void nestlab_wm_l1_batch(const struct nestlab_wm_l1_run *runs, unsigned m,
				       struct nestlab_wm_l1_batch *b)
{
	*b = (struct nestlab_wm_l1_batch){ 0 };
	for (unsigned r = 0; m && r < NESTLAB_WM_L1_RUNS_MAX; r++) {
		const struct nestlab_wm_l1_run *run = &runs[r];

		for (unsigned at = 0; at < run->n; at += m) {
			unsigned size = run->n - at < m ? run->n - at : m;

			b->exits[run->reason[at]]++;
			b->batches++;
			b->handled += size;
			b->size[size]++;
			b->end[size == m ? NESTLAB_L1_BATCH_END_LIMIT : run->end]++;
			for (unsigned j = at + 1; j < at + size; j++) {
				b->batched[run->reason[j]]++;
				b->emulated += run->glue[j];
			}
		}
	}
}

struct nestlab_workload_model {
	int defined;                                   /* every workload has one */
	/* level 2 phase; unused slots are all zero and count nothing */
	struct nestlab_wm_term exits[NESTLAB_WM_TERMS_MAX];
	int status[2];                                 /* [0] level 1, [1] level 2 */
	unsigned checks[2];                            /* PASS lines, same order */
	/* The workload checks nestlab L1's own answers (its hypercall error
	 * codes, #GP for a refused MSR...), so it means nothing under another
	 * L1 such as Linux KVM (docs/kvm-l1.md). */
	int nestlab_l1_only;
	/* The phase's exits are random (a generated sequence's), not
	 * modelled: the workload prints what they must add up to. */
	int exits_random;
	/* exits: the sum of the procs= programs' models; checks[]: per process */
	int per_proc;
	struct nestlab_wm_mbec mbec;                   /* under L1's MBEC emulation */
	/* Under L1's exit-level batching (--batch l1, l1hyp/mech/batch_l1*.c):
	 * the runs of exiting instructions each iteration makes
	 * (nestlab_wm_l1_batch, above). */
	struct nestlab_wm_l1_run l1_runs[NESTLAB_WM_L1_RUNS_MAX];
	struct nestlab_wm_interpose interpose;         /* under L1's interposition */
};

#define NESTLAB_WM_EACH(r)      { NESTLAB_EXIT_##r, NESTLAB_WM_ALWAYS, 1, 0 }
#define NESTLAB_WM_EACH_HC      { NESTLAB_WM_HC, NESTLAB_WM_ALWAYS, 1, 0 }
#define NESTLAB_WM_EACH_LAZY(r) { NESTLAB_EXIT_##r, NESTLAB_WM_NPT_LAZY, 1, 0 }
#define NESTLAB_WM_FIXED(r, n)  { NESTLAB_EXIT_##r, NESTLAB_WM_ALWAYS, 0, (n) }
#define NESTLAB_WM_FIXED_HC(n)  { NESTLAB_WM_HC, NESTLAB_WM_ALWAYS, 0, (n) }
#define NESTLAB_WM_PASSES       .status = { NESTLAB_STATUS_PASS, NESTLAB_STATUS_PASS }
/* Per iteration: n system call round trips, #PFs or interrupts from ring
 * 3, each 2 view switches under MBEC (into the kernel and back). */
#define NESTLAB_WM_MBEC_SYSCALLS(n)    .mbec = { .syscalls_per_iter = (n) }
#define NESTLAB_WM_MBEC_PAGE_FAULTS(n) .mbec = { .page_faults_per_iter = (n) }
#define NESTLAB_WM_MBEC_INTERRUPTS(n)  .mbec = { .interrupts_per_iter = (n) }
#define NESTLAB_WM_MBEC_SWINTS(n)      .mbec = { .swints_per_iter = (n) }

/* The MBEC designs, as the launcher numbers them (l0/run_config.h). */
enum nestlab_wm_mbec_design { NESTLAB_WM_MBEC_EXEC_FAULT = 1, NESTLAB_WM_MBEC_INTERCEPT = 2 };

/* View switches per iteration of mbec part m. */
static inline unsigned long nestlab_wm_mbec_switches(const struct nestlab_wm_mbec *m)
{
	return 2 * (m->syscalls_per_iter + m->page_faults_per_iter + m->interrupts_per_iter +
		    m->swints_per_iter);
}

/* Exits of `reason` that design adds per iteration for mbec part m. */
static inline unsigned long nestlab_wm_mbec_exits(const struct nestlab_wm_mbec *m,
						  enum nestlab_wm_mbec_design design,
						  unsigned int reason)
{
	unsigned long returns = m->page_faults_per_iter + m->interrupts_per_iter +
				m->swints_per_iter;

	if (design == NESTLAB_WM_MBEC_EXEC_FAULT)
		return reason == NESTLAB_EXIT_NPF ? nestlab_wm_mbec_switches(m) : 0;
	switch (reason) {
	case NESTLAB_EXIT_EXCP_UD: return 2 * m->syscalls_per_iter;
	case NESTLAB_EXIT_EXCP_PF: return m->page_faults_per_iter;
	case NESTLAB_EXIT_SWINT:   return m->swints_per_iter;
	case NESTLAB_EXIT_IRET:    return returns;
	case NESTLAB_EXIT_EXCP_DB: return returns;
	}
	return 0;
}

/*
 * hcerrors.c makes NESTLAB_WM_HCERRORS_CHECKS CHECK()s, one malformed
 * hypercall each: one a raw VMMCALL with a wrong magic (a VMMCALL exit
 * whatever the transport), the others over the run's transport. One of those
 * is a PHASE_END (of a never-begun index), a marker, which never counts in a
 * phase. At level 1 it makes no check (one SKIP line).
 */
#define NESTLAB_WM_HCERRORS_CHECKS   8
#define NESTLAB_WM_HCERRORS_RAW      1 /* the wrong-magic VMMCALL */
#define NESTLAB_WM_HCERRORS_MARKERS  1 /* the PHASE_END */
#define NESTLAB_WM_HCERRORS_HC \
	(NESTLAB_WM_HCERRORS_CHECKS - NESTLAB_WM_HCERRORS_RAW - NESTLAB_WM_HCERRORS_MARKERS)

/*
 * intercepts.c at level 2, inside its phase: 4 MSR probes (kernel/probe.c),
 * of which WRMSR EFER.SVME is a RDMSR then a WRMSR: 5 MSR exits; the 7 SVM
 * instructions VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA, one exit
 * each; 4 CPUIDs (leaves 0x40000000, 0x40000001, 1, 0x80000001). One check
 * per probe and per CPUID: 15. At level 1 only the 7 SVM instruction checks
 * run (the CPUID ones print SKIP).
 */
#define NESTLAB_WM_INTERCEPTS_MSR_PROBES 4
#define NESTLAB_WM_INTERCEPTS_MSRS       (NESTLAB_WM_INTERCEPTS_MSR_PROBES + 1)
#define NESTLAB_WM_INTERCEPTS_SVM        7
#define NESTLAB_WM_INTERCEPTS_CPUIDS     4
#define NESTLAB_WM_INTERCEPTS_CHECKS \
	(NESTLAB_WM_INTERCEPTS_MSR_PROBES + NESTLAB_WM_INTERCEPTS_SVM + \
	 NESTLAB_WM_INTERCEPTS_CPUIDS)

/*
 * timer.c at level 2, the contract of L1's local APIC emulation: L1 emulates
 * L2's xAPIC page through nested page faults, so each access to it is one
 * NPF exit, and a timer expiry while L2 runs in ring 3 with IF = 1 is one
 * INTR exit (L1's own timer fires; L1 injects L2's vector on the same
 * re-entry). An expiry while L2 has IF = 0 would add a VINTR exit when L2
 * re-enables interrupts; in the phase L2 only spins in ring 3, and the
 * timer's setup (4 APIC writes) and stop (1) are outside it. Per interrupt:
 * one INTR and the handler's EOI write, one NPF. Two checks at each level:
 * all N in ring 3, N preemptions.
 */
#define NESTLAB_WM_TIMER_CHECKS 2

/*
 * mbec_errors.c under L1's MBEC emulation: 4 calls before ENABLE (SET,
 * QUERY, ENABLE of another version, ENABLE from CPL3), the kernel's policy,
 * 10 bad calls after it (ENABLE again, 4 bad SETs, SET across the end of
 * RAM, a wrapping SET, QUERY outside RAM, SET and QUERY from CPL3), 3
 * QUERYs of what the policy gave, a SET and QUERY of a data page, and the
 * view-switch count across a getpid: 20 checks. Without MBEC: none (SKIP).
 */
#define NESTLAB_WM_MBEC_ERRORS_CHECKS 20

/*
 * Decoded-syscall batching (batch=kernel, docs/batching.md): the workloads
 * written in assembly declare their system-call runs, so their batches are
 * known exactly. A run is `calls` system calls in a row, each gap between
 * two of them `glue` instructions the kernel emulates (the next call's
 * number load included), and what the look-ahead meets after the run's
 * last call (`end`, enum nestlab_batch_end). The kernel makes a run in
 * entries of at most batch_max calls: calls / batch_max entries of
 * batch_max calls, which end "limit", and one of the rest, which ends as
 * the run does; an entry of s calls emulates (s - 1) * glue instructions.
 * Outside the runs the workloads make no system call inside their phase.
 */
#define NESTLAB_WM_BATCH_RUNS_MAX 8

struct nestlab_wm_batch_run {
	unsigned calls;
	unsigned glue;
	unsigned char end;      /* enum nestlab_batch_end */
};

/* syscall_mix.c: one run of 4, 3 instructions per gap, then the loop's jnz */
#define NESTLAB_WM_SYSCALL_MIX_CALLS  4
#define NESTLAB_WM_SYSCALL_MIX_GLUE   3
/* batch_pairs.c: getpid, 5 instructions, getuid, then the loop's jnz */
#define NESTLAB_WM_BATCH_PAIRS_CALLS  2
#define NESTLAB_WM_BATCH_PAIRS_GLUE   5
/* batch_chain.c: iteration i runs the last 2 + i mod 15 of its 16
 * elements, 5 glue instructions and the next number's load per gap, then
 * the loop's branches */
#define NESTLAB_WM_BATCH_CHAIN_MIN    2
#define NESTLAB_WM_BATCH_CHAIN_MAX    16
#define NESTLAB_WM_BATCH_CHAIN_GLUE   6
/* pio_pairs.c: an OUT and an IN of the scratch port, 3 register
 * instructions between, then the loop's jnz: under --batch l1 one IOIO
 * exit per iteration handles both (its batch: 2 accesses, ends "branch") */
#define NESTLAB_WM_PIO_PAIRS_ACCESSES 2
#define NESTLAB_WM_PIO_PAIRS_GLUE     3
/* exit_pairs.c: CPUID, 5 instructions (a store, a push, a pop), CPUID, 3 (a
 * load), VMMCALL NOP, 3, VMMCALL VERSION, then the loop's add, sub, jnz;
 * and the kernel probe's RDMSR EFER, 3 register instructions, WRMSR EFER,
 * JMP */
#define NESTLAB_WM_EXIT_PAIRS_GLUE_CPUID   5
#define NESTLAB_WM_EXIT_PAIRS_GLUE_VMMCALL 3
#define NESTLAB_WM_EXIT_PAIRS_GLUE_MSR     3
/* batch_hostile.c: 5 single calls, each followed by glue that ends the
 * batch: imul, bswap (not_emulable), a store into the code ahead
 * (code_write), pause (not_emulable), the loop's jnz (branch) */
#define NESTLAB_WM_BATCH_HOSTILE_CALLS 5

/* The runs of iteration i of workload wl into r[NESTLAB_WM_BATCH_RUNS_MAX]:
 * how many (0: no batching model). The contract the negative cache's model
 * needs (include/nestlab/batch.h, nestlab_batch_backoff): run k of every
 * iteration ends at the same return RIP, and a look-ahead there fails
 * every time, with the run's end, on code that never changes (the kernel
 * starts over when the gap's first bytes change); the runs' end RIPs lie
 * in different slots of the kernel's table (guests/kernel/batch_neg.h:
 * distinct low 8 bits, true of gaps within 256 bytes of code). */
static inline unsigned nestlab_wm_batch_runs(unsigned int wl, unsigned long i,
					     struct nestlab_wm_batch_run *r)
{
	static const unsigned char hostile[NESTLAB_WM_BATCH_HOSTILE_CALLS] = {
		NESTLAB_BATCH_END_NOT_EMULABLE, NESTLAB_BATCH_END_NOT_EMULABLE,
		NESTLAB_BATCH_END_CODE_WRITE, NESTLAB_BATCH_END_NOT_EMULABLE,
		NESTLAB_BATCH_END_BRANCH,
	};

	switch (wl) {
	case NESTLAB_WL_SYSCALL_MIX:
		r[0] = (struct nestlab_wm_batch_run){ NESTLAB_WM_SYSCALL_MIX_CALLS,
			NESTLAB_WM_SYSCALL_MIX_GLUE, NESTLAB_BATCH_END_BRANCH };
		return 1;
	case NESTLAB_WL_BATCH_PAIRS:
		r[0] = (struct nestlab_wm_batch_run){ NESTLAB_WM_BATCH_PAIRS_CALLS,
			NESTLAB_WM_BATCH_PAIRS_GLUE, NESTLAB_BATCH_END_BRANCH };
		return 1;
	case NESTLAB_WL_BATCH_CHAIN:
		r[0] = (struct nestlab_wm_batch_run){
			NESTLAB_WM_BATCH_CHAIN_MIN + (unsigned)(i % (NESTLAB_WM_BATCH_CHAIN_MAX -
				NESTLAB_WM_BATCH_CHAIN_MIN + 1)),
			NESTLAB_WM_BATCH_CHAIN_GLUE, NESTLAB_BATCH_END_BRANCH };
		return 1;
	case NESTLAB_WL_BATCH_HOSTILE:
		for (unsigned k = 0; k < NESTLAB_WM_BATCH_HOSTILE_CALLS; k++)
			r[k] = (struct nestlab_wm_batch_run){ 1, 0, hostile[k] };
		return NESTLAB_WM_BATCH_HOSTILE_CALLS;
	}
	return 0;
}

/*
 * interpose_check.c: 6 LSTAR checks at both levels; at level 2 more, by
 * what L1's interposition is (docs/interpose.md): off 3, trap and
 * breakpoint 3, a
 * registered interposer module 8, interposition on with no module
 * registered (the registration cases) 16 (both: the non-canonical write
 * first). Its hypercalls are VMMCALLs
 * whatever the transport: with interposition off, 2 QUERYs (configuration,
 * counts) and REGISTER at CPL0, REGISTER at CPL3.
 */
#define NESTLAB_WM_INTERPOSE_LSTAR_CHECKS      6
#define NESTLAB_WM_INTERPOSE_OFF_CHECKS        3
#define NESTLAB_WM_INTERPOSE_TRAP_CHECKS       3
#define NESTLAB_WM_INTERPOSE_MODULE_CHECKS     8
#define NESTLAB_WM_INTERPOSE_UNREG_CHECKS      16
#define NESTLAB_WM_INTERPOSE_CHECKS_MAX        \
	(NESTLAB_WM_INTERPOSE_LSTAR_CHECKS + NESTLAB_WM_INTERPOSE_UNREG_CHECKS)
#define NESTLAB_WM_INTERPOSE_OFF_VMMCALLS      4

/*
 * domain.c at level 2 with L1's domain mechanism (the launcher turns it on
 * for this workload): 14 checks before the phase (8 bad descriptors, the
 * valid one, again; the secret's read and a call elsewhere than the gate
 * from outside; RETURN outside; CALL of another id), 2 after; in the phase
 * each iteration is one call through the gate: 2 VMMCALL exits (the CALL,
 * the domain's RETURN), whatever the transport. At level 1 none (SKIP).
 * Under MBEC the domain has a view per mode (docs/mbec.md): the same
 * checks, and each call is one system call round trip more (the program's
 * L2_TEST_DOMAIN request).
 */
#define NESTLAB_WM_DOMAIN_CHECKS 16

/* The exit reason of one hypercall over transport `t`. */
static inline unsigned int nestlab_wm_hc_exit(enum nestlab_transport t)
{
	switch (t) {
	case NESTLAB_TRANSPORT_VMMCALL:  return NESTLAB_EXIT_VMMCALL;
	case NESTLAB_TRANSPORT_VMCALL:   return NESTLAB_EXIT_VMCALL;
	case NESTLAB_TRANSPORT_BACKDOOR: return NESTLAB_EXIT_IOIO; /* IN from the port */
	}
	return NESTLAB_EXIT_UNKNOWN;
}

/* The model of workload `wl` (enum nestlab_workload), NULL if out of range. */
static inline const struct nestlab_workload_model *nestlab_workload_model(unsigned int wl)
{
	static const struct nestlab_workload_model models[NESTLAB_WL_NR] = {
		/* null.c: an empty phase */
		[NESTLAB_WL_NULL_] = { .defined = 1, NESTLAB_WM_PASSES },
		/* cpuid.c: one CPUID per iteration, always intercepted */
		[NESTLAB_WL_CPUID] = {
			.defined = 1, .exits = { NESTLAB_WM_EACH(CPUID) }, NESTLAB_WM_PASSES,
		},
		/* hypercall.c: one NOP hypercall per iteration over the transport */
		[NESTLAB_WL_HYPERCALL] = {
			.defined = 1, .exits = { NESTLAB_WM_EACH_HC }, NESTLAB_WM_PASSES,
		},
		/* pio.c: one IN of the UART scratch port per iteration */
		[NESTLAB_WL_PIO] = {
			.defined = 1, .exits = { NESTLAB_WM_EACH(IOIO) }, NESTLAB_WM_PASSES,
		},
		/* getpid.c: SYSCALL/SYSRET are not intercepted */
		[NESTLAB_WL_GETPID] = {
			.defined = 1, NESTLAB_WM_PASSES, NESTLAB_WM_MBEC_SYSCALLS(1),
		},
		/* write.c: each write(2) is one CONSOLE_WRITE hypercall */
		[NESTLAB_WL_WRITE] = {
			.defined = 1, .exits = { NESTLAB_WM_EACH_HC }, NESTLAB_WM_PASSES,
			NESTLAB_WM_MBEC_SYSCALLS(1),
		},
		/* pagefault.c: each iteration maps a frame never touched before
		 * (the #PF is taken from ring 3: 2 view switches under MBEC) */
		[NESTLAB_WL_PAGEFAULT] = {
			.defined = 1, .exits = { NESTLAB_WM_EACH_LAZY(NPF) }, NESTLAB_WM_PASSES,
			NESTLAB_WM_MBEC_PAGE_FAULTS(1),
		},
		/* syscall_mix.c: 4 system calls and ALU work, nothing intercepted */
		[NESTLAB_WL_SYSCALL_MIX] = {
			.defined = 1, NESTLAB_WM_PASSES, NESTLAB_WM_MBEC_SYSCALLS(4),
		},
		[NESTLAB_WL_HCERRORS] = {
			.defined = 1, .nestlab_l1_only = 1,
			.exits = { NESTLAB_WM_FIXED(VMMCALL, NESTLAB_WM_HCERRORS_RAW),
				   NESTLAB_WM_FIXED_HC(NESTLAB_WM_HCERRORS_HC) },
			NESTLAB_WM_PASSES,
			.checks = { 0, NESTLAB_WM_HCERRORS_CHECKS },
		},
		[NESTLAB_WL_INTERCEPTS] = {
			.defined = 1, .nestlab_l1_only = 1,
			.exits = { NESTLAB_WM_FIXED(CPUID, NESTLAB_WM_INTERCEPTS_CPUIDS),
				   NESTLAB_WM_FIXED(MSR, NESTLAB_WM_INTERCEPTS_MSRS),
				   NESTLAB_WM_FIXED(VMRUN, 1), NESTLAB_WM_FIXED(VMLOAD, 1),
				   NESTLAB_WM_FIXED(VMSAVE, 1), NESTLAB_WM_FIXED(STGI, 1),
				   NESTLAB_WM_FIXED(CLGI, 1), NESTLAB_WM_FIXED(SKINIT, 1),
				   NESTLAB_WM_FIXED(INVLPGA, 1) },
			NESTLAB_WM_PASSES,
			.checks = { NESTLAB_WM_INTERCEPTS_SVM, NESTLAB_WM_INTERCEPTS_CHECKS },
		},
		/* Needs L2's local APIC: nestlab's VMM under KVM as L1
		 * creates none (docs/kvm-l1.md). */
		[NESTLAB_WL_TIMER] = {
			.defined = 1, .nestlab_l1_only = 1,
			.exits = { NESTLAB_WM_EACH(INTR), NESTLAB_WM_EACH(NPF) },
			NESTLAB_WM_PASSES,
			.checks = { NESTLAB_WM_TIMER_CHECKS, NESTLAB_WM_TIMER_CHECKS },
			NESTLAB_WM_MBEC_INTERRUPTS(1),  /* each interrupt comes from ring 3 */
		},
		/* multi.c: the programs' steps, yields (system calls) and CR3
		 * loads between them exit nothing; one check per process. Under
		 * MBEC each process's yield is one more round trip. */
		[NESTLAB_WL_MULTI] = {
			.defined = 1, .per_proc = 1, NESTLAB_WM_PASSES, .checks = { 1, 1 },
			NESTLAB_WM_MBEC_SYSCALLS(1),
		},
		/* mbec_kexec_user.c, mbec_uexec_kernel.c: one probe each, a fetch
		 * in one mode from a page only the other may execute; no exit
		 * without MBEC; one check (returned, or the injected #PF) */
		[NESTLAB_WL_MBEC_KEXEC_USER] = {
			.defined = 1, NESTLAB_WM_PASSES, .checks = { 1, 1 },
			.mbec = { .violates = 1 },
		},
		[NESTLAB_WL_MBEC_UEXEC_KERNEL] = {
			.defined = 1, NESTLAB_WM_PASSES, .checks = { 1, 1 },
			.mbec = { .violates = 1 },
		},
		/* mbec_kalias_user.c: as mbec-kexec-user, through a kernel alias */
		[NESTLAB_WL_MBEC_KALIAS_USER] = {
			.defined = 1, NESTLAB_WM_PASSES, .checks = { 1, 1 },
			.mbec = { .violates = 1 },
		},
		/* mbec_errors.c: SKIP without MBEC (an empty phase); its checks
		 * are of nestlab L1's MBEC hypercalls */
		[NESTLAB_WL_MBEC_ERRORS] = {
			.defined = 1, .nestlab_l1_only = 1, NESTLAB_WM_PASSES,
			.mbec = { .extra_checks = NESTLAB_WM_MBEC_ERRORS_CHECKS },
		},
		/* batch_pairs.c, batch_chain.c, batch_hostile.c: system calls
		 * only (their batching: nestlab_wm_batch_runs); under MBEC each
		 * call is a round trip unless batched (chain's count varies per
		 * iteration: not modelled) */
		[NESTLAB_WL_BATCH_PAIRS] = {
			.defined = 1, NESTLAB_WM_PASSES,
			NESTLAB_WM_MBEC_SYSCALLS(NESTLAB_WM_BATCH_PAIRS_CALLS),
		},
		[NESTLAB_WL_BATCH_CHAIN] = { .defined = 1, NESTLAB_WM_PASSES },
		[NESTLAB_WL_BATCH_HOSTILE] = {
			.defined = 1, NESTLAB_WM_PASSES,
			NESTLAB_WM_MBEC_SYSCALLS(NESTLAB_WM_BATCH_HOSTILE_CALLS),
		},
		/* batch_random.c: system calls (random ones: no batching
		 * model) and first touches of its demand-paged region, which
		 * exit nothing under eager NPT */
		[NESTLAB_WL_BATCH_RANDOM] = { .defined = 1, NESTLAB_WM_PASSES },
		/* pio_pairs.c: two accesses of the scratch port per iteration;
		 * under L1's I/O batching one exit handles both */
		[NESTLAB_WL_PIO_PAIRS] = {
			.defined = 1, .exits = { { NESTLAB_EXIT_IOIO, NESTLAB_WM_ALWAYS,
						   NESTLAB_WM_PIO_PAIRS_ACCESSES, 0 } },
			NESTLAB_WM_PASSES,
			.l1_runs = { { NESTLAB_WM_PIO_PAIRS_ACCESSES,
				       { NESTLAB_EXIT_IOIO, NESTLAB_EXIT_IOIO },
				       { 0, NESTLAB_WM_PIO_PAIRS_GLUE }, NESTLAB_L1_BATCH_END_BRANCH } },
		},
		/* batch_random.c, exit mode: random OUT/IN, CPUID and VMMCALL
		 * exits between random glue; the workload prints their counts */
		[NESTLAB_WL_EXIT_RANDOM] = {
			.defined = 1, .nestlab_l1_only = 1, .exits_random = 1, NESTLAB_WM_PASSES,
		},
		/* exit_pairs.c: per iteration 2 CPUID and 2 VMMCALL exits from
		 * ring 3 and a kernel probe's RDMSR/WRMSR pair (2 MSR exits;
		 * its system call exits nothing); under L1's batching the runs
		 * C C V V and R W. Level 2 under nestlab's L1 only. */
		[NESTLAB_WL_EXIT_PAIRS] = {
			.defined = 1, .nestlab_l1_only = 1,
			.exits = { { NESTLAB_EXIT_CPUID, NESTLAB_WM_ALWAYS, 2, 0 },
				   { NESTLAB_EXIT_VMMCALL, NESTLAB_WM_ALWAYS, 2, 0 },
				   { NESTLAB_EXIT_MSR, NESTLAB_WM_ALWAYS, 2, 0 } },
			NESTLAB_WM_PASSES,
			.l1_runs = {
				{ 4, { NESTLAB_EXIT_CPUID, NESTLAB_EXIT_CPUID, NESTLAB_EXIT_VMMCALL,
				       NESTLAB_EXIT_VMMCALL },
				  { 0, NESTLAB_WM_EXIT_PAIRS_GLUE_CPUID,
				    NESTLAB_WM_EXIT_PAIRS_GLUE_VMMCALL,
				    NESTLAB_WM_EXIT_PAIRS_GLUE_VMMCALL },
				  NESTLAB_L1_BATCH_END_BRANCH },
				{ 2, { NESTLAB_EXIT_MSR, NESTLAB_EXIT_MSR },
				  { 0, NESTLAB_WM_EXIT_PAIRS_GLUE_MSR }, NESTLAB_L1_BATCH_END_BRANCH },
			},
		},

		/* interpose_check.c: see NESTLAB_WM_INTERPOSE_*_CHECKS */
		[NESTLAB_WL_INTERPOSE_CHECK] = {
			.defined = 1, .nestlab_l1_only = 1,
			.exits = { NESTLAB_WM_FIXED(VMMCALL, NESTLAB_WM_INTERPOSE_OFF_VMMCALLS) },
			NESTLAB_WM_PASSES,
			.checks = { NESTLAB_WM_INTERPOSE_LSTAR_CHECKS,
				    NESTLAB_WM_INTERPOSE_LSTAR_CHECKS +
				    NESTLAB_WM_INTERPOSE_OFF_CHECKS },
			.interpose = { .exits_vary = 1,
				       .base_checks = NESTLAB_WM_INTERPOSE_LSTAR_CHECKS,
				       .off_checks = NESTLAB_WM_INTERPOSE_OFF_CHECKS,
				       .trap_checks = NESTLAB_WM_INTERPOSE_TRAP_CHECKS,
				       .module_checks = NESTLAB_WM_INTERPOSE_MODULE_CHECKS,
				       .unreg_checks = NESTLAB_WM_INTERPOSE_UNREG_CHECKS },
		},
		/* syscall_random.c: one system call per iteration, nothing
		 * intercepted without interposition; one check */
		[NESTLAB_WL_SYSCALL_RANDOM] = {
			.defined = 1, NESTLAB_WM_PASSES, .checks = { 1, 1 },
			NESTLAB_WM_MBEC_SYSCALLS(1),
		},
		/* dispatch.c: 16 (skewed) or 8 (uniform) system calls per
		 * iteration, none intercepted; their trampoline counters are
		 * l0/expect_ktramp.c's (include/nestlab/ktramp.h) */
		[NESTLAB_WL_DISPATCH_SKEWED] = {
			.defined = 1, NESTLAB_WM_PASSES,
			NESTLAB_WM_MBEC_SYSCALLS(NESTLAB_DISPATCH_SKEWED_N),
		},
		[NESTLAB_WL_DISPATCH_UNIFORM] = {
			.defined = 1, NESTLAB_WM_PASSES,
			NESTLAB_WM_MBEC_SYSCALLS(NESTLAB_DISPATCH_SET_N),
		},
		[NESTLAB_WL_DOMAIN] = {
			.defined = 1, .nestlab_l1_only = 1,
			.exits = { { NESTLAB_EXIT_VMMCALL, NESTLAB_WM_ALWAYS, 2, 0 } },
			NESTLAB_WM_PASSES, .checks = { 0, NESTLAB_WM_DOMAIN_CHECKS },
			NESTLAB_WM_MBEC_SYSCALLS(1),
		},
		/* intn.c: INT 0x80 to a DPL 3 gate exits nothing without MBEC;
		 * each is a privilege change into the kernel and back (IRETQ);
		 * 3 checks (the results, the kernel's count; after the phase, a
		 * DPL 0 gate's #GP at the INT) */
		[NESTLAB_WL_INTN] = {
			.defined = 1, NESTLAB_WM_PASSES, .checks = { 3, 3 },
			NESTLAB_WM_MBEC_SWINTS(1),
		},
		/* triplefault.c: L1 sees SHUTDOWN; at level 1 QEMU (-no-reboot)
		 * stops with no status. The phase never ends: no exits modelled. */
		[NESTLAB_WL_TRIPLEFAULT] = {
			.defined = 1,
			.status = { NESTLAB_WM_NO_STATUS, NESTLAB_STATUS_L2_SHUTDOWN },
		},
		/* badaccess.c: L1 gets an NPF outside L2 RAM; at level 1 the read
		 * succeeds and the workload fails itself. */
		[NESTLAB_WL_BADACCESS] = {
			.defined = 1,
			.status = { NESTLAB_STATUS_WORKLOAD_FAIL, NESTLAB_STATUS_L2_BAD_ACCESS },
		},
		/* batch_fault.c: a system call or a CPUID, then an instruction
		 * that faults in ring 3 (which: iterations mod 8); the kernel
		 * reports it */
		[NESTLAB_WL_BATCH_FAULT] = {
			.defined = 1,
			.status = { NESTLAB_STATUS_L2_EXCEPTION, NESTLAB_STATUS_L2_EXCEPTION },
		},
	};

	return wl < NESTLAB_WL_NR ? &models[wl] : NULL;
}

#endif
