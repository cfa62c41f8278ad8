/*
 * SVM backend, the world switch and the exit decode: vendor_vcpu_run moves
 * RAX, RSP, RIP and RFLAGS between struct vcpu and the VMCB around
 * svm_vmrun (vmrun.S moves the other GPRs), and svm_decode_exit maps
 * EXITCODE (APM vol.2 appendix C) to a vendor-neutral reason and decodes
 * EXITINFO1/2 into struct exit_info. This is the only map from exit codes
 * to reasons in L1.
 */
#include "svm.h"
#include "cpu.h"
#include "../../../lib/freestanding/x86_regs.h"
#include "../../../lib/freestanding/x86_exceptions.h"

/* Exceptions that push an error code (APM vol.2 8.2 table 8-1). */
#define EXC_HAS_ERROR ((1u << X86_EXC_DF) | (1u << X86_EXC_TS) | (1u << X86_EXC_NP) | \
		       (1u << X86_EXC_SS) | (1u << X86_EXC_GP) | (1u << X86_EXC_PF) | \
		       (1u << X86_EXC_AC) | (1u << X86_EXC_CP) | (1u << X86_EXC_VC) | \
		       (1u << X86_EXC_SX))

/* How an exit code's qualifiers are decoded. */
enum svm_exit_kind { K_PLAIN, K_INSN, K_MSR, K_IO, K_EXC };

