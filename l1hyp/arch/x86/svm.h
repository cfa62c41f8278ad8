/*
 * The SVM vendor layer: feature detection, enabling, the L2 VMCB (initial
 * state as a multiboot loader leaves it), intercept bitmaps, the world
 * switch, exit-code naming and event injection. Generic code (core/) calls
 * only these functions; a VMX backend will provide the same set.
 */
#ifndef L1_ARCH_SVM_H
#define L1_ARCH_SVM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "vmcb.h"

/* GPRs not held in the VMCB; layout fixed by vmrun.S (rax slot unused). */
struct guest_gprs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct svm_caps {
	bool npt;
	bool nrips;
	uint32_t nr_asids;
};

/* 0 if usable; else -1 and a message naming the missing feature and the fix. */
int  svm_probe(struct svm_caps *caps, char *why, size_t whylen);
/* EFER.SVME, VM_HSAVE_PA, and a VMSAVE of L1's own state into host_save. */
void svm_enable(uint64_t hsave_pa, uint64_t host_save_pa);

#define SVM_IOPM_SIZE   (3 * 4096)   /* APM 15.10.1: 12 KiB, one bit per port */
#define SVM_MSRPM_SIZE  (2 * 4096)   /* APM 15.11: 8 KiB, two bits per MSR */

void svm_iopm_intercept_all(uint8_t *iopm);
void svm_msrpm_intercept_all(uint8_t *msrpm);
/* Pass an MSR through (no intercept) for reads and/or writes. */
void svm_msrpm_allow(uint8_t *msrpm, uint32_t msr, bool read, bool write);

/* Fill vmcb for L2's first entry: 32-bit protected mode, paging off, flat
 * segments from the GDT at gdt_gpa (3 entries: null, code 0x08, data 0x10),
 * EAX = multiboot magic, RIP = entry (EBX, the info pointer, is a GPR outside
 * the VMCB: the caller sets it). */
void svm_vmcb_init(struct vmcb *vmcb, uint64_t iopm_pa, uint64_t msrpm_pa,
		   uint64_t ncr3, uint32_t entry, uint32_t gdt_gpa);

void svm_vmrun(struct guest_gprs *gprs, uint64_t vmcb_pa, uint64_t host_save_pa);

/* Map an SVM exit code to a vendor-neutral enum nestlab_exit_reason. */
unsigned svm_exit_reason(uint64_t exit_code);

/* Queue a hardware exception for the next VMRUN (APM 15.20). */
void svm_inject_exception(struct vmcb *vmcb, unsigned vector, bool has_error,
			  uint32_t error_code);

/* True if L2 runs in 64-bit mode (EFER.LMA and CS.L). */
bool svm_guest_long_mode(const struct vmcb *vmcb);

#endif
