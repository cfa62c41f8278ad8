/*
 * Fault-free user memory access (uaccess.h): translate a user address with
 * the running process's page tables (a walk that ANDs U/S and R/W over the
 * levels as the hardware does, AMD APM vol.2 5.6.1) and touch the frame
 * through the kernel's direct map, so a bad address is an error return,
 * never a #PF in the kernel.
 */
#include "uaccess.h"
#include <nestlab/mem.h>
#include "kernel.h"

/* The 4-level walk of AMD APM vol.2 5.3.3 (Intel SDM vol.3 4.5) over the
 * kernel's direct map (the identity below L2_DIRECT_MAP_END, kernel.h),
 * without pt_walk's callbacks: this runs after every system call under
 * batching. U/S and R/W are ANDed over the levels (APM vol.2 5.6.1); a
 * table outside the direct map is refused. */
int uaccess_translate(uint64_t va, int write, uint64_t *pa)
{
	const struct l2_proc *p = sched_current();
	uint64_t table, rights = PTE_U | PTE_W;

	if (!p || !p->root || va < L2_USER_BASE || va >= L2_USER_END)
		return -1;
	table = p->root;
	for (int level = 4; level >= 1; level--) {
		uint64_t e;

		if (table >= L2_DIRECT_MAP_END)
			return -1;
		e = ((const volatile uint64_t *)(uintptr_t)table)[pt_index(va, level)];
		if (!(e & PTE_P))
			return -1;
		rights &= e;
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			uint64_t size = 1ull << X86_PT_SHIFT(level);

			*pa = ((e & PTE_ADDR) & ~(size - 1)) | (va & (size - 1));
			break;
		}
		table = e & PTE_ADDR;
	}
	if (!(rights & PTE_U) || (write && !(rights & PTE_W)))
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
