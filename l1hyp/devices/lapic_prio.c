/*
 * Interrupt acceptance and priorities of the local APIC model. A fixed
 * interrupt is accepted into IRR (TMR records its trigger mode), the
 * processor takes the highest IRR vector whose priority class (vector bits
 * 7:4) is above the processor priority, which moves it to ISR, and EOI
 * clears the highest ISR bit (SDM 11.8.3 - 11.8.5; APM ch.16 "Local APIC
 * Handling of Interrupts"). PPR and APR are computed from TPR, ISR and IRR
 * on every read, never stored.
 *
 * Vectors 0-15 are illegal: such an interrupt never reaches IRR and sets
 * ESR "received illegal vector" (SDM 11.5.2, 11.5.3). Errors accumulate in
 * esr_pending until software writes ESR (SDM 11.5.3); a bit that gets set
 * there raises the LVT error interrupt, once until the next ESR write, so
 * an illegal vector in the LVT error entry itself cannot loop.
 *
 * While software-disabled (SVR[8] = 0) the APIC accepts no new fixed
 * interrupts but keeps IRR and ISR, whose interrupts are still delivered to
 * the processor ("held and require masking or handling by the CPU", SDM
 * 11.4.7.2); NMI, SMI, INIT and start-up are never blocked.
 */
#include "lapic_internal.h"

static unsigned highest_or_zero(const uint32_t *bits)
{
	int v = lapic_vec_highest(bits);

	return v < 0 ? 0 : (unsigned)v;
}

/*
 * SDM 11.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] with
 * PPR[3:0] = 0; ISRV is the highest ISR vector, or 0.
 */
uint32_t lapic_ppr(const struct lapic *apic)
{
	unsigned tpr = apic->tpr & 0xFF;
	unsigned isrv = highest_or_zero(apic->isr);

	if ((tpr >> 4) >= (isrv >> 4))
		return tpr;
	return isrv & 0xF0;
}

/*
 * SDM 11.6.2.4: APR = TPR if TPR[7:4] >= IRRV[7:4] and TPR[7:4] > ISRV[7:4],
 * else APR[7:4] = the largest of TPR[7:4], ISRV[7:4] and IRRV[7:4] (the
 * SDM's pseudo-code writes "max(TPR[7:4] AND ISRV[7:4], IRRV[7:4])": a list,
 * not a bitwise AND) and APR[3:0] = 0.
 */
uint32_t lapic_apr(const struct lapic *apic)
{
	unsigned tpr = apic->tpr & 0xFF;
	unsigned t = tpr >> 4;
	unsigned isr = highest_or_zero(apic->isr) >> 4;
	unsigned irr = highest_or_zero(apic->irr) >> 4;
	unsigned m = t;

	if (t >= irr && t > isr)
		return tpr;
	if (isr > m)
		m = isr;
	if (irr > m)
		m = irr;
	return m << 4;
}

int lapic_pending_vector(const struct lapic *apic)
{
	int v;

	if (!apic || lapic_mode(apic) == LAPIC_MODE_DISABLED)
		return -1;
	v = lapic_vec_highest(apic->irr);
	if (v < 0 || ((unsigned)v >> 4) <= (lapic_ppr(apic) >> 4))
		return -1;
	return v;
}

int lapic_tpr_blocked_vector(const struct lapic *apic)
{
	int v, isrv;

	if (!apic || lapic_mode(apic) == LAPIC_MODE_DISABLED)
		return -1;
	v = lapic_vec_highest(apic->irr);
	isrv = lapic_vec_highest(apic->isr);
	if (v < 0 || (isrv >= 0 && ((unsigned)v >> 4) <= ((unsigned)isrv >> 4)))
		return -1;                      /* nothing, or held by ISR */
	return ((unsigned)v >> 4) <= (apic->tpr >> 4) ? v : -1;
}

int lapic_accept(struct lapic *apic, int vector)
{
	if (!apic || vector < 16 || vector > 255)
		return LAPIC_E_INVAL;
	if (!lapic_vec_test(apic->irr, (unsigned)vector))
		return LAPIC_E_INVAL;
	lapic_vec_clear(apic->irr, (unsigned)vector);
	lapic_vec_set(apic->isr, (unsigned)vector);
	return 0;
}

/*
 * SDM 11.8.5: EOI clears the highest ISR bit; nothing if ISR is empty. For a
 * level-triggered vector (TMR set) the EOI is broadcast to the I/O APICs
 * unless SVR[12] suppresses it, and LINTn entries waiting for that vector's
 * EOI clear their remote IRR (SDM 11.5.1).
 */
