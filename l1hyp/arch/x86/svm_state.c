/*
 * SVM backend, the guest-state side of the vendor contract: control and
 * segment registers, MSRs the VMCB holds, exception injection (APM vol.2
 * 15.20), intercept bits (APM 15.9-15.13, table B-1), the MSR permission
 * map, nested-paging views with their ASIDs and TLB control (APM 15.16,
 * 15.25), and the state dump for diagnoses.
 */
#include "svm.h"
#include "console.h"
#include "../../core/guest_mem.h"
#include "../../../lib/freestanding/x86_regs.h"
#include "../../../lib/freestanding/x86_exceptions.h"

unsigned vendor_cpl(const struct vcpu *v)
{
	return svm_vmcb(v)->save.cpl;
}

/* The VMCB's CPL field is the guest's CPL (APM 15.5.1, table B-2), and
 * SS.DPL must agree with it (APM 15.5.1 on the CPL field): QEMU's TCG
 * takes the CPL from SS.DPL at VMRUN, so an SS whose DPL the instruction
 * left alone (SYSRET keeps SS's attributes, APM vol.3) gets the CPL's. */
#define SVM_SEG_ATTR_DPL_SHIFT 5
#define SVM_SEG_ATTR_DPL       (3u << SVM_SEG_ATTR_DPL_SHIFT)

void vendor_set_cpl(struct vcpu *v, unsigned cpl)
{
	struct vmcb_save *s = &svm_vmcb(v)->save;

	s->cpl = (uint8_t)(cpl & 3);
	s->ss.attrib = (uint16_t)((s->ss.attrib & ~SVM_SEG_ATTR_DPL) |
				  (cpl & 3) << SVM_SEG_ATTR_DPL_SHIFT);
}

uint64_t vendor_dr6(const struct vcpu *v)
{
	return svm_vmcb(v)->save.dr6;
}

void vendor_set_dr6(struct vcpu *v, uint64_t dr6)
{
	svm_vmcb(v)->save.dr6 = dr6;
}

uint64_t vendor_read_cr(const struct vcpu *v, unsigned cr)
{
	const struct vmcb_save *s = &svm_vmcb(v)->save;

	switch (cr) {
	case 0: return s->cr0;
	case 2: return s->cr2;
	case 3: return s->cr3;
	case 4: return s->cr4;
	}
	return 0;
}

void vendor_write_cr(struct vcpu *v, unsigned cr, uint64_t val)
{
	struct vmcb_save *s = &svm_vmcb(v)->save;

	switch (cr) {
	case 0: s->cr0 = val; break;
	case 2: s->cr2 = val; break;
	case 3: s->cr3 = val; break;
	case 4: s->cr4 = val; break;
	}
}

/* EFER.SVME must stay set under VMRUN (APM 15.5.1); L2, which has no SVM,
 * never sees it. */
uint64_t vendor_efer(const struct vcpu *v)
{
	return svm_vmcb(v)->save.efer & ~EFER_SVME;
}

void vendor_set_efer(struct vcpu *v, uint64_t efer)
{
	svm_vmcb(v)->save.efer = efer | EFER_SVME;
}

void vendor_paging(const struct vcpu *v, struct guest_paging *pg)
{
	const struct vmcb_save *s = &svm_vmcb(v)->save;

	pg->cr0 = s->cr0;
	pg->cr3 = s->cr3;
	pg->cr4 = s->cr4;
	pg->efer = s->efer;
	pg->rflags = v->regs.rflags;     /* AC, for SMAP (APM vol.2 5.6.6) */
	pg->pkru = 0;                    /* L2's CPUID offers no PKU */
}

static struct vmcb_seg *seg_of(struct vmcb_save *s, enum vcpu_seg seg)
{
	switch (seg) {
	case VCPU_SEG_ES:   return &s->es;
	case VCPU_SEG_CS:   return &s->cs;
	case VCPU_SEG_SS:   return &s->ss;
	case VCPU_SEG_DS:   return &s->ds;
	case VCPU_SEG_FS:   return &s->fs;
	case VCPU_SEG_GS:   return &s->gs;
	case VCPU_SEG_TR:   return &s->tr;
	case VCPU_SEG_LDTR: return &s->ldtr;
	case VCPU_SEG_GDTR: return &s->gdtr;
	case VCPU_SEG_IDTR: return &s->idtr;
	case VCPU_SEG_NR:   break;
	}
	return &s->gs;
}

/* The VMCB keeps segment attributes in exactly vcpu_segment's packed form
 * (APM 15.5.1). */
void vendor_segment(const struct vcpu *v, enum vcpu_seg seg, struct vcpu_segment *out)
{
	const struct vmcb_seg *vs = seg_of(&svm_vmcb(v)->save, seg);

	*out = (struct vcpu_segment){
		.selector = vs->selector, .attr = vs->attrib, .base = vs->base,
		.limit = vs->limit,
		.long_mode = vs->attrib & SVM_SEG_ATTR_L,
		.big = vs->attrib & SVM_SEG_ATTR_DB,
	};
}

