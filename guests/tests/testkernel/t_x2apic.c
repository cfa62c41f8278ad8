/*
 * Group "x2apic": x2APIC mode, only where CPUID.1:ECX[21] offers it (Intel
 * SDM vol.3 11.12 "Extended XAPIC (x2APIC)": 11.12.1 register address
 * space and #GP rules, 11.12.5 state transitions (Figure 11-27), 11.12.11
 * SELF IPI; AMD APM vol.2 16.11 "x2APIC"). Checked: entering it through
 * IA32_APIC_BASE.EXTD, the ID (MSR 802H, low byte the initial APIC ID) and
 * version (803H, as in xAPIC mode), #GP for a reserved-bit write (TPR bit
 * 8), for RDMSR of EOI (80BH) and a non-zero EOI write, the SELF IPI MSR
 * (83FH) delivering its vector, #GP for x2APIC -> xAPIC directly, and the
 * way back through the disabled state. Without the feature the group is
 * one SKIP line.
 */
#include "apic.h"
#include "irqlog.h"
#include "tk.h"

#define G "x2apic"
#define CPUID1_ECX_X2APIC (1u << 21)
#define X2(off)     (MSR_X2APIC_BASE + (off) / 16)
#define VEC_SELF    0x66

static void registers(uint32_t xapic_version, uint32_t initial_id)
{
	uint64_t v;

	tk_expect(G, tk_rdmsr_safe(X2(APIC_ID), &v), TK_NO_FAULT, "MSR 802H (ID) reads");
	tk_expect(G, v & 0xFF, initial_id, "MSR 802H: low byte is the initial APIC ID");
	tk_expect(G, tk_rdmsr_safe(X2(APIC_VERSION), &v), TK_NO_FAULT, "MSR 803H (version) reads");
	tk_expect(G, v, xapic_version, "MSR 803H: the version of xAPIC mode");
	tk_expect(G, tk_wrmsr_safe(X2(APIC_TPR), 0x100), TK_VEC_GP,
		  "WRMSR 808H (TPR) with reserved bit 8: #GP");
	tk_expect(G, rdmsr(X2(APIC_TPR)), 0, "TPR unchanged by the faulting write");
	tk_expect(G, tk_rdmsr_safe(X2(APIC_EOI), &v), TK_VEC_GP, "RDMSR 80BH (EOI): #GP");
	tk_expect(G, tk_wrmsr_safe(X2(APIC_EOI), 1), TK_VEC_GP, "WRMSR 80BH non-zero: #GP");
}

static void self_ipi(void)
{
	irqlog_reset();
	irqlog_install(VEC_SELF);
	tk_expect(G, tk_wrmsr_safe(X2(APIC_SELF_IPI), VEC_SELF), TK_NO_FAULT,
		  "WRMSR 83FH (SELF IPI) 66H");
	tk_expect(G, apic_bit(APIC_IRR, VEC_SELF), 1, "SELF IPI: pending in IRR while IF=0");
	tk_irq_window();
	tk_expect(G, irqlog_count(VEC_SELF), 1, "SELF IPI: delivered after STI");
	irqlog_uninstall(VEC_SELF);
}

void tk_test_x2apic(void)
{
	struct cpuid_regs r;
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint32_t ver;

	cpuid_count(1, 0, &r);
	if (!(r.ecx & CPUID1_ECX_X2APIC)) {
		tk_skip(G, "CPUID.1:ECX[21] clear: no x2APIC mode");
		return;
	}
	apic_reset_state();
	ver = apic_read(APIC_VERSION);
	tk_expect(G, tk_wrmsr_safe(MSR_APIC_BASE, base | APIC_BASE_EXTD), TK_NO_FAULT,
		  "IA32_APIC_BASE.EXTD set: x2APIC mode");
	tk_expect(G, rdmsr(MSR_APIC_BASE) & (APIC_BASE_EN | APIC_BASE_EXTD),
		  APIC_BASE_EN | APIC_BASE_EXTD, "IA32_APIC_BASE reads EN and EXTD");
	apic_use_x2apic(true);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	registers(ver, r.ebx >> 24);
	self_ipi();
	apic_use_x2apic(false);
	tk_expect(G, tk_wrmsr_safe(MSR_APIC_BASE, base & ~(uint64_t)APIC_BASE_EXTD), TK_VEC_GP,
		  "x2APIC -> xAPIC directly: #GP");
	tk_expect(G, tk_wrmsr_safe(MSR_APIC_BASE, base & ~(uint64_t)(APIC_BASE_EN | APIC_BASE_EXTD)),
		  TK_NO_FAULT, "x2APIC -> disabled");
	tk_expect(G, tk_wrmsr_safe(MSR_APIC_BASE, base), TK_NO_FAULT, "disabled -> xAPIC");
	apic_reset_state();
}
