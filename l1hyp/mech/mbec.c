/*
 * MBEC emulation, the mechanism (mbec.h, docs/mbec.md): its switches, the
 * policy hypercalls L2's kernel makes (include/nestlab/hypercall.h,
 * NESTLAB_HC_MBEC_*), view switches and the report at the end of the run.
 *
 * Switches (L1 command line): mbec=off|exec-fault|intercept (default off:
 * nothing of this file runs; the two designs, mbec.h), mbec_tlb=asid|flush (asid: each view its own ASID, a
 * switch flushes nothing; flush: the views share the base ASID and every
 * switch flushes it, APM vol.2 15.16), mbec_violation=stop|inject|report.
 */
#include "mech.h"
#include "mbec.h"
#include "../core/l1.h"
#include "../core/hypercall.h"
#include "../core/phase_hook.h"
#include "../core/trace_l1.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/console.h"
#include "../../lib/freestanding/format.h"
#include <nestlab/mem.h>

struct mbec_state mbec;

static bool word_is(const char *v, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(v, lit, n);
}

static const char *const mbec_options[] = { "mbec_tlb", "mbec_violation", 0 };

static int mbec_option(unsigned slot, const char *key, const char *val, size_t vlen,
		       char *err, size_t errlen)
{
	(void)slot;
	if (word_is(key, strlen(key), "mbec_tlb")) {
		if (word_is(val, vlen, "asid"))
			mbec.tlb = MBEC_TLB_ASID;
		else if (word_is(val, vlen, "flush"))
			mbec.tlb = MBEC_TLB_FLUSH;
		else {
			format_snprintf(err, errlen, "mbec_tlb takes asid or flush");
			return -1;
		}
		return 0;
	}
	if (word_is(val, vlen, "stop"))
		mbec.violation = MBEC_VIOL_STOP;
	else if (word_is(val, vlen, "inject"))
		mbec.violation = MBEC_VIOL_INJECT;
	else if (word_is(val, vlen, "report"))
		mbec.violation = MBEC_VIOL_REPORT;
	else {
		format_snprintf(err, errlen, "mbec_violation takes stop, inject or report");
		return -1;
	}
	return 0;
}

void mbec_switch_view(struct vcpu *v, unsigned view, uint64_t gpa, enum mbec_cause cause)
{
	unsigned from = v->active_view;
	bool flush = mbec.tlb == MBEC_TLB_FLUSH;

	vendor_switch_view(v, view);
	if (flush)
		vendor_flush_tlb(v, VCPU_FLUSH_ASID);
	if (mbec_view_is_user(view))
		mbec.switches_to_user++;
	else
		mbec.switches_to_super++;
	trace_l1_mech(v, mbec.slot, MBEC_TRACE_SWITCH,
		      from << 8 | view | (unsigned)cause << 16 | (unsigned)flush << 24 |
		      (uint64_t)v->views[view].asid << 32, gpa);
}

void mbec_share(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	/* Pairs of views that may have subtrees alike: the base with each
	 * mode view, the two mode views, and a domain's views with the mode
	 * views they were cloned from and with each other. */
	static const unsigned char pairs[][2] = {
		{ MBEC_VIEW_BASE, MBEC_VIEW_USER }, { MBEC_VIEW_BASE, MBEC_VIEW_SUPER },
		{ MBEC_VIEW_USER, MBEC_VIEW_SUPER },
		{ MBEC_VIEW_SUPER, MBEC_VIEW_DOMAIN_SUPER }, { MBEC_VIEW_USER, MBEC_VIEW_DOMAIN_USER },
		{ MBEC_VIEW_DOMAIN_USER, MBEC_VIEW_DOMAIN_SUPER },
	};

	/* No allocation, no translation changed: cannot fail for a range of
	 * L2 RAM (the callers' are). */
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (pairs[i][1] <= mbec_last_view())
			npt_share(&v->views[pairs[i][0]].npt, &v->views[pairs[i][1]].npt, gpa, size);
}

