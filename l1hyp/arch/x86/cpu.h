/*
 * L1's hardware access: the wrappers shared with the L2 kernel
 * (lib/freestanding/x86.h) plus the SVM MSRs only L1 needs.
 * With the .S files, the only place L1 has inline assembly; the pure modules
 * never include it.
 */
#ifndef L1_ARCH_CPU_H
#define L1_ARCH_CPU_H

#include <stdint.h>
#include "../../../lib/freestanding/x86.h"

#define MSR_VM_CR         0xC0010114u /* APM vol.2 15.30.1 */
#define MSR_VM_HSAVE_PA   0xC0010117u /* APM vol.2 15.30.4 */

#define VM_CR_SVMDIS (1ull << 4)

/* Invalidate the TLB entries of the page holding va (APM vol.2 5.5.3,
 * SDM vol.3A 4.10.4.1); INVLPG is also a serializing instruction (SDM
 * vol.3A "Serializing Instructions"). */
static inline void invlpg(const void *va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif
