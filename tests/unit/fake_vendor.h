/*
 * A fake vendor backend for host tests of generic L1 code: implements
 * l1hyp/arch/vcpu_vendor.h over a plain struct, and records what generic
 * code asked of it (injected exceptions, intercepts, MSR intercepts, view
 * switches, TLB flushes) so tests can assert exactly that.
 */
#ifndef TESTS_FAKE_VENDOR_H
#define TESTS_FAKE_VENDOR_H

#include <stdint.h>
#include <stdbool.h>
#include "../../l1hyp/arch/vcpu_vendor.h"
#include "../../l1hyp/core/vcpu.h"

#define FAKE_MSR_MAX 64

struct fake_vendor {
	unsigned cpl;
	bool long_mode;
	uint64_t cr0, cr2, cr3, cr4, efer, dr6;
	struct vcpu_segment seg[VCPU_SEG_NR];
	/* guest MSRs the "control block" holds */
	uint32_t msr_index[FAKE_MSR_MAX];
	uint64_t msr_val[FAKE_MSR_MAX];
	unsigned nr_msrs;
	/* what generic code asked */
	int injected_vector;            /* -1: none */
	bool injected_has_error;
	uint32_t injected_error;
	uint64_t injected_cr2;
	unsigned nr_injections;
	/* vendor_inject_soft_event's last call (RIP moved as on SVM without
	 * nRIP) */
	int soft_vector;                /* -1: none */
	unsigned soft_len;
	bool soft_intn;
	unsigned nr_soft;
	bool intercept[VCPU_INTERCEPT_NR];
	struct { uint32_t msr; bool read, write; } msr_icpt[FAKE_MSR_MAX];
	unsigned nr_msr_icpt;
	unsigned switched_view;
	unsigned nr_flushes;
	enum vcpu_flush last_flush;
	unsigned nr_dumps;
};

/* A vCPU in 64-bit mode at CPL0 with paging off and no MSRs held. */
void fake_vcpu_init(struct vcpu *v, struct fake_vendor *f);
/* Give the fake control block an MSR (as SVM's VMCB holds LSTAR etc.). */
void fake_hold_msr(struct fake_vendor *f, uint32_t msr, uint64_t val);
/* The intercept state generic code last set for msr: 1 if intercepted.
 * Returns false if generic code never set it. */
bool fake_msr_intercept(const struct fake_vendor *f, uint32_t msr, bool *read, bool *write);

#endif
