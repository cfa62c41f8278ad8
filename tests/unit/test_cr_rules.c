/* CR0/CR4 write rules: every #GP condition of MOV CRn, LMSW and CLTS, the
 * values written (ET forced, reserved CR0 bits dropped), EFER.LMA following
 * CR0.PG with LME, and which changes flush the TLB (AMD APM vol.2 3.1.1,
 * 3.1.3, 14.6; vol.3 MOV CRn). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../l1hyp/core/cr_rules.h"
#include "../../lib/freestanding/x86_regs.h"

/* A 64-bit kernel: long mode active, CS.L. */
static struct cr_state lm(void)
{
	return (struct cr_state){
		.cr0 = CR0_PE | CR0_ET | CR0_PG | CR0_WP, .cr3 = 0x1000,
		.cr4 = CR4_PAE | CR4_PSE, .efer = EFER_LME | EFER_LMA | EFER_SCE,
		.cs_l = true, .cr4_valid = cr4_valid_bits(0, ~0u, 0, 0),
	};
}

/* 32-bit protected mode, paging off, EFER.LME set (about to enter long mode). */
static struct cr_state pm(void)
{
	return (struct cr_state){
		.cr0 = CR0_PE | CR0_ET, .cr4 = 0, .efer = EFER_LME,
		.cr4_valid = cr4_valid_bits(0, ~0u, 0, 0),
	};
}

Test(cr_rules, cr0_gp_conditions)
{
	struct cr_state s = lm();
	struct cr_result r;

	cr_assert(eq(int, cr0_write(&s, s.cr0 | (1ull << 32), &r), -1));
	cr_assert(eq(int, cr0_write(&s, s.cr0 | CR0_NW, &r), -1));          /* NW, CD=0 */
	cr_assert(eq(u64, r.cr0, s.cr0));                                   /* unchanged */
	cr_assert(eq(int, cr0_write(&s, s.cr0 | CR0_NW | CR0_CD, &r), 0));
	cr_assert(eq(int, cr0_write(&s, CR0_PG | CR0_ET, &r), -1));         /* PG, PE=0 */
	cr_assert(eq(int, cr0_write(&s, s.cr0 & ~CR0_PG, &r), -1));         /* 64-bit mode */
	s.cs_l = false;                                                     /* compat mode */
	cr_assert(eq(int, cr0_write(&s, s.cr0 & ~CR0_PG, &r), 0));
	cr_assert(eq(u64, r.efer & EFER_LMA, 0));                           /* leaves long mode */
	cr_assert(eq(int, r.flush_tlb, 1));
}

Test(cr_rules, entering_long_mode)
{
	struct cr_state s = pm();
	struct cr_result r;

	/* PG with LME but without PAE: #GP (APM 14.6.1). */
	cr_assert(eq(int, cr0_write(&s, s.cr0 | CR0_PG, &r), -1));
	s.cr4 = CR4_PAE;
	cr_assert(eq(int, cr0_write(&s, s.cr0 | CR0_PG, &r), 0));
	cr_assert(eq(u64, r.efer, EFER_LME | EFER_LMA));
	cr_assert(eq(u64, r.cr0, CR0_PE | CR0_ET | CR0_PG));
	cr_assert(eq(int, r.flush_tlb, 1));
	/* ... and not from a 64-bit code segment. */
	s.cs_l = true;
	cr_assert(eq(int, cr0_write(&s, s.cr0 | CR0_PG, &r), -1));
	/* Without LME, PG is 32-bit (or PAE) paging: LMA stays clear. */
	s = pm();
	s.efer = 0;
	cr_assert(eq(int, cr0_write(&s, s.cr0 | CR0_PG, &r), 0));
	cr_assert(eq(u64, r.efer, 0));
}

Test(cr_rules, cr0_value_written)
{
	struct cr_state s = pm();
	struct cr_result r;

	/* ET reads as one, reserved bits of 31:0 as zero; no flush for TS. */
	cr_assert(eq(int, cr0_write(&s, CR0_PE | CR0_TS | (1ull << 7), &r), 0));
	cr_assert(eq(u64, r.cr0, CR0_PE | CR0_TS | CR0_ET));
	cr_assert(eq(int, r.flush_tlb, 0));
	cr_assert(eq(int, cr0_write(&s, s.cr0 | CR0_WP, &r), 0));
	cr_assert(eq(int, r.flush_tlb, 1));
}

