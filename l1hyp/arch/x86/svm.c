/*
 * SVM vendor layer (see svm.h). References: AMD APM vol.2 chapter 15
 * ("Secure Virtual Machine"): 15.4 enabling SVM, 15.5 VMRUN and its
 * consistency checks, 15.9-15.13 intercepts, 15.20 event injection, 15.25
 * nested paging; appendix B (VMCB layout) and C (exit codes).
 */
#include "svm.h"
#include "cpu.h"
#include "../../../lib/freestanding/format.h"
#include <nestlab/exit_reason.h>
#include <nestlab/multiboot.h>
#include <nestlab/mem.h>

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int svm_probe(struct svm_caps *caps, char *why, size_t whylen)
{
	struct cpuid_regs r;

	cpuid_count(0x80000000u, 0, &r);
	if (r.eax < 0x8000000Au)
		return fail(why, whylen,
			    "CPU offers no SVM: CPUID max extended leaf %x < 8000000A. "
			    "Under QEMU TCG use -cpu qemu64,+svm,+npt; under KVM load "
			    "kvm_amd with nested=1 and use -cpu host", r.eax);
	cpuid_count(0x80000001u, 0, &r);
	if (!(r.ecx & (1u << 2)))
		return fail(why, whylen,
			    "CPU offers no SVM (CPUID 8000_0001h ECX.SVM = 0). Under QEMU "
			    "TCG use -cpu qemu64,+svm,+npt; under KVM the host needs "
			    "kvm_amd nested=1 (cat /sys/module/kvm_amd/parameters/nested) "
			    "and -cpu host");
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return fail(why, whylen,
			    "SVM is disabled by firmware (VM_CR.SVMDIS = 1, APM 15.30.1)");
	cpuid_count(0x8000000Au, 0, &r);
	caps->npt = r.edx & (1u << 0);
	caps->nrips = r.edx & (1u << 3);
	caps->nr_asids = r.ebx;
	if (!caps->npt)
		return fail(why, whylen,
			    "CPU offers SVM without nested paging (CPUID 8000_000Ah "
			    "EDX.NP = 0): under QEMU TCG add +npt (-cpu qemu64,+svm,+npt; "
			    "plain +svm has no NPT)");
	return 0;
}

void svm_enable(uint64_t hsave_pa, uint64_t host_save_pa)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, hsave_pa);
	__asm__ volatile("vmsave %0" : : "a"(host_save_pa) : "memory");
}

void svm_iopm_intercept_all(uint8_t *iopm)
{
	memset(iopm, 0xFF, SVM_IOPM_SIZE);
}

void svm_msrpm_intercept_all(uint8_t *msrpm)
{
	memset(msrpm, 0xFF, SVM_MSRPM_SIZE);
}

/* MSRPM layout, APM 15.11 table 15-5: three 2 KiB vectors of 2 bits/MSR. */
void svm_msrpm_allow(uint8_t *msrpm, uint32_t msr, bool read, bool write)
{
	uint32_t base, bit;

	if (msr <= 0x1FFFu)
		base = 0x000;
	else if (msr >= 0xC0000000u && msr <= 0xC0001FFFu)
		base = 0x800;
	else if (msr >= 0xC0010000u && msr <= 0xC0011FFFu)
		base = 0x1000;
	else
		return;                 /* outside the map: always intercepted */
	bit = (msr & 0x1FFFu) * 2;
	if (read)
		msrpm[base + bit / 8] &= (uint8_t)~(1u << (bit % 8));
	if (write)
		msrpm[base + bit / 8] &= (uint8_t)~(1u << (bit % 8 + 1));
}

static void seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib,
		uint32_t limit, uint64_t base)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

void svm_vmcb_init(struct vmcb *vmcb, uint64_t iopm_pa, uint64_t msrpm_pa,
		   uint64_t ncr3, uint32_t entry, uint32_t gdt_gpa)
{
	struct vmcb_control *c = &vmcb->control;
	struct vmcb_save *s = &vmcb->save;

	memset(vmcb, 0, sizeof(*vmcb));

	/* VMRUN must be intercepted (APM 15.5.1 consistency checks); the other
	 * SVM instructions are intercepted so L2 sees #UD (no SVM for L2). */
	c->intercept_misc1 = SVM_INTERCEPT_CPUID | SVM_INTERCEPT_HLT |
			     SVM_INTERCEPT_IOIO_PROT | SVM_INTERCEPT_MSR_PROT |
			     SVM_INTERCEPT_SHUTDOWN | SVM_INTERCEPT_INVLPGA |
			     SVM_INTERCEPT_TASK_SWITCH;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_MONITOR |
			     SVM_INTERCEPT_MWAIT;
	c->iopm_base_pa = iopm_pa;
	c->msrpm_base_pa = msrpm_pa;
	c->asid = 1;
	c->tlb_control = 1;              /* flush everything on the first VMRUN */
	c->int_ctl = 1ull << 24;         /* V_INTR_MASKING: host IF gates INTR */
	c->np_control = 1;               /* NP_ENABLE */
	c->n_cr3 = ncr3;

	/* The state a multiboot loader leaves (Multiboot 0.6.96, 3.2): flat
	 * 32-bit segments, CR0.PE, paging off, interrupts off. */
	seg(&s->cs, 0x08, 0xC9B, 0xFFFFFFFF, 0);   /* code, 32-bit, G */
	seg(&s->ds, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->es, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->ss, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->fs, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->gs, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->gdtr, 0, 0, 3 * 8 - 1, gdt_gpa);
	seg(&s->idtr, 0, 0, 0, 0);
	seg(&s->ldtr, 0, 0x82, 0, 0);
	seg(&s->tr, 0, 0x8B, 0xFFFF, 0);            /* busy 32-bit TSS */
	s->cpl = 0;
	s->efer = EFER_SVME;                        /* APM 15.5.1: must be set */
	s->cr0 = CR0_PE | CR0_ET;
	s->cr3 = 0;
	s->cr4 = 0;
	s->dr6 = 0xFFFF0FF0;
	s->dr7 = 0x400;
	s->rflags = 0x2;
	s->rip = entry;
	s->rsp = 0;
	s->rax = MULTIBOOT_BOOT_MAGIC;
	s->g_pat = 0x0007040600070406ull;           /* power-on PAT */
}

