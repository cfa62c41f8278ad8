/*
 * The register file of the local APIC model, shared by the xAPIC page and
 * the x2APIC MSRs: a register is named by its index, the xAPIC offset / 16,
 * which is also the x2APIC MSR - 0x800 (SDM Table 11-1, Table 11-6; APM
 * Table 16-2 "APIC Registers"). Read/write semantics per register:
 *
 *   ID       RO; xAPIC: bits 31:24 = ID[7:0] (read-only since Nehalem, SDM
 *            11.4.6 note); x2APIC: the 32-bit x2APIC ID
 *   VERSION  RO; 0x14, max LVT 5 in bits 23:16, bit 24 with EOI suppression
 *   TPR      RW bits 7:0                 APR, RRD  xAPIC only, RO (RRD: 0)
 *   PPR      RO                          EOI       WO; reads 0 in xAPIC mode
 *   LDR      xAPIC RW bits 31:24; x2APIC RO, derived from the ID (11.12.10.2)
 *   DFR      xAPIC only; bits 31:28 RW, 27:0 read as 1s
 *   SVR      RW bits 9:0 (and 12 with EOI suppression); clearing bit 8
 *            masks every LVT entry, which stay masked until it is set
 *   ISR/TMR/IRR  RO, 8 x 32 bits
 *   ESR      a write latches the errors since the previous write (11.5.3)
 *   ICR      xAPIC: low half RW (a write sends), high half bits 31:24;
 *            x2APIC: one 64-bit MSR, 830H (831H absent); bit 12 reads 0
 *   LVT x6   per-entry writable fields (Figure 11-8), delivery status RO 0,
 *            remote IRR RO; CMCI is not offered (max LVT 5): absent
 *   timer    initial count RW, current count RO, divide config bits 3,1,0
 *   SELF IPI x2APIC only, WO (11.12.11)
 *
 * xAPIC mode: bits a register does not implement are dropped on writes and
 * read as 0 (DFR's as 1), writes to read-only registers are ignored, reads
 * of write-only ones give 0. x2APIC mode (11.12.1.3, 11.12.8): a set
 * reserved bit (bits 63:32 of all but ICR included), a write to a read-only
 * or a read of a write-only register, a non-zero EOI or ESR write: #GP.
 * Writable-but-read-only bits (LVT delivery status and remote IRR, ICR
 * delivery status, 11.12.9) are accepted and ignored, so a read-modify-
 * write never faults.
 */
#include "lapic_internal.h"

#define IDX(off) ((off) >> 4)

#define ICR_LO_WRITABLE 0x000CCFFFu	/* 7:0, 10:8, 11, 14, 15, 19:18 */
#define ICR_LO_RO       LAPIC_ICR_STATUS

static uint32_t version(const struct lapic *apic)
{
	uint32_t v = LAPIC_VERSION_ID | (LAPIC_VERSION_MAXLVT << 16);

	if (apic->cfg.features & LAPIC_F_EOI_SUPPRESS)
		v |= LAPIC_VERSION_EOI_SUPP;
	return v;
}

static uint32_t svr_writable(const struct lapic *apic)
{
	uint32_t m = LAPIC_SVR_VECTOR | LAPIC_SVR_ENABLE | LAPIC_SVR_FOCUS_OFF;

	if (apic->cfg.features & LAPIC_F_EOI_SUPPRESS)
		m |= LAPIC_SVR_EOI_SUPPRESS;
	return m;
}

static uint32_t lvt_writable(const struct lapic *apic, unsigned i)
{
	uint32_t m = LAPIC_LVT_VECTOR | LAPIC_LVT_MASKED;

	switch (i) {
	case LAPIC_LVT_TIMER:
		m |= 1u << LAPIC_LVT_TIMER_SHIFT;
		if (apic->cfg.features & LAPIC_F_TSC_DEADLINE)
			m |= 2u << LAPIC_LVT_TIMER_SHIFT;
		break;
	case LAPIC_LVT_THERMAL:
	case LAPIC_LVT_PERF:
		m |= LAPIC_LVT_DM;
		break;
	case LAPIC_LVT_LINT0:
	case LAPIC_LVT_LINT1:
		m |= LAPIC_LVT_DM | LAPIC_LVT_POLARITY | LAPIC_LVT_LEVEL;
		break;
	default:
		break;
	}
	return m;
}

