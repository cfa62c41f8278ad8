/*
 * The local APIC timer of the model (SDM 11.5.4 "APIC Timer", 11.5.4.1
 * "TSC-Deadline Mode"; APM ch.16 "APIC Timer Interrupt"), as pure functions
 * of the caller's time base. The counter decrements once per tick of
 * tsc_per_clock * divisor time-base cycles (the divisor from the divide
 * configuration register, Figure 11-10: bits 3,1,0 = 000 -> 2, 001 -> 4,
 * ..., 110 -> 128, 111 -> 1; bit 2 is reserved). Nothing is stored per
 * tick: an armed count-down is (t_base, t_count), the count at t_base, and
 *   current count(t) = t_count - floor((t - t_base) / tick),
 *   expiry           = t_base + t_count * tick.
 * One-shot: at the expiry the count stays 0 and the timer stops. Periodic:
 * it reloads from the initial count, so the k-th later expiry is
 * expiry + k * initial * tick; lapic_advance carries out all expiries up to
 * now with one division (however long L1 was away) and moves one interrupt
 * into IRR, counting the others as coalesced. TSC-deadline: one interrupt
 * when now >= IA32_TSC_DEADLINE, which then reads 0.
 *
 * Rules: a write of 0 to the initial count stops the timer; a write of n > 0
 * (re)starts it from n at now; in TSC-deadline mode initial-count writes
 * are ignored and the current count reads 0; outside that mode
 * IA32_TSC_DEADLINE reads 0 and ignores writes; a write to the LVT timer
 * entry that changes the mode disarms the timer (SDM 11.5.4.1, taken
 * literally: also between one-shot and periodic; the initial-count register
 * keeps its value); a mask in the entry only suppresses the interrupt, the
 * count goes on. A divide-configuration write while counting keeps the
 * current count and counts the rest at the new rate from now (the partial
 * tick is dropped). Mode 11b (reserved) never counts.
 */
#include "lapic_internal.h"

uint32_t lapic_divisor(uint32_t dcr)
{
	unsigned enc = (dcr & 3) | ((dcr >> 1) & 4);

	return 1u << ((enc + 1) & 7);
}

unsigned lapic_timer_mode(const struct lapic *apic)
{
	unsigned m = (apic->lvt[LAPIC_LVT_TIMER] & LAPIC_LVT_TIMER_MODE) >>
		     LAPIC_LVT_TIMER_SHIFT;

	if (!(apic->cfg.features & LAPIC_F_TSC_DEADLINE))
		m &= 1;
	return m;
}

/* at most 2^20 * 128 = 2^27: t_count * tick stays below 2^59 */
static uint64_t tick_len(const struct lapic *apic)
{
	return (uint64_t)apic->cfg.tsc_per_clock * lapic_divisor(apic->timer_dcr);
}

/* the armed count-down's zero crossing, or LAPIC_NO_EVENT past 2^64 - 1 */
static uint64_t count_expiry(const struct lapic *apic)
{
	uint64_t d = (uint64_t)apic->t_count * tick_len(apic);

	if (d > UINT64_MAX - 1 - apic->t_base)
		return LAPIC_NO_EVENT;
	return apic->t_base + d;
}

static void expire(struct lapic *apic, uint64_t n)
{
	apic->stats.timer_expiries += n;
	apic->stats.timer_coalesced += n - 1;
	lapic_deliver_lvt(apic, LAPIC_LVT_TIMER);
}

static uint64_t timer_advance(struct lapic *apic)
{
	uint64_t now = apic->now, e, period, n;
	unsigned mode = lapic_timer_mode(apic);

	if (mode == LAPIC_TIMER_TSC_DEADLINE) {
		if (!apic->tsc_deadline || now < apic->tsc_deadline)
			return 0;
		apic->tsc_deadline = 0;
		expire(apic, 1);
		return 1;
	}
	if (!apic->t_armed)
		return 0;
	e = count_expiry(apic);
	if (e == LAPIC_NO_EVENT || now < e)
		return 0;
	if (mode != LAPIC_TIMER_PERIODIC || apic->timer_initial == 0) {
		apic->t_armed = false;
		apic->t_count = 0;
		expire(apic, 1);
		return 1;
	}
	period = (uint64_t)apic->timer_initial * tick_len(apic);
	n = 1 + (now - e) / period;
	apic->t_base = e + (n - 1) * period;	/* <= now: no overflow */
	apic->t_count = apic->timer_initial;
	expire(apic, n);
	return n;
}

