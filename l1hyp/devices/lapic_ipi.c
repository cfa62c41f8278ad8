/*
 * Interprocessor interrupts in the local APIC model (SDM 11.6 "Issuing
 * Interprocessor Interrupts", 11.12.9 - 11.12.11 for x2APIC; APM ch.16
 * "Interprocessor Interrupts (IPI)"). The machine has one CPU, so an IPI
 * either reaches this APIC or nobody:
 *   shorthand self, all-including-self: this CPU;
 *   all-excluding-self: nobody;
 *   no shorthand: this CPU if the destination matches it - physical: the
 *     APIC ID (xAPIC 8 bits, x2APIC 32 bits) or the broadcast ID (FFH,
 *     FFFF_FFFFH); logical xAPIC: flat model (DFR[31:28] = 1111b) any
 *     common bit of LDR[31:24], cluster model (0000b) the same cluster
 *     (bits 7:4) and a common bit in 3:0, other models none; logical
 *     x2APIC: the same cluster (bits 31:16) and a common bit in 15:0
 *     (11.6.2.2, 11.12.10.1); FFH / FFFF_FFFFH always (broadcast).
 * An IPI that reaches nobody is accepted and dropped: modern processors
 * report no send-accept error (ESR[2] is P6/Pentium only, 11.5.3); it is
 * counted in stats.ipis_to_nobody.
 *
 * Delivery modes: fixed goes through IRR; NMI, SMI, INIT and start-up are
 * left to L1 as events (lapic_take_events); lowest priority is not
 * supported (its sending is model specific, 11.6.2.4; 001b is reserved in
 * x2APIC mode, Figure 11-28): ESR[4] "redirectable IPI", nothing sent, no
 * illegal-vector check (11.12.8); 011b and 111b are reserved: dropped.
 * Combinations Table 11-3 calls invalid (self or all-including-self with
 * anything but fixed) are dropped and counted in stats.ipis_invalid. The
 * level and trigger-mode bits have no effect: the xAPIC issues every IPI
 * as an asserted edge (11.6.1; Table 11-3 note 2).
 *
 * A fixed IPI with a vector below 16 sets ESR[5] "send illegal vector"; if
 * it reaches this CPU, its reception also sets ESR[6] (11.5.3, 11.12.8).
 * SELF IPI (x2APIC MSR 83FH) is a fixed, edge, self IPI (11.12.11).
 */
#include "lapic_internal.h"

static bool dest_match(const struct lapic *apic, uint32_t dest, bool logical, bool x2)
{
	uint32_t id = apic->cfg.apic_id;

	if (x2) {
		uint32_t ldr = lapic_x2apic_ldr(id);

		if (dest == 0xFFFFFFFFu)
			return true;
		if (!logical)
			return dest == id;
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xFFFF);
	}
	dest &= 0xFF;
	if (dest == 0xFF)
		return true;
	if (!logical)
		return dest == (id & 0xFF);
	switch (apic->dfr >> 28) {
	case 0xF:
		return dest & (apic->ldr >> 24);
	case 0x0:
		return (dest >> 4) == (apic->ldr >> 28) &&
		       (dest & (apic->ldr >> 24) & 0xF);
	default:
		return false;
	}
}

static void deliver_fixed(struct lapic *apic, unsigned vector, bool to_self)
{
	if (vector < 16)
		lapic_error(apic, LAPIC_ESR_SEND_ILLEGAL);
	if (!to_self) {
		apic->stats.ipis_to_nobody++;
		return;
	}
	lapic_receive_fixed(apic, vector, false);
}

void lapic_send_ipi(struct lapic *apic, uint32_t lo, uint32_t dest, bool x2)
{
	unsigned vector = lo & LAPIC_ICR_VECTOR;
	unsigned dm = (lo >> LAPIC_ICR_DM_SHIFT) & 7;
	unsigned sh = (lo >> LAPIC_ICR_SH_SHIFT) & 3;
	bool self;

	apic->stats.ipis++;
	if (dm == LAPIC_DM_LOWEST) {
		lapic_error(apic, LAPIC_ESR_REDIR_IPI);
		return;
	}
	if (dm == 3 || dm == 7) {
		apic->stats.ipis_invalid++;
		return;
	}
	switch (sh) {
	case LAPIC_ICR_SH_SELF:
	case LAPIC_ICR_SH_ALL:
		if (dm != LAPIC_DM_FIXED) {
			apic->stats.ipis_invalid++;
			return;
		}
		self = true;
		break;
	case LAPIC_ICR_SH_OTHERS:
		self = false;
		break;
	default:
		self = dest_match(apic, dest, lo & LAPIC_ICR_LOGICAL, x2);
		break;
	}
	if (dm == LAPIC_DM_FIXED) {
		deliver_fixed(apic, vector, self);
		return;
	}
	if (!self) {
		apic->stats.ipis_to_nobody++;
		return;
	}
	switch (dm) {
	case LAPIC_DM_SMI:
		apic->ev.mask |= LAPIC_EV_SMI;
		break;
	case LAPIC_DM_NMI:
		apic->ev.mask |= LAPIC_EV_NMI;
		break;
	case LAPIC_DM_INIT:
		apic->ev.mask |= LAPIC_EV_INIT;
		break;
	default:	/* LAPIC_DM_STARTUP */
		apic->ev.mask |= LAPIC_EV_SIPI;
		apic->ev.sipi_vector = (uint8_t)vector;
		break;
	}
}

void lapic_self_ipi(struct lapic *apic, unsigned vector)
{
	apic->stats.ipis++;
	deliver_fixed(apic, vector & 0xFF, true);
}
