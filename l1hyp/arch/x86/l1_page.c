/*
 * Single-page access rights in L1's own identity map (l1_page.h): the
 * R/W and NX bits of a boot_pt0 entry, then INVLPG. A changed PTE is not
 * used until its stale TLB entry is invalidated (APM vol.2 5.5.3, SDM
 * vol.3A 4.10.4.1 and 4.10.4.3); INVLPG is serializing (SDM vol.3A
 * "Serializing Instructions"), so code written into a page before it
 * becomes executable is what the next fetch sees (SDM vol.3A "Handling
 * Self- and Cross-Modifying Code": a store, then a serializing
 * instruction, then the jump to it; APM vol.2 7.6.1).
 */
#include "l1_page.h"
#include "cpu.h"
#include "../../../lib/freestanding/x86_paging.h"
#include "../../../lib/freestanding/x86_regs.h"

#define PAGE_SIZE   4096ull
#define PT0_SPAN    (512 * PAGE_SIZE)  /* boot_pt0 maps [0, 2 MiB) */

extern uint64_t boot_pt0[512];

bool l1_page_nx_on(void)
{
	return (rdmsr(MSR_EFER) & EFER_NXE) != 0;
}

int l1_page_protect(const void *page, bool write, bool exec)
{
	uint64_t va = (uint64_t)(uintptr_t)page, pte;

	if ((va & (PAGE_SIZE - 1)) || va == 0 || va >= PT0_SPAN)
		return -1;
	if (!exec && !l1_page_nx_on())
		return -1;
	pte = boot_pt0[va / PAGE_SIZE] & ~(X86_PTE_RW | X86_PTE_NX);
	if (write)
		pte |= X86_PTE_RW;
	if (!exec)
		pte |= X86_PTE_NX;
	boot_pt0[va / PAGE_SIZE] = pte;
	invlpg(page);
	return 0;
}
