/*
 * The L2 kernel's processes and their scheduler.
 *
 * Which processes: made at boot from the workload, before any runs: multi
 * runs one per procs= entry, timer NESTLAB_TIMER_PROCS, every other workload
 * one. Process i has pid i + 1, its own address space (process.c) and its
 * own 16 KiB kernel stack.
 *
 * Who runs: round robin (runq.c). A process gives up the CPU when it yields
 * (L2_SYS_YIELD), exits, or is preempted by the timer interrupt while
 * another process is runnable. A switch points TSS.RSP0 and SYSCALL's stack
 * at the next process's kernel stack, loads its CR3 (which flushes the
 * non-global TLB entries, AMD APM vol.2 5.5.2; the kernel half's are the same
 * in every space) and resumes it inside switch_to (switch.S). New processes
 * start from a stack laid out for proc_first_entry. Under L1 none of this
 * exits: L1 intercepts neither CR3 writes nor TSS memory.
 *
 * The counters (switches, preemptions, timer ticks, the open phase) live in
 * one page that every process maps read-only (struct l2_kinfo, uapi.h), so
 * a program can watch them without a system call.
 *
 * When the last process exits the run ends with the first failing status in
 * process order, or PASS when every process passed.
 */
#include <nestlab/status.h>
#include <nestlab/procs.h>
#include <nestlab/trace.h>
#include "kernel.h"
#include "runq.h"
#include "trace.h"
#include "arch.h"
#include "mbec.h"

#define KSTACK_BYTES 16384
#define USER_CS      (0x28 | 3)
#define USER_DS      (0x20 | 3)
#define RFLAGS_FIXED (1ull << 1)   /* reads as 1 (AMD APM vol.2 3.1.6) */

void switch_to(uint64_t *save_ksp, uint64_t next_ksp);
extern char proc_first_entry[];

static uint8_t kstacks[NESTLAB_PROCS_MAX][KSTACK_BYTES] __attribute__((aligned(16)));
static struct l2_proc procs[NESTLAB_PROCS_MAX];
static struct runq rq;
static uint64_t boot_ksp;        /* the boot stack's, never resumed */

static union {
	struct l2_kinfo k;
	uint8_t page[4096];      /* alone in its page: user space maps it */
} kinfo_page __attribute__((aligned(4096)));

struct l2_kinfo *const l2_kinfo = &kinfo_page.k;

struct l2_proc *sched_running = &procs[0];

/* The programs of the boot's processes, into progs; their number. */
static unsigned boot_programs(unsigned char *progs)
{
	unsigned wl = l2k.cfg.workload, n = 1, i;

	if (wl == NESTLAB_WL_MULTI) {
		for (i = 0; i < l2k.cfg.procs.n; i++)
			progs[i] = l2k.cfg.procs.prog[i];
		return l2k.cfg.procs.n;
	}
	if (wl == NESTLAB_WL_TIMER)
		n = NESTLAB_TIMER_PROCS;
	for (i = 0; i < n; i++)
		progs[i] = (unsigned char)wl;
	return n;
}

/* The stack proc_first_entry (switch.S) returns into: switch_to's six
 * callee-saved slots, its return address, the argument registers RDI, RSI,
 * RDX, RCX, R8, R9 of user_start (uapi.h), and the IRETQ frame (RIP, CS,
 * RFLAGS, RSP, SS from the lowest address up). */
static void prepare_first_entry(struct l2_proc *p, uint64_t rflags)
{
	uint64_t *sp = (uint64_t *)(uintptr_t)p->kstack_top;
	int i;

	*--sp = USER_DS;
	*--sp = L2_USER_STACK_TOP - 8;
	*--sp = rflags;
	*--sp = USER_CS;
	*--sp = L2_USER_BASE;
	*--sp = p->index;                /* R9 */
	*--sp = p->program;              /* R8 */
	*--sp = l2k.level;               /* RCX */
	*--sp = l2k.cfg.transport;       /* RDX */
	*--sp = l2k.cfg.iterations;      /* RSI */
	*--sp = l2k.cfg.workload;        /* RDI */
	*--sp = (uint64_t)(uintptr_t)proc_first_entry;
	for (i = 0; i < 6; i++)
		*--sp = 0;
	p->ksp = (uint64_t)(uintptr_t)sp;
}

