/*
 * Evaluation of a workload's exit model: each term adds per_iter * N + fixed
 * exits to its reason (the transport's exit for NESTLAB_WM_HC), lazy-only
 * terms only under lazy NPT, nothing at level 1; a reason whose sum is 0 is
 * absent, as in the results. A per-process workload (multi) adds the terms
 * of each of its processes' programs and counts its checks per process. The
 * status name is the launcher's (status_name, or "no_status" as outcome.c
 * says when QEMU stops without a status). Under L1's MBEC emulation the
 * model's mbec part applies (workload_model.h): the phase's exits are left
 * unknown, the view switches per iteration are given instead, a violating
 * probe stops the run under the stop policy, and some workloads check more.
 */
#include "expect.h"

#include <string.h>
#include <nestlab/bootargs.h>
#include <nestlab/workload_model.h>
#include "cli.h"
#include "cli_mbec.h"
#include "cli_interpose.h"
#include "outcome.h"
#include "results_json.h"
#include "run_config.h"
#include "status_names.h"

static void expect_add(struct results_exits *ex, unsigned reason, unsigned long long n)
{
	if (!n || reason >= NESTLAB_EXIT_NR)
		return;
	ex->c[reason].count += n;
	ex->present |= 1ull << reason;
}

static void expect_add_terms(struct expect *e, const struct nestlab_workload_model *m,
			     const struct expect_params *p)
{
	for (unsigned i = 0; i < NESTLAB_WM_TERMS_MAX; i++) {
		const struct nestlab_wm_term *t = &m->exits[i];
		unsigned reason = t->reason == NESTLAB_WM_HC ? nestlab_wm_hc_exit(p->transport)
							     : t->reason;

		if (t->when == NESTLAB_WM_NPT_LAZY && !p->npt_lazy)
			continue;
		expect_add(&e->exits, reason,
			   (unsigned long long)t->per_iter * p->iterations + t->fixed);
	}
}

/* The processes' programs: p->procs, or NESTLAB_PROCS_DEFAULT. */
static struct nestlab_procs expect_procs(const struct expect_params *p)
{
	struct nestlab_procs procs = p->procs;

	if (!procs.n)
		nestlab_procs_parse(NESTLAB_PROCS_DEFAULT, strlen(NESTLAB_PROCS_DEFAULT), &procs,
				    NULL, NULL);
	return procs;
}

/* The view switches and the design's exits per iteration of mbec part m,
 * times n (processes), added to e. */
static void expect_mbec_add(struct expect *e, const struct nestlab_wm_mbec *m, unsigned n,
			    enum l0_mbec design)
{
	e->mbec_switches += (unsigned long long)nestlab_wm_mbec_switches(m) * n;
	for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++)
		expect_add(&e->mbec_exits, r, (unsigned long long)n *
			   nestlab_wm_mbec_exits(m, (enum nestlab_wm_mbec_design)design, r));
}

/* Under MBEC: the view switches per iteration, the status and the checks. */
static void expect_mbec(struct expect *e, const struct nestlab_workload_model *m,
			const struct nestlab_procs *procs, const struct expect_params *p)
{
	expect_mbec_add(e, &m->mbec, m->per_proc ? procs->n : 1, p->mbec);
	if (m->per_proc)
		for (unsigned i = 0; i < procs->n; i++)
			expect_mbec_add(e, &nestlab_workload_model(procs->prog[i])->mbec, 1,
					p->mbec);
	e->checks += m->mbec.extra_checks;
	if (m->mbec.skips)
		e->checks = 0;
	if (m->mbec.violates && p->mbec_violation == L0_MBEC_VIOLATION_STOP) {
		e->status_code = NESTLAB_STATUS_L2_MBEC_VIOLATION;
		e->checks = 0;
	}
}

/* Under interposition: the calls per iteration, the checks of a workload
 * that checks by variant, and the exits the variant adds to the phase. */