static uint32_t lvt_readonly(unsigned i)
{
	if (i == LAPIC_LVT_LINT0 || i == LAPIC_LVT_LINT1)
		return LAPIC_LVT_STATUS | LAPIC_LVT_REMOTE_IRR;
	return LAPIC_LVT_STATUS;
}

uint32_t lapic_x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xF));
}

void lapic_reset_regs(struct lapic *apic)
{
	for (unsigned i = 0; i < 8; i++)
		apic->isr[i] = apic->tmr[i] = apic->irr[i] = 0;
	apic->tpr = 0;
	apic->ldr = 0;
	apic->dfr = 0xFFFFFFFFu;
	apic->svr = 0xFF;
	apic->esr = apic->esr_pending = 0;
	apic->icr_lo = apic->icr_hi = 0;
	for (unsigned i = 0; i < LAPIC_LVT_NR; i++)
		apic->lvt[i] = LAPIC_LVT_MASKED;
	apic->timer_initial = 0;
	apic->timer_dcr = 0;
	lapic_timer_stop(apic);
}

static void write_svr(struct lapic *apic, uint32_t val)
{
	apic->svr = val & svr_writable(apic);
	if (!(apic->svr & LAPIC_SVR_ENABLE))
		for (unsigned i = 0; i < LAPIC_LVT_NR; i++)
			apic->lvt[i] |= LAPIC_LVT_MASKED;
}

static void write_lvt(struct lapic *apic, unsigned i, uint32_t val)
{
	uint32_t old = apic->lvt[i];
	uint32_t ro = lvt_readonly(i) & ~LAPIC_LVT_STATUS;

	apic->lvt[i] = (val & lvt_writable(apic, i)) | (old & ro);
	if (!(apic->svr & LAPIC_SVR_ENABLE))
		apic->lvt[i] |= LAPIC_LVT_MASKED;
	if (i == LAPIC_LVT_TIMER)
		lapic_timer_lvt_write(apic, old);
}

int lapic_reg_read(struct lapic *apic, unsigned idx, bool x2, uint64_t *val)
{
	*val = 0;
	if (idx >= IDX(LAPIC_REG_ISR0) && idx < IDX(LAPIC_REG_ISR0) + 8) {
		*val = apic->isr[idx - IDX(LAPIC_REG_ISR0)];
		return LAPIC_REG_OK;
	}
	if (idx >= IDX(LAPIC_REG_TMR0) && idx < IDX(LAPIC_REG_TMR0) + 8) {
		*val = apic->tmr[idx - IDX(LAPIC_REG_TMR0)];
		return LAPIC_REG_OK;
	}
	if (idx >= IDX(LAPIC_REG_IRR0) && idx < IDX(LAPIC_REG_IRR0) + 8) {
		*val = apic->irr[idx - IDX(LAPIC_REG_IRR0)];
		return LAPIC_REG_OK;
	}
	if (idx >= IDX(LAPIC_REG_LVT_TIMER) && idx <= IDX(LAPIC_REG_LVT_ERROR)) {
		*val = apic->lvt[idx - IDX(LAPIC_REG_LVT_TIMER)];
		return LAPIC_REG_OK;
	}
	switch (idx) {
	case IDX(LAPIC_REG_ID):
		*val = x2 ? apic->cfg.apic_id : (apic->cfg.apic_id & 0xFFu) << 24;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_VERSION):
		*val = version(apic);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_TPR):
		*val = apic->tpr;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_APR):
		if (x2)
			return LAPIC_REG_ABSENT;
		*val = lapic_apr(apic);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_PPR):
		*val = lapic_ppr(apic);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_EOI):
		return x2 ? LAPIC_REG_FAULT : LAPIC_REG_OK;
	case IDX(LAPIC_REG_RRD):
		return x2 ? LAPIC_REG_ABSENT : LAPIC_REG_OK;
	case IDX(LAPIC_REG_LDR):
		*val = x2 ? lapic_x2apic_ldr(apic->cfg.apic_id) : apic->ldr;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_DFR):
		if (x2)
			return LAPIC_REG_ABSENT;
		*val = apic->dfr | 0x0FFFFFFFu;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_SVR):
		*val = apic->svr;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_ESR):
		*val = apic->esr;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_ICR_LO):
		*val = apic->icr_lo;
		if (x2)
			*val |= (uint64_t)apic->icr_hi << 32;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_ICR_HI):
		if (x2)
			return LAPIC_REG_ABSENT;
		*val = apic->icr_hi;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_TIMER_ICR):
		*val = apic->timer_initial;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_TIMER_CCR):
		*val = lapic_timer_current(apic);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_TIMER_DCR):
		*val = apic->timer_dcr;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_SELF_IPI):
		return x2 ? LAPIC_REG_FAULT : LAPIC_REG_ABSENT;
	default:
		return LAPIC_REG_ABSENT;
	}
}