unsigned svm_exit_reason(uint64_t code)
{
	switch (code) {
	case SVM_EXIT_CPUID:       return NESTLAB_EXIT_CPUID;
	case SVM_EXIT_VMMCALL:     return NESTLAB_EXIT_VMMCALL;
	case SVM_EXIT_IOIO:        return NESTLAB_EXIT_IOIO;
	case SVM_EXIT_MSR:         return NESTLAB_EXIT_MSR;
	case SVM_EXIT_NPF:         return NESTLAB_EXIT_NPF;
	case SVM_EXIT_HLT:         return NESTLAB_EXIT_HLT;
	case SVM_EXIT_SHUTDOWN:    return NESTLAB_EXIT_SHUTDOWN;
	case SVM_EXIT_INTR:        return NESTLAB_EXIT_INTR;
	case SVM_EXIT_NMI:         return NESTLAB_EXIT_NMI;
	case SVM_EXIT_SMI:         return NESTLAB_EXIT_SMI;
	case SVM_EXIT_INIT:        return NESTLAB_EXIT_INIT;
	case SVM_EXIT_VINTR:       return NESTLAB_EXIT_VINTR;
	case SVM_EXIT_VMRUN:       return NESTLAB_EXIT_VMRUN;
	case SVM_EXIT_VMLOAD:      return NESTLAB_EXIT_VMLOAD;
	case SVM_EXIT_VMSAVE:      return NESTLAB_EXIT_VMSAVE;
	case SVM_EXIT_STGI:        return NESTLAB_EXIT_STGI;
	case SVM_EXIT_CLGI:        return NESTLAB_EXIT_CLGI;
	case SVM_EXIT_SKINIT:      return NESTLAB_EXIT_SKINIT;
	case SVM_EXIT_INVLPGA:     return NESTLAB_EXIT_INVLPGA;
	case SVM_EXIT_RDTSCP:      return NESTLAB_EXIT_RDTSCP;
	case SVM_EXIT_INVD:        return NESTLAB_EXIT_INVD;
	case SVM_EXIT_PAUSE:       return NESTLAB_EXIT_PAUSE;
	case SVM_EXIT_MONITOR:     return NESTLAB_EXIT_MONITOR;
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:  return NESTLAB_EXIT_MWAIT;
	case SVM_EXIT_XSETBV:      return NESTLAB_EXIT_XSETBV;
	case SVM_EXIT_TASK_SWITCH: return NESTLAB_EXIT_TASK_SWITCH;
	case SVM_EXIT_INVALID:     return NESTLAB_EXIT_INVALID;
	}
	if (code >= SVM_EXIT_EXCP_BASE && code < SVM_EXIT_EXCP_BASE + 32) {
		switch (code - SVM_EXIT_EXCP_BASE) {
		case 0:  return NESTLAB_EXIT_EXCP_DE;
		case 1:  return NESTLAB_EXIT_EXCP_DB;
		case 3:  return NESTLAB_EXIT_EXCP_BP;
		case 6:  return NESTLAB_EXIT_EXCP_UD;
		case 13: return NESTLAB_EXIT_EXCP_GP;
		case 14: return NESTLAB_EXIT_EXCP_PF;
		case 17: return NESTLAB_EXIT_EXCP_AC;
		case 18: return NESTLAB_EXIT_EXCP_MC;
		default: return NESTLAB_EXIT_EXCP_OTHER;
		}
	}
	return NESTLAB_EXIT_UNKNOWN;
}

void svm_inject_exception(struct vmcb *vmcb, unsigned vector, bool has_error,
			  uint32_t error_code)
{
	uint64_t ev = (vector & 0xFF) | SVM_EVTINJ_TYPE_EXCEPTION | SVM_EVTINJ_VALID;

	if (has_error)
		ev |= SVM_EVTINJ_EV | ((uint64_t)error_code << 32);
	vmcb->control.event_inj = ev;
}

bool svm_guest_long_mode(const struct vmcb *vmcb)
{
	return (vmcb->save.efer & EFER_LMA) && (vmcb->save.cs.attrib & (1u << 9));
}
