/*
 * CPUID exits: L2 sees the host's values minus SVM, VMX and MONITOR, plus
 * the hypervisor-present bit, the APIC features L2's APIC offers
 * (devices/apic_dev.h), and nestlab's leaves 0x40000000.. (signature,
 * ABI version, features; include/nestlab/platform.h). RIP advances past the
 * instruction (guest_insn.h).
 */
#include "l1.h"
#include "exit_core.h"
#include "guest_insn.h"
#include "../arch/x86/cpu.h"
#include <nestlab/platform.h>
#include "../devices/apic_dev.h"

static void cpuid_for_l2(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	if ((leaf & 0xFFFFFF00u) == NESTLAB_CPUID_LEAF_BASE) {
		*r = (struct cpuid_regs){ 0 };
		if (leaf == NESTLAB_CPUID_LEAF_BASE) {
			r->eax = NESTLAB_CPUID_LEAF_MAX;
			r->ebx = NESTLAB_CPUID_SIG_EBX;
			r->ecx = NESTLAB_CPUID_SIG_ECX;
			r->edx = NESTLAB_CPUID_SIG_EDX;
		} else if (leaf == NESTLAB_CPUID_LEAF_INFO) {
			r->eax = NESTLAB_HC_ABI_VERSION;
			r->ebx = l1.features;
		}
		return;
	}
	cpuid_count(leaf, sub, r);
	switch (leaf) {
	case 1:
		r->ecx &= ~((1u << 5) | (1u << 3));   /* VMX, MONITOR */
		r->ecx |= 1u << 31;                    /* hypervisor present */
		r->ecx = lapic_dev_cpuid1_ecx(r->ecx); /* x2APIC, TSC-deadline */
		break;
	case 0x80000001u:
		r->ecx &= ~(1u << 2);                  /* SVM */
		break;
	case 0x8000000Au:
		*r = (struct cpuid_regs){ 0 };         /* no SVM features */
		break;
	}
}

unsigned exit_cpuid(struct vcpu *v)
{
	uint64_t *g = v->regs.gpr;
	struct cpuid_regs r;
	unsigned len;
	int rc = guest_insn_len(v, GUEST_INSN_CPUID, &len);

	if (rc)
		return guest_insn_fail(v, rc, "CPUID");
	cpuid_for_l2((uint32_t)g[X86_RAX], (uint32_t)g[X86_RCX], &r);
	g[X86_RAX] = r.eax;
	g[X86_RBX] = r.ebx;
	g[X86_RCX] = r.ecx;
	g[X86_RDX] = r.edx;
	vcpu_advance_rip(v, len);
	return 0;
}