/* Exit codes below 0x100 (APM vol.2 appendix C, table C-1) -> reason and
 * kind; codes not listed are unknown. NPF (0x400) and VMEXIT_INVALID are
 * outside the table. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const struct { uint8_t reason, kind; } svm_exits[0x100] = {
	[0 ... 0xFF] = { NESTLAB_EXIT_UNKNOWN, K_PLAIN },
	[SVM_EXIT_EXCP_BASE ... SVM_EXIT_EXCP_BASE + 31] = { NESTLAB_EXIT_EXCP_OTHER, K_EXC },
	[SVM_EXIT_EXCP_BASE + X86_EXC_DE] = { NESTLAB_EXIT_EXCP_DE, K_EXC },
	[SVM_EXIT_EXCP_BASE + X86_EXC_DB] = { NESTLAB_EXIT_EXCP_DB, K_EXC },
	[SVM_EXIT_EXCP_BASE + X86_EXC_BP] = { NESTLAB_EXIT_EXCP_BP, K_EXC },
	[SVM_EXIT_EXCP_BASE + X86_EXC_UD] = { NESTLAB_EXIT_EXCP_UD, K_EXC },
	[SVM_EXIT_EXCP_BASE + X86_EXC_GP] = { NESTLAB_EXIT_EXCP_GP, K_EXC },
	[SVM_EXIT_EXCP_BASE + X86_EXC_PF] = { NESTLAB_EXIT_EXCP_PF, K_EXC },
	[SVM_EXIT_EXCP_BASE + X86_EXC_AC] = { NESTLAB_EXIT_EXCP_AC, K_EXC },
	[SVM_EXIT_EXCP_BASE + X86_EXC_MC] = { NESTLAB_EXIT_EXCP_MC, K_EXC },
	[SVM_EXIT_CR_WRITE(0)] = { NESTLAB_EXIT_CR0_WRITE, K_INSN },
	[SVM_EXIT_CR_WRITE(4)] = { NESTLAB_EXIT_CR4_WRITE, K_INSN },
	[SVM_EXIT_CR_WRITE(8)] = { NESTLAB_EXIT_CR8_WRITE, K_INSN },
	[SVM_EXIT_TR_WRITE]    = { NESTLAB_EXIT_TR_WRITE, K_INSN },
	[SVM_EXIT_INTR]        = { NESTLAB_EXIT_INTR, K_PLAIN },
	[SVM_EXIT_NMI]         = { NESTLAB_EXIT_NMI, K_PLAIN },
	[SVM_EXIT_SMI]         = { NESTLAB_EXIT_SMI, K_PLAIN },
	[SVM_EXIT_INIT]        = { NESTLAB_EXIT_INIT, K_PLAIN },
	[SVM_EXIT_VINTR]       = { NESTLAB_EXIT_VINTR, K_PLAIN },
	[SVM_EXIT_CPUID]       = { NESTLAB_EXIT_CPUID, K_INSN },
	[SVM_EXIT_IRET]        = { NESTLAB_EXIT_IRET, K_INSN },
	[SVM_EXIT_SWINT]       = { NESTLAB_EXIT_SWINT, K_INSN },
	[SVM_EXIT_INVD]        = { NESTLAB_EXIT_INVD, K_INSN },
	[SVM_EXIT_PAUSE]       = { NESTLAB_EXIT_PAUSE, K_INSN },
	[SVM_EXIT_HLT]         = { NESTLAB_EXIT_HLT, K_INSN },
	[SVM_EXIT_INVLPGA]     = { NESTLAB_EXIT_INVLPGA, K_INSN },
	[SVM_EXIT_IOIO]        = { NESTLAB_EXIT_IOIO, K_IO },
	[SVM_EXIT_MSR]         = { NESTLAB_EXIT_MSR, K_MSR },
	[SVM_EXIT_TASK_SWITCH] = { NESTLAB_EXIT_TASK_SWITCH, K_PLAIN },
	[SVM_EXIT_SHUTDOWN]    = { NESTLAB_EXIT_SHUTDOWN, K_PLAIN },
	[SVM_EXIT_VMRUN]       = { NESTLAB_EXIT_VMRUN, K_INSN },
	[SVM_EXIT_VMMCALL]     = { NESTLAB_EXIT_VMMCALL, K_INSN },
	[SVM_EXIT_VMLOAD]      = { NESTLAB_EXIT_VMLOAD, K_INSN },
	[SVM_EXIT_VMSAVE]      = { NESTLAB_EXIT_VMSAVE, K_INSN },
	[SVM_EXIT_STGI]        = { NESTLAB_EXIT_STGI, K_INSN },
	[SVM_EXIT_CLGI]        = { NESTLAB_EXIT_CLGI, K_INSN },
	[SVM_EXIT_SKINIT]      = { NESTLAB_EXIT_SKINIT, K_INSN },
	[SVM_EXIT_RDTSCP]      = { NESTLAB_EXIT_RDTSCP, K_INSN },
	[SVM_EXIT_MONITOR]     = { NESTLAB_EXIT_MONITOR, K_INSN },
	[SVM_EXIT_MWAIT]       = { NESTLAB_EXIT_MWAIT, K_INSN },
	[SVM_EXIT_MWAIT_COND]  = { NESTLAB_EXIT_MWAIT, K_INSN },
	[SVM_EXIT_XSETBV]      = { NESTLAB_EXIT_XSETBV, K_INSN },
};
#pragma GCC diagnostic pop

/* L2's CPL and mode at the exit (the intercepted or faulting
 * instruction's), for every exit: a handler that decodes at RIP (an NPF's
 * MMIO access as much as an instruction intercept) fetches with them. */
static void snapshot_mode(struct vcpu *v, const struct vmcb *vmcb)
{
	v->exit.cpl = vmcb->save.cpl;
	/* EFER.LMA (bit 10) and CS.L (attribute bit 9), without branches. */
	v->exit.long_mode = (vmcb->save.efer >> 10) & (vmcb->save.cs.attrib >> 9) & 1;
}

/* Instruction intercepts: with NRIPS the VMCB's nRIP holds the next RIP
 * (APM 15.7.1), so the length is known without decoding. */
static void insn_exit(struct vcpu *v, const struct vmcb *vmcb)
{
	uint64_t len;

	if (!svm_cpu.caps.next_rip || !vmcb->control.next_rip)
		return;
	len = vmcb->control.next_rip - vmcb->save.rip;
	if (!v->exit.long_mode)
		len = (uint32_t)len;
	if (len >= 1 && len <= 15)
		v->exit.insn_len = (uint8_t)len;
}