int mbec_domain_views(struct vcpu *v, bool (*hidden)(uint64_t gpa))
{
	struct vcpu_view *ds = &v->views[MBEC_VIEW_DOMAIN_SUPER];
	struct vcpu_view *du = &v->views[MBEC_VIEW_DOMAIN_USER];

	if (npt_clone(&ds->npt, &v->views[MBEC_VIEW_SUPER].npt))
		return -1;
	if (npt_clone(&du->npt, &v->views[MBEC_VIEW_USER].npt)) {
		npt_destroy(&ds->npt);
		return -1;
	}
	/* Their own ASIDs whatever mbec_tlb says: a domain's entry and exit
	 * flush nothing (nor did they without MBEC). */
	ds->asid = VCPU_ASID_FIRST + MBEC_VIEW_DOMAIN_SUPER;
	du->asid = VCPU_ASID_FIRST + MBEC_VIEW_DOMAIN_USER;
	ds->in_use = du->in_use = true;
	mbec.hidden = hidden;
	mbec.domain = true;
	return 0;
}

unsigned mbec_domain_move(bool inside, unsigned cpl)
{
	mbec.inside = inside;
	return mbec_view_of(cpl);
}

void mbec_domain_first(void)
{
	mbec.domain_first = true;
}

void mbec_domain_drop(void)
{
	mbec.domain = false;
	mbec.hidden = 0;
}

static enum mbec_cause cause_of(const uint64_t *counter)
{
	if (counter == &mbec.via_syscall)
		return MBEC_CAUSE_SYSCALL;
	if (counter == &mbec.via_sysret)
		return MBEC_CAUSE_SYSRET;
	if (counter == &mbec.via_iret)
		return MBEC_CAUSE_IRET;
	if (counter == &mbec.via_event)
		return MBEC_CAUSE_EVENT;
	if (counter == &mbec.via_swint)
		return MBEC_CAUSE_SWINT;
	return MBEC_CAUSE_EXCEPTION;
}

void mbec_switch_for(struct vcpu *v, unsigned view, uint64_t *counter)
{
	if (v->active_view == view)
		return;
	mbec_switch_view(v, view, v->regs.rip, cause_of(counter));
	(*counter)++;
}

/* ---- per-phase counts: the results' counters mbec.* ---- */

/* What the phase counters count, in one place: [0] to user, [1] to
 * supervisor, [2] violations (both modes), [3] backstop switches. */
static void counts(uint64_t c[4])
{
	c[0] = mbec.switches_to_user;
	c[1] = mbec.switches_to_super;
	c[2] = mbec.violations_user + mbec.violations_super;
	c[3] = mbec.via_backstop;
}

static void on_phase(struct vcpu *v, unsigned phase, bool begin)
{
	static uint64_t at_begin[4];
	static const char *const names[4] = {
		"mbec.switches_to_user", "mbec.switches_to_super", "mbec.violations",
		"mbec.backstop",
	};
	uint64_t now[4];

	(void)v;
	counts(now);
	if (begin) {
		memcpy(at_begin, now, sizeof(now));
		return;
	}
	for (unsigned i = 0; i < 4; i++) {
		int rc;

		if (i >= 2 && now[i] == at_begin[i])
			continue;                       /* the exceptional ones when they occur */
		rc = exit_stats_counter_set(&l1.stats, phase, names[i], now[i] - at_begin[i]);
		if (rc)
			l1_printf("nestlab-l1: mbec: counter %s of phase %u not kept: %s\n",
				  names[i], phase, exit_stats_strerror(rc));
	}
}

/* ---- the policy hypercalls (CPL0 only: hc_dispatch checks) ---- */

