/*
 * Expansion of experiments into cells (bench_matrix.h). A case's lists, or
 * [matrix]'s where the case gives none, or the launcher's defaults (one
 * value each: vmmcall, eager, 1000 iterations, level 2, nestlab), are
 * crossed in a fixed order (workload, transport, NPT, iterations, level,
 * L1), so the same files always give the same cells in the same order.
 */
#include "bench_matrix.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include <nestlab/workload_model.h>
#include "cli.h"

const char *bench_npt_name(int npt)
{
	return npt == BENCH_NPT_EAGER ? "eager" : npt == BENCH_NPT_LAZY ? "lazy" : "-";
}

const char *bench_l1_name(int l1)
{
	return l1 == BENCH_L1_NESTLAB ? "nestlab" : l1 == BENCH_L1_KVM ? "kvm" : "-";
}

void bench_cell_id(const struct bench_cell *c, char *buf, size_t n)
{
	int k;

	if (c->level == 1)
		k = snprintf(buf, n, "%s-l1-%s-n%lu", cli_workload_name(c->workload),
			     l0_transport_name(c->transport), c->iterations);
	else
		k = snprintf(buf, n, "%s-l2-%s-%s-%s-n%lu", cli_workload_name(c->workload),
			     bench_l1_name(c->l1), l0_transport_name(c->transport),
			     bench_npt_name(c->npt), c->iterations);
	if (c->l2mem && k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, "-l2mem%lu", c->l2mem);
	if (c->mem && k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, "-mem%lu", c->mem);
	if (c->mbec != BENCH_MBEC_OFF && k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, "-mbec%s%s",
			      c->mbec == BENCH_MBEC_INTERCEPT ? "-intercept" : "",
			      c->mbec_tlb ? "-flush" : "");
	if (c->batch && k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, c->batch == 3 ? "-batch-both" :
			      c->batch == 2 ? "-batch-l1" : "-batch");
	if (c->interpose != L0_INTERPOSE_OFF && k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, "-interpose-%s",
			      l0_interpose_name((enum l0_interpose)c->interpose));
	if (c->trampoline && k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, "-tramp-%s",
			      nestlab_ktramp_mode_name((unsigned)c->trampoline));
	if (!c->retpoline && k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, "-rpoff");
	if (c->procs[0] && k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, "-procs-%s", c->procs);
	/* -l1opt-KEY-VALUE per word: '=' as '-', what a file name should not
	 * hold as '_' */
	if (c->l1_options[0] && k > 0 && (size_t)k < n) {
		k += snprintf(buf + k, n - (size_t)k, "-l1opt");
		for (const char *s = c->l1_options; *s && (size_t)k + 2 < n; s++) {
			char ch = *s == ' ' || *s == '=' ? '-' :
				  (islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
				   *s == '_' || *s == '-' || *s == '.') ? *s : '_';

			if (s == c->l1_options)
				buf[k++] = '-';
			buf[k++] = ch;
		}
		buf[k < (int)n ? k : (int)n - 1] = '\0';
	}
}

static const struct bench_list *pick(const struct bench_list *own,
				     const struct bench_list *dflt)
{
	return own->n ? own : dflt;
}

/* The words of l, space-separated (bench_exp_keys.c bounds their length). */
static void join_sep(const struct bench_list *l, char *buf, size_t n, const char *sep)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < l->n && k < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? sep : "", l->v[i]);
}

static void join_words(const struct bench_list *l, char *buf, size_t n)
{
	join_sep(l, buf, n, " ");
}

/* The value list of one dimension, with the launcher default when empty. */
struct dim {
	unsigned n;
	const char *v[BENCH_LIST_MAX];
};

static void dim_of(struct dim *d, const struct bench_list *l, const char *dflt)
{
	d->n = l->n ? l->n : 1;
	for (unsigned i = 0; i < d->n; i++)
		d->v[i] = l->n ? l->v[i] : dflt;
}

static int add_cell(struct bench_matrix *m, const struct bench_cell *c)
{
	for (unsigned i = 0; i < m->ncells; i++)
		if (!strcmp(m->cells[i].id, c->id))
			return (int)i;
	if (m->ncells == m->cells_cap) {
		size_t cap = m->cells_cap ? 2 * m->cells_cap : 32;
		struct bench_cell *t = realloc(m->cells, cap * sizeof(*t));

		if (!t)
			return -1;
		m->cells = t;
		m->cells_cap = cap;
	}
	m->cells[m->ncells] = *c;
	return (int)m->ncells++;
}

