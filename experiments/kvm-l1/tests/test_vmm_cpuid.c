/*
 * Unit tests of L2's CPUID table under the VMM (experiments/kvm-l1/vmm_cpuid.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <nestlab/hypercall.h>
#include <nestlab/platform.h>
#include "vmm_cpuid.h"

static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid_entry2 *e, unsigned n,
					   uint32_t fn)
{
	for (unsigned i = 0; i < n; i++)
		if (e[i].function == fn)
			return &e[i];
	return NULL;
}

Test(vmm_cpuid, nestlab_view_of_kvm_supported_cpuid)
{
	struct kvm_cpuid_entry2 e[8] = {
		{ .function = 1, .ecx = (1u << 5) | (1u << 3) | 1u },
		{ .function = 0x40000000u, .eax = 0x40000001u, .ebx = 0x4b4d564b },
		{ .function = 0x40000001u, .eax = 0xFFFF },
		{ .function = 0x80000001u, .ecx = (1u << 2) | (1u << 0) },
		{ .function = 0x80000008u, .eax = 0x3028 },
		{ .function = 0x8000000Au, .eax = 1, .ebx = 8, .edx = 0xFF },
	};
	unsigned n = 6, pa;
	const struct kvm_cpuid_entry2 *l;

	cr_assert(eq(int, vmm_cpuid_filter(e, &n, 8, &pa), 0));
	cr_assert(eq(u32, n, 6));
	cr_assert(eq(u32, pa, 40));
	l = find(e, n, 1);
	cr_assert(eq(u32, l->ecx, 1u | (1u << 31)));     /* no VMX, MONITOR; hypervisor */
	l = find(e, n, 0x80000001u);
	cr_assert(eq(u32, l->ecx, 1u));                  /* no SVM */
	l = find(e, n, 0x8000000Au);
	cr_assert(eq(u32, l->eax | l->ebx | l->ecx | l->edx, 0));
	l = find(e, n, NESTLAB_CPUID_LEAF_BASE);
	cr_assert(eq(u32, l->eax, NESTLAB_CPUID_LEAF_MAX));
	cr_assert(eq(u32, l->ebx, NESTLAB_CPUID_SIG_EBX));
	cr_assert(eq(u32, l->ecx, NESTLAB_CPUID_SIG_ECX));
	cr_assert(eq(u32, l->edx, NESTLAB_CPUID_SIG_EDX));
	l = find(e, n, NESTLAB_CPUID_LEAF_INFO);
	cr_assert(eq(u32, l->eax, NESTLAB_HC_ABI_VERSION));
	cr_assert(eq(u32, l->ebx, NESTLAB_FEAT_BACKDOOR));
}

Test(vmm_cpuid, no_room_for_nestlab_leaves)
{
	struct kvm_cpuid_entry2 e[2] = { { .function = 0 }, { .function = 1 } };
	unsigned n = 2, pa;

	cr_assert(eq(int, vmm_cpuid_filter(e, &n, 3, &pa), -1));
}
