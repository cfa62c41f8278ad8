/*
 * Why VMRUN failed: the consistency checks of AMD APM vol.2 15.5.1
 * ("Canonicalization and Consistency Checks"), tried in the APM's order on
 * the VMCB that VMRUN refused, so that the report names the check instead
 * of a bare VMEXIT_INVALID. Each check says whose state it is: L2's (the
 * guest-state area as L2 left it: CR0, CR3, CR4, DR6, DR7, the CS/EFER
 * combination of long mode) or L1's (the controls and the values L1
 * emulates: EFER's other bits, the intercepts, the bitmaps, the ASID, the
 * event injection). Pure C over struct vmcb: host-tested.
 */
#include "svm.h"
#include "../../../lib/freestanding/x86_regs.h"

/* EFER bits a VMCB may hold (APM vol.2 3.1.7): SCE, LME, LMA, NXE, SVME,
 * LMSLE, FFXSR, TCE; the rest are MBZ. */
#define EFER_KNOWN (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | \
		    (1ull << 13) | (1ull << 14) | (1ull << 15))
/* CR3 bits 63:52 are MBZ in long mode (APM vol.2 3.1.2). */
#define CR3_MBZ_LONG (0xFFFull << 52)

const char *svm_vmcb_check(const struct vmcb *vmcb, uint64_t cr4_valid,
			   unsigned maxphyaddr, bool *l2_fault)
{
	const struct vmcb_save *s = &vmcb->save;
	const struct vmcb_control *c = &vmcb->control;
	bool lme_pg = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);
	uint64_t pa_limit = 1ull << maxphyaddr;
	uint64_t ev = c->event_inj, type = ev & SVM_EVTINJ_TYPE_MASK;

	*l2_fault = true;
	if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
		return "CR0.CD is zero and CR0.NW is set";
	if (s->cr0 >> 32)
		return "CR0[63:32] are not zero";
	if ((s->efer & EFER_LMA) && (s->cr3 & (CR3_MBZ_LONG | ~(pa_limit - 1))))
		return "an MBZ bit of CR3 is set";     /* 63:52 and MAXPHYADDR..51 */
	if (!(s->efer & EFER_LMA) && (s->cr3 >> 32))
		return "an MBZ bit of CR3 is set";     /* legacy CR3 is 32 bits */
	if (s->cr4 & ~cr4_valid)
		return "an MBZ bit of CR4 is set";
	if (s->dr6 >> 32)
		return "DR6[63:32] are not zero";
	if (s->dr7 >> 32)
		return "DR7[63:32] are not zero";
	if (lme_pg && !(s->cr4 & CR4_PAE))
		return "EFER.LME and CR0.PG are set and CR4.PAE is zero";
	if (lme_pg && !(s->cr0 & CR0_PE))
		return "EFER.LME and CR0.PG are set and CR0.PE is zero";
	if (lme_pg && (s->cr4 & CR4_PAE) && (s->cs.attrib & SVM_SEG_ATTR_L) &&
	    (s->cs.attrib & SVM_SEG_ATTR_DB))
		return "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all set";
	/* From here on, what L1 itself put in the VMCB. */
	*l2_fault = false;
	if (!(s->efer & EFER_SVME))
		return "EFER.SVME is zero";
	if (s->efer & ~EFER_KNOWN)
		return "an MBZ bit of EFER is set";
	if (!!(s->efer & EFER_LMA) != lme_pg)
		return "EFER.LMA does not match EFER.LME and CR0.PG";
	if (!(c->intercept_misc2 & SVM_INTERCEPT_VMRUN))
		return "the VMRUN intercept bit is clear";
	if (c->msrpm_base_pa + SVM_MSRPM_SIZE > pa_limit ||
	    c->iopm_base_pa + SVM_IOPM_SIZE > pa_limit)
		return "the MSR or IOIO intercept tables extend beyond the physical address limit";
	if ((ev & SVM_EVTINJ_VALID) &&
	    ((type != SVM_EVTINJ_TYPE_INTR && type != SVM_EVTINJ_TYPE_NMI &&
	      type != SVM_EVTINJ_TYPE_EXCEPTION && type != SVM_EVTINJ_TYPE_SOFT) ||
	     (type == SVM_EVTINJ_TYPE_EXCEPTION && (ev & SVM_EVTINJ_VECTOR) == 2)))
		return "illegal event injection (APM 15.20)";
	if (c->asid == 0)
		return "the ASID is zero";
	return 0;
}
