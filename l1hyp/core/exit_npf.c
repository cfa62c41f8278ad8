/*
 * Nested page faults (APM vol.2 15.25.6). A data access (not a fetch, not
 * a step of L2's own page-table walk) to a device's MMIO range
 * (mmio_bus.h) is emulated (mmio_emul.c). Under lazy NPT the first touch of
 * an L2 RAM page maps it (4 KiB, RWX, in the active view) and L2 retries
 * the access. An access outside L2 RAM ends the run as l2_bad_access with
 * the address, the access kind and L2's CPL; any other fault inside RAM is
 * an L1 error (the NPT maps all of RAM with full rights).
 */
#include "l1.h"
#include "exit_core.h"
#include "mmio_emul.h"
#include <nestlab/status.h>

unsigned exit_npf(struct vcpu *v)
{
	const struct exit_npf *f = &v->exit.npf;
	uint64_t page = f->gpa & ~0xFFFull;
	struct mmio_device *dev;

	if (!(f->flags & (EXIT_NPF_FETCH | EXIT_NPF_IN_WALK)) &&
	    (dev = mmio_bus_find(f->gpa)))
		return mmio_emulate(v, dev, f->gpa);

	if (f->gpa < l1.l2_ram_size && l1.cfg.npt_lazy &&
	    !(f->flags & (EXIT_NPF_RSVD | EXIT_NPF_PRESENT))) {
		int rc = npt_map(&v->views[v->active_view].npt, page,
				 l1.l2_ram_hpa + page, NPT_PAGE_4K, NPT_RWX, 0);

		if (rc == 0)
			return 0;
		return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, false,
				 "lazy NPT: cannot map L2 GPA %lx: %s",
				 f->gpa, npt_strerror(rc));
	}
	if (f->gpa >= l1.l2_ram_size)
		return vcpu_stop(v, NESTLAB_STATUS_L2_BAD_ACCESS, true,
				 "L2 accessed guest-physical address %lx outside its RAM "
				 "[0, %lx) at RIP %lx: NPF error code %lx (%s at CPL%u, %s)",
				 f->gpa, l1.l2_ram_size, v->regs.rip, f->raw_error,
				 (f->flags & EXIT_NPF_FETCH) ? "instruction fetch" :
				 (f->flags & EXIT_NPF_WRITE) ? "write" : "read",
				 vendor_cpl(v),
				 (f->flags & EXIT_NPF_IN_WALK) ? "during L2's page-table walk" :
				 "final access");
	return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true,
			 "unexpected NPF inside L2 RAM: GPA %lx, error code %lx, RIP %lx",
			 f->gpa, f->raw_error, v->regs.rip);
}
