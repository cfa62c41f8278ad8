/*
 * The MSRs of the local APIC model: IA32_APIC_BASE (1BH), IA32_TSC_DEADLINE
 * (6E0H, SDM 11.5.4.1) and the x2APIC registers at 800H + offset / 16 (SDM
 * 11.12.1.2, Table 11-6; APM ch.16 "x2APIC"). In x2APIC mode the whole range
 * 800H-BFFH belongs to the APIC: an address with no register there (809H
 * APR, 80CH RRD, 80EH DFR, 82FH CMCI, 831H ICR high, 840H and above, ...)
 * raises #GP, as does any access outside x2APIC mode (SDM 11.12.2).
 * RDMSR returns the register in bits 31:0 and 0 above it, except the 64-bit
 * ICR (11.12.1.1). IA32_TSC_DEADLINE exists only when the feature is
 * offered (#GP otherwise); outside TSC-deadline mode it reads 0 and ignores
 * writes. Time advances to `now` first (expired timers are carried out);
 * then a #GP leaves the model unchanged.
 */
#include "lapic_internal.h"

bool lapic_msr_is_apic(uint32_t msr)
{
	return msr == LAPIC_MSR_APIC_BASE || msr == LAPIC_MSR_TSC_DEADLINE ||
	       (msr >= LAPIC_MSR_X2APIC_FIRST && msr <= LAPIC_MSR_X2APIC_LAST);
}

/* the register index of an x2APIC MSR, or -1 (#GP) */
static int x2apic_index(const struct lapic *apic, uint32_t msr)
{
	if (lapic_mode(apic) != LAPIC_MODE_X2APIC)
		return -1;
	if (msr - LAPIC_MSR_X2APIC_FIRST >= 0x40)
		return -1;
	return (int)(msr - LAPIC_MSR_X2APIC_FIRST);
}

int lapic_msr_read(struct lapic *apic, uint32_t msr, uint64_t *val, uint64_t now)
{
	int idx;

	if (!apic || !val)
		return LAPIC_E_INVAL;
	if (!lapic_msr_is_apic(msr))
		return LAPIC_E_NOT_MINE;
	lapic_advance(apic, now);
	if (msr == LAPIC_MSR_APIC_BASE) {
		*val = apic->apic_base;
		return 0;
	}
	if (msr == LAPIC_MSR_TSC_DEADLINE) {
		if (!(apic->cfg.features & LAPIC_F_TSC_DEADLINE))
			return LAPIC_E_GP;
		*val = lapic_timer_deadline_read(apic);
		return 0;
	}
	idx = x2apic_index(apic, msr);
	if (idx < 0)
		return LAPIC_E_GP;
	if (lapic_reg_read(apic, (unsigned)idx, true, val) != LAPIC_REG_OK) {
		*val = 0;
		return LAPIC_E_GP;
	}
	return 0;
}

int lapic_msr_write(struct lapic *apic, uint32_t msr, uint64_t val, uint64_t now)
{
	int idx;

	if (!apic)
		return LAPIC_E_INVAL;
	if (!lapic_msr_is_apic(msr))
		return LAPIC_E_NOT_MINE;
	if (msr == LAPIC_MSR_APIC_BASE)
		return lapic_apic_base_write(apic, val, now);
	lapic_advance(apic, now);
	if (msr == LAPIC_MSR_TSC_DEADLINE) {
		if (!(apic->cfg.features & LAPIC_F_TSC_DEADLINE))
			return LAPIC_E_GP;
		lapic_timer_deadline_write(apic, val);
		lapic_advance(apic, now);
		return 0;
	}
	idx = x2apic_index(apic, msr);
	if (idx < 0)
		return LAPIC_E_GP;
	if (lapic_reg_write(apic, (unsigned)idx, true, val) != LAPIC_REG_OK)
		return LAPIC_E_GP;
	lapic_advance(apic, now);
	return 0;
}
