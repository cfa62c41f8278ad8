/*
 * Protection domains, the second user of L1's views (include/nestlab/
 * domain.h, docs/mbec.md): a set of L2's guest-physical pages mapped only in
 * the domain's own view. Switch domain=on|off (default off; the launcher
 * turns it on for workload domain).
 *
 *   - CREATE (descriptor read once, every field checked before anything
 *     changes) clones the base view into DOMAIN_VIEW and unmaps the
 *     domain's pages from the base view: outside the domain they are absent
 *     (APM vol.2 15.25.5: a not-present nested entry faults every access);
 *   - CALL records where the caller resumes (the RIP after its VMMCALL,
 *     its RSP) and, once the core has finished the hypercall (a post hook
 *     on the VMMCALL exit: the core advances RIP and writes the results),
 *     moves the vCPU into the domain's view at the gate; RETURN, from
 *     inside, moves it back to the recorded RIP and RSP;
 *   - an access to a domain page from the base view is a nested page
 *     fault: L1 counts it, reports it and delivers #PF to L2 as for an
 *     absent page (P = 0; W, U/S and I/D as the access; CR2 the fetch's
 *     RIP or the data operand's linear address, decoded: APM vol.2 8.4.2).
 * One domain; interrupts and exceptions taken inside it run their handlers
 * in the domain's view (the rest of L2 RAM is mapped there too). Not while
 * another mechanism holds the view slot.
 *
 * Under MBEC (mbec.h, docs/mbec.md): the domain has a view per mode, clones
 * of MBEC's supervisor view (DOMAIN_VIEW) and user view
 * (MBEC_VIEW_DOMAIN_USER), so the domain's code runs with the policy's
 * execute rights too, and its pages are absent from the base and both
 * mode views. Entering moves the vCPU into the domain's view of its mode
 * and MBEC's switches into the domain's pair; leaving back to the mode
 * view of its mode. MBEC keeps the domain's views by its policy (SET,
 * lazy NPT). A domain made before MBEC's ENABLE makes ENABLE refuse.
 */
#include "mech.h"
#include "mbec.h"
#include <nestlab/domain.h>
#include <nestlab/status.h>
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/guest_access.h"
#include "../core/guest_insn.h"
#include "../core/hypercall.h"
#include "../core/phase_hook.h"
#include "../core/trace_l1.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/console.h"
#include "../../lib/freestanding/format.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include "../../lib/freestanding/x86_paging.h"
#include <nestlab/mem.h>

#define DOMAIN_VIEW    3u
_Static_assert(DOMAIN_VIEW == MBEC_VIEW_DOMAIN_SUPER, "MBEC's domain views");
#define DOMAIN_ID      1u       /* the one domain's id */
#define REPORTS_MAX    8u

/* trace_l1_mech "what" codes */
#define DOMAIN_TRACE_ENTER   1u /* arg: gate, arg2: the caller's return RIP */
#define DOMAIN_TRACE_LEAVE   2u /* arg: the result */
#define DOMAIN_TRACE_REFUSED 3u /* arg: GPA, arg2: RIP */

static struct {
	unsigned slot;
	bool on, created, inside;
	struct nestlab_domain_desc d;   /* L1's copy */
	uint64_t pages;
	enum { PENDING_NONE, PENDING_ENTER, PENDING_LEAVE } pending;
	uint64_t ret_rip, ret_rsp;
	uint64_t calls, refused;
	uint64_t calls_at_begin, refused_at_begin;
} dom;

static exit_handler_fn core_npf;

static bool ranges_hold(const struct nestlab_domain_desc *d, uint64_t gpa)
{
	for (unsigned i = 0; i < d->nr_ranges; i++)
		if (gpa >= d->range[i].gpa && gpa - d->range[i].gpa < d->range[i].pages << 12)
			return true;
	return false;
}

/* The pages of the domain being made or made (MBEC's mbec_view_hides). */
static bool in_domain_desc(uint64_t gpa)
{
	return ranges_hold(&dom.d, gpa);
}