void lapic_eoi(struct lapic *apic)
{
	int v = lapic_vec_highest(apic->isr);

	if (v < 0)
		return;
	lapic_vec_clear(apic->isr, (unsigned)v);
	if (!lapic_vec_test(apic->tmr, (unsigned)v))
		return;
	for (unsigned i = LAPIC_LVT_LINT0; i <= LAPIC_LVT_LINT1; i++)
		if ((apic->lvt[i] & LAPIC_LVT_VECTOR) == (unsigned)v)
			apic->lvt[i] &= ~LAPIC_LVT_REMOTE_IRR;
	if (!(apic->svr & LAPIC_SVR_EOI_SUPPRESS)) {
		apic->ev.mask |= LAPIC_EV_EOI;
		apic->ev.eoi_vector = (uint8_t)v;
	}
}

void lapic_error(struct lapic *apic, uint32_t esr_bits)
{
	uint32_t fresh = esr_bits & ~apic->esr_pending;
	uint32_t lvt = apic->lvt[LAPIC_LVT_ERROR];

	apic->esr_pending |= esr_bits;
	if (fresh && !(lvt & LAPIC_LVT_MASKED))
		lapic_receive_fixed(apic, lvt & LAPIC_LVT_VECTOR, false);
}

/*
 * SDM 11.8.4: on acceptance into IRR the TMR bit is set for a level-
 * triggered interrupt and cleared for an edge-triggered one. A vector
 * already in IRR stays one request (counted in stats.irr_merged).
 */
bool lapic_receive_fixed(struct lapic *apic, unsigned vector, bool level)
{
	vector &= 0xFF;
	if (lapic_mode(apic) == LAPIC_MODE_DISABLED)
		return false;
	if (vector < 16) {
		lapic_error(apic, LAPIC_ESR_RECV_ILLEGAL);
		return false;
	}
	if (!(apic->svr & LAPIC_SVR_ENABLE)) {
		apic->stats.dropped++;
		return false;
	}
	if (lapic_vec_test(apic->irr, vector))
		apic->stats.irr_merged++;
	lapic_vec_set(apic->irr, vector);
	if (level)
		lapic_vec_set(apic->tmr, vector);
	else
		lapic_vec_clear(apic->tmr, vector);
	return true;
}

/*
 * SDM 11.5.1: the timer and error entries deliver fixed interrupts only;
 * thermal and performance entries fixed, SMI or NMI; LINT0/1 also INIT and
 * ExtINT. Other delivery modes are reserved for the entry: dropped. A
 * level-triggered fixed LINT interrupt sets remote IRR when accepted and is
 * not accepted again until the EOI of its vector.
 */
void lapic_deliver_lvt(struct lapic *apic, unsigned lvt)
{
	uint32_t e;
	unsigned dm;
	bool lint = lvt == LAPIC_LVT_LINT0 || lvt == LAPIC_LVT_LINT1;

	if (lvt >= LAPIC_LVT_NR || lapic_mode(apic) == LAPIC_MODE_DISABLED)
		return;
	e = apic->lvt[lvt];
	if (e & LAPIC_LVT_MASKED)
		return;
	dm = (lvt == LAPIC_LVT_TIMER || lvt == LAPIC_LVT_ERROR) ?
		LAPIC_DM_FIXED : (e & LAPIC_LVT_DM) >> LAPIC_LVT_DM_SHIFT;
	switch (dm) {
	case LAPIC_DM_FIXED:
		if (lint && (e & LAPIC_LVT_LEVEL)) {
			if (e & LAPIC_LVT_REMOTE_IRR)
				return;
			if (lapic_receive_fixed(apic, e & LAPIC_LVT_VECTOR, true))
				apic->lvt[lvt] |= LAPIC_LVT_REMOTE_IRR;
			return;
		}
		lapic_receive_fixed(apic, e & LAPIC_LVT_VECTOR, false);
		return;
	case LAPIC_DM_SMI:
		apic->ev.mask |= LAPIC_EV_SMI;
		return;
	case LAPIC_DM_NMI:
		apic->ev.mask |= LAPIC_EV_NMI;
		return;
	case LAPIC_DM_INIT:
		if (lint) {
			apic->ev.mask |= LAPIC_EV_INIT;
			return;
		}
		break;
	case LAPIC_DM_EXTINT:
		if (lint) {
			apic->ev.mask |= LAPIC_EV_EXTINT;
			return;
		}
		break;
	default:
		break;
	}
	apic->stats.dropped++;
}

int lapic_raise(struct lapic *apic, int vector, bool level, uint64_t now)
{
	if (!apic || vector < 0 || vector > 255)
		return LAPIC_E_INVAL;
	lapic_advance(apic, now);
	lapic_receive_fixed(apic, (unsigned)vector, level);
	return 0;
}

int lapic_lvt_fire(struct lapic *apic, enum lapic_lvt lvt, uint64_t now)
{
	if (!apic || (unsigned)lvt >= LAPIC_LVT_NR)
		return LAPIC_E_INVAL;
	lapic_advance(apic, now);
	lapic_deliver_lvt(apic, (unsigned)lvt);
	return 0;
}
