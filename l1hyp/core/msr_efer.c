/*
 * EFER as L2 sees it (AMD APM vol.2 3.1.7): L2 may set SCE, LME and NXE;
 * LMA is the processor's (set when paging turns on with LME) and keeps its
 * current value; every other bit, SVME included, is reserved for L2, whose
 * CPUID offers no SVM: setting one raises #GP(0). LME cannot change while
 * paging is on (#GP; APM vol.2 3.1.7 on EFER.LME and 14.6 on activating
 * long mode), which is what makes 0x501 -> 0x401 illegal. A hidden bit
 * (msr_efer_hide: SCE) reads and writes L2's own copy; the CPU's stays 0.
 */
#include "vcpu.h"
#include "msr_efer.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_regs.h"

#define EFER_L2_SETTABLE (EFER_SCE | EFER_LME | EFER_NXE)

uint64_t msr_efer_guest(const struct vcpu *v)
{
	return (vendor_efer(v) & ~v->efer_hidden) | v->efer_hidden_val;
}

int msr_efer_hide(struct vcpu *v, uint64_t bits)
{
	uint64_t efer = msr_efer_guest(v);

	if (bits & ~EFER_SCE)
		return -1;
	if (v->efer_hidden & bits)
		return -1;      /* another mechanism emulates what the bit enables */
	v->efer_hidden |= bits;
	v->efer_hidden_val = efer & v->efer_hidden;
	vendor_set_efer(v, efer & ~v->efer_hidden);
	return 0;
}

int msr_efer_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	*val = msr_efer_guest(v);
	return 0;
}

int msr_efer_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	uint64_t cur = msr_efer_guest(v), efer;

	if (val & ~(EFER_L2_SETTABLE | EFER_LMA))
		return -1;
	if (((val ^ cur) & EFER_LME) && (vendor_read_cr(v, 0) & CR0_PG))
		return -1;
	efer = (val & EFER_L2_SETTABLE) | (cur & EFER_LMA);
	v->efer_hidden_val = efer & v->efer_hidden;
	vendor_set_efer(v, efer & ~v->efer_hidden);
	return 0;
}
