/*
 * The SVM backend's private interface, shared by arch/x86/svm*.c and
 * vmrun.S only: generic code uses l1hyp/arch/vcpu_vendor.h. One struct
 * svm_vcpu per vCPU wraps its VMCB and intercept bitmaps; the host save
 * areas are per physical CPU.
 */
#ifndef L1_ARCH_SVM_H
#define L1_ARCH_SVM_H

#include <stdint.h>
#include <stdbool.h>
#include "vmcb.h"
#include "../vcpu_vendor.h"
#include "../../core/vcpu.h"

#define SVM_IOPM_SIZE   (3 * 4096)   /* APM 15.10.1: 12 KiB, one bit per port */
#define SVM_MSRPM_SIZE  (2 * 4096)   /* APM 15.11: 8 KiB, two bits per MSR */

struct svm_vcpu {
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	uint8_t *iopm, *msrpm;
	/* The software event vendor_inject_soft_event queued (0: none): if
	 * its delivery is interrupted, it is queued again (svm_exit.c). */
	uint64_t soft_inj, soft_next_rip;
};

/* Per physical CPU, set by vendor_probe / vendor_enable. */
struct svm_cpu {
	struct vendor_caps caps;
	uint64_t cr4_valid;         /* the CR4 bits this CPU offers */
	unsigned maxphyaddr;        /* CPUID 8000_0008h EAX[7:0] */
	uint64_t hsave_pa;          /* VM_HSAVE_PA: VMRUN's own host save area */
	uint64_t host_save_pa;      /* L1's VMLOAD/VMSAVE state around VMRUN */
};
extern struct svm_cpu svm_cpu;

static inline struct svm_vcpu *svm_of(const struct vcpu *v)
{
	return v->vendor;
}

static inline struct vmcb *svm_vmcb(const struct vcpu *v)
{
	return svm_of(v)->vmcb;
}

/* vmrun.S: one world switch; gprs is struct x86emu_regs.gpr (REX order;
 * the RAX and RSP slots are not used: those travel in the VMCB). */
void svm_vmrun(uint64_t *gprs, uint64_t vmcb_pa, uint64_t host_save_pa);

/* MSRPM layout (svm_msrpm.c, pure): set both bits of msr to intercept
 * (true) or pass (false). Returns false for an MSR outside the map, which
 * is always intercepted. */
bool svm_msrpm_set(uint8_t *msrpm, uint32_t msr, bool intercept_read,
		   bool intercept_write);
/* Whether reads and writes of msr exit; true/true outside the map. */
void svm_msrpm_get(const uint8_t *msrpm, uint32_t msr, bool *read, bool *write);

/* The first consistency check of APM 15.5.1 that vmcb fails (svm_check.c),
 * or NULL if none of them does; *l2_fault: the state is L2's, not L1's.
 * cr4_valid: the CR4 bits this CPU has; maxphyaddr: its physical width. */
const char *svm_vmcb_check(const struct vmcb *vmcb, uint64_t cr4_valid,
			   unsigned maxphyaddr, bool *l2_fault);


#endif
