/*
 * trampoline=global|process: the L2 kernel's system-call table through a
 * learned trampoline (issue 15 parts 3 and 4, docs/tramp.md; the model is
 * L1's exit dispatch, l1hyp/core/exit_tramp.c). One trampoline state (a
 * struct ktramp_ctx) learns and publishes: with trampoline=global one for
 * the kernel, with trampoline=process one per process. While learning,
 * each call goes through syscall_table[nr] (the retpoline thunk with
 * retpoline=on) and every call made inside a phase is counted per entry.
 * After the window's W-th in-phase call (trampoline_window=, default 256)
 * tramp_select picks the KTRAMP_HOT hottest entries and tramp_generate
 * writes the trampoline (lib/tramp: cmp $nr,%rbx; je sys_X per hot entry,
 * then the table through __x86_indirect_thunk_r11, or jmp *%r11 with
 * retpoline=off); at each phase's end tramp_decide may replace it. Where
 * the bytes live and how they are written W^X: ktramp_map.c; the console
 * lines: ktramp_report.c.
 *
 * Never in flight: a publication runs after the call that ended the window
 * returned, or inside sys_phase_end; the trampoline reaches a handler by a
 * tail jump, so no frame of any trampoline is on any stack (the others'
 * processes wait in sys_yield, reached the same way), and the kernel runs
 * with IF=0 on its only CPU. No stale target: syscall_table is const.
 * With mbec=on a published page is made supervisor-exec in the declared
 * execute policy (mbec_page_rights) before the dispatch may call it, and
 * execute-never again before it is rewritten.
 *
 * Counted without a cost per call: the counts at each publication against
 * those later give the calls dispatched by a direct jump (entries hot in
 * the live trampoline) and by the table; per phase the same at its begin
 * and end, reported as results counters (include/nestlab/ktramp.h). The
 * console lines wait for the end of the run (a line in a phase would add
 * its hypercall to the phase's exits).
 */
#include <nestlab/bootargs.h>
#include <nestlab/hypercall.h>
#include <nestlab/mem.h>
#include "../../lib/tramp/tramp.h"
#include "ktramp_int.h"
#include "mbec.h"
#include "phase_hook.h"

extern char __x86_indirect_thunk_r11[];

struct ktramp_ctx ktramp_gctx;
struct ktramp_ctx ktramp_pctx[NESTLAB_PROCS_MAX];
unsigned ktramp_nctx;                /* process mode: processes mapped */



/* The context that counts the running process's calls. */
struct ktramp_ctx *ktramp_cur_ctx(void)
{
	return ktramp_proc_mode() ? &ktramp_pctx[sched_current()->index] : &ktramp_gctx;
}

/*
 * Generate list[0..n) for c and publish it (see the top of the file for
 * why no call is inside the page). 0, or the TRAMP_E_* code (c's dispatch
 * then stays with the table), or KTRAMP_E_NOALIAS.
 */
static __attribute__((noinline)) int publish(struct ktramp_ctx *c, const uint32_t *list,
					     unsigned n, unsigned inflight)
{
	struct tramp_hot h[KTRAMP_HOT];
	struct tramp_spec spec;
	size_t old_len = c->code_len, len;
	uint64_t *w;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		h[i].index = list[i];
		h[i].target = (uint64_t)(uintptr_t)syscall_table[list[i]];
	}
	spec.hot = h;
	spec.nhot = n;
	spec.index_reg = 3;   /* RBX (ktramp_call) */
	spec.table = (uint64_t)(uintptr_t)syscall_table;
	spec.thunk = l2k.cfg.retpoline ? (uint64_t)(uintptr_t)__x86_indirect_thunk_r11 : 0;
	spec.load_addr = (uint64_t)(uintptr_t)ktramp_page;  /* where it runs */
	w = ktramp_page_open(c);
	rc = w ? 0 : KTRAMP_E_NOALIAS;
	/* mbec=on: the old code execute-never in the MBEC view too */
	if (!rc && *c->state == KTRAMP_LIVE &&
	    mbec_page_rights((uint64_t)(uintptr_t)c->bytes, 0, c->mbec_why, sizeof(c->mbec_why)))
		rc = KTRAMP_E_MBEC;
	if (!rc)
		rc = tramp_generate(&spec, c->bytes, PT_4K, &len);
	if (rc) {
		c->gen_rc = rc;
		if (w)
			ktramp_page_close(c, w);
		*c->exec_pte |= PTE_NX;  /* nothing valid to execute there */
		ktramp_invlpg(ktramp_page);
		if (*c->state == KTRAMP_LIVE)
			ktramp_ledger_fold(&c->lg, c->counts, inflight);
		*c->state = KTRAMP_OFF;  /* the table from now on; reported at the end */
		return rc;
	}
	for (size_t i = len; i < old_len; i++)
		c->bytes[i] = 0xCC;      /* INT3 over the rest of the old code */
	c->code_len = len;
	if (c->lg.generations < KTRAMP_RECS) {
		struct ktramp_rec *r = &c->recs[c->lg.generations];

		for (unsigned i = 0; i < n; i++)
			r->hot[i] = list[i];
		r->nhot = n;
		r->len = len;
	}
	ktramp_ledger_adopt(&c->lg, c->counts, list, n, inflight);
	ktramp_page_close(c, w);
	/* mbec=on: supervisor-exec in the declared policy, before any call */
	if (mbec_page_rights((uint64_t)(uintptr_t)c->bytes, NESTLAB_MBEC_X_SUPER, c->mbec_why,
			     sizeof(c->mbec_why))) {
		c->gen_rc = KTRAMP_E_MBEC;
		*c->exec_pte |= PTE_NX;
		ktramp_invlpg(ktramp_page);
		*c->state = KTRAMP_OFF;
		return KTRAMP_E_MBEC;
	}
	*c->state = KTRAMP_LIVE;
	return 0;
}