/* x2APIC: a register that ignores writes */
static int read_only(bool x2)
{
	return x2 ? LAPIC_REG_FAULT : LAPIC_REG_OK;
}

/* x2APIC: bits outside ok (of 64) set -> #GP */
static bool rsvd(bool x2, uint64_t val, uint64_t ok)
{
	return x2 && (val & ~ok);
}

int lapic_reg_write(struct lapic *apic, unsigned idx, bool x2, uint64_t val)
{
	uint32_t v = (uint32_t)val;

	if (idx >= IDX(LAPIC_REG_ISR0) && idx < IDX(LAPIC_REG_IRR0) + 8)
		return read_only(x2);
	if (idx >= IDX(LAPIC_REG_LVT_TIMER) && idx <= IDX(LAPIC_REG_LVT_ERROR)) {
		unsigned i = idx - IDX(LAPIC_REG_LVT_TIMER);

		if (rsvd(x2, val, lvt_writable(apic, i) | lvt_readonly(i)))
			return LAPIC_REG_FAULT;
		write_lvt(apic, i, v);
		return LAPIC_REG_OK;
	}
	switch (idx) {
	case IDX(LAPIC_REG_ID):
	case IDX(LAPIC_REG_VERSION):
	case IDX(LAPIC_REG_PPR):
	case IDX(LAPIC_REG_TIMER_CCR):
		return read_only(x2);
	case IDX(LAPIC_REG_APR):
	case IDX(LAPIC_REG_RRD):
	case IDX(LAPIC_REG_DFR):
	case IDX(LAPIC_REG_ICR_HI):
		if (x2)
			return LAPIC_REG_ABSENT;
		if (idx == IDX(LAPIC_REG_DFR))
			apic->dfr = (v & 0xF0000000u) | 0x0FFFFFFFu;
		else if (idx == IDX(LAPIC_REG_ICR_HI))
			apic->icr_hi = v & 0xFF000000u;
		return LAPIC_REG_OK;	/* APR, RRD: no ESR[7] (Table 11-1 note) */
	case IDX(LAPIC_REG_TPR):
		if (rsvd(x2, val, 0xFF))
			return LAPIC_REG_FAULT;
		apic->tpr = v & 0xFF;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_EOI):
		if (rsvd(x2, val, 0))
			return LAPIC_REG_FAULT;
		lapic_eoi(apic);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_LDR):
		if (x2)
			return LAPIC_REG_FAULT;
		apic->ldr = v & 0xFF000000u;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_SVR):
		if (rsvd(x2, val, svr_writable(apic)))
			return LAPIC_REG_FAULT;
		write_svr(apic, v);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_ESR):
		if (rsvd(x2, val, 0))
			return LAPIC_REG_FAULT;
		apic->esr = apic->esr_pending;
		apic->esr_pending = 0;
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_ICR_LO):
		if (rsvd(x2, val, 0xFFFFFFFF00000000ull | ICR_LO_WRITABLE | ICR_LO_RO))
			return LAPIC_REG_FAULT;
		apic->icr_lo = v & ICR_LO_WRITABLE;
		if (x2)
			apic->icr_hi = (uint32_t)(val >> 32);
		lapic_send_ipi(apic, apic->icr_lo,
			       x2 ? apic->icr_hi : apic->icr_hi >> 24, x2);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_TIMER_ICR):
		if (rsvd(x2, val, 0xFFFFFFFFu))
			return LAPIC_REG_FAULT;
		lapic_timer_write_initial(apic, v);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_TIMER_DCR):
		if (rsvd(x2, val, 0xBu))
			return LAPIC_REG_FAULT;
		lapic_timer_write_dcr(apic, v & 0xBu);
		return LAPIC_REG_OK;
	case IDX(LAPIC_REG_SELF_IPI):
		if (!x2)
			return LAPIC_REG_ABSENT;
		if (rsvd(x2, val, 0xFF))
			return LAPIC_REG_FAULT;
		lapic_self_ipi(apic, v & 0xFF);
		return LAPIC_REG_OK;
	default:
		return LAPIC_REG_ABSENT;
	}
}
