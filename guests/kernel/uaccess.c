/*
 * Fault-free user memory access (uaccess.h): translate a user address with
 * the running process's page tables (pt_walk, which ANDs U/S and R/W over
 * the levels as the hardware does, AMD APM vol.2 5.6.1) and touch the frame
 * through the kernel's direct map, so a bad address is an error return,
 * never a #PF in the kernel.
 */
#include "uaccess.h"
#include <nestlab/mem.h>
#include "kernel.h"

int uaccess_translate(uint64_t va, int write, uint64_t *pa)
{
	const struct l2_proc *p = sched_current();
	uint64_t flags;

	if (!p || !p->root || va < L2_USER_BASE || va >= L2_USER_END)
		return -1;
	if (pt_walk(&l2_pt_ops, p->root, va, pa, &flags))
		return -1;
	if (!(flags & PTE_U) || (write && !(flags & PTE_W)))
		return -1;
	/* only RAM of the direct map: not the MAP_OUTSIDE probe page */
	if (*pa >= l2k.ram_top || *pa >= L2_DIRECT_MAP_END)
		return -1;
	return 0;
}

int uaccess_read(uint64_t va, void *dst, uint64_t len)
{
	uint8_t *d = dst;

	while (len) {
		uint64_t pa, chunk = PT_4K - (va & (PT_4K - 1));

		if (chunk > len)
			chunk = len;
		if (uaccess_translate(va, 0, &pa))
			return -1;
		memcpy(d, (const void *)(uintptr_t)pa, chunk);
		d += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}
