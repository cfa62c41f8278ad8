/* The VMRUN consistency checks of AMD APM vol.2 15.5.1 on a VMCB: a good
 * one passes, and each broken field names its check and whose state it is. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../../l1hyp/arch/x86/svm.h"
#include "../../lib/freestanding/x86_regs.h"

static struct vmcb vmcb;
#define CR4_OK (CR4_PAE | CR4_PSE | CR4_PGE | CR4_OSFXSR)

/* A 64-bit guest as L1 runs it. */
static void setup(void)
{
	memset(&vmcb, 0, sizeof(vmcb));
	vmcb.save.efer = EFER_SVME | EFER_LME | EFER_LMA | EFER_NXE;
	vmcb.save.cr0 = CR0_PE | CR0_ET | CR0_PG;
	vmcb.save.cr4 = CR4_PAE;
	vmcb.save.cr3 = 0x1000;
	vmcb.save.cs.attrib = 0xA9B;                /* L=1, D=0 */
	vmcb.save.dr6 = 0xFFFF0FF0;
	vmcb.save.dr7 = 0x400;
	vmcb.control.intercept_misc2 = SVM_INTERCEPT_VMRUN;
	vmcb.control.asid = 1;
	vmcb.control.msrpm_base_pa = 0x200000;
	vmcb.control.iopm_base_pa = 0x300000;
}

TestSuite(svm_check, .init = setup);

static void expect(const char *check, bool l2)
{
	bool l2_fault = !l2;
	const char *got = svm_vmcb_check(&vmcb, CR4_OK, 40, &l2_fault);

	cr_assert(ne(ptr, (void *)got, NULL), "no check named");
	cr_assert(eq(str, (char *)got, (char *)check));
	cr_assert(eq(int, l2_fault, l2));
}

Test(svm_check, a_good_vmcb_passes)
{
	bool l2;

	cr_assert(eq(ptr, (void *)svm_vmcb_check(&vmcb, CR4_OK, 40, &l2), NULL));
}

Test(svm_check, l2_state)
{
	vmcb.save.cr0 |= CR0_NW;
	expect("CR0.CD is zero and CR0.NW is set", true);
	setup();
	vmcb.save.cr0 |= 1ull << 40;
	expect("CR0[63:32] are not zero", true);
	setup();
	vmcb.save.cr3 |= 1ull << 60;
	expect("an MBZ bit of CR3 is set", true);
	setup();
	vmcb.save.cr3 |= 1ull << 40;                /* at MAXPHYADDR (40 here) */
	expect("an MBZ bit of CR3 is set", true);
	setup();
	vmcb.save.cr4 = 0x8000015890ull;            /* the fuzzer's MOV CR4 value */
	expect("an MBZ bit of CR4 is set", true);
	setup();
	vmcb.save.dr7 |= 1ull << 33;
	expect("DR7[63:32] are not zero", true);
	setup();
	vmcb.save.cs.attrib |= SVM_SEG_ATTR_DB;     /* L=1 and D=1 */
	expect("EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all set", true);
	setup();
	vmcb.save.cr4 = 0;
	expect("EFER.LME and CR0.PG are set and CR4.PAE is zero", true);
}

Test(svm_check, l1_state)
{
	vmcb.save.efer &= ~EFER_SVME;
	expect("EFER.SVME is zero", false);
	setup();
	vmcb.control.intercept_misc2 = 0;
	expect("the VMRUN intercept bit is clear", false);
	setup();
	vmcb.control.asid = 0;
	expect("the ASID is zero", false);
	setup();
	vmcb.control.event_inj = SVM_EVTINJ_VALID | (1ull << 8);   /* type 1 */
	expect("illegal event injection (APM 15.20)", false);
	setup();
	vmcb.control.msrpm_base_pa = (1ull << 40) - 4096;
	expect("the MSR or IOIO intercept tables extend beyond the physical address limit", false);
	setup();
	vmcb.save.efer &= ~EFER_LMA;
	expect("EFER.LMA does not match EFER.LME and CR0.PG", false);
}