void vendor_set_segment(struct vcpu *v, enum vcpu_seg seg, const struct vcpu_segment *in)
{
	struct vmcb_seg *vs = seg_of(&svm_vmcb(v)->save, seg);

	vs->selector = in->selector;
	vs->attrib = in->attr & 0xFFF;
	vs->base = in->base;
	vs->limit = in->limit;
}

bool vendor_long_mode(const struct vcpu *v)
{
	const struct vmcb_save *s = &svm_vmcb(v)->save;

	return (s->efer & EFER_LMA) && (s->cs.attrib & SVM_SEG_ATTR_L);
}

/* The MSRs VMRUN/VMLOAD/VMSAVE switch with the VMCB (APM 15.5.1, 15.5.2),
 * and PAT as G_PAT under nested paging (APM 15.25.8). X(msr, field). */
#define SVM_GUEST_MSRS(X)                                                    \
	X(MSR_STAR, star) X(MSR_LSTAR, lstar) X(MSR_CSTAR, cstar)             \
	X(MSR_SFMASK, sfmask) X(MSR_KERNEL_GS_BASE, kernel_gs_base)           \
	X(MSR_SYSENTER_CS, sysenter_cs) X(MSR_SYSENTER_ESP, sysenter_esp)     \
	X(MSR_SYSENTER_EIP, sysenter_eip) X(MSR_FS_BASE, fs.base)             \
	X(MSR_GS_BASE, gs.base) X(MSR_PAT, g_pat)

int vendor_get_guest_msr(const struct vcpu *v, uint32_t msr, uint64_t *val)
{
	const struct vmcb_save *s = &svm_vmcb(v)->save;

	switch (msr) {
	case MSR_EFER: *val = vendor_efer(v); return 0;
#define GET_(m, f) case m: *val = s->f; return 0;
	SVM_GUEST_MSRS(GET_)
#undef GET_
	}
	return -1;
}

int vendor_set_guest_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vmcb_save *s = &svm_vmcb(v)->save;

	switch (msr) {
	case MSR_EFER: vendor_set_efer(v, val); return 0;
#define SET_(m, f) case m: s->f = val; return 0;
	SVM_GUEST_MSRS(SET_)
#undef SET_
	}
	return -1;
}

void vendor_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			     uint32_t error, uint64_t cr2)
{
	struct vmcb *vmcb = svm_vmcb(v);
	uint64_t ev = (vector & 0xFF) | SVM_EVTINJ_TYPE_EXCEPTION | SVM_EVTINJ_VALID;

	if (has_error)
		ev |= SVM_EVTINJ_EV | ((uint64_t)error << 32);
	if (vector == X86_EXC_PF)
		vmcb->save.cr2 = cr2;
	vmcb->control.event_inj = ev;
}

void vendor_inject_soft_event(struct vcpu *v, unsigned vector, unsigned len, bool intn)
{
	struct svm_vcpu *sv = svm_of(v);
	struct vmcb *vmcb = sv->vmcb;
	uint64_t next = v->regs.rip + len;

	if (!vendor_long_mode(v))
		next = (uint32_t)next;
	vmcb->control.event_inj = (vector & 0xFF) | SVM_EVTINJ_VALID |
				  (intn ? SVM_EVTINJ_TYPE_SOFT : SVM_EVTINJ_TYPE_EXCEPTION);
	if (svm_cpu.caps.next_rip)
		vmcb->control.next_rip = next;
	else
		v->regs.rip = next;
	sv->soft_inj = vmcb->control.event_inj;
	sv->soft_next_rip = next;
}

void vendor_inject_debug_trap(struct vcpu *v, uint64_t dr6_bits)
{
	svm_vmcb(v)->save.dr6 |= dr6_bits;
	vendor_inject_exception(v, X86_EXC_DB, false, 0, 0);
}

/* Each vendor-neutral intercept as bits of intercept vectors 3 (misc1,
 * VMCB 0x00C) and 4 (misc2, 0x010), APM table B-1. */
