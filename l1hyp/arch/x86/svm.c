/*
 * SVM backend, setting up: feature detection (vendor_probe), enabling SVM
 * on this CPU (vendor_enable) and a vCPU's VMCB with its intercepts and
 * bitmaps (vendor_vcpu_create). References: AMD APM vol.2 chapter 15
 * ("Secure Virtual Machine"): 15.4 enabling SVM, 15.5 VMRUN and its
 * consistency checks, 15.9-15.13 intercepts, 15.16 ASIDs and TLB control,
 * 15.25 nested paging; appendix B (VMCB layout) and C (exit codes).
 */
#include "svm.h"
#include "cpu.h"
#include "console.h"
#include "../../core/l1.h"
#include "../../core/cr_rules.h"
#include "../../../lib/freestanding/format.h"
#include <nestlab/multiboot.h>
#include <nestlab/mem.h>

struct svm_cpu svm_cpu;

static struct svm_vcpu svm_vcpus[L1_MAX_VCPUS];

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int vendor_probe(struct vendor_caps *caps, char *why, size_t whylen)
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
	*caps = (struct vendor_caps){
		.nested_paging = r.edx & SVM_FEAT_NP,
		.next_rip = r.edx & SVM_FEAT_NRIPS,
		.flush_by_asid = r.edx & SVM_FEAT_FLUSH_BY_ASID,
		.nr_asids = r.ebx,
		.name = "SVM",
	};
	if (!caps->nested_paging)
		return fail(why, whylen,
			    "CPU offers SVM without nested paging (CPUID 8000_000Ah "
			    "EDX.NP = 0): under QEMU TCG add +npt (-cpu qemu64,+svm,+npt; "
			    "plain +svm has no NPT)");
	if (caps->nr_asids < VCPU_ASID_FIRST + 1)
		return fail(why, whylen, "CPU offers SVM with %u ASIDs: L1 needs at "
			    "least one for the guest (APM 15.16)", caps->nr_asids);
	return 0;
}

int vendor_enable(const struct vendor_caps *caps)
{
	struct cpuid_regs r0, r1, r7 = { 0 }, rx;

	svm_cpu.caps = *caps;
	cpuid_count(0, 0, &r0);
	cpuid_count(1, 0, &r1);
	if (r0.eax >= 7)
		cpuid_count(7, 0, &r7);
	/* VMXE is not offered on AMD; SVM's own CR4 bits are L2's to keep. */
	svm_cpu.cr4_valid = cr4_valid_bits(r1.ecx, r1.edx, r7.ebx, r7.ecx);
	cpuid_count(0x80000008u, 0, &rx);
	svm_cpu.maxphyaddr = rx.eax & 0xFF;
	svm_cpu.hsave_pa = l1_alloc_pages(1);
	svm_cpu.host_save_pa = l1_alloc_pages(1);
	if (!svm_cpu.hsave_pa || !svm_cpu.host_save_pa)
		return -1;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, svm_cpu.hsave_pa);
	__asm__ volatile("vmsave %0" : : "a"(svm_cpu.host_save_pa) : "memory");
	return 0;
}

static void seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib,
		uint32_t limit, uint64_t base)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

/* The state a multiboot loader leaves (Multiboot 0.6.96, 3.2): flat 32-bit
 * segments, CR0.PE, paging off, interrupts off. */
static void boot_state(struct vmcb_save *s, const struct vcpu_boot_state *b)
{
	seg(&s->cs, 0x08, 0xC9B, 0xFFFFFFFF, 0);   /* code, 32-bit, G */
	seg(&s->ds, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->es, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->ss, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->fs, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->gs, 0x10, 0xC93, 0xFFFFFFFF, 0);
	seg(&s->gdtr, 0, 0, 3 * 8 - 1, b->gdt_gpa);
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
	s->g_pat = 0x0007040600070406ull;           /* power-on PAT */
}

