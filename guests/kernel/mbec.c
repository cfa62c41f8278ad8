/*
 * The L2 kernel's execute policy under L1's emulation of mode-based execute
 * control (command-line word mbec=on; the NESTLAB_HC_MBEC_* hypercalls of
 * include/nestlab/hypercall.h; docs/mbec.md). Hardware MBEC (Intel SDM vol.3
 * 29.3.3, "mode-based execute control for EPT") and GMET (AMD APM vol.2
 * 15.25.4, "Guest Mode Execute Trap") give each guest-physical page separate
 * execute rights for supervisor and user fetches; L1 provides the same to L2
 * by hypercall, and this file declares what L2 wants:
 *
 *   - the kernel's code, [__load_start, __text_end) (kernel.ld): supervisor
 *     only (X_SUPER);
 *   - every other page of L2 RAM, below and above it: executable in neither
 *     mode (kernel data, bss, stacks, page tables, the processes' data and
 *     stacks, free frames);
 *   - each process's user code: the frames its [L2_USER_BASE, + the image's
 *     code) maps to, process 1's inside the kernel image, the others' copies
 *     (process.c): user only (X_USER);
 *   - the kernel module's code, if one is loaded (kmod.c): supervisor only,
 *     counted with the kernel's;
 *   - the system-call trampoline's pages (ktramp.c), made at run time:
 *     execute-never with the rest of RAM until one is published, then
 *     supervisor only (mbec_page_rights), execute-never again while it is
 *     rewritten: the MBEC view follows the page's own PTE (W^X).
 *
 * Addresses are guest-physical: the kernel's direct map is the identity, and
 * a process's frames come from a walk of its page tables. ENABLE comes first
 * (SET before it is refused), then the SETs in that order: the kernel's code
 * first, because the kernel runs on it while it makes the calls (a SET that
 * took its rights away, even for a moment, would fault at the next fetch),
 * then the rest of RAM, then the user code, which overrides the rest. The policy is declared once, after every
 * process is made and before the first runs (sched.c), except for workload
 * mbec-errors, which has it declared when it asks (L2_TEST_MBEC_POLICY) so
 * that it can check the calls made before ENABLE first.
 */
#include <nestlab/bootargs.h>
#include <nestlab/hypercall_guest.h>
#include <nestlab/status.h>
#include "kernel.h"
#include "mbec.h"
#include "ktramp.h"
#include "freestanding/format.h"

static struct {
	int declared;
	uint64_t ram_pages;
} mbec;

static const char *hc_status_name(uint64_t s)
{
	static const char *const names[] = {
		"OK", "E_UNKNOWN", "E_PERM", "E_INVAL", "E_FAULT", "E_RANGE", "E_STATE",
		"E_MAGIC",
	};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "not a status";
}

static const char *rights_name(unsigned rights)
{
	switch (rights) {
	case 0:                     return "execute-never";
	case NESTLAB_MBEC_X_USER:   return "user-exec";
	case NESTLAB_MBEC_X_SUPER:  return "super-exec";
	}
	return "both";
}

/* One MBEC_SET; on failure the reason in why. */
static int mbec_set(uint64_t pa, uint64_t pages, unsigned rights, char *why, size_t whylen)
{
	struct nestlab_hc_ret r = nestlab_hc_call(l2k.transport, NESTLAB_HC_MBEC_SET, pa, pages,
						  rights);

	if (r.status == NESTLAB_HC_OK)
		return 0;
	format_snprintf(why, whylen, "mbec: MBEC_SET of %lu pages at 0x%lx %s failed: "
			"status %lu (%s)", pages, pa, rights_name(rights), r.status,
			hc_status_name(r.status));
	return -(int)(L2_EHC_BASE + r.status);
}

/* X_USER for the frames of p's user code, one SET per run of contiguous
 * frames; adds their number to *pages. */
static int mbec_user_text(const struct l2_proc *p, uint64_t *pages, char *why, size_t whylen)
{
	uint64_t text = (uint64_t)(__user_image_text_end - __user_image_start);
	uint64_t va, pa, flags, run_pa = 0, run_n = 0;
	int err;

	for (va = L2_USER_BASE; va < L2_USER_BASE + text; va += PT_4K) {
		if (pt_walk(&l2_pt_ops, p->root, va, &pa, &flags)) {
			format_snprintf(why, whylen, "mbec: user page 0x%lx of process %lu "
					"is not mapped", va, p->pid);
			return -L2_EFAULT;
		}
		if (run_n && pa == run_pa + run_n * PT_4K) {
			run_n++;
			continue;
		}
		if (run_n && (err = mbec_set(run_pa, run_n, NESTLAB_MBEC_X_USER, why, whylen)))
			return err;
		run_pa = pa;
		run_n = 1;
	}
	*pages += text / PT_4K;
	return run_n ? mbec_set(run_pa, run_n, NESTLAB_MBEC_X_USER, why, whylen) : 0;
}

