/*
 * System-call interposition: the hooked, hidden LSTAR and the module's
 * registration (interpose.h, docs/interpose.md).
 *
 * LSTAR (MSR C000_0082h, the 64-bit SYSCALL target: AMD APM vol.2 6.1.1)
 * is intercepted both ways through L1's MSR table. L2's own value lives in
 * interpose.lstar: a read returns it, a write replaces it. Until a module
 * registers, a write also goes to the CPU's LSTAR, so L2's SYSCALLs reach
 * its handler as without interposition. From the registration on, the
 * CPU's LSTAR holds the module's entry (the hooked vector) whatever L2
 * writes; a write updates the copy of the real target in the module's
 * control page, so the module always continues to the handler L2 set. A
 * non-canonical value raises #GP(0) and changes nothing, as WRMSR does on
 * the CPU (Intel SDM vol.2B WRMSR, "#GP(0) if the source register contains
 * a non-canonical address and ECX specifies ... IA32_LSTAR"; canonical:
 * bits 63..47 equal, 63..56 with CR4.LA57, APM vol.2 5.3.1).
 *
 * Registration (NESTLAB_HC_INTERPOSE_REGISTER) reads the control page
 * once, checks every address it names (hypercall.h lists the error codes),
 * protects the module's code and the control page, writes L1's part of the
 * control page and hooks LSTAR. Everything is checked before anything is
 * changed, so a refused registration changes nothing.
 */
#include "interpose.h"
#include <nestlab/status.h>
#include "../core/l1.h"
#include "../core/hypercall.h"
#include "../core/msr_table.h"
#include "../core/trace_l1.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/console.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_paging.h"
#include <nestlab/mem.h>

static int lstar_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	(void)v;
	(void)msr;
	interpose.lstar_reads++;
	*val = interpose.lstar;
	return 0;
}

static int lstar_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	(void)msr;
	if (!x86_canonical(val, vendor_read_cr(v, 4)))
		return -1;                              /* #GP(0), nothing changed */
	interpose.lstar_writes++;
	interpose.lstar = val;
	if (l1.trace.on)
		trace_l1_mech(v, interpose.slot, INTERPOSE_TRACE_LSTAR, val, interpose.registered);
	if (interpose.variant == NESTLAB_INTERPOSE_BREAKPOINT) {
		vendor_set_guest_msr(v, MSR_LSTAR, val);
		interpose_bp_lstar(v, val);             /* the INT3 follows the handler */
		return 0;
	}
	if (!interpose.registered)
		return vendor_set_guest_msr(v, MSR_LSTAR, val);
	/* The hook stays; the module continues to the new target. L1 writes
	 * the page below the protection L2 has of it (host-physical). */
	if (guest_copy_to_phys(&v->gm, interpose.ctl_gpa +
			       __builtin_offsetof(struct nestlab_interpose_ctl, real_target),
			       &val, sizeof(val)))
		vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
			  "interpose: cannot write the module's control page at GPA %lx",
			  interpose.ctl_gpa);
	return 0;
}

/* va -> GPA of a supervisor page of L2 RAM mapped in the current address
 * space (write: also writable), or -1. A page CPL3 may reach is refused:
 * the module's pages are the kernel's. */
static int kernel_page(struct vcpu *v, uint64_t va, bool write, uint64_t *gpa)
{
	struct guest_paging pg;
	uint64_t user_gpa;
	unsigned acc = GUEST_ACC_PROBE | (write ? GUEST_ACC_WRITE : 0);

	vendor_paging(v, &pg);
	if (guest_translate_ex(&v->gm, &pg, va, acc, gpa, 0) || *gpa >= l1.l2_ram_size)
		return -1;
	if (!guest_translate_ex(&v->gm, &pg, va, GUEST_ACC_PROBE | GUEST_ACC_USER, &user_gpa, 0))
		return -1;
	return 0;
}