static void io_exit(struct vcpu *v, const struct vmcb *vmcb)
{
	uint64_t info = vmcb->control.exit_info1;
	struct exit_io *io = &v->exit.io;

	io->port = (uint16_t)(info >> SVM_IOIO_PORT_SHIFT);
	io->flags = (uint8_t)(info & (EXIT_IO_IN | EXIT_IO_STRING | EXIT_IO_REP |
				      EXIT_IO_SZ8 | EXIT_IO_SZ16 | EXIT_IO_SZ32));
	io->next_rip = vmcb->control.exit_info2;     /* APM 15.10.2 */
}

static void npf_exit(struct vcpu *v, const struct vmcb *vmcb)
{
	uint64_t err = vmcb->control.exit_info1;
	struct exit_npf *f = &v->exit.npf;

	f->gpa = vmcb->control.exit_info2;
	f->raw_error = err;
	f->flags = ((err & SVM_NPF_RW) ? EXIT_NPF_WRITE :
		    (err & SVM_NPF_ID) ? EXIT_NPF_FETCH : EXIT_NPF_READ) |
		   ((err & SVM_NPF_P) ? EXIT_NPF_PRESENT : 0) |
		   ((err & SVM_NPF_RSVD) ? EXIT_NPF_RSVD : 0) |
		   ((err & SVM_NPF_PT) ? EXIT_NPF_IN_WALK : 0);
}

static void exception_exit(struct vcpu *v, const struct vmcb *vmcb, unsigned vector)
{
	struct exit_exception *e = &v->exit.exc;

	e->vector = (uint8_t)vector;
	e->has_error = EXC_HAS_ERROR >> vector & 1;
	e->error = (uint32_t)vmcb->control.exit_info1;
	e->cr2 = vector == X86_EXC_PF ? vmcb->control.exit_info2 : 0;
}

/* Out of line: the common exits' decode needs no frame. */
static __attribute__((noinline, cold)) void invalid_exit(struct vcpu *v,
							 const struct vmcb *vmcb)
{
	v->exit.reason = NESTLAB_EXIT_INVALID;
	v->exit.invalid.check = svm_vmcb_check(vmcb, svm_cpu.cr4_valid, svm_cpu.maxphyaddr,
					       &v->exit.invalid.l2_fault);
}

static inline __attribute__((always_inline)) void svm_decode_exit(struct vcpu *v, const struct vmcb *vmcb)
{
	uint64_t code = vmcb->control.exit_code;
	unsigned kind = K_PLAIN;

	v->exit.raw_code = code;
	v->exit.insn_len = 0;
	snapshot_mode(v, vmcb);
	if (code < 0x100) {
		v->exit.reason = svm_exits[code].reason;
		kind = svm_exits[code].kind;
	} else if (code == SVM_EXIT_NPF) {
		v->exit.reason = NESTLAB_EXIT_NPF;
		npf_exit(v, vmcb);
		return;
	} else if (code == SVM_EXIT_INVALID || code == SVM_EXIT_INVALID32) {
		invalid_exit(v, vmcb);
		return;
	} else {
		v->exit.reason = NESTLAB_EXIT_UNKNOWN;
		return;
	}
	switch (kind) {
	case K_MSR:
		v->exit.msr.index = (uint32_t)v->regs.gpr[X86_RCX];
		v->exit.msr.write = vmcb->control.exit_info1 & 1;   /* APM 15.11 */
		insn_exit(v, vmcb);
		break;
	case K_INSN:
		insn_exit(v, vmcb);
		break;
	case K_IO:
		io_exit(v, vmcb);
		break;
	case K_EXC:
		exception_exit(v, vmcb, (unsigned)(code - SVM_EXIT_EXCP_BASE));
		break;
	}
}