int64_t mbec_policy_declare(char *why, size_t whylen)
{
	uint64_t ktext = (uint64_t)(uintptr_t)__load_start;
	uint64_t ktext_end = (uint64_t)(uintptr_t)__text_end;
	uint64_t kpages = (ktext_end - ktext) / PT_4K, upages = 0;
	struct nestlab_hc_ret r;
	unsigned i;
	int err;

	if (!l2k.cfg.mbec || mbec.declared) {
		format_snprintf(why, whylen, "mbec: %s", l2k.cfg.mbec ? "policy declared already"
				: "not asked for (mbec=on)");
		return -L2_EPERM;
	}
	r = nestlab_hc_call(l2k.transport, NESTLAB_HC_MBEC_ENABLE, NESTLAB_MBEC_POLICY_VERSION,
			    0, 0);
	if (r.status != NESTLAB_HC_OK) {
		format_snprintf(why, whylen, "mbec: MBEC_ENABLE (policy version %u) failed: "
				"status %lu (%s)", NESTLAB_MBEC_POLICY_VERSION, r.status,
				hc_status_name(r.status));
		return -(int64_t)(L2_EHC_BASE + r.status);
	}
	mbec.declared = 1;
	mbec.ram_pages = r.ret0;
	if ((err = mbec_set(ktext, kpages, NESTLAB_MBEC_X_SUPER, why, whylen)) ||
	    (err = mbec_set(0, ktext / PT_4K, 0, why, whylen)) ||
	    (err = mbec_set(ktext_end, mbec.ram_pages - ktext_end / PT_4K, 0, why, whylen)))
		return err;
	for (i = 0; i < sched_nprocs(); i++)
		if ((err = mbec_user_text(sched_proc(i), &upages, why, whylen)))
			return err;
	if (l2k.kmod.loaded) {
		if ((err = mbec_set(l2k.kmod.image.base, l2k.kmod.image.text_pages,
				    NESTLAB_MBEC_X_SUPER, why, whylen)))
			return err;
		kpages += l2k.kmod.image.text_pages;
		kprintf("nestlab-l2: mbec: module %s text %lu pages super-exec\n",
			l2k.kmod.image.name, l2k.kmod.image.text_pages);
	}
	if ((err = ktramp_mbec_declare(why, whylen)))
		return err;
	kprintf("nestlab-l2: mbec: kernel text %lu pages super-exec, user text %lu pages "
		"user-exec, %lu pages execute-never\n", kpages, upages,
		mbec.ram_pages - kpages - upages);
	return (int64_t)mbec.ram_pages;
}

int mbec_page_rights(uint64_t pa, unsigned rights, char *why, size_t whylen)
{
	if (!l2k.cfg.mbec || !mbec.declared)
		return 0;
	return mbec_set(pa, 1, rights, why, whylen);
}

void mbec_policy_boot(void)
{
	char why[160];

	if (!l2k.cfg.mbec || l2k.cfg.workload == NESTLAB_WL_MBEC_ERRORS)
		return;
	if (mbec_policy_declare(why, sizeof(why)) < 0) {
		kprintf("nestlab-l2: %s\n", why);
		run_set_error(why);
		run_finish(NESTLAB_STATUS_WORKLOAD_FAIL);
	}
}

int64_t mbec_hc_for_user(uint64_t req_va)
{
	struct l2_mbec_hc *req = (struct l2_mbec_hc *)(uintptr_t)req_va;
	struct nestlab_hc_ret r;

	if (!process_user_range_ok(req_va, sizeof(*req)))
		return -L2_EFAULT;
	if (req->cmd != NESTLAB_HC_MBEC_ENABLE && req->cmd != NESTLAB_HC_MBEC_SET &&
	    req->cmd != NESTLAB_HC_MBEC_QUERY)
		return -L2_EINVAL;
	r = nestlab_hc_call(l2k.transport, req->cmd, req->arg0, req->arg1, req->arg2);
	req->status = r.status;
	req->ret0 = r.ret0;
	req->ret1 = r.ret1;
	return 0;
}