static void expect_interpose(struct expect *e, const struct nestlab_workload_model *m,
			     const struct nestlab_procs *procs, const struct expect_params *p)
{
	const struct nestlab_wm_interpose *ip = &m->interpose;
	unsigned long long calls = m->mbec.syscalls_per_iter * (m->per_proc ? procs->n : 1);
	unsigned long long seen;

	for (unsigned i = 0; m->per_proc && i < procs->n; i++)
		calls += nestlab_workload_model(procs->prog[i])->mbec.syscalls_per_iter;
	e->interpose_calls = calls;
	/* What the interposer sees in the phase: every call, or under the
	 * kernel's batching every kernel entry (docs/batching.md), known only
	 * from the batching model */
	seen = calls * p->iterations;
	e->interpose_seen_known = true;
	if (l0_batch_kernel(p->batch)) {
		e->interpose_seen_known = e->batch.known;
		seen = e->batch.entries;
		if (!e->batch.known)
			e->exits_known = false;
	}
	e->interpose_seen = seen + NESTLAB_WM_INTERPOSE_FIXED_CALLS;
	if (ip->base_checks)
		e->checks = ip->base_checks +
			    (p->interpose == L0_INTERPOSE_TRAP ||
			     p->interpose == L0_INTERPOSE_BREAKPOINT ? ip->trap_checks :
			     p->other_module ? ip->unreg_checks : ip->module_checks);
	if (ip->exits_vary)
		e->exits_known = false;
	if (!e->exits_known)
		return;
	if (p->interpose == L0_INTERPOSE_HYPERCALL)
		expect_add(&e->exits, NESTLAB_EXIT_VMMCALL, seen + NESTLAB_WM_INTERPOSE_FIXED_CALLS);
	else if (p->interpose == L0_INTERPOSE_TRAP)
		expect_add(&e->exits, NESTLAB_EXIT_EXCP_UD, 2 * seen + 2);
	else if (p->interpose == L0_INTERPOSE_BREAKPOINT) {
		/* per call: into the handler's page, out to the dispatcher and
		 * back, out to user mode (npf), the breakpoint (UD2) and the
		 * step; in the phase PHASE_BEGIN's last 2 npf and PHASE_END's
		 * first 4 exits */
		expect_add(&e->exits, NESTLAB_EXIT_NPF, 4 * seen + 4);
		expect_add(&e->exits, NESTLAB_EXIT_EXCP_UD, seen + 1);
		expect_add(&e->exits, NESTLAB_EXIT_EXCP_DB, seen + 1);
	}
}

int expect_compute(const struct expect_params *p, struct expect *e)
{
	const struct nestlab_workload_model *m = nestlab_workload_model(p->workload);
	int lvl = p->level == 2;
	struct nestlab_procs procs = expect_procs(p);

	memset(e, 0, sizeof(*e));
	if (!m || !m->defined)
		return -1;
	e->status_code = m->status[lvl];
	e->checks = m->checks[lvl] * (m->per_proc ? procs.n : 1);
	if (lvl && p->mbec != L0_MBEC_OFF)
		expect_mbec(e, m, &procs, p);
	if (l0_batch_kernel(p->batch))
		expect_batch_compute(p->workload, p->iterations,
				     p->batch_max ? p->batch_max : NESTLAB_BATCH_MAX_DEFAULT,
				     &e->batch);
	if (l0_batch_l1(p->batch) && lvl)
		expect_l1_batch_compute(m, p->iterations,
					p->batch_max ? p->batch_max : NESTLAB_BATCH_MAX_DEFAULT,
					&e->l1_batch);
	e->status = e->status_code < 0 ? OUTCOME_NO_STATUS : status_name(e->status_code);
	e->qemu_exit = e->status_code < 0 ? 0 : (e->status_code << 1) | 1;
	e->exits_known = e->status_code == NESTLAB_STATUS_PASS &&
			 !(lvl && p->mbec != L0_MBEC_OFF) && !(lvl && m->exits_random);
	if (e->exits_known && lvl) {
		if (!m->per_proc)
			expect_add_terms(e, m, p);
		for (unsigned i = 0; m->per_proc && i < procs.n; i++)
			expect_add_terms(e, nestlab_workload_model(procs.prog[i]), p);
		expect_l1_batch_exits(&e->l1_batch, &e->exits);
	}
	if (lvl && p->interpose != L0_INTERPOSE_OFF)
		expect_interpose(e, m, &procs, p);
	if (p->trampoline && e->status_code == NESTLAB_STATUS_PASS)
		expect_ktramp_compute(p->workload, p->iterations, &procs, p->trampoline,
				      p->trampoline_window, &e->ktramp);
	return 0;
}

