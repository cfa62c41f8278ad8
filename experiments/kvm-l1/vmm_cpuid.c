/*
 * L2's CPUID table (see vmm_cpuid.h). Bits: CPUID Fn0000_0001 ECX[5] VMX,
 * [3] MONITOR, [31] reserved for hypervisor use; Fn8000_0001 ECX[2] SVM;
 * Fn8000_000A the SVM revision and features (AMD APM vol.3 appendix E).
 */
#include "vmm_cpuid.h"

#include <string.h>
#include <nestlab/hypercall.h>
#include <nestlab/platform.h>

#define CPUID_1_ECX_MONITOR     (1u << 3)
#define CPUID_1_ECX_VMX         (1u << 5)
#define CPUID_1_ECX_HYPERVISOR  (1u << 31)
#define CPUID_81_ECX_SVM        (1u << 2)

int vmm_cpuid_filter(struct kvm_cpuid_entry2 *entries, unsigned *n, unsigned max,
		     unsigned *maxphyaddr)
{
	unsigned in = 0, out = 0;

	*maxphyaddr = 0;
	for (in = 0; in < *n; in++) {
		struct kvm_cpuid_entry2 e = entries[in];

		if ((e.function & 0xFFFFFF00u) == NESTLAB_CPUID_LEAF_BASE)
			continue;
		switch (e.function) {
		case 1:
			e.ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_MONITOR);
			e.ecx |= CPUID_1_ECX_HYPERVISOR;
			break;
		case 0x80000001u:
			e.ecx &= ~CPUID_81_ECX_SVM;
			break;
		case 0x80000008u:
			*maxphyaddr = e.eax & 0xFF;
			break;
		case 0x8000000Au:
			e.eax = e.ebx = e.ecx = e.edx = 0;
			break;
		}
		entries[out++] = e;
	}
	if (out + 2 > max)
		return -1;
	memset(&entries[out], 0, 2 * sizeof(entries[0]));
	entries[out].function = NESTLAB_CPUID_LEAF_BASE;
	entries[out].eax = NESTLAB_CPUID_LEAF_MAX;
	entries[out].ebx = NESTLAB_CPUID_SIG_EBX;
	entries[out].ecx = NESTLAB_CPUID_SIG_ECX;
	entries[out].edx = NESTLAB_CPUID_SIG_EDX;
	entries[out + 1].function = NESTLAB_CPUID_LEAF_INFO;
	entries[out + 1].eax = NESTLAB_HC_ABI_VERSION;
	entries[out + 1].ebx = NESTLAB_FEAT_BACKDOOR;
	*n = out + 2;
	return 0;
}
