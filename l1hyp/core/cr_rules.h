/*
 * The architectural rules for writes to CR0 and CR4, as MOV CRn, LMSW and
 * CLTS apply them (AMD APM vol.2 3.1.1, 3.1.3, 14.6; vol.3 "MOV (CRn)",
 * "LMSW", "CLTS"): which writes raise #GP(0), what the register holds
 * afterwards, how EFER.LMA follows CR0.PG, and when the TLB must be
 * flushed. L1 intercepts these writes because QEMU's TCG, its L0, accepts
 * some that a CPU refuses (CR0.NW without CD, reserved CR4 bits) and then
 * fails the next VMRUN. Pure C: host-tested.
 */
#ifndef L1_CR_RULES_H
#define L1_CR_RULES_H

#include <stdint.h>
#include <stdbool.h>

/* The state a CR write is judged against. */
struct cr_state {
	uint64_t cr0, cr3, cr4, efer;
	bool cs_l;              /* CS.L: in 64-bit mode when EFER.LMA */
	uint64_t cr4_valid;     /* the CR4 bits L2's CPU offers (cr4_valid_bits) */
};

/* The outcome of a write: 0 and the new values, or -1 (#GP(0)). */
struct cr_result {
	uint64_t cr0, cr4, efer;
	bool flush_tlb;         /* a paging control changed (APM vol.2 5.5.2) */
};

/* CR4 bits a CPU with these CPUID leaves offers, less VMXE and SMXE (L2's
 * CPUID shows neither): leaf 1 ECX/EDX, leaf 7 subleaf 0 EBX/ECX. */
uint64_t cr4_valid_bits(uint32_t l1_ecx, uint32_t l1_edx, uint32_t l7_ebx,
			uint32_t l7_ecx);

int cr0_write(const struct cr_state *s, uint64_t val, struct cr_result *out);
int cr4_write(const struct cr_state *s, uint64_t val, struct cr_result *out);
/* LMSW: CR0[3:0] from the low four bits of val; PE can be set, not cleared. */
int cr0_lmsw(const struct cr_state *s, uint16_t val, struct cr_result *out);
/* CLTS: CR0.TS cleared. */
int cr0_clts(const struct cr_state *s, struct cr_result *out);

#endif