void expect_render(FILE *f, const struct expect_params *p, const struct expect *e)
{
	fprintf(f, "{\"workload\": \"%s\", \"iterations\": %lu, \"level\": %d, "
		"\"transport\": \"%s\", \"npt\": ", cli_workload_name(p->workload),
		p->iterations, p->level, l0_transport_name(p->transport));
	if (p->level == 2)
		fprintf(f, "\"%s\"", p->npt_lazy ? "lazy" : "eager");
	else
		fputs("null", f);
	if (p->level == 2 && p->mbec != L0_MBEC_OFF)
		fprintf(f, ", \"mbec\": \"%s\", \"mbec_violation\": \"%s\"",
			l0_mbec_name(p->mbec), l0_mbec_violation_name(p->mbec_violation));
	if (p->level == 2 && p->interpose != L0_INTERPOSE_OFF)
		fprintf(f, ", \"interpose\": \"%s\"", l0_interpose_name(p->interpose));
	fprintf(f, ", \"status\": \"%s\", \"status_code\": ", e->status);
	if (e->status_code < 0)
		fputs("null", f);
	else
		fprintf(f, "%d", e->status_code);
	fprintf(f, ", \"qemu_exit\": %d, \"exits\": ", e->qemu_exit);
	if (e->exits_known)
		results_json_exit_map(f, &e->exits, 0);
	else
		fputs("null", f);
	fprintf(f, ", \"checks\": %u", e->checks);
	if (p->level == 2 && p->mbec != L0_MBEC_OFF) {
		fprintf(f, ", \"mbec_switches_per_iter\": %llu, \"mbec_exits_per_iter\": ",
			e->mbec_switches);
		results_json_exit_map(f, &e->mbec_exits, 0);
	}
	if (l0_batch_kernel(p->batch)) {
		fputs(", \"batch\": ", f);
		expect_batch_render(f, &e->batch);
	}
	if (p->level == 2 && l0_batch_l1(p->batch)) {
		fputs(", \"l1_counters\": ", f);
		expect_l1_batch_render(f, &e->l1_batch);
	}
	if (p->level == 2 && p->interpose != L0_INTERPOSE_OFF) {
		fprintf(f, ", \"interpose_calls_per_iter\": %llu, \"interpose_calls_fixed\": %d, "
			"\"interpose_total\": ", e->interpose_calls, NESTLAB_WM_INTERPOSE_FIXED_CALLS);
		if (e->interpose_seen_known)
			fprintf(f, "%llu", e->interpose_seen);
		else
			fputs("null", f);
	}
	if (p->trampoline) {
		struct results_named_counter c[3 + 3 * NESTLAB_PROCS_MAX];
		unsigned n = expect_ktramp_counters(&e->ktramp, c);

		fprintf(f, ", \"trampoline\": \"%s\", \"counters\": ",
			nestlab_ktramp_mode_name(p->trampoline));
		if (e->ktramp.known)
			results_json_counter_map(f, c, n, 0);
		else
			fputs("null", f);
	}
	fputs("}\n", f);
}