Test(cr_rules, lmsw_and_clts)
{
	struct cr_state s = lm();
	struct cr_result r;

	s.cr0 |= CR0_TS | CR0_MP;
	cr_assert(eq(int, cr0_lmsw(&s, 0, &r), 0));                 /* PE stays set */
	cr_assert(eq(u64, r.cr0, s.cr0 & ~(CR0_TS | CR0_MP)));
	cr_assert(eq(int, cr0_lmsw(&s, 0xFFF0 | CR0_EM, &r), 0));   /* only bits 3:0 */
	cr_assert(eq(u64, r.cr0, (s.cr0 & ~(CR0_TS | CR0_MP)) | CR0_EM));
	cr_assert(eq(int, cr0_clts(&s, &r), 0));
	cr_assert(eq(u64, r.cr0, s.cr0 & ~CR0_TS));
	s = pm();
	s.cr0 = CR0_ET;                                             /* real mode */
	cr_assert(eq(int, cr0_lmsw(&s, CR0_PE, &r), 0));            /* LMSW may set PE */
	cr_assert(eq(u64, r.cr0 & CR0_PE, CR0_PE));
}

Test(cr_rules, cr4_gp_conditions)
{
	struct cr_state s = lm();
	struct cr_result r;

	/* The fuzzer's case: MOV CR4 with RCX = 0x8000015890 (bit 39 and
	 * others not offered) must #GP and change nothing. */
	cr_assert(eq(int, cr4_write(&s, 0x8000015890ull, &r), -1));
	cr_assert(eq(u64, r.cr4, s.cr4));
	cr_assert(eq(int, cr4_write(&s, s.cr4 | CR4_VMXE, &r), -1));   /* no VMX for L2 */
	cr_assert(eq(int, cr4_write(&s, s.cr4 & ~CR4_PAE, &r), -1));   /* long mode */
	cr_assert(eq(int, cr4_write(&s, s.cr4 | CR4_SMEP, &r), -1));   /* not offered here */
	s.cr4_valid |= CR4_SMEP | CR4_LA57 | CR4_PCIDE;
	cr_assert(eq(int, cr4_write(&s, s.cr4 | CR4_SMEP, &r), 0));
	cr_assert(eq(int, r.flush_tlb, 1));
	cr_assert(eq(int, cr4_write(&s, s.cr4 | CR4_LA57, &r), -1));   /* in long mode */
	s.cr3 = 0x2005;                                                /* CR3[11:0] != 0 */
	cr_assert(eq(int, cr4_write(&s, s.cr4 | CR4_PCIDE, &r), -1));
	s.cr3 = 0x2000;
	cr_assert(eq(int, cr4_write(&s, s.cr4 | CR4_PCIDE, &r), 0));
	cr_assert(eq(int, cr4_write(&s, s.cr4 | CR4_PGE | CR4_TSD, &r), 0));
	cr_assert(eq(u64, r.cr4, s.cr4 | CR4_PGE | CR4_TSD));
	cr_assert(eq(int, cr4_write(&s, s.cr4 | CR4_TSD, &r), 0));
	cr_assert(eq(int, r.flush_tlb, 0));                            /* TSD: no flush */
}

Test(cr_rules, cr4_valid_bits_follow_cpuid)
{
	cr_assert(eq(u64, cr4_valid_bits(0, 0, 0, 0), CR4_TSD | CR4_PCE));
	cr_assert(eq(u64, cr4_valid_bits(0, 1u << 6, 0, 0) & CR4_PAE, CR4_PAE));
	cr_assert(eq(u64, cr4_valid_bits(0, 0, 1u << 7, 0), CR4_TSD | CR4_PCE | CR4_SMEP));
	cr_assert(eq(u64, cr4_valid_bits(~0u, ~0u, ~0u, ~0u) & (CR4_VMXE | CR4_SMXE), 0));
}
