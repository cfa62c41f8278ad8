/*
 * SYSCALL and SYSRET (syscall_emul.h), step for step the pseudo-code of
 * AMD APM vol.3 chapter 4 "SYSCALL" and "SYSRET" (and vol.2 6.1.1, "SYSCALL
 * and SYSRET"). Long mode is EFER.LMA, 64-bit mode LMA with CS.L (APM vol.2
 * 2.1, 4.8.1); everything else is legacy mode. The checks come first and
 * change nothing: an instruction that faults leaves the state as it was,
 * as the processor's fault semantics require (APM vol.2 8.1).
 */
#include "syscall_emul.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include "../../lib/freestanding/x86_paging.h"

/* RFLAGS bits that exist (APM vol.2 3.1.6, figure 3-7): CF PF AF ZF SF TF
 * IF DF OF IOPL NT RF VM AC VIF VIP ID; bit 1 reads as 1, the others as 0. */
#define RFLAGS_DEFINED 0x3F7FD5ull
#define RFLAGS_FIXED1  0x2ull
#define RFLAGS_RF      (1ull << 16)
#define RFLAGS_VM      (1ull << 17)

#define STAR_EIP(star)        ((uint32_t)(star))
#define STAR_SYSCALL_CS(star) ((uint16_t)((star) >> 32))
#define STAR_SYSRET_CS(star)  ((uint16_t)((star) >> 48))

static struct syscall_emul_result fault(unsigned vector, bool has_error)
{
	return (struct syscall_emul_result){ .vector = (int)vector, .has_error = has_error };
}

/* The flat 4 GiB segment both instructions load: base 0, limit 4 GiB - 1. */
static void flat(struct vcpu_segment *s, uint16_t selector, uint16_t attr)
{
	*s = (struct vcpu_segment){ .selector = selector, .attr = attr, .base = 0,
				    .limit = 0xFFFFFFFFu,
				    .long_mode = attr & VCPU_SEG_ATTR_L,
				    .big = attr & VCPU_SEG_ATTR_DB };
}

static void do_syscall(struct syscall_emul_cpu *c, unsigned len)
{
	uint16_t cs_sel = STAR_SYSCALL_CS(c->star) & 0xFFFC;

	if (c->efer & EFER_LMA) {
		/* SYSCALL_LONG_MODE: RCX.q = next_RIP, R11.q = RFLAGS with RF
		 * cleared; the target is LSTAR from 64-bit mode, CSTAR from
		 * compatibility mode; always into 64-bit mode. */
		bool mode64 = c->cs.attr & VCPU_SEG_ATTR_L;
		uint64_t next = c->rip + len;

		c->rcx = mode64 ? next : (uint32_t)next;
		c->r11 = c->rflags & ~RFLAGS_RF;
		c->rip = mode64 ? c->lstar : c->cstar;
		flat(&c->cs, cs_sel, SYSCALL_EMUL_CS64_DPL0);
		flat(&c->ss, (uint16_t)(STAR_SYSCALL_CS(c->star) + 8), SYSCALL_EMUL_SS_DPL0);
		c->rflags = (c->rflags & ~c->sfmask & ~RFLAGS_RF) | RFLAGS_FIXED1;
	} else {
		/* SYSCALL_LEGACY_MODE: RCX.d = next_RIP, the target is STAR's
		 * EIP, 32-bit code; RFLAGS.VM, IF and RF cleared. */
		c->rcx = (uint32_t)(c->rip + len);
		c->rip = STAR_EIP(c->star);
		flat(&c->cs, cs_sel, SYSCALL_EMUL_CS32_DPL0);
		flat(&c->ss, (uint16_t)(STAR_SYSCALL_CS(c->star) + 8), SYSCALL_EMUL_SS_DPL0);
		c->rflags &= ~(RFLAGS_VM | RFLAGS_IF | RFLAGS_RF);
	}
	c->cpl = 0;
}

/* SS on SYSRET: "SS selector is changed, SS base, limit, attributes
 * unchanged" (APM vol.3 SYSRET): only the selector, SYSRET_CS + 8 with
 * RPL 3. */
static void sysret_ss(struct syscall_emul_cpu *c)
{
	c->ss.selector = (uint16_t)((STAR_SYSRET_CS(c->star) + 8) | 3);
}

static struct syscall_emul_result do_sysret(struct syscall_emul_cpu *c, bool rex_w)
{
	uint16_t base = STAR_SYSRET_CS(c->star);

	/* "IF ((!PROTECTED_MODE) || (CPL != 0)) EXCEPTION [#GP(0)]" */
	if (!(c->cr0 & CR0_PE) || c->cpl != 0)
		return fault(X86_EXC_GP, true);
	if ((c->efer & EFER_LMA) && rex_w) {
		/* Back to 64-bit mode at RCX, which must be canonical:
		 * #GP(0) here, at CPL0 with nothing changed. That is the
		 * pseudo-code of both manuals and what Intel CPUs do; AMD CPUs
		 * are reported to load the new CS/SS first and fault at CPL3
		 * (the 2012 SYSRET advisories, CVE-2012-0217): L1 follows the
		 * manuals, so the fault is taken in L2's kernel. */
		if (!x86_canonical(c->rcx, c->cr4))
			return fault(X86_EXC_GP, true);
		flat(&c->cs, (uint16_t)((base + 16) | 3), SYSCALL_EMUL_CS64_DPL3);
		c->rip = c->rcx;
	} else {
		/* Operand size 32 (long mode: to compatibility mode; legacy
		 * mode): CS = SYSRET_CS | 3, 32-bit code, RIP = ECX. */
		flat(&c->cs, (uint16_t)(base | 3), SYSCALL_EMUL_CS32_DPL3);
		c->rip = (uint32_t)c->rcx;
	}
	sysret_ss(c);
	if (c->efer & EFER_LMA)
		/* "RFLAGS.q = R11 // RF=0, VM=0" */
		c->rflags = (c->r11 & RFLAGS_DEFINED & ~(RFLAGS_RF | RFLAGS_VM)) | RFLAGS_FIXED1;
	else
		/* SYSRET_NON_LONG_MODE: "RFLAGS.IF = 1" */
		c->rflags |= RFLAGS_IF;
	c->cpl = 3;
	return (struct syscall_emul_result){ .vector = -1 };
}

struct syscall_emul_result syscall_emul(struct syscall_emul_cpu *c, enum syscall_emul_insn insn,
					unsigned len, bool rex_w)
{
	struct syscall_emul_result r = { .vector = -1 };
	bool tf = c->rflags & RFLAGS_TF;

	/* "IF (MSR_EFER.SCE = 0) EXCEPTION [#UD]", first in both. */
	if (!(c->efer & EFER_SCE))
		return fault(X86_EXC_UD, false);
	if (insn == SYSCALL_EMUL_SYSCALL)
		do_syscall(c, len);
	else
		r = do_sysret(c, rex_w);
	r.single_step = r.vector < 0 && tf;
	return r;
}