static int add_member(struct bench_matrix *m, const struct bench_member *b)
{
	for (unsigned i = 0; i < m->nmembers; i++) {
		const struct bench_member *o = &m->members[i];

		if (o->exp == b->exp && o->cell == b->cell && !strcmp(o->case_name, b->case_name))
			return 0;
	}
	if (m->nmembers == m->members_cap) {
		size_t cap = m->members_cap ? 2 * m->members_cap : 64;
		struct bench_member *t = realloc(m->members, cap * sizeof(*t));

		if (!t)
			return -1;
		m->members = t;
		m->members_cap = cap;
	}
	m->members[m->nmembers++] = *b;
	return 0;
}

static bool passes_at(unsigned wl, int level)
{
	const struct nestlab_workload_model *wm = nestlab_workload_model(wl);

	return wm && wm->defined && wm->status[level - 1] == NESTLAB_STATUS_PASS;
}

/* Workload indexes of list `d` for `level` ("@passing": each passing one). */
static unsigned workloads_at(const struct dim *d, int level, unsigned *out, unsigned cap)
{
	unsigned n = 0;

	for (unsigned i = 0; i < d->n; i++) {
		if (strcmp(d->v[i], "@passing")) {
			if (n < cap)
				out[n++] = (unsigned)cli_workload_index(d->v[i]);
			continue;
		}
		for (unsigned wl = 0; wl < NESTLAB_WL_NR && n < cap; wl++)
			if (passes_at(wl, level))
				out[n++] = wl;
	}
	return n;
}

/* Cells that make no sense with Linux KVM as L1 (docs/kvm-l1.md): KVM keeps
 * its own nested page tables (the launcher refuses --npt-lazy with --l1
 * kvm), and some workloads check nestlab L1's own answers (the workload
 * model's nestlab_l1_only), which KVM as L1 gives differently by design.
 * The reason, or NULL. */
static const char *kvm_not_applicable(const struct bench_cell *c)
{
	if (c->npt == BENCH_NPT_LAZY)
		return "not applicable (--l1 kvm: KVM keeps its own nested page tables)";
	if (nestlab_workload_model(c->workload)->nestlab_l1_only)
		return "not applicable (--l1 kvm: the workload checks nestlab L1's own answers)";
	/* KVM answers VMMCALL itself, so the launcher runs L2's hypercalls
	 * over the backdoor: a VMMCALL hypercall cell would be the backdoor
	 * one again under another name. */
	if (c->workload == NESTLAB_WL_HYPERCALL && c->transport == NESTLAB_TRANSPORT_VMMCALL)
		return "not applicable (--l1 kvm: KVM answers VMMCALL itself; see backdoor)";
	return NULL;
}