static const struct { uint32_t misc1, misc2, cr; } intercept_bits[VCPU_INTERCEPT_NR] = {
	[VCPU_INTERCEPT_CPUID]       = { SVM_INTERCEPT_CPUID, 0 },
	[VCPU_INTERCEPT_HLT]         = { SVM_INTERCEPT_HLT, 0 },
	[VCPU_INTERCEPT_IO]          = { SVM_INTERCEPT_IOIO_PROT, 0 },
	[VCPU_INTERCEPT_MSR]         = { SVM_INTERCEPT_MSR_PROT, 0 },
	[VCPU_INTERCEPT_SHUTDOWN]    = { SVM_INTERCEPT_SHUTDOWN, 0 },
	[VCPU_INTERCEPT_TASK_SWITCH] = { SVM_INTERCEPT_TASK_SWITCH, 0 },
	[VCPU_INTERCEPT_VMMCALL]     = { 0, SVM_INTERCEPT_VMMCALL },
	/* VMRUN itself is always intercepted: APM 15.5.1 makes a VMCB
	 * without that bit fail VMRUN's consistency checks. */
	[VCPU_INTERCEPT_VIRT_INSNS]  = { SVM_INTERCEPT_INVLPGA,
					 SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
					 SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
					 SVM_INTERCEPT_SKINIT },
	[VCPU_INTERCEPT_MONITOR]     = { 0, SVM_INTERCEPT_MONITOR | SVM_INTERCEPT_MWAIT },
	[VCPU_INTERCEPT_INVD]        = { SVM_INTERCEPT_INVD, 0 },
	[VCPU_INTERCEPT_PAUSE]       = { SVM_INTERCEPT_PAUSE, 0 },
	[VCPU_INTERCEPT_RDTSCP]      = { 0, SVM_INTERCEPT_RDTSCP },
	[VCPU_INTERCEPT_XSETBV]      = { 0, SVM_INTERCEPT_XSETBV },
	/* CR writes: VMCB 0x000 bits 31:16, one per CR (APM table B-1). */
	[VCPU_INTERCEPT_CR0_WRITE]   = { 0, 0, SVM_INTERCEPT_CR_WRITE(0) },
	[VCPU_INTERCEPT_CR4_WRITE]   = { 0, 0, SVM_INTERCEPT_CR_WRITE(4) },
	[VCPU_INTERCEPT_TR_WRITE]    = { SVM_INTERCEPT_TR_WRITE, 0 },
	[VCPU_INTERCEPT_INTR]        = { SVM_INTERCEPT_INTR, 0 },
	[VCPU_INTERCEPT_CR8_WRITE]   = { 0, 0, SVM_INTERCEPT_CR_WRITE(8) },
	[VCPU_INTERCEPT_IRET]        = { SVM_INTERCEPT_IRET, 0 },
	[VCPU_INTERCEPT_INTN]        = { SVM_INTERCEPT_INTN, 0 },
};

void vendor_set_intercept(struct vcpu *v, enum vcpu_intercept what, bool on)
{
	struct vmcb_control *c = &svm_vmcb(v)->control;

	if ((unsigned)what >= VCPU_INTERCEPT_NR)
		return;
	if (on) {
		c->intercept_misc1 |= intercept_bits[what].misc1;
		c->intercept_misc2 |= intercept_bits[what].misc2;
		c->intercept_cr |= intercept_bits[what].cr;
	} else {
		c->intercept_misc1 &= ~intercept_bits[what].misc1;
		c->intercept_misc2 &= ~intercept_bits[what].misc2;
		c->intercept_cr &= ~intercept_bits[what].cr;
	}
}

/* Exception intercepts: VMCB 0x008, bit n for vector n (APM 15.12,
 * table B-1). */
void vendor_set_exception_intercepts(struct vcpu *v, uint32_t mask)
{
	svm_vmcb(v)->control.intercept_exceptions = mask;
}

void vendor_set_msr_intercept(struct vcpu *v, uint32_t msr, bool read, bool write)
{
	svm_msrpm_set(svm_of(v)->msrpm, msr, read, write);
}

void vendor_switch_view(struct vcpu *v, unsigned index)
{
	struct vmcb_control *c = &svm_vmcb(v)->control;

	if (index >= VCPU_MAX_VIEWS || !v->views[index].in_use)
		return;
	c->n_cr3 = v->views[index].npt.root_phys;
	c->asid = v->views[index].asid;
	v->active_view = index;
}

void vendor_flush_tlb(struct vcpu *v, enum vcpu_flush scope)
{
	struct vmcb_control *c = &svm_vmcb(v)->control;

	if (scope == VCPU_FLUSH_ASID && svm_cpu.caps.flush_by_asid &&
	    c->tlb_control != SVM_TLB_CONTROL_FLUSH_ALL)
		c->tlb_control = SVM_TLB_CONTROL_FLUSH_ASID;
	else
		c->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
}

void vendor_dump_state(const struct vcpu *v)
{
	const struct vmcb_save *s = &svm_vmcb(v)->save;
	const struct vmcb_control *c = &svm_vmcb(v)->control;
	const uint64_t *g = v->regs.gpr;

	l1_printf("  L2 state: RIP=%016lx RSP=%016lx RFLAGS=%lx CPL=%u\n"
		  "  CS=%x (attr %x base %lx) SS=%x CR0=%lx CR2=%lx CR3=%lx CR4=%lx EFER=%lx\n"
		  "  RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n"
		  "  RSI=%016lx RDI=%016lx RBP=%016lx R8 =%016lx\n"
		  "  exit code %lx info1 %lx info2 %lx exitintinfo %lx\n",
		  v->regs.rip, g[X86_RSP], v->regs.rflags, s->cpl, s->cs.selector,
		  s->cs.attrib, s->cs.base, s->ss.selector, s->cr0, s->cr2, s->cr3,
		  s->cr4, s->efer, g[X86_RAX], g[X86_RBX], g[X86_RCX], g[X86_RDX],
		  g[X86_RSI], g[X86_RDI], g[X86_RBP], g[X86_R8],
		  c->exit_code, c->exit_info1, c->exit_info2, c->exit_int_info);
}