static uint32_t hc_enable(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	struct vcpu *v = ctx;
	uint64_t bytes;
	unsigned view_pages;

	(void)r1;
	if (a[0] != NESTLAB_MBEC_POLICY_VERSION)
		return NESTLAB_HC_E_INVAL;
	if (mbec.enabled || mbec.domain_first)
		return NESTLAB_HC_E_STATE;
	mbec.pages = l1.l2_ram_size >> 12;
	bytes = (mbec.pages + 4095) & ~4095ull;
	view_pages = (unsigned)(bytes >> 12);
	mbec.rights = (uint8_t *)l1_alloc_pages(view_pages);
	if (!mbec.rights)
		return NESTLAB_HC_E_RANGE;
	memset(mbec.rights, NESTLAB_MBEC_X_BOTH, mbec.pages);
	for (unsigned i = MBEC_VIEW_USER; i <= MBEC_VIEW_SUPER; i++) {
		struct vcpu_view *w = &v->views[i];

		if (npt_clone(&w->npt, &v->views[MBEC_VIEW_BASE].npt)) {
			if (i == MBEC_VIEW_SUPER)
				npt_destroy(&v->views[MBEC_VIEW_USER].npt);
			v->views[MBEC_VIEW_USER].in_use = false;
			l1_free_pages(mbec.rights, view_pages);
			mbec.rights = 0;
			return NESTLAB_HC_E_RANGE;
		}
		w->asid = mbec.tlb == MBEC_TLB_ASID ? VCPU_ASID_FIRST + i :
			  v->views[MBEC_VIEW_BASE].asid;
		w->in_use = true;
	}
	mbec.enabled = true;
	if (mbec.design == MBEC_DESIGN_INTERCEPT)
		mbec_intercept_enable(v);
	vendor_switch_view(v, MBEC_VIEW_SUPER);         /* the caller is at CPL0 */
	vendor_flush_tlb(v, VCPU_FLUSH_ALL);
	*r0 = mbec.pages;
	return NESTLAB_HC_OK;
}

static uint32_t hc_set(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	struct vcpu *v = ctx;
	uint64_t gpa = a[0], pages = a[1], size;
	unsigned rights = (unsigned)a[2];

	(void)r1;
	if (!mbec.enabled)
		return NESTLAB_HC_E_STATE;
	if ((gpa & 0xFFF) || pages == 0 || (a[2] & ~(uint64_t)NESTLAB_MBEC_X_BOTH))
		return NESTLAB_HC_E_INVAL;
	if (gpa >= l1.l2_ram_size || pages > (l1.l2_ram_size - gpa) >> 12)
		return NESTLAB_HC_E_RANGE;
	size = pages << 12;
	/* Splits and copies first, in every mode view (a domain's too): then
	 * nothing below can fail. */
	for (unsigned i = MBEC_VIEW_USER; i <= mbec_last_view(); i++)
		if (npt_prepare_range(&v->views[i].npt, gpa, size))
			return NESTLAB_HC_E_RANGE;
	memset(mbec.rights + (gpa >> 12), (int)rights, pages);
	for (unsigned i = MBEC_VIEW_USER; i <= mbec_last_view(); i++)
		npt_set_exec(&v->views[i].npt, gpa, size, mbec_view_exec(i, gpa));
	mbec_share(v, gpa, size);
	vendor_flush_tlb(v, VCPU_FLUSH_ALL);            /* every view's ASID */
	*r0 = pages;
	return NESTLAB_HC_OK;
}

static uint32_t hc_query(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	(void)ctx;
	if (!mbec.enabled)
		return NESTLAB_HC_E_STATE;
	if (a[0] >= l1.l2_ram_size)
		return NESTLAB_HC_E_RANGE;
	*r0 = mbec_rights(a[0]);
	*r1 = mbec.switches_to_user + mbec.switches_to_super;
	return NESTLAB_HC_OK;
}