static int expand_case(struct bench_matrix *m, unsigned exp, const struct bench_exp *x,
		       const struct bench_case *c, const struct bench_matrix_opts *o)
{
	const struct bench_case *d = &x->matrix;
	struct dim wl, tr, npt, it, lv, l1;
	const struct bench_list *iters = pick(&c->iterations, &d->iterations);
	struct bench_member b = { .exp = exp, .case_name = c->name };
	unsigned wls[BENCH_LIST_MAX + NESTLAB_WL_NR];

	if (o->full && (c->iterations_full.n || d->iterations_full.n))
		iters = pick(&c->iterations_full, &d->iterations_full);
	dim_of(&wl, pick(&c->workload, &d->workload), NULL);
	dim_of(&tr, pick(&c->transport, &d->transport), "vmmcall");
	dim_of(&npt, pick(&c->npt, &d->npt), "eager");
	dim_of(&it, iters, "1000");
	dim_of(&lv, pick(&c->level, &d->level), "2");
	dim_of(&l1, pick(&c->l1, &d->l1), "nestlab");
	b.per_iteration = c->per_iteration >= 0 ? c->per_iteration :
		d->per_iteration >= 0 ? d->per_iteration : true;

	for (unsigned li = 0; li < lv.n; li++) {
		int level = lv.v[li][0] - '0';
		unsigned nwl = workloads_at(&wl, level, wls, sizeof(wls) / sizeof(wls[0]));

		for (unsigned wi = 0; wi < nwl; wi++)
		for (unsigned ti = 0; ti < tr.n; ti++)
		for (unsigned ni = 0; ni < npt.n; ni++)
		for (unsigned ii = 0; ii < it.n; ii++)
		for (unsigned ki = 0; ki < l1.n; ki++) {
			struct bench_cell cell = { 0 };
			int idx;

			cell.workload = wls[wi];
			cell.transport = strcmp(tr.v[ti], "backdoor") ? NESTLAB_TRANSPORT_VMMCALL
				: NESTLAB_TRANSPORT_BACKDOOR;
			cell.iterations = strtoul(it.v[ii], NULL, 10);
			cell.level = level;
			cell.mem = c->mem ? c->mem : d->mem;
			cell.batch = c->batch >= 0 ? c->batch : d->batch >= 0 ? d->batch : 0;
			cell.trampoline = c->trampoline >= 0 ? c->trampoline :
					  d->trampoline >= 0 ? d->trampoline : 0;
			cell.retpoline = c->retpoline >= 0 ? c->retpoline :
					 d->retpoline >= 0 ? d->retpoline : 1;
			if (cell.workload == NESTLAB_WL_MULTI)
				join_sep(pick(&c->procs, &d->procs), cell.procs, sizeof(cell.procs), ",");
			if (level == 2) {
				cell.npt = strcmp(npt.v[ni], "lazy") ? BENCH_NPT_EAGER : BENCH_NPT_LAZY;
				cell.l1 = strcmp(l1.v[ki], "kvm") ? BENCH_L1_NESTLAB : BENCH_L1_KVM;
				cell.l2mem = c->l2mem ? c->l2mem : d->l2mem;
				cell.mbec = c->mbec >= 0 ? c->mbec : d->mbec >= 0 ? d->mbec : 0;
				cell.mbec_tlb = c->mbec_tlb >= 0 ? c->mbec_tlb :
						d->mbec_tlb >= 0 ? d->mbec_tlb : 0;
				cell.interpose = c->interpose >= 0 ? c->interpose :
						 d->interpose >= 0 ? d->interpose : 0;
				join_words(pick(&c->l1_option, &d->l1_option), cell.l1_options,
					   sizeof(cell.l1_options));
			} else {
				cell.npt = BENCH_NONE;
				cell.l1 = BENCH_NONE;
			}
			cell.available = true;
			if (cell.l1 == BENCH_L1_KVM && !o->l1_kvm) {
				cell.available = false;
				snprintf(cell.why, sizeof(cell.why), "not available (--l1 kvm not built)");
			} else if (cell.batch >= 2 && (cell.level != 2 || cell.l1 == BENCH_L1_KVM)) {
				cell.available = false;
				snprintf(cell.why, sizeof(cell.why), "not applicable (--batch l1/both: "
					 "L1's batching is nestlab L1's mechanism)");
			} else if (cell.l1 == BENCH_L1_KVM && cell.mbec) {
				cell.available = false;
				snprintf(cell.why, sizeof(cell.why), "not applicable (--mbec is "
					 "nestlab L1's mechanism)");
			} else if (cell.l1 == BENCH_L1_KVM && cell.interpose) {
				cell.available = false;
				snprintf(cell.why, sizeof(cell.why), "not applicable (--interpose is "
					 "nestlab L1's mechanism)");
			} else if (cell.l1 == BENCH_L1_KVM && cell.l1_options[0]) {
				cell.available = false;
				snprintf(cell.why, sizeof(cell.why), "not applicable (l1_option is "
					 "for nestlab's L1)");
			} else if (cell.l1 == BENCH_L1_KVM && kvm_not_applicable(&cell)) {
				cell.available = false;
				snprintf(cell.why, sizeof(cell.why), "%s", kvm_not_applicable(&cell));
			}
			bench_cell_id(&cell, cell.id, sizeof(cell.id));
			idx = add_cell(m, &cell);
			if (idx < 0)
				return -1;
			b.cell = (unsigned)idx;
			b.exit = c->exit ? c->exit : d->exit;
			if (b.exit && !strcmp(b.exit, "@hc"))
				b.exit = nestlab_exit_reason_name(nestlab_wm_hc_exit(cell.transport));
			if (add_member(m, &b))
				return -1;
		}
	}
	return 0;
}

int bench_matrix_add(struct bench_matrix *m, unsigned exp, const struct bench_exp *x,
		     const struct bench_matrix_opts *o)
{
	for (unsigned i = 0; i < x->ncases; i++)
		if (expand_case(m, exp, x, &x->cases[i], o))
			return -1;
	return 0;
}

unsigned bench_matrix_cells_of(const struct bench_matrix *m, unsigned exp)
{
	unsigned n = 0;

	for (unsigned c = 0; c < m->ncells; c++)
		for (unsigned i = 0; i < m->nmembers; i++)
			if (m->members[i].exp == exp && m->members[i].cell == c) {
				n++;
				break;
			}
	return n;
}

void bench_matrix_free(struct bench_matrix *m)
{
	free(m->cells);
	free(m->members);
	memset(m, 0, sizeof(*m));
}
