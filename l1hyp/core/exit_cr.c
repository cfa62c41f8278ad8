/*
 * CR0 and CR4 writes: MOV CR0/CR4, r (0F 22 /r), LMSW r/m16 (0F 01 /6) and
 * CLTS (0F 06), emulated so that L2 gets what a CPU does: #GP(0) for the
 * values a CPU refuses (cr_rules.c), otherwise the register written,
 * EFER.LMA following CR0.PG, and the TLB flushed when a paging control
 * changed. Without decode assists (QEMU's TCG) the exit does not say which
 * instruction or register it was, so L1 decodes the instruction at RIP.
 * MOV CRn takes a 64-bit operand in 64-bit mode and a 32-bit one otherwise,
 * whatever the prefixes; ModRM.mod is ignored (APM vol.3 "MOV (CRn)").
 */
#include "l1.h"
#include "exit_core.h"
#include "cr_rules.h"
#include "guest_insn.h"
#include "guest_operand.h"
#include "../arch/x86/cpu.h"
#include "../../lib/freestanding/x86_exceptions.h"

/* The CR4 bits L2's CPU offers, from CPUID as L1 sees it (set once). */
static uint64_t cr4_valid;

void exit_cr_init(void)
{
	struct cpuid_regs l1r, l7r = { 0 }, l0r;

	cpuid_count(0, 0, &l0r);
	cpuid_count(1, 0, &l1r);
	if (l0r.eax >= 7)
		cpuid_count(7, 0, &l7r);
	cr4_valid = cr4_valid_bits(l1r.ecx, l1r.edx, l7r.ebx, l7r.ecx);
}

static struct cr_state state_of(const struct vcpu *v)
{
	struct vcpu_segment cs;

	vendor_segment(v, VCPU_SEG_CS, &cs);
	return (struct cr_state){
		.cr0 = vendor_read_cr(v, 0), .cr3 = vendor_read_cr(v, 3),
		.cr4 = vendor_read_cr(v, 4), .efer = vendor_efer(v),
		.cs_l = cs.long_mode, .cr4_valid = cr4_valid,
	};
}

static unsigned apply(struct vcpu *v, const struct cr_state *s,
		      const struct cr_result *r, unsigned len)
{
	if (r->cr0 != s->cr0)
		vendor_write_cr(v, 0, r->cr0);
	if (r->cr4 != s->cr4)
		vendor_write_cr(v, 4, r->cr4);
	if (r->efer != s->efer)
		vendor_set_efer(v, r->efer);
	if (r->flush_tlb)
		vendor_flush_tlb(v, VCPU_FLUSH_ASID);
	vcpu_advance_rip(v, len);
	return 0;
}

unsigned exit_cr_write(struct vcpu *v)
{
	const bool want_cr4 = v->exit.reason == NESTLAB_EXIT_CR4_WRITE;
	const struct x86dec_insn *insn;
	struct cr_state s = state_of(v);
	struct cr_result r;
	int rc = guest_decode_at_rip(v, &insn);

	if (rc)
		return guest_insn_fail(v, rc, want_cr4 ? "CR4 write" : "CR0 write");
	if (v->exit.cpl != 0) {                 /* checked before the intercept */
		vendor_inject_exception(v, X86_EXC_GP, true, 0, 0);
		return 0;
	}
	if (insn->encoding == X86DEC_ENC_LEGACY && insn->map == 1 &&
	    insn->opcode == 0x22) {
		unsigned cr = ((insn->modrm >> 3) & 7) | ((insn->rex & 4) << 1);
		uint64_t val = v->regs.gpr[(insn->modrm & 7) | ((insn->rex & 1) << 3)];

		if (!v->exit.long_mode)
			val = (uint32_t)val;
		if (cr != (want_cr4 ? 4u : 0u))
			return guest_insn_fail(v, GUEST_INSN_E_MISMATCH, "CR write");
		rc = want_cr4 ? cr4_write(&s, val, &r) : cr0_write(&s, val, &r);
	} else if (!want_cr4 && insn->map == 1 && insn->opcode == 0x06 &&
		   insn->encoding == X86DEC_ENC_LEGACY) {
		rc = cr0_clts(&s, &r);
	} else if (!want_cr4 && insn->map == 1 && insn->opcode == 0x01 &&
		   insn->encoding == X86DEC_ENC_LEGACY && ((insn->modrm >> 3) & 7) == 6) {
		struct guest_fault f;
		uint64_t val;

		rc = guest_read_rm(v, insn, 2, &val, &f);
		if (rc)
			return guest_operand_fault(v, rc, &f, "LMSW");
		rc = cr0_lmsw(&s, (uint16_t)val, &r);
	} else {
		return guest_insn_fail(v, GUEST_INSN_E_MISMATCH,
				       want_cr4 ? "CR4 write" : "CR0 write");
	}
	if (rc) {
		vendor_inject_exception(v, X86_EXC_GP, true, 0, 0);
		return 0;
	}
	return apply(v, &s, &r, insn->length);
}