static int mbec_init(struct vcpu *v, unsigned slot, const char *val, size_t vlen,
		     char *err, size_t errlen)
{
	mbec.slot = slot;
	if (!val || word_is(val, vlen, "off")) {
		if (mbec.tlb != MBEC_TLB_ASID || mbec.violation != MBEC_VIOL_STOP) {
			format_snprintf(err, errlen, "mbec_tlb and mbec_violation need "
					"mbec=exec-fault or mbec=intercept");
			return -1;
		}
		return 0;
	}
	if (word_is(val, vlen, "intercept"))
		mbec.design = MBEC_DESIGN_INTERCEPT;
	else if (!word_is(val, vlen, "exec-fault")) {
		format_snprintf(err, errlen, "mbec takes off, exec-fault or intercept");
		return -1;
	}
	if (mbec_fault_init() || phase_hook_add(on_phase) ||
	    (mbec.design == MBEC_DESIGN_INTERCEPT && mbec_intercept_init(v)) ||
	    hc_ext_register(NESTLAB_HC_MBEC_ENABLE, hc_enable) ||
	    hc_ext_register(NESTLAB_HC_MBEC_SET, hc_set) ||
	    hc_ext_register(NESTLAB_HC_MBEC_QUERY, hc_query)) {
		format_snprintf(err, errlen, "mbec: cannot install its handlers");
		return -1;
	}
	mbec.on = true;
	return 1;
}

static void mbec_report(struct vcpu *v)
{
	static const char *const viol[] = { "stop", "inject", "report" };

	l1_printf("nestlab-l1: mbec: %s, %s, tlb %s, violations %s: %lu view switches "
		  "(%lu to user, %lu to supervisor), violations %lu in user mode, "
		  "%lu in supervisor mode\n",
		  mbec.design == MBEC_DESIGN_INTERCEPT ? "intercept" : "exec-fault",
		  mbec.enabled ? "enabled by L2" : "never enabled",
		  mbec.tlb == MBEC_TLB_ASID ? "asid" : "flush", viol[mbec.violation],
		  mbec.switches_to_user + mbec.switches_to_super, mbec.switches_to_user,
		  mbec.switches_to_super, mbec.violations_user, mbec.violations_super);
	if (mbec.enabled) {
		uint64_t reach = 0;

		for (unsigned i = MBEC_VIEW_BASE; i <= mbec_last_view(); i++)
			reach += v->views[i].npt.nr_tables;
		l1_printf("nestlab-l1: mbec: NPT table pages %lu in use by L1's views (base %lu, "
			  "user %lu, supervisor %lu", l1.npt_tables,
			  v->views[MBEC_VIEW_BASE].npt.nr_tables,
			  v->views[MBEC_VIEW_USER].npt.nr_tables,
			  v->views[MBEC_VIEW_SUPER].npt.nr_tables);
		if (mbec.domain)
			l1_printf(", domain supervisor %lu, domain user %lu",
				  v->views[MBEC_VIEW_DOMAIN_SUPER].npt.nr_tables,
				  v->views[MBEC_VIEW_DOMAIN_USER].npt.nr_tables);
		l1_printf(" tables each reaches: %lu unshared)\n", reach);
	}
	if (mbec.design == MBEC_DESIGN_INTERCEPT)
		l1_printf("nestlab-l1: mbec intercept: switches at %lu SYSCALL, %lu SYSRET, "
			  "%lu exceptions, %lu INT n, %lu IRET, %lu interrupts; backstop "
			  "(execute faults) %lu\n", mbec.via_syscall, mbec.via_sysret,
			  mbec.via_exception, mbec.via_swint, mbec.via_iret, mbec.via_event,
			  mbec.via_backstop);
}

static const struct mech mbec_mech = {
	.name = "mbec",
	.summary = "mode-based execute control emulated with per-mode NPT views",
	.init = mbec_init,
	.report = mbec_report,
	.options = mbec_options,
	.option = mbec_option,
};
MECH_REGISTER(mbec_mech);