static bool in_domain(uint64_t gpa)
{
	return dom.created && ranges_hold(&dom.d, gpa);
}

/* MBEC's views are in use: the domain composes with them. */
static bool under_mbec(const struct vcpu *v)
{
	return v->views[MBEC_VIEW_USER].in_use && v->views[MBEC_VIEW_SUPER].in_use;
}

/* The views the rest of L2 runs in: the base view, and MBEC's two. */
static bool outside_view(const struct vcpu *v, unsigned view)
{
	return view == MBEC_VIEW_BASE ||
	       (under_mbec(v) && (view == MBEC_VIEW_USER || view == MBEC_VIEW_SUPER));
}

static uint32_t check_desc(struct vcpu *v, const struct nestlab_domain_desc *d, uint64_t *pages)
{
	struct guest_paging pg;
	uint64_t gate_gpa, total = 0;

	if (d->magic != NESTLAB_DOMAIN_MAGIC || d->version != NESTLAB_DOMAIN_VERSION ||
	    d->reserved || d->nr_ranges == 0 || d->nr_ranges > NESTLAB_DOMAIN_RANGES_MAX)
		return NESTLAB_HC_E_INVAL;
	for (unsigned i = 0; i < d->nr_ranges; i++) {
		const struct nestlab_domain_range *r = &d->range[i];

		if ((r->gpa & 0xFFF) || r->pages == 0)
			return NESTLAB_HC_E_INVAL;
		if (r->gpa >= l1.l2_ram_size || r->pages > (l1.l2_ram_size - r->gpa) >> 12)
			return NESTLAB_HC_E_RANGE;
		if (r->pages > NESTLAB_DOMAIN_PAGES_MAX - total)
			return NESTLAB_HC_E_RANGE;
		total += r->pages;
		for (unsigned j = 0; j < i; j++)
			if (r->gpa < d->range[j].gpa + (d->range[j].pages << 12) &&
			    d->range[j].gpa < r->gpa + (r->pages << 12))
				return NESTLAB_HC_E_INVAL;
	}
	vendor_paging(v, &pg);
	if (guest_translate_ex(&v->gm, &pg, d->gate, GUEST_ACC_PROBE | GUEST_ACC_EXEC,
			       &gate_gpa, 0))
		return NESTLAB_HC_E_INVAL;
	if (!ranges_hold(d, gate_gpa))
		return NESTLAB_HC_E_INVAL;
	*pages = total;
	return NESTLAB_HC_OK;
}

static uint32_t hc_create(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	struct vcpu *v = ctx;
	struct vcpu_view *w = &v->views[DOMAIN_VIEW];
	struct nestlab_domain_desc d;
	bool mb = under_mbec(v);
	unsigned outside = mb ? MBEC_VIEW_SUPER : MBEC_VIEW_BASE;
	uint64_t pages;
	uint32_t st;

	(void)r1;
	if (dom.created || w->in_use || v->views[MBEC_VIEW_DOMAIN_USER].in_use ||
	    (!mb && (v->views[MBEC_VIEW_USER].in_use || v->views[MBEC_VIEW_SUPER].in_use)))
		return NESTLAB_HC_E_STATE;
	if (vcpu_copy_from_guest(v, a[0], &d, sizeof(d)))
		return NESTLAB_HC_E_FAULT;
	st = check_desc(v, &d, &pages);
	if (st != NESTLAB_HC_OK)
		return st;
	/* The domain's views first (clones: they can fail and leave the
	 * others as they are), then every outside view's tables of the
	 * domain's ranges its own and split (the only step that allocates),
	 * then the pages out of them, which cannot fail after that. */
	dom.d = d;
	if (mb ? mbec_domain_views(v, in_domain_desc) : npt_clone(&w->npt, &v->views[0].npt))
		return NESTLAB_HC_E_RANGE;
	for (unsigned view = MBEC_VIEW_BASE; view <= outside; view++)
		for (unsigned i = 0; i < d.nr_ranges; i++)
			if (npt_prepare_range(&v->views[view].npt, d.range[i].gpa,
					      d.range[i].pages << 12)) {
				npt_destroy(&w->npt);
				if (mb) {
					npt_destroy(&v->views[MBEC_VIEW_DOMAIN_USER].npt);
					v->views[MBEC_VIEW_DOMAIN_USER].in_use = false;
					w->in_use = false;
					mbec_domain_drop();
				}
				return NESTLAB_HC_E_RANGE;
			}
	for (unsigned view = MBEC_VIEW_BASE; view <= outside; view++)
		for (unsigned i = 0; i < d.nr_ranges; i++)
			npt_unmap(&v->views[view].npt, d.range[i].gpa, d.range[i].pages << 12);
	if (!mb) {
		w->asid = VCPU_ASID_FIRST + DOMAIN_VIEW;
		w->in_use = true;
		mbec_domain_first();
	}
	dom.pages = pages;
	dom.created = true;
	vendor_flush_tlb(v, VCPU_FLUSH_ALL);
	l1_printf("nestlab-l1: domain %u: %lu pages in %u ranges, gate %lx; absent outside "
		  "the domain's view%s\n", DOMAIN_ID, pages, d.nr_ranges, d.gate,
		  mb ? "s (one per mode: under MBEC)" : "");
	*r0 = DOMAIN_ID;
	return NESTLAB_HC_OK;
}