/* What L1 always handles: CPUID (L2's view of the CPU), HLT, port I/O and
 * MSRs through the bitmaps, SHUTDOWN (triple fault), task switches
 * (unsupported), VMMCALL (hypercalls), the SVM and MONITOR/MWAIT
 * instructions, which L2's CPUID does not offer (#UD), and the writes of
 * CR0, CR4 and TR, which L1 checks as a CPU does (QEMU's TCG, the L0
 * below, accepts values a CPU refuses and then fails the next VMRUN, or
 * aborts on a null LTR), and physical interrupts (L1's own timer, which
 * brings L1 back when L2's APIC has an event due). */
static const enum vcpu_intercept initial_intercepts[] = {
	VCPU_INTERCEPT_CPUID, VCPU_INTERCEPT_HLT, VCPU_INTERCEPT_IO,
	VCPU_INTERCEPT_MSR, VCPU_INTERCEPT_SHUTDOWN, VCPU_INTERCEPT_TASK_SWITCH,
	VCPU_INTERCEPT_VMMCALL, VCPU_INTERCEPT_VIRT_INSNS, VCPU_INTERCEPT_MONITOR,
	VCPU_INTERCEPT_CR0_WRITE, VCPU_INTERCEPT_CR4_WRITE, VCPU_INTERCEPT_TR_WRITE,
	VCPU_INTERCEPT_INTR,
};

int vendor_vcpu_create(struct vcpu *v, const struct vcpu_boot_state *boot)
{
	struct svm_vcpu *sv;
	struct vmcb_control *c;

	if (v->id >= L1_MAX_VCPUS)
		return -1;
	sv = &svm_vcpus[v->id];
	sv->vmcb_pa = l1_alloc_pages(1);
	sv->iopm = (uint8_t *)l1_alloc_pages(SVM_IOPM_SIZE / 4096);
	sv->msrpm = (uint8_t *)l1_alloc_pages(SVM_MSRPM_SIZE / 4096);
	if (!sv->vmcb_pa || !sv->iopm || !sv->msrpm)
		return -1;
	sv->vmcb = (struct vmcb *)sv->vmcb_pa;
	v->vendor = sv;
	memset(sv->vmcb, 0, sizeof(*sv->vmcb));
	memset(sv->iopm, 0xFF, SVM_IOPM_SIZE);      /* every port exits */
	memset(sv->msrpm, 0xFF, SVM_MSRPM_SIZE);    /* every MSR exits */

	c = &sv->vmcb->control;
	c->iopm_base_pa = (uint64_t)sv->iopm;
	c->msrpm_base_pa = (uint64_t)sv->msrpm;
	/* VMRUN must be intercepted (APM 15.5.1 consistency checks). */
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN;
	for (unsigned i = 0; i < sizeof(initial_intercepts) / sizeof(initial_intercepts[0]); i++)
		vendor_set_intercept(v, initial_intercepts[i], true);
	c->int_ctl = SVM_INT_CTL_V_INTR_MASKING;
	c->np_control = SVM_NP_ENABLE;
	vendor_switch_view(v, 0);
	vendor_flush_tlb(v, VCPU_FLUSH_ALL);        /* first VMRUN starts clean */

	boot_state(&sv->vmcb->save, boot);
	v->regs.rip = boot->entry;
	v->regs.rflags = 0x2;                       /* bit 1 reads as one */
	v->regs.gpr[X86_RAX] = boot->eax;
	v->regs.gpr[X86_RBX] = boot->ebx;
	v->regs.gpr[X86_RSP] = 0;
	/* Where L1's structures are, for integrity checks from outside
	 * (tests/fuzz reads them back through the guest-RAM file). */
	l1_printf("nestlab-l1: layout: vmcb %lx iopm %lx msrpm %lx hsave %lx "
		  "host-save %lx\n", sv->vmcb_pa, (uint64_t)sv->iopm,
		  (uint64_t)sv->msrpm, svm_cpu.hsave_pa, svm_cpu.host_save_pa);
	return 0;
}