static bool seen(const uint64_t *list, unsigned n, uint64_t gpa)
{
	for (unsigned i = 0; i < n; i++)
		if (list[i] == gpa)
			return true;
	return false;
}

static uint32_t hc_register(void *ctx, const uint64_t a[3], uint64_t *r0, uint64_t *r1)
{
	struct vcpu *v = ctx;
	struct nestlab_interpose_ctl c;
	uint64_t prot[INTERPOSE_PROTECTED_MAX], ctl_gpa, counters_gpa, pages;
	unsigned n = 0;
	uint32_t st;

	(void)r1;
	if (interpose.registered)
		return NESTLAB_HC_E_STATE;
	if (a[0] & 0xFFF)
		return NESTLAB_HC_E_INVAL;
	if (kernel_page(v, a[0], false, &ctl_gpa) ||
	    v->gm.read_phys(v->gm.ctx, ctl_gpa, &c, sizeof(c)))
		return NESTLAB_HC_E_FAULT;
	/* c is L1's copy: every check below and the protection use it. */
	if (c.magic != NESTLAB_INTERPOSE_MAGIC || c.version != NESTLAB_INTERPOSE_VERSION ||
	    ((c.code_start | c.code_end | c.counters) & 0xFFF) || c.code_end <= c.code_start)
		return NESTLAB_HC_E_INVAL;
	pages = (c.code_end - c.code_start) >> 12;
	if (pages > NESTLAB_INTERPOSE_CODE_PAGES_MAX || c.entry < c.code_start ||
	    c.entry >= c.code_end)
		return NESTLAB_HC_E_RANGE;
	for (uint64_t i = 0; i < pages; i++) {
		if (kernel_page(v, c.code_start + (i << 12), false, &prot[n]))
			return NESTLAB_HC_E_FAULT;
		if (seen(prot, n, prot[n]))
			return NESTLAB_HC_E_INVAL;
		n++;
	}
	if (kernel_page(v, c.counters, true, &counters_gpa))
		return NESTLAB_HC_E_FAULT;
	if (seen(prot, n, ctl_gpa) || seen(prot, n, counters_gpa) || ctl_gpa == counters_gpa)
		return NESTLAB_HC_E_INVAL;
	prot[n++] = ctl_gpa;

	st = interpose_protect(v, prot, n);
	if (st != NESTLAB_HC_OK)
		return st;
	c.real_target = interpose.lstar;
	c.variant = interpose.variant;
	c.op = interpose.op;
	memcpy(c.deny, interpose.deny, sizeof(c.deny));
	if (guest_copy_to_phys(&v->gm, ctl_gpa, &c, sizeof(c)))
		return NESTLAB_HC_E_FAULT;              /* RAM checked: cannot happen */
	interpose.ctl_gpa = ctl_gpa;
	interpose.counters_gpa = counters_gpa;
	interpose.entry = c.entry;
	interpose.registered = true;
	vendor_set_guest_msr(v, MSR_LSTAR, c.entry);
	l1_printf("nestlab-l1: interpose: module registered: entry %lx, %lu code pages and "
		  "the control page (GPA %lx) read-only, counters at GPA %lx\n", c.entry, pages,
		  ctl_gpa, counters_gpa);
	*r0 = interpose.variant;
	return NESTLAB_HC_OK;
}

int interpose_hook_init(struct vcpu *v, bool module)
{
	const struct msr_entry lstar = {
		.index = MSR_LSTAR, .read = MSR_EMULATE, .write = MSR_EMULATE,
		.on_read = lstar_read, .on_write = lstar_write, .name = "LSTAR (interposed)",
	};

	vendor_get_guest_msr(v, MSR_LSTAR, &interpose.lstar);
	if (msr_table_set(v, &lstar))
		return -1;
	return module ? hc_ext_register(NESTLAB_HC_INTERPOSE_REGISTER, hc_register) : 0;
}