static uint32_t hc_call(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	struct vcpu *v = ctx;

	if (!dom.created || a[0] != DOMAIN_ID || v->exit.reason != NESTLAB_EXIT_VMMCALL)
		return NESTLAB_HC_E_INVAL;
	if (dom.inside || !outside_view(v, v->active_view))
		return NESTLAB_HC_E_STATE;
	dom.pending = PENDING_ENTER;
	*r0 = a[1];                             /* RBX at the gate */
	*r1 = a[0];                             /* RSI */
	return NESTLAB_HC_OK;
}

static uint32_t hc_return(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	struct vcpu *v = ctx;

	(void)r1;
	if (!dom.inside || v->exit.reason != NESTLAB_EXIT_VMMCALL)
		return NESTLAB_HC_E_STATE;
	dom.pending = PENDING_LEAVE;
	*r0 = a[0];                             /* RBX after the CALL */
	return NESTLAB_HC_OK;
}

/* After the VMMCALL's handler: RIP is past the instruction, the results
 * are in RAX, RBX, RSI. */
static unsigned after_vmmcall(struct vcpu *v)
{
	if (dom.pending == PENDING_ENTER) {
		dom.ret_rip = v->regs.rip;
		dom.ret_rsp = v->regs.gpr[X86_RSP];
		v->regs.rip = dom.d.gate;
		vendor_switch_view(v, under_mbec(v) ? mbec_domain_move(true, vendor_cpl(v)) :
				   DOMAIN_VIEW);
		dom.inside = true;
		dom.calls++;
		trace_l1_mech(v, dom.slot, DOMAIN_TRACE_ENTER, dom.d.gate, dom.ret_rip);
	} else if (dom.pending == PENDING_LEAVE) {
		v->regs.rip = dom.ret_rip;
		v->regs.gpr[X86_RSP] = dom.ret_rsp;
		v->regs.gpr[X86_RSI] = 0;
		vendor_switch_view(v, under_mbec(v) ? mbec_domain_move(false, vendor_cpl(v)) :
				   MBEC_VIEW_BASE);
		dom.inside = false;
		trace_l1_mech(v, dom.slot, DOMAIN_TRACE_LEAVE, v->regs.gpr[X86_RBX], 0);
	}
	dom.pending = PENDING_NONE;
	return 0;
}

/* The linear address an access at RIP made: the fetch's, or the memory
 * operand's (0 when it cannot be decoded). */
static uint64_t fault_address(struct vcpu *v, bool fetch)
{
	const struct x86dec_insn *d;
	struct x86dec_operand op;
	struct x86emu_regs r;

	if (fetch || guest_decode_at_rip(v, &d) || !d->has_modrm || (d->modrm >> 6) == 3)
		return fetch ? v->regs.rip : 0;
	x86dec_rm_operand(d, d->opsize, &op);
	memcpy(r.gpr, v->regs.gpr, sizeof(r.gpr));
	r.rip = v->regs.rip;
	r.rflags = v->regs.rflags;
	return x86emu_effective_address(d, &op, &r);
}