/*
 * An event whose delivery the exit interrupted (EXITINTINFO valid, APM
 * 15.7.2) is delivered again on the next entry, so that L2 never loses an
 * exception, e.g. when delivering it touched a page that lazy NPT had not
 * mapped yet. Not so for the events an instruction of L2's raises itself,
 * INTn (type 4) and INT3/INTO (#BP, #OF): RIP is still on that
 * instruction, and re-injecting would run the handler, then the
 * instruction again on return. L2 executes the instruction again instead,
 * which raises the event anew (without nRIP there is no other way to know
 * the return address, APM 15.20). The exception is the software event L1
 * injected itself (vendor_inject_soft_event, `soft` its EVENTINJ): RIP is
 * past the instruction then (or nRIP holds the return address), so it is
 * queued again as it was.
 */
static bool requeue_interrupted_event(struct vmcb_control *c, uint64_t soft, uint64_t next_rip)
{
	uint64_t ev = c->exit_int_info, type = ev & SVM_EVTINJ_TYPE_MASK;
	unsigned vector = ev & SVM_EVTINJ_VECTOR;

	if (soft && (ev & (SVM_EVTINJ_TYPE_MASK | SVM_EVTINJ_VECTOR)) ==
		    (soft & (SVM_EVTINJ_TYPE_MASK | SVM_EVTINJ_VECTOR))) {
		c->event_inj = soft;
		if (svm_cpu.caps.next_rip)
			c->next_rip = next_rip;
		return true;
	}
	if (type == SVM_EVTINJ_TYPE_SOFT ||
	    (type == SVM_EVTINJ_TYPE_EXCEPTION &&
	     (vector == X86_EXC_BP || vector == X86_EXC_OF)))
		return false;
	c->event_inj = ev;
	return false;
}

void vendor_vcpu_run(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_of(v);
	struct vmcb *vmcb = sv->vmcb;
	struct vmcb_control *c = &vmcb->control;

	/* A handler that moved RIP completed the instruction: an STI or MOV SS
	 * shadow over it has ended (APM vol.2 15.21.5). */
	if (vmcb->save.rip != v->regs.rip)
		vmcb->control.int_state &= ~SVM_INT_STATE_SHADOW;
	vmcb->save.rax = v->regs.gpr[X86_RAX];
	vmcb->save.rsp = v->regs.gpr[X86_RSP];
	vmcb->save.rip = v->regs.rip;
	vmcb->save.rflags = v->regs.rflags;
	svm_vmrun(v->regs.gpr, sv->vmcb_pa, svm_cpu.host_save_pa);
	v->exit_tsc = rdtsc();
	v->regs.gpr[X86_RAX] = vmcb->save.rax;
	v->regs.gpr[X86_RSP] = vmcb->save.rsp;
	v->regs.rip = vmcb->save.rip;
	v->regs.rflags = vmcb->save.rflags;

	c->tlb_control = SVM_TLB_CONTROL_DO_NOTHING;
	c->event_inj = 0;
	if (!(c->exit_int_info & SVM_EVTINJ_VALID) ||
	    !requeue_interrupted_event(c, sv->soft_inj, sv->soft_next_rip))
		sv->soft_inj = 0;       /* delivered (or not L1's): done with it */
	svm_decode_exit(v, vmcb);
}

/* vmrun.S addresses the GPRs by these offsets. */
_Static_assert(__builtin_offsetof(struct x86emu_regs, gpr[X86_RCX]) == 0x08, "gpr rcx");
_Static_assert(__builtin_offsetof(struct x86emu_regs, gpr[X86_RDI]) == 0x38, "gpr rdi");
_Static_assert(__builtin_offsetof(struct x86emu_regs, gpr[X86_R15]) == 0x78, "gpr r15");

/* struct exit_io's flags are EXITINFO1's low bits (APM 15.10.2, figure 15-2). */
_Static_assert(EXIT_IO_IN == SVM_IOIO_TYPE_IN && EXIT_IO_STRING == SVM_IOIO_STR &&
	       EXIT_IO_REP == SVM_IOIO_REP && EXIT_IO_SZ8 == SVM_IOIO_SZ8 &&
	       EXIT_IO_SZ16 == SVM_IOIO_SZ16 && EXIT_IO_SZ32 == SVM_IOIO_SZ32,
	       "EXIT_IO_* follow EXITINFO1");
