/*
 * The MBEC fetch probes (mbec.h): a fetch in one privilege mode from a page
 * the kernel's policy (mbec.c) gives only to the other.
 *
 *   - mbec-kexec-user: the kernel calls, at CPL0, a one-instruction `ret` in
 *     the process's user code. Paging allows it (the page is present; no
 *     NX, and CR4.SMEP is off: with it set a supervisor fetch from a user
 *     page faults, AMD APM vol.2 5.6.3, Intel SDM vol.3 4.6.1), so only
 *     L1's MBEC emulation can refuse it.
 *   - mbec-uexec-kernel: the kernel maps the code page holding its own `ret`
 *     stub at a user address too (an alias; the stub's page stays
 *     supervisor-only in the direct map) and the process calls it at CPL3.
 *     Execute rights follow the guest-physical page, not the address, so
 *     the alias is refused under MBEC like the page itself.
 *
 * The guard: while a probe is armed, a #PF whose RIP is the stub and whose
 * CPL is the probe's is the probe's fault (the `inject` policy: P = 1, I/D
 * = 1, U/S = CPL 3, CR2 = RIP; APM vol.2 8.4.2, SDM vol.3 4.7). It is
 * recorded for the workload to check, and completed as the stub would have:
 * the return address is popped from the interrupted stack, so the caller
 * resumes after its call either way.
 */
#include <nestlab/mem.h>
#include "kernel.h"
#include "mbec.h"
#include "arch.h"
#include "freestanding/x86_exceptions.h"

/* The kernel's `ret` stub, in kernel code. */
extern const char l2_kernel_ret_stub[];
__asm__(".pushsection .text\n"
	".globl l2_kernel_ret_stub\n"
	"l2_kernel_ret_stub:\n\t"
	"ret\n"
	".popsection");

static struct {
	int armed;
	uint64_t rip;       /* the guarded fetch */
	unsigned cpl;       /* 0: the kernel's call; 3: the process's */
	struct l2_mbec_fault seen;
} guard;

static void arm(uint64_t rip, unsigned cpl)
{
	memset(&guard.seen, 0, sizeof(guard.seen));
	guard.seen.target = rip;
	guard.rip = rip;
	guard.cpl = cpl;
	guard.armed = 1;
}

int mbec_probe_catch(struct isr_frame *f, uint64_t cr2)
{
	uint64_t *sp = (uint64_t *)(uintptr_t)f->rsp;

	if (!guard.armed || f->vector != X86_EXC_PF || f->rip != guard.rip ||
	    (f->cs & 3) != guard.cpl)
		return 0;
	if (guard.cpl == 3 && !process_user_range_ok(f->rsp, sizeof(*sp)))
		return 0;
	guard.seen.faults++;
	guard.seen.error = f->error;
	guard.seen.cr2 = cr2;
	guard.seen.rip = f->rip;
	f->rip = *sp;
	f->rsp += sizeof(*sp);
	return 1;
}

int64_t mbec_probe_kexec(uint64_t va)
{
	uint64_t text = (uint64_t)(__user_image_text_end - __user_image_start);

	if (va < L2_USER_BASE || va >= L2_USER_BASE + text)
		return -L2_EINVAL;
	if (read_cr4() & CR4_SMEP)
		return -L2_EPERM;
	arm(va, 0);
	((void (*)(void))(uintptr_t)va)();
	guard.armed = 0;
	return 0;
}

int64_t mbec_probe_alias(void)
{
	const struct l2_proc *p = sched_current();
	uint64_t stub = (uint64_t)(uintptr_t)l2_kernel_ret_stub, pa, flags, va;

	if (!pt_walk(&l2_pt_ops, p->root, L2_USER_KALIAS_VA, &pa, &flags))
		return -L2_EINVAL;      /* mapped already */
	if (pt_map(&l2_pt_ops, p->root, L2_USER_KALIAS_VA, stub & ~(PT_4K - 1), PT_4K, PTE_U))
		return -L2_ENOMEM;
	va = L2_USER_KALIAS_VA + (stub & (PT_4K - 1));
	arm(va, 3);
	return (int64_t)va;
}

int64_t mbec_probe_kalias(uint64_t va)
{
	const struct l2_proc *p = sched_current();
	uint64_t text = (uint64_t)(__user_image_text_end - __user_image_start), pa, flags;
	int64_t upa;

	if (va < L2_USER_BASE || va >= L2_USER_BASE + text)
		return -L2_EINVAL;
	upa = process_user_pa(va);
	if (upa < 0)
		return -L2_EINVAL;
	if (pt_walk(&l2_pt_ops, p->root, L2_KERNEL_UALIAS_VA, &pa, &flags) &&  /* not yet */
	    pt_map(&l2_pt_ops, p->root, L2_KERNEL_UALIAS_VA, (uint64_t)upa & ~(PT_4K - 1),
		   PT_4K, 0))
		return -L2_ENOMEM;
	va = L2_KERNEL_UALIAS_VA + (va & (PT_4K - 1));
	arm(va, 0);
	((void (*)(void))(uintptr_t)va)();
	guard.armed = 0;
	return 0;
}

int64_t mbec_probe_fault(uint64_t out)
{
	struct l2_mbec_fault *o = (struct l2_mbec_fault *)(uintptr_t)out;

	if (!process_user_range_ok(out, sizeof(*o)))
		return -L2_EFAULT;
	*o = guard.seen;
	guard.armed = 0;
	return 0;
}
