/*
 * MSR policy for L2 (APM 15.11 MSR intercepts). Passed through without an
 * exit (the allowlist): FS_BASE, GS_BASE, KERNEL_GS_BASE, STAR, LSTAR, CSTAR,
 * SFMASK, SYSENTER_CS/ESP/EIP (all switched by VMLOAD/VMSAVE), PAT (G_PAT
 * with nested paging, APM 15.25.8), and reads of TSC. Emulated: EFER (L2 sees
 * and may set SCE, LME, NXE; SVME stays set underneath and is hidden). Every
 * other access, including TSC writes, gets #GP(0), as for an MSR the CPU
 * does not have.
 */
#include "l1.h"
#include "exits.h"
#include "../arch/x86/cpu.h"
#include <nestlab/status.h>

#define VEC_GP 13

void msr_policy_init(uint8_t *msrpm)
{
	static const uint32_t rw[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR,
		MSR_CSTAR, MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP,
		MSR_SYSENTER_EIP, MSR_PAT,
	};

	svm_msrpm_intercept_all(msrpm);
	for (unsigned i = 0; i < sizeof(rw) / sizeof(rw[0]); i++)
		svm_msrpm_allow(msrpm, rw[i], true, true);
	svm_msrpm_allow(msrpm, MSR_TSC, true, false);
}

unsigned exit_msr(uint64_t tsc)
{
	static const uint8_t op_rdmsr[] = { 0x0F, 0x32 }, op_wrmsr[] = { 0x0F, 0x30 };
	struct vmcb_save *s = &l1.vmcb->save;
	struct guest_gprs *g = &l1.gprs;
	bool write = l1.vmcb->control.exit_info1 & 1;
	uint32_t msr = (uint32_t)g->rcx;
	uint64_t val = ((uint64_t)(uint32_t)g->rdx << 32) | (uint32_t)s->rax;
	unsigned len = guest_insn_len(write ? op_wrmsr : op_rdmsr, 2);

	if (!len)
		l1_end_run(NESTLAB_STATUS_L1_ERROR,
			   "MSR exit but no RDMSR/WRMSR readable at L2 RIP %lx", s->rip);

	if (msr == MSR_EFER) {
		const uint64_t settable = EFER_SCE | EFER_LME | EFER_NXE;

		if (!write) {
			val = s->efer & ~EFER_SVME;
		} else if (val & ~(settable | EFER_LMA)) {
			svm_inject_exception(l1.vmcb, VEC_GP, true, 0);
			return 0;
		} else {
			s->efer = (val & settable) | (s->efer & EFER_LMA) | EFER_SVME;
		}
	} else {
		svm_inject_exception(l1.vmcb, VEC_GP, true, 0);
		return 0;
	}
	if (!write) {
		s->rax = (uint32_t)val;
		g->rdx = val >> 32;
	}
	guest_advance_rip(len);
	return 0;
}
