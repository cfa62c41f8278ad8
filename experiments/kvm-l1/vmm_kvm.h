/*
 * The VMM's use of the KVM API (Documentation/virt/kvm/api.rst, "KVM API
 * doc" below): one VM with one memory slot of L2 RAM at guest-physical 0,
 * one vCPU with L2's CPUID table (vmm_cpuid.h), started in the multiboot
 * machine state (vmm_boot.h), and registers synchronised through the
 * kvm_run page (KVM_CAP_SYNC_REGS, KVM API doc 6.3 "kvm_valid_regs")
 * instead of KVM_GET_REGS/KVM_GET_SREGS at every exit. No in-kernel irqchip
 * (KVM_CREATE_IRQCHIP is never called): HLT then exits to user space
 * (KVM_EXIT_HLT), where the VMM ends the run, as nestlab's L1 does.
 */
#ifndef KVM_L1_VMM_KVM_H
#define KVM_L1_VMM_KVM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>
#include "vmm_boot.h"

struct vmm_kvm {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	unsigned char *ram;
	uint64_t ram_size;
	unsigned maxphyaddr;       /* L2's, from its CPUID table */
};

/* /dev/kvm, the VM, its RAM and the vCPU with its CPUID. 0, or -1 with err. */
int vmm_kvm_create(struct vmm_kvm *k, uint64_t ram_size, char *err, size_t errlen);

/* The vCPU's registers at the multiboot entry. 0, or -1 with err. */
int vmm_kvm_boot_state(struct vmm_kvm *k, const struct vmm_boot *b, char *err,
		       size_t errlen);

#endif