static void switch_proc(unsigned next, unsigned why)
{
	struct l2_proc *prev = &procs[rq.current], *n = &procs[next];

	runq_switch(&rq, next);
	sched_running = n;
	l2_kinfo->switches++;
	if (why == NESTLAB_TRACE_SWITCH_TIMER)
		l2_kinfo->preemptions++;
	trace_event(NESTLAB_TRACE_L2_CONTEXT_SWITCH, 0, (uint32_t)n->pid, 0, prev->pid, why, 0);
	desc_set_kernel_stack(n->kstack_top);
	write_cr3(n->root);
	switch_to(&prev->ksp, n->ksp);
}

void sched_start(void)
{
	unsigned char progs[NESTLAB_PROCS_MAX];
	unsigned n = boot_programs(progs), i;
	/* IF set in ring 3 only where the timer may interrupt it */
	uint64_t rflags = RFLAGS_FIXED | (l2k.timer_ready ? RFLAGS_IF : 0);

	runq_init(&rq, n);
	l2_kinfo->nprocs = n;
	l2_kinfo->mbec = (uint64_t)l2k.cfg.mbec;
	for (i = 0; i < n; i++) {
		procs[i].kstack_top = (uint64_t)(uintptr_t)(kstacks[i] + KSTACK_BYTES);
		process_create(&procs[i], i, progs[i]);
		prepare_first_entry(&procs[i], rflags);
	}
	mbec_policy_boot();  /* every process's code is mapped now */
	desc_set_kernel_stack(procs[0].kstack_top);
	write_cr3(procs[0].root);
	switch_to(&boot_ksp, procs[0].ksp);
	halt_forever();
}

unsigned sched_nprocs(void)
{
	return rq.n;
}

const struct l2_proc *sched_proc(unsigned i)
{
	return &procs[i];
}

int64_t sched_yield(void)
{
	int next = runq_next(&rq);

	if (next >= 0 && (unsigned)next != rq.current)
		switch_proc((unsigned)next, NESTLAB_TRACE_SWITCH_YIELD);
	return 0;
}

void sched_preempt(void)
{
	if (runq_runnable(&rq) > 1)
		switch_proc((unsigned)runq_next(&rq), NESTLAB_TRACE_SWITCH_TIMER);
}

static const char *status_word(unsigned status)
{
	return status == NESTLAB_STATUS_PASS ? "PASS" :
	       status == NESTLAB_STATUS_WORKLOAD_FAIL ? "WORKLOAD_FAIL" :
	       status == NESTLAB_STATUS_BAD_CONFIG ? "BAD_CONFIG" : "ERROR";
}

void sched_report(void)
{
	if (rq.n < 2 && !l2k.timer_ready)
		return;
	kprintf("nestlab-l2: scheduler: %u processes, %lu context switches (%lu by the timer)",
		rq.n, l2_kinfo->switches, l2_kinfo->preemptions);
	if (l2k.timer_ready)
		kprintf("; timer: %lu interrupts at %u Hz, %lu in user mode, %lu spurious",
			l2_kinfo->ticks, l2k.cfg.timer_hz, l2_kinfo->ticks_user,
			irq_spurious_count());
	kprintf("\n");
}

void sched_exit(unsigned status)
{
	struct l2_proc *p = sched_current();
	unsigned i, run_status = NESTLAB_STATUS_PASS;
	int next;

	p->status = status;
	runq_exit_current(&rq);
	if (rq.n > 1)
		kprintf("nestlab-l2: process %lu (%s) exited: %s\n", p->pid,
			l2_workload_name(p->program), status_word(status));
	next = runq_next(&rq);
	if (next >= 0) {
		switch_proc((unsigned)next, NESTLAB_TRACE_SWITCH_EXIT);
		halt_forever();     /* an exited process is never switched back to */
	}
	for (i = rq.n; i-- > 0;)
		if (procs[i].status != NESTLAB_STATUS_PASS)
			run_status = procs[i].status;
	sched_report();
	kprintf("nestlab-l2: workload %s iterations %lu: %s\n", l2_workload_name(l2k.cfg.workload),
		l2k.cfg.iterations, status_word(run_status));
	run_finish(run_status);
}
