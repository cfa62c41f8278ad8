/*
 * System-call interposition: the module's pages, read-only below L2
 * (interpose.h). At registration the module's code pages and its control
 * page (which holds L2's real LSTAR target and the operation) lose write
 * permission in every nested page table in use (APM vol.2 15.25.5: the
 * nested walk's R/W bit governs the final guest-physical access whatever
 * L2's own tables say), so a guest kernel that clears CR0.WP or remaps the
 * pages still cannot unhook or redirect the hook. A page lazy NPT never
 * mapped is mapped read/execute now.
 *
 * A write to them is a nested page fault with the write and present bits
 * (APM vol.2 15.25.6, EXITINFO1): L1 refuses it, counts it (the phase's
 * interpose.refused, NESTLAB_HC_INTERPOSE_QUERY's ret1), reports it on its
 * console and in the trace, and L2 continues after the writing instruction,
 * which completes without effect, as a write to ROM would (the instruction
 * is skipped whole: use plain stores to probe). A write by L2's own
 * page-table walk (A/D bits: L2 made a protected page a page table) cannot
 * be skipped and ends the run as l2_bad_access.
 */
#include "interpose.h"
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/guest_insn.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/console.h"
#include <nestlab/hypercall.h>
#include <nestlab/status.h>

#define REPORTS_MAX 8   /* console lines; the count goes on */

static exit_handler_fn core_npf;

static bool is_protected(uint64_t page)
{
	for (unsigned i = 0; i < interpose.nr_protected; i++)
		if (interpose.protected_gpa[i] == page)
			return true;
	return false;
}

/* One change L1 made, to undo if a later one fails. */
struct change {
	unsigned view;
	uint64_t gpa;
	bool was_mapped;
	unsigned perms;         /* the page's rights before */
};

static void undo(struct vcpu *v, const struct change *c, unsigned n)
{
	while (n--) {
		struct npt *npt = &v->views[c[n].view].npt;

		if (c[n].was_mapped)
			npt_protect(npt, c[n].gpa, NPT_PAGE_4K, c[n].perms);
		else
			npt_unmap(npt, c[n].gpa, NPT_PAGE_4K);
	}
}

uint32_t interpose_protect(struct vcpu *v, const uint64_t *gpa, unsigned n)
{
	static struct change done[VCPU_MAX_VIEWS * INTERPOSE_PROTECTED_MAX];
	unsigned nd = 0;

	for (unsigned w = 0; w < VCPU_MAX_VIEWS; w++) {
		struct npt *npt = &v->views[w].npt;

		if (!v->views[w].in_use)
			continue;
		for (unsigned i = 0; i < n; i++) {
			struct npt_walk_result wr;
			struct change *c = &done[nd];
			int rc;

			*c = (struct change){ .view = w, .gpa = gpa[i],
					      .was_mapped = !npt_walk(npt, gpa[i], &wr) };
			c->perms = c->was_mapped ? wr.perms : 0;
			rc = c->was_mapped ?
			     npt_protect(npt, gpa[i], NPT_PAGE_4K, wr.perms & ~NPT_W) :
			     npt_map(npt, gpa[i], l1.l2_ram_hpa + gpa[i], NPT_PAGE_4K,
				     NPT_R | NPT_X, 0);
			if (rc) {
				/* Out of memory for a 2 MiB split: nothing stays changed. */
				undo(v, done, nd);
				vendor_flush_tlb(v, VCPU_FLUSH_ALL);
				return NESTLAB_HC_E_RANGE;
			}
			nd++;
		}
	}
	for (unsigned i = 0; i < n; i++)
		interpose.protected_gpa[i] = gpa[i];
	interpose.nr_protected = n;
	vendor_flush_tlb(v, VCPU_FLUSH_ALL);            /* every view's ASID */
	return NESTLAB_HC_OK;
}

static unsigned refuse(struct vcpu *v, uint64_t gpa)
{
	const struct x86dec_insn *d;
	int rc;

	if (v->exit.npf.flags & EXIT_NPF_IN_WALK)
		return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_ACCESS, true,
				 "interpose: L2's page-table walk wrote GPA %lx, a page of the "
				 "interposer module L1 keeps read-only, at RIP %lx", gpa,
				 v->regs.rip);
	rc = guest_decode_at_rip(v, &d);
	if (rc)
		return guest_insn_fail(v, rc, "a write to the interposer's pages");
	interpose.refused++;
	trace_l1_mech(v, interpose.slot, INTERPOSE_TRACE_REFUSED, gpa, v->regs.rip);
	if (interpose.refused <= REPORTS_MAX)
		l1_printf("nestlab-l1: interpose: refused L2's write to GPA %lx (the interposer's "
			  "%s) at RIP %lx, CPL%u%s\n", gpa,
			  (gpa & ~0xFFFull) == interpose.ctl_gpa ? "control page" : "code",
			  v->regs.rip, v->exit.cpl,
			  interpose.refused == REPORTS_MAX ? "; further refusals are counted only" :
			  "");
	vcpu_advance_rip(v, d->length);
	return 0;
}

static unsigned protect_npf(struct vcpu *v)
{
	const struct exit_npf *f = &v->exit.npf;

	if ((f->flags & (EXIT_NPF_WRITE | EXIT_NPF_PRESENT)) ==
	    (EXIT_NPF_WRITE | EXIT_NPF_PRESENT) && is_protected(f->gpa & ~0xFFFull))
		return refuse(v, f->gpa);
	return core_npf(v);
}

int interpose_protect_init(void)
{
	return exit_claim(NESTLAB_EXIT_NPF, protect_npf, &core_npf);
}
