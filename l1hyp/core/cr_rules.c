/*
 * CR0/CR4 write rules (cr_rules.h). Each #GP below cites the condition of
 * the MOV CRn exception table (AMD APM vol.3) or the vol.2 section that
 * states it.
 */
#include "cr_rules.h"
#include "../../lib/freestanding/x86_regs.h"

/* The CR0 bits that exist (APM vol.2 3.1.1, figure 3-1); the others in
 * 31:0 are reserved and read back as zero, 63:32 must be zero. */
#define CR0_DEFINED (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | \
		     CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)

/* CPUID feature bits (APM vol.3 appendix E.3.2, E.3.6). */
#define L1_EDX_VME   (1u << 1)
#define L1_EDX_DE    (1u << 2)
#define L1_EDX_PSE   (1u << 3)
#define L1_EDX_PAE   (1u << 6)
#define L1_EDX_MCE   (1u << 7)
#define L1_EDX_PGE   (1u << 13)
#define L1_EDX_FXSR  (1u << 24)
#define L1_EDX_SSE   (1u << 25)
#define L1_ECX_PCID  (1u << 17)
#define L1_ECX_XSAVE (1u << 26)
#define L7_EBX_FSGSBASE (1u << 0)
#define L7_EBX_SMEP  (1u << 7)
#define L7_EBX_SMAP  (1u << 20)
#define L7_ECX_UMIP  (1u << 2)
#define L7_ECX_PKU   (1u << 3)
#define L7_ECX_CET_SS (1u << 7)
#define L7_ECX_LA57  (1u << 16)

uint64_t cr4_valid_bits(uint32_t l1_ecx, uint32_t l1_edx, uint32_t l7_ebx,
			uint32_t l7_ecx)
{
	uint64_t v = CR4_TSD | CR4_PCE;         /* always present */

	if (l1_edx & L1_EDX_VME)
		v |= CR4_VME | CR4_PVI;
	if (l1_edx & L1_EDX_DE)
		v |= CR4_DE;
	if (l1_edx & L1_EDX_PSE)
		v |= CR4_PSE;
	if (l1_edx & L1_EDX_PAE)
		v |= CR4_PAE;
	if (l1_edx & L1_EDX_MCE)
		v |= CR4_MCE;
	if (l1_edx & L1_EDX_PGE)
		v |= CR4_PGE;
	if (l1_edx & L1_EDX_FXSR)
		v |= CR4_OSFXSR;
	if (l1_edx & L1_EDX_SSE)
		v |= CR4_OSXMMEXCPT;
	if (l1_ecx & L1_ECX_PCID)
		v |= CR4_PCIDE;
	if (l1_ecx & L1_ECX_XSAVE)
		v |= CR4_OSXSAVE;
	if (l7_ebx & L7_EBX_FSGSBASE)
		v |= CR4_FSGSBASE;
	if (l7_ebx & L7_EBX_SMEP)
		v |= CR4_SMEP;
	if (l7_ebx & L7_EBX_SMAP)
		v |= CR4_SMAP;
	if (l7_ecx & L7_ECX_UMIP)
		v |= CR4_UMIP;
	if (l7_ecx & L7_ECX_PKU)
		v |= CR4_PKE;
	if (l7_ecx & L7_ECX_CET_SS)
		v |= CR4_CET;
	if (l7_ecx & L7_ECX_LA57)
		v |= CR4_LA57;
	return v;
}

static void keep(const struct cr_state *s, struct cr_result *out)
{
	out->cr0 = s->cr0;
	out->cr4 = s->cr4;
	out->efer = s->efer;
	out->flush_tlb = false;
}

int cr0_write(const struct cr_state *s, uint64_t val, struct cr_result *out)
{
	bool lma = s->efer & EFER_LMA;
	uint64_t changed;

	keep(s, out);
	if (val >> 32)
		return -1;                      /* bits 63:32 must be zero */
	if ((val & CR0_NW) && !(val & CR0_CD))
		return -1;                      /* NW without CD (APM 3.1.1) */
	if ((val & CR0_PG) && !(val & CR0_PE))
		return -1;                      /* paging without protection */
	if ((val & CR0_PG) && !(s->cr0 & CR0_PG) && (s->efer & EFER_LME)) {
		/* Activating long mode (APM 14.6.1): needs CR4.PAE, and CS
		 * must not be a 64-bit segment yet. */
		if (!(s->cr4 & CR4_PAE) || s->cs_l)
			return -1;
	}
	if (!(val & CR0_PG) && (s->cr0 & CR0_PG) && lma && s->cs_l)
		return -1;                      /* paging off in 64-bit mode */
	val = (val & CR0_DEFINED) | CR0_ET;     /* ET is hardwired to 1 */
	changed = val ^ s->cr0;
	out->cr0 = val;
	if (changed & CR0_PG)
		out->efer = (val & CR0_PG) && (s->efer & EFER_LME) ?
			    s->efer | EFER_LMA : s->efer & ~EFER_LMA;
	out->flush_tlb = changed & (CR0_PG | CR0_WP | CR0_PE);
	return 0;
}

int cr4_write(const struct cr_state *s, uint64_t val, struct cr_result *out)
{
	bool lma = s->efer & EFER_LMA;
	uint64_t changed = val ^ s->cr4;

	keep(s, out);
	if (val & ~s->cr4_valid)
		return -1;                      /* reserved or not offered */
	if (lma && !(val & CR4_PAE))
		return -1;                      /* PAE off in long mode (APM 14.7) */
	if (lma && (changed & CR4_LA57))
		return -1;                      /* LA57 changes only outside long mode */
	if ((val & CR4_PCIDE) && !(s->cr4 & CR4_PCIDE) &&
	    (!lma || (s->cr3 & 0xFFF)))
		return -1;                      /* PCIDE needs long mode, PCID 0 */
	out->cr4 = val;
	out->flush_tlb = changed & (CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE |
				    CR4_SMEP | CR4_SMAP | CR4_PKE | CR4_LA57);
	return 0;
}

int cr0_lmsw(const struct cr_state *s, uint16_t val, struct cr_result *out)
{
	uint64_t low = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
	uint64_t cr0 = (s->cr0 & ~(low & ~CR0_PE)) | (val & low);

	return cr0_write(s, cr0, out);
}

int cr0_clts(const struct cr_state *s, struct cr_result *out)
{
	return cr0_write(s, s->cr0 & ~CR0_TS, out);
}
