/*
 * SYSCALL/SYSRET at a #UD exit (syscall_insn.h): decode at RIP (0F 05,
 * 0F 07; AMD APM vol.3 appendix A, table A-3), copy what the two
 * instructions read from the vCPU (RIP, RFLAGS, RCX, R11, CS, SS, CPL, CR0,
 * CR4, L2's own EFER, STAR/LSTAR/CSTAR/SFMASK), run the emulator, and
 * write back what it changed. The decode's failure (bytes L1 cannot read or
 * decode: L2 changed them, or they are not an instruction) is "not one of
 * them": the #UD the CPU raised stands.
 */
#include "syscall_insn.h"
#include "vcpu.h"
#include "guest_insn.h"
#include "msr_efer.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/x86_regs.h"

static bool which(const struct x86dec_insn *d, enum syscall_emul_insn *insn)
{
	if (d->encoding != X86DEC_ENC_LEGACY || d->map != 1)
		return false;
	if (d->opcode == 0x05)
		*insn = SYSCALL_EMUL_SYSCALL;
	else if (d->opcode == 0x07)
		*insn = SYSCALL_EMUL_SYSRET;
	else
		return false;
	return true;
}

static void load(const struct vcpu *v, struct syscall_emul_cpu *c)
{
	*c = (struct syscall_emul_cpu){
		.rip = v->regs.rip, .rflags = v->regs.rflags,
		.rcx = v->regs.gpr[X86_RCX], .r11 = v->regs.gpr[X86_R11],
		.cpl = v->exit.cpl, .cr0 = vendor_read_cr(v, 0), .cr4 = vendor_read_cr(v, 4),
		.efer = msr_efer_guest(v),
	};
	vendor_segment(v, VCPU_SEG_CS, &c->cs);
	vendor_segment(v, VCPU_SEG_SS, &c->ss);
	/* The control block holds all four (vendor_get_guest_msr's list). */
	vendor_get_guest_msr(v, MSR_STAR, &c->star);
	vendor_get_guest_msr(v, MSR_LSTAR, &c->lstar);
	vendor_get_guest_msr(v, MSR_CSTAR, &c->cstar);
	vendor_get_guest_msr(v, MSR_SFMASK, &c->sfmask);
}

/* Write back what the emulator changed, or report its fault. */
static enum syscall_insn_outcome store(struct vcpu *v, const struct syscall_emul_cpu *c,
				       const struct syscall_emul_result *r,
				       struct syscall_emul_result *fault)
{
	if (r->vector >= 0) {
		*fault = *r;
		return SYSCALL_INSN_FAULT;
	}
	v->regs.rip = c->rip;
	v->regs.rflags = c->rflags;
	v->regs.gpr[X86_RCX] = c->rcx;
	v->regs.gpr[X86_R11] = c->r11;
	vendor_set_segment(v, VCPU_SEG_CS, &c->cs);
	vendor_set_segment(v, VCPU_SEG_SS, &c->ss);
	vendor_set_cpl(v, c->cpl);
	if (r->single_step)
		vcpu_single_step_trap(v);
	return SYSCALL_INSN_DONE;
}

enum syscall_insn_outcome syscall_insn_run(struct vcpu *v, enum syscall_emul_insn *insn,
					   struct syscall_emul_result *fault)
{
	const struct x86dec_insn *d;
	struct syscall_emul_cpu c;
	struct syscall_emul_result r;

	if (guest_decode_at_rip(v, &d) || !which(d, insn))
		return SYSCALL_INSN_NONE;
	load(v, &c);
	r = syscall_emul(&c, *insn, d->length, d->rex & 8);
	return store(v, &c, &r, fault);
}

enum syscall_insn_outcome syscall_insn_sysret(struct vcpu *v, struct syscall_emul_result *fault)
{
	struct syscall_emul_cpu c;
	struct syscall_emul_result r;

	load(v, &c);
	c.cpl = vendor_cpl(v);          /* after an emulated SYSCALL: not the exit's */
	r = syscall_emul(&c, SYSCALL_EMUL_SYSRET, 0, true);
	return store(v, &c, &r, fault);
}