uint64_t lapic_advance(struct lapic *apic, uint64_t now)
{
	if (now > apic->now)
		apic->now = now;
	if (lapic_mode(apic) == LAPIC_MODE_DISABLED)
		return 0;
	return timer_advance(apic);
}

void lapic_timer_stop(struct lapic *apic)
{
	apic->t_armed = false;
	apic->t_count = 0;
	apic->t_base = apic->now;
	apic->tsc_deadline = 0;
}

void lapic_timer_lvt_write(struct lapic *apic, uint32_t old_lvt)
{
	unsigned old_mode = (old_lvt & LAPIC_LVT_TIMER_MODE) >> LAPIC_LVT_TIMER_SHIFT;

	if (!(apic->cfg.features & LAPIC_F_TSC_DEADLINE))
		old_mode &= 1;
	if (old_mode != lapic_timer_mode(apic))
		lapic_timer_stop(apic);
}

void lapic_timer_write_initial(struct lapic *apic, uint32_t count)
{
	unsigned mode = lapic_timer_mode(apic);

	if (mode == LAPIC_TIMER_TSC_DEADLINE)
		return;
	apic->timer_initial = count;
	if (count == 0 || mode == LAPIC_TIMER_RESERVED) {
		lapic_timer_stop(apic);
		return;
	}
	apic->t_armed = true;
	apic->t_base = apic->now;
	apic->t_count = count;
}

void lapic_timer_write_dcr(struct lapic *apic, uint32_t dcr)
{
	uint32_t cur = lapic_timer_current(apic);

	apic->timer_dcr = dcr;
	if (!apic->t_armed)
		return;
	if (cur == 0) {
		lapic_timer_stop(apic);
		return;
	}
	apic->t_base = apic->now;
	apic->t_count = cur;
}

uint32_t lapic_timer_current(const struct lapic *apic)
{
	uint64_t ticks;

	if (!apic->t_armed || lapic_timer_mode(apic) == LAPIC_TIMER_TSC_DEADLINE)
		return 0;
	if (apic->now <= apic->t_base)
		return apic->t_count;
	ticks = (apic->now - apic->t_base) / tick_len(apic);
	if (ticks >= apic->t_count)
		return 0;
	return apic->t_count - (uint32_t)ticks;
}

uint64_t lapic_timer_deadline_read(const struct lapic *apic)
{
	if (lapic_timer_mode(apic) != LAPIC_TIMER_TSC_DEADLINE)
		return 0;
	return apic->tsc_deadline;
}

void lapic_timer_deadline_write(struct lapic *apic, uint64_t deadline)
{
	if (lapic_timer_mode(apic) == LAPIC_TIMER_TSC_DEADLINE)
		apic->tsc_deadline = deadline;
}

uint64_t lapic_next_event(const struct lapic *apic, uint64_t now)
{
	if (!apic || lapic_mode(apic) == LAPIC_MODE_DISABLED ||
	    (apic->lvt[LAPIC_LVT_TIMER] & LAPIC_LVT_MASKED))
		return LAPIC_NO_EVENT;
	if (lapic_timer_mode(apic) == LAPIC_TIMER_TSC_DEADLINE)
		return apic->tsc_deadline ? apic->tsc_deadline : LAPIC_NO_EVENT;
	if (!apic->t_armed)
		return LAPIC_NO_EVENT;
	return count_expiry(apic);
}

uint64_t lapic_tick(struct lapic *apic, uint64_t now)
{
	if (!apic)
		return 0;
	return lapic_advance(apic, now);
}
