/*
 * The local APIC model's life cycle and mode: power-up and INIT state (SDM
 * 11.4.7.1, 11.4.7.3), IA32_APIC_BASE with its mode transitions (SDM 11.4.4,
 * 11.12.1, 11.12.5; APM ch.16 "Local APIC Enable"), CR8 (SDM 11.8.6), the
 * events left for L1, and the error names.
 *
 * IA32_APIC_BASE: bits 7:0, 9 and MAXPHYADDR..63 are reserved (#GP if set),
 * and so is EXTD (bit 10) when x2APIC is not offered. (EN, EXTD) = (0, 1) is
 * invalid; from x2APIC mode only (0, 0) may follow, from disabled only
 * xAPIC mode (SDM Figure 11-31): the others #GP. Entering the disabled
 * state resets every register (the APIC "may return to the power-up state",
 * 11.4.3, and 11.12.5.1 preserves only the ID, which here is fixed). The
 * switch from xAPIC to x2APIC keeps all registers but LDR (now derived from
 * the x2APIC ID), the ID and ICR's high half (11.12.5.1).
 */
#include <nestlab/mem.h>
#include "lapic_internal.h"

const char *lapic_strerror(int rc)
{
	switch (rc) {
	case LAPIC_E_GP:
		return "LAPIC_E_GP: the access raises #GP(0)";
	case LAPIC_E_NOT_DECODED:
		return "LAPIC_E_NOT_DECODED: the xAPIC page is not decoded "
		       "(APIC disabled or in x2APIC mode)";
	case LAPIC_E_RANGE:
		return "LAPIC_E_RANGE: MMIO size not 1/2/4/8 or access beyond the 4 KiB page";
	case LAPIC_E_NOT_MINE:
		return "LAPIC_E_NOT_MINE: not an APIC MSR";
	case LAPIC_E_INVAL:
		return "LAPIC_E_INVAL: invalid argument";
	default:
		return "unknown error";
	}
}

int lapic_init(struct lapic *apic, const struct lapic_config *cfg, uint64_t now)
{
	if (!apic || !cfg)
		return LAPIC_E_INVAL;
	if (cfg->features & ~LAPIC_F_ALL)
		return LAPIC_E_INVAL;
	if (cfg->tsc_per_clock == 0 || cfg->tsc_per_clock > LAPIC_MAX_TSC_PER_CLOCK)
		return LAPIC_E_INVAL;
	if (cfg->maxphyaddr < 32 || cfg->maxphyaddr > 52)
		return LAPIC_E_INVAL;
	/* FFH (xAPIC) and FFFF_FFFFH (x2APIC) are broadcast (11.12.1.3) */
	if ((cfg->apic_id & 0xFF) == 0xFF)
		return LAPIC_E_INVAL;
	if (!(cfg->features & LAPIC_F_X2APIC) && cfg->apic_id > 0xFF)
		return LAPIC_E_INVAL;
	memset(apic, 0, sizeof(*apic));
	apic->cfg = *cfg;
	apic->now = now;
	apic->apic_base = LAPIC_BASE_DEFAULT | LAPIC_BASE_EN |
			  (cfg->bsp ? LAPIC_BASE_BSP : 0);
	lapic_reset_regs(apic);
	return 0;
}

void lapic_init_reset(struct lapic *apic, uint64_t now)
{
	if (!apic)
		return;
	lapic_advance(apic, now);
	lapic_reset_regs(apic);
}

bool lapic_mmio_base(const struct lapic *apic, uint64_t *base)
{
	if (!apic || lapic_mode(apic) != LAPIC_MODE_XAPIC)
		return false;
	if (base)
		*base = apic->apic_base & LAPIC_BASE_ADDR &
			((1ull << apic->cfg.maxphyaddr) - 1);
	return true;
}

static enum lapic_mode mode_of(uint64_t v, bool *invalid)
{
	*invalid = false;
	if (!(v & LAPIC_BASE_EN)) {
		*invalid = v & LAPIC_BASE_EXTD;
		return LAPIC_MODE_DISABLED;
	}
	return (v & LAPIC_BASE_EXTD) ? LAPIC_MODE_X2APIC : LAPIC_MODE_XAPIC;
}

int lapic_apic_base_write(struct lapic *apic, uint64_t val, uint64_t now)
{
	uint64_t rsvd;
	enum lapic_mode from, to;
	bool invalid;

	if (!apic)
		return LAPIC_E_INVAL;
	lapic_advance(apic, now);
	rsvd = 0xFFull | (1ull << 9) | ~((1ull << apic->cfg.maxphyaddr) - 1);
	if (!(apic->cfg.features & LAPIC_F_X2APIC))
		rsvd |= LAPIC_BASE_EXTD;
	if (val & rsvd)
		return LAPIC_E_GP;
	from = lapic_mode(apic);
	to = mode_of(val, &invalid);
	if (invalid)
		return LAPIC_E_GP;
	if (from == LAPIC_MODE_X2APIC && to == LAPIC_MODE_XAPIC)
		return LAPIC_E_GP;
	if (from == LAPIC_MODE_DISABLED && to == LAPIC_MODE_X2APIC)
		return LAPIC_E_GP;
	apic->apic_base = val;
	if (to == LAPIC_MODE_DISABLED && from != LAPIC_MODE_DISABLED)
		lapic_reset_regs(apic);
	if (from == LAPIC_MODE_XAPIC && to == LAPIC_MODE_X2APIC) {
		apic->ldr = 0;
		apic->icr_hi = 0;
	}
	return 0;
}

int lapic_cr8_write(struct lapic *apic, uint64_t cr8)
{
	if (!apic)
		return LAPIC_E_INVAL;
	if (cr8 & ~0xFull)
		return LAPIC_E_GP;
	apic->tpr = (uint32_t)cr8 << 4;
	return 0;
}

void lapic_take_events(struct lapic *apic, struct lapic_events *ev)
{
	if (!apic)
		return;
	if (ev)
		*ev = apic->ev;
	apic->ev.mask = 0;
}