int ktramp_mbec_declare(char *why, size_t whylen)
{
	struct ktramp_ctx *list[NESTLAB_PROCS_MAX];
	unsigned n;

	if (!l2k.cfg.trampoline)
		return 0;
	n = ktramp_ctx_list(list);
	for (unsigned k = 0; k < n; k++)
		if (*list[k]->state == KTRAMP_LIVE) {
			int err = mbec_page_rights((uint64_t)(uintptr_t)list[k]->bytes,
						   NESTLAB_MBEC_X_SUPER, why, whylen);

			if (err)
				return err;
		}
	return 0;
}

static int64_t learn_ctx(struct ktramp_ctx *c, uint64_t nr, uint64_t a0, uint64_t a1,
			 uint64_t a2, uint64_t a3, uint64_t a4)
{
	int in_phase = l2_kinfo->phase_open != 0;  /* phase_is_open(), one load */
	int64_t ret = syscall_table[nr](a0, a1, a2, a3, a4);

	uint32_t list[KTRAMP_HOT];
	unsigned n;

	c->counts[nr]++;
	if (in_phase && *c->state == KTRAMP_LEARN &&
	    ktramp_ledger_learn(&c->lg, (unsigned)nr, l2k.cfg.trampoline_window, list, &n)) {
		c->recs[0].after = c->lg.learned;
		if (publish(c, list, n, L2_SYS_NR) == 0)
			ktramp_ledger_evaluated(&c->lg, c->counts);
	}
	return ret;
}

int64_t ktramp_learn(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		     uint64_t a4)
{
	return learn_ctx(ktramp_cur_ctx(), nr, a0, a1, a2, a3, a4);
}

/* Every context: ktramp_gctx, or the processes'. */
unsigned ktramp_ctx_list(struct ktramp_ctx **list)
{
	if (!ktramp_proc_mode()) {
		list[0] = &ktramp_gctx;
		return 1;
	}
	for (unsigned i = 0; i < ktramp_nctx; i++)
		list[i] = &ktramp_pctx[i];
	return ktramp_nctx;
}

static void ktramp_phase_begin(void)
{
	struct ktramp_ctx *list[NESTLAB_PROCS_MAX], *cur;
	unsigned n;

	if (!l2k.cfg.trampoline)
		return;
	n = ktramp_ctx_list(list);
	cur = ktramp_cur_ctx();
	for (unsigned k = 0; k < n; k++)
		ktramp_ledger_phase_begin(&list[k]->lg, list[k]->counts,
					  list[k] == cur ? L2_SYS_PHASE_BEGIN : L2_SYS_NR);
}

/* The phase's end for c: its counters, then the regeneration's decision. */
static void ctx_phase_end(struct ktramp_ctx *c, uint64_t index, unsigned inflight)
{
	struct ktramp_phase_ctr *ph = index < NESTLAB_MAX_PHASES ? &c->ph[index] : NULL;
	uint32_t cand[KTRAMP_HOT];
	uint64_t d, t;
	unsigned n;
	int regen = ktramp_ledger_phase_end(&c->lg, c->counts, inflight,
					    *c->state == KTRAMP_LIVE, &d, &t, cand, &n);

	if (ph) {
		ph->direct = d;
		ph->table = t;
		ph->done = 1;
	}
	if (regen) {
		if (c->lg.generations < KTRAMP_RECS)
			c->recs[c->lg.generations].phase = index;
		publish(c, cand, n, inflight);
	}
	if (ph)
		ph->generations = c->lg.generations;
}

static void ktramp_phase_end(uint64_t index)
{
	struct ktramp_ctx *list[NESTLAB_PROCS_MAX], *cur;
	unsigned n;

	if (!l2k.cfg.trampoline)
		return;
	n = ktramp_ctx_list(list);
	cur = ktramp_cur_ctx();
	for (unsigned k = 0; k < n; k++)
		ctx_phase_end(list[k], index, list[k] == cur ? L2_SYS_PHASE_END : L2_SYS_NR);
}

const struct kphase_hook ktramp_phase_hook = {
	.before_begin = ktramp_phase_begin,
	.after_end = ktramp_phase_end,
};
