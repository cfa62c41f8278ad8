/*
 * The CPUID table the VMM gives L2 (KVM_SET_CPUID2, KVM API doc 4.73): what
 * KVM supports (KVM_GET_SUPPORTED_CPUID) with nestlab's L1 view applied, so
 * that L2 sees the same kind of machine under both L1s
 * (l1hyp/core/exit_cpuid.c): no VMX, MONITOR or SVM (L2 is not offered
 * nesting), the hypervisor bit, and at 0x40000000 nestlab's signature and
 * hypercall ABI (platform.h) instead of KVM's "KVMKVMKVM" leaves, with the
 * one transport this VMM serves: NESTLAB_FEAT_BACKDOOR. The signature is
 * how the L2 kernel finds itself at level 2 (docs/hypercall-abi.md "CPUID
 * discovery"); the L2 command line's l1=kvm says which L1 it is.
 * Pure C over the uapi structures, host-tested.
 */
#ifndef KVM_L1_VMM_CPUID_H
#define KVM_L1_VMM_CPUID_H

#include <linux/kvm.h>

/*
 * Rewrites entries[0..*n) in place (capacity max entries): drops the
 * hypervisor range 0x40000000-0x400000FF, adjusts leaves 1, 0x80000001 and
 * 0x8000000A, appends nestlab's two leaves. Returns 0, or -1 when max is
 * too small. *maxphyaddr gets CPUID 0x80000008 EAX[7:0] (0 if absent).
 */
int vmm_cpuid_filter(struct kvm_cpuid_entry2 *entries, unsigned *n, unsigned max,
		     unsigned *maxphyaddr);

#endif