static unsigned domain_npf(struct vcpu *v)
{
	const struct exit_npf *f = &v->exit.npf;
	bool fetch = f->flags & EXIT_NPF_FETCH;
	unsigned cpl = v->exit.cpl, error;
	uint64_t cr2;

	if (dom.inside || !in_domain(f->gpa))
		return core_npf(v);
	if (f->flags & EXIT_NPF_IN_WALK)
		return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_ACCESS, true,
				 "domain: L2's page-table walk touched GPA %lx, a page of "
				 "domain %u, outside the domain", f->gpa, DOMAIN_ID);
	dom.refused++;
	cr2 = fault_address(v, fetch);
	trace_l1_mech(v, dom.slot, DOMAIN_TRACE_REFUSED, f->gpa, v->regs.rip);
	if (dom.refused <= REPORTS_MAX)
		l1_printf("nestlab-l1: domain %u: refused L2's %s of GPA %lx (linear %lx) from "
			  "outside the domain at RIP %lx, CPL%u: #PF%s\n", DOMAIN_ID,
			  fetch ? "fetch" : (f->flags & EXIT_NPF_WRITE) ? "write" : "read",
			  f->gpa, cr2, v->regs.rip, cpl,
			  dom.refused == REPORTS_MAX ? "; further refusals are counted only" : "");
	error = ((f->flags & EXIT_NPF_WRITE) ? X86_PF_W : 0) | (fetch ? X86_PF_ID : 0) |
		(cpl == 3 ? X86_PF_U : 0);
	vendor_inject_exception(v, X86_EXC_PF, true, error, cr2);
	return 0;
}

static void on_phase(struct vcpu *v, unsigned phase, bool begin)
{
	(void)v;
	if (begin) {
		dom.calls_at_begin = dom.calls;
		dom.refused_at_begin = dom.refused;
		return;
	}
	if (dom.calls != dom.calls_at_begin)
		exit_stats_counter_set(&l1.stats, phase, "domain.calls",
				       dom.calls - dom.calls_at_begin);
	if (dom.refused != dom.refused_at_begin)
		exit_stats_counter_set(&l1.stats, phase, "domain.refused",
				       dom.refused - dom.refused_at_begin);
}

static int domain_init(struct vcpu *v, unsigned slot, const char *val, size_t vlen,
		       char *err, size_t errlen)
{
	int on = mech_switch_on(val, vlen);

	(void)v;
	dom.slot = slot;
	if (on < 0) {
		format_snprintf(err, errlen, "domain takes on or off");
		return -1;
	}
	if (!on)
		return 0;
	if (exit_claim(NESTLAB_EXIT_NPF, domain_npf, &core_npf) ||
	    exit_hook_add(NESTLAB_EXIT_VMMCALL, EXIT_HOOK_POST, after_vmmcall) ||
	    phase_hook_add(on_phase) ||
	    hc_ext_register(NESTLAB_HC_DOMAIN_CREATE, hc_create) ||
	    hc_ext_register(NESTLAB_HC_DOMAIN_CALL, hc_call) ||
	    hc_ext_register(NESTLAB_HC_DOMAIN_RETURN, hc_return)) {
		format_snprintf(err, errlen, "domain: cannot install its handlers");
		return -1;
	}
	dom.on = true;
	return 1;
}

static void domain_report(struct vcpu *v)
{
	(void)v;
	l1_printf("nestlab-l1: domain: %s; %lu calls, %lu accesses from outside refused\n",
		  dom.created ? "one domain" : "no domain created", dom.calls, dom.refused);
}

static const struct mech domain_mech = {
	.name = "domain",
	.summary = "protection domains: guest pages mapped only in their own NPT view",
	.init = domain_init,
	.report = domain_report,
};
MECH_REGISTER(domain_mech);
