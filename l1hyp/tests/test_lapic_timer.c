/*
 * Host tests of the local APIC model's timer (SDM 11.5.4, 11.5.4.1; APM
 * ch.16 "APIC Timer Interrupt"). Expected counts and expiry times come from
 * the spec's definition written out here: the counter loses one per tick of
 * tsc_per_clock * (the divide value of Figure 11-10) time-base cycles, from
 * the initial count at the write; one-shot stops at 0 with one interrupt,
 * periodic reloads the initial count at each zero, TSC-deadline fires once
 * when the time reaches IA32_TSC_DEADLINE. Several clock ratios and every
 * divide value; coalesced periodic expiries; masks; the mode-change,
 * zero-count and divide-change rules; times near 2^64.
 */
#include "lapic_test.h"

static struct lapic a;

#define VEC 0x40u

static void setup_timer(uint32_t features, uint32_t tsc_per_clock, unsigned bits310,
			unsigned mode, bool masked)
{
	t_init(&a, features, tsc_per_clock);
	sw_enable(&a);
	wr(&a, LAPIC_REG_TIMER_DCR, t_dcr_of(bits310));
	wr(&a, LAPIC_REG_LVT_TIMER, (mode << 17) | (masked ? LAPIC_LVT_MASKED : 0) | VEC);
}

/* the spec: current count at t of a one-shot started with n at t0 */
static uint32_t ref_oneshot(uint32_t n, uint64_t t0, uint64_t tick, uint64_t t)
{
	uint64_t k = (t - t0) / tick;

	return k >= n ? 0 : (uint32_t)(n - k);
}

static uint32_t ref_periodic(uint32_t n, uint64_t t0, uint64_t tick, uint64_t t)
{
	uint64_t k = (t - t0) / tick;

	return n - (uint32_t)(k % n);
}

static void eoi_all(void)
{
	int v;

	while ((v = lapic_pending_vector(&a)) >= 0) {
		cr_assert(eq(int, lapic_accept(&a, v), 0));
		wr(&a, LAPIC_REG_EOI, 0);
	}
}

Test(lapic_timer, divide_configuration_encoding)
{
	/* bit 2 and bits 31:4 are reserved: they do not change the divisor */
	for (uint32_t dcr = 0; dcr < 64; dcr++) {
		unsigned bits310 = (dcr & 3) | ((dcr >> 1) & 4);

		cr_assert(eq(u32, lapic_divisor(dcr), t_divide_by[bits310]), "dcr %x", dcr);
	}
	t_init(&a, T_ALL, 1);
	wr(&a, LAPIC_REG_TIMER_DCR, 0xFFFFFFF4u);	/* reserved bits only */
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_DCR), 0));
}

Test(lapic_timer, one_shot_counts_every_divider)
{
	static const uint32_t ratios[] = { 1, 3, 10, 1000 };
	static const uint32_t counts[] = { 1, 7, 1000, 0xFFFFFFFFu };

	for (unsigned r = 0; r < 4; r++)
	for (unsigned d = 0; d < 8; d++)
	for (unsigned c = 0; c < 4; c++) {
		uint64_t tick = (uint64_t)ratios[r] * t_divide_by[d];
		uint32_t n = counts[c];
		uint64_t t0 = T_T0 + 17, expiry = t0 + n * tick;
		uint64_t probes[] = {
			t0, t0 + 1, t0 + tick - 1, t0 + tick, t0 + 3 * tick + tick / 2,
			expiry - tick, expiry - 1, expiry, expiry + 1, expiry + 5 * tick,
		};
		uint64_t last = 0;

		setup_timer(T_ALL, ratios[r], d, LAPIC_TIMER_ONESHOT, false);
		wr_at(&a, LAPIC_REG_TIMER_ICR, n, t0);
		cr_assert(eq(u64, lapic_next_event(&a, t0), expiry));
		for (unsigned p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
			uint64_t t = probes[p];

			if (t < last || t < t0)
				continue;
			last = t;
			cr_assert(eq(u32, rd_at(&a, LAPIC_REG_TIMER_CCR, t),
				     ref_oneshot(n, t0, tick, t)),
				  "ratio %u div %u n %u t0+%lu", ratios[r], t_divide_by[d], n,
				  (unsigned long)(t - t0));
			cr_assert(eq(int, irr_has(&a, VEC), t >= expiry));
			cr_assert(eq(u64, lapic_next_event(&a, t),
				     t >= expiry ? LAPIC_NO_EVENT : expiry));
		}
		cr_assert(eq(u64, a.stats.timer_expiries, 1));
		cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_ICR), n));	/* kept */
	}
}

Test(lapic_timer, periodic_counts_and_expiries)
{
	static const uint32_t ratios[] = { 1, 7 };
	static const uint32_t counts[] = { 1, 2, 100 };

	for (unsigned r = 0; r < 2; r++)
	for (unsigned d = 0; d < 8; d++)
	for (unsigned c = 0; c < 3; c++) {
		uint64_t tick = (uint64_t)ratios[r] * t_divide_by[d];
		uint32_t n = counts[c];
		uint64_t period = n * tick, t0 = T_T0 + 5;

		setup_timer(T_ALL, ratios[r], d, LAPIC_TIMER_PERIODIC, false);
		wr_at(&a, LAPIC_REG_TIMER_ICR, n, t0);
		for (uint64_t k = 1; k <= 4; k++) {
			uint64_t e = t0 + k * period;

			cr_assert(eq(u64, lapic_next_event(&a, e - 1), e));
			cr_assert(eq(u64, lapic_tick(&a, e - 1), 0));
			cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR),
				     ref_periodic(n, t0, tick, e - 1)));
			cr_assert(not(irr_has(&a, VEC)));
			cr_assert(eq(u64, lapic_tick(&a, e), 1));
			cr_assert(irr_has(&a, VEC));
			/* reloaded at the zero crossing */
			cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), n));
			cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR),
				     ref_periodic(n, t0, tick, e)));
			cr_assert(eq(u64, lapic_next_event(&a, e), e + period));
			eoi_all();
		}
		cr_assert(eq(u64, a.stats.timer_expiries, 4));
		cr_assert(eq(u64, a.stats.timer_coalesced, 0));
	}
}

Test(lapic_timer, periodic_count_at_arbitrary_times)
{
	uint64_t tick = 5 * 16, t0 = T_T0, t = t0;
	uint32_t n = 37, s = 99;

	setup_timer(T_ALL, 5, 3, LAPIC_TIMER_PERIODIC, false);
	wr_at(&a, LAPIC_REG_TIMER_ICR, n, t0);
	for (unsigned i = 0; i < 5000; i++) {
		s = s * 1103515245u + 12345u;
		t += (s >> 16) % (3 * n * tick);
		cr_assert(eq(u32, rd_at(&a, LAPIC_REG_TIMER_CCR, t), ref_periodic(n, t0, tick, t)),
			  "t0+%lu", (unsigned long)(t - t0));
	}
	cr_assert(eq(u64, a.stats.timer_expiries, (t - t0) / (n * tick)));
}

Test(lapic_timer, coalesced_periodic_expiries)
{
	uint64_t tick = 2 * 4, n = 50, period = n * tick, t0 = T_T0;

	setup_timer(T_ALL, 2, 1, LAPIC_TIMER_PERIODIC, false);
	wr_at(&a, LAPIC_REG_TIMER_ICR, (uint32_t)n, t0);
	/* L1 comes back 10.5 periods later: ten expiries, one interrupt */
	cr_assert(eq(u64, lapic_tick(&a, t0 + 10 * period + period / 2), 10));
	cr_assert(eq(u64, a.stats.timer_expiries, 10));
	cr_assert(eq(u64, a.stats.timer_coalesced, 9));
	cr_assert(eq(int, lapic_pending_vector(&a), (int)VEC));
	cr_assert(eq(int, lapic_accept(&a, VEC), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	/* the phase is kept */
	cr_assert(eq(u64, lapic_next_event(&a, a.now), t0 + 11 * period));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR),
		     ref_periodic((uint32_t)n, t0, tick, t0 + 10 * period + period / 2)));
	/* an expiry while the previous one is still in IRR merges there */
	cr_assert(eq(u64, lapic_tick(&a, t0 + 11 * period), 1));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 12 * period), 1));
	cr_assert(eq(u64, a.stats.irr_merged, 1));
	/* a very long absence: one division, not a loop */
	cr_assert(eq(u64, lapic_tick(&a, t0 + 1000000000ull * period + 3), 1000000000ull - 12));
}

Test(lapic_timer, mask_suppresses_interrupt_not_count)
{
	uint64_t tick = 1 * 2, n = 10, period = n * tick, t0 = T_T0;

	setup_timer(T_ALL, 1, 0, LAPIC_TIMER_PERIODIC, true);
	wr_at(&a, LAPIC_REG_TIMER_ICR, (uint32_t)n, t0);
	cr_assert(eq(u64, lapic_next_event(&a, t0), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 3 * period + 4), 3));
	cr_assert(not(irr_has(&a, VEC)));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), n - 2));
	/* unmasked: the next expiry in phase delivers */
	wr(&a, LAPIC_REG_LVT_TIMER, (LAPIC_TIMER_PERIODIC << 17) | VEC);
	cr_assert(eq(u64, lapic_next_event(&a, a.now), t0 + 4 * period));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 4 * period), 1));
	cr_assert(irr_has(&a, VEC));
	/* software disable masks the entry; counting goes on */
	eoi_all();
	wr(&a, LAPIC_REG_SVR, 0xFF);
	cr_assert(eq(u64, lapic_next_event(&a, a.now), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 5 * period), 1));
	cr_assert(not(irr_has(&a, VEC)));
}

Test(lapic_timer, zero_initial_count_stops)
{
	uint64_t t0 = T_T0;

	setup_timer(T_ALL, 1, 7, LAPIC_TIMER_PERIODIC, false);
	wr_at(&a, LAPIC_REG_TIMER_ICR, 100, t0);
	cr_assert(eq(u32, rd_at(&a, LAPIC_REG_TIMER_CCR, t0 + 30), 70));
	wr_at(&a, LAPIC_REG_TIMER_ICR, 0, t0 + 40);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 0));
	cr_assert(eq(u64, lapic_next_event(&a, a.now), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 100000), 0));
	/* one-shot too */
	wr(&a, LAPIC_REG_LVT_TIMER, VEC);
	wr_at(&a, LAPIC_REG_TIMER_ICR, 100, t0 + 100000);
	wr_at(&a, LAPIC_REG_TIMER_ICR, 0, t0 + 100001);
	cr_assert(eq(u64, lapic_tick(&a, t0 + 200000), 0));
	cr_assert(eq(u64, a.stats.timer_expiries, 0));
}

Test(lapic_timer, initial_count_write_restarts)
{
	uint64_t tick = 3 * 8, t0 = T_T0;

	setup_timer(T_ALL, 3, 2, LAPIC_TIMER_ONESHOT, false);
	wr_at(&a, LAPIC_REG_TIMER_ICR, 10, t0);
	wr_at(&a, LAPIC_REG_TIMER_ICR, 20, t0 + 5 * tick + 1);
	cr_assert(eq(u32, rd_at(&a, LAPIC_REG_TIMER_CCR, t0 + 12 * tick),
		     ref_oneshot(20, t0 + 5 * tick + 1, tick, t0 + 12 * tick)));
	cr_assert(eq(u64, lapic_next_event(&a, a.now), t0 + 5 * tick + 1 + 20 * tick));
	/* after a one-shot expiry the count stays 0 until a new write */
	cr_assert(eq(u64, lapic_tick(&a, t0 + 100 * tick), 1));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 0));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 1000 * tick), 0));
	wr(&a, LAPIC_REG_TIMER_ICR, 4);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 4));
}

Test(lapic_timer, divide_change_keeps_count)
{
	uint64_t t0 = T_T0, t1;

	setup_timer(T_ALL, 1, 0, LAPIC_TIMER_ONESHOT, false);	/* /2 */
	wr_at(&a, LAPIC_REG_TIMER_ICR, 1000, t0);
	t1 = t0 + 2 * 300 + 1;					/* 300 ticks and a bit */
	wr_at(&a, LAPIC_REG_TIMER_DCR, t_dcr_of(3), t1);	/* /16 from now */
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 700));
	cr_assert(eq(u32, rd_at(&a, LAPIC_REG_TIMER_CCR, t1 + 16 * 100 + 15), 600));
	cr_assert(eq(u64, lapic_next_event(&a, a.now), t1 + 16 * 700));
	/* periodic: the reload counts at the new rate too */
	setup_timer(T_ALL, 1, 7, LAPIC_TIMER_PERIODIC, false);	/* /1 */
	wr_at(&a, LAPIC_REG_TIMER_ICR, 10, t0);
	wr_at(&a, LAPIC_REG_TIMER_DCR, t_dcr_of(1), t0 + 4);	/* /4, 6 left */
	cr_assert(eq(u64, lapic_next_event(&a, a.now), t0 + 4 + 6 * 4));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 4 + 6 * 4), 1));
	cr_assert(eq(u64, lapic_next_event(&a, a.now), t0 + 4 + 6 * 4 + 10 * 4));
}

Test(lapic_timer, mode_change_disarms)
{
	uint64_t t0 = T_T0;

	setup_timer(T_ALL, 1, 7, LAPIC_TIMER_ONESHOT, false);
	wr_at(&a, LAPIC_REG_TIMER_ICR, 100, t0);
	/* vector and mask changes do not disarm */
	wr_at(&a, LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED | 0x41, t0 + 10);
	wr_at(&a, LAPIC_REG_LVT_TIMER, 0x41, t0 + 11);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 89));
	/* one-shot -> periodic: disarmed (SDM 11.5.4.1), initial count kept */
	wr_at(&a, LAPIC_REG_LVT_TIMER, (LAPIC_TIMER_PERIODIC << 17) | 0x41, t0 + 12);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_ICR), 100));
	cr_assert(eq(u64, lapic_next_event(&a, a.now), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 1000), 0));
	/* periodic -> TSC-deadline: disarmed */
	wr_at(&a, LAPIC_REG_TIMER_ICR, 100, t0 + 1000);
	wr_at(&a, LAPIC_REG_LVT_TIMER, (LAPIC_TIMER_TSC_DEADLINE << 17) | 0x41, t0 + 1001);
	cr_assert(eq(u64, lapic_tick(&a, t0 + 5000), 0));
	/* TSC-deadline -> one-shot: the deadline is dropped */
	mwr(&a, LAPIC_MSR_TSC_DEADLINE, t0 + 6000);
	wr_at(&a, LAPIC_REG_LVT_TIMER, 0x41, t0 + 5001);
	wr_at(&a, LAPIC_REG_LVT_TIMER, (LAPIC_TIMER_TSC_DEADLINE << 17) | 0x41, t0 + 5002);
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_TSC_DEADLINE), 0));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 7000), 0));
	cr_assert(eq(u64, a.stats.timer_expiries, 0));
}

Test(lapic_timer, tsc_deadline_mode)
{
	uint64_t t0 = T_T0, dl = t0 + 12345;

	setup_timer(T_ALL, 10, 3, LAPIC_TIMER_TSC_DEADLINE, false);
	cr_assert(eq(u64, lapic_next_event(&a, t0), LAPIC_NO_EVENT));
	cr_assert(eq(int, lapic_msr_write(&a, LAPIC_MSR_TSC_DEADLINE, dl, t0), 0));
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_TSC_DEADLINE), dl));
	cr_assert(eq(u64, lapic_next_event(&a, t0), dl));
	/* initial-count writes are ignored, the current count reads 0 */
	wr(&a, LAPIC_REG_TIMER_ICR, 55);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_ICR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 0));
	cr_assert(eq(u64, lapic_tick(&a, dl - 1), 0));
	cr_assert(not(irr_has(&a, VEC)));
	cr_assert(eq(u64, lapic_tick(&a, dl + 7), 1));
	cr_assert(irr_has(&a, VEC));
	/* it disarms itself and reads 0 */
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_TSC_DEADLINE), 0));
	cr_assert(eq(u64, lapic_next_event(&a, a.now), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, dl + 100000), 0));
	eoi_all();
	/* a deadline already passed fires at the write */
	cr_assert(eq(int, lapic_msr_write(&a, LAPIC_MSR_TSC_DEADLINE, 5, a.now), 0));
	cr_assert(irr_has(&a, VEC));
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_TSC_DEADLINE), 0));
	eoi_all();
	/* writing 0 disarms */
	mwr(&a, LAPIC_MSR_TSC_DEADLINE, a.now + 10);
	mwr(&a, LAPIC_MSR_TSC_DEADLINE, 0);
	cr_assert(eq(u64, lapic_tick(&a, a.now + 1000), 0));
	/* masked: the deadline passes, the MSR clears, no interrupt */
	wr(&a, LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED | (LAPIC_TIMER_TSC_DEADLINE << 17) | VEC);
	mwr(&a, LAPIC_MSR_TSC_DEADLINE, a.now + 10);
	cr_assert(eq(u64, lapic_next_event(&a, a.now), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, a.now + 10), 1));
	cr_assert(not(irr_has(&a, VEC)));
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_TSC_DEADLINE), 0));
}

Test(lapic_timer, tsc_deadline_msr_outside_its_mode)
{
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
	wr(&a, LAPIC_REG_LVT_TIMER, VEC);	/* one-shot */
	mwr(&a, LAPIC_MSR_TSC_DEADLINE, a.now + 5);
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_TSC_DEADLINE), 0));
	cr_assert(eq(u64, lapic_tick(&a, a.now + 100), 0));
	/* switching to the mode afterwards does not resurrect the write */
	wr(&a, LAPIC_REG_LVT_TIMER, (LAPIC_TIMER_TSC_DEADLINE << 17) | VEC);
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_TSC_DEADLINE), 0));
	/* not offered: the MSR does not exist, and mode bit 18 is reserved */
	t_init(&a, LAPIC_F_X2APIC, 1);
	uint64_t v;
	cr_assert(eq(int, lapic_msr_read(&a, LAPIC_MSR_TSC_DEADLINE, &v, a.now), LAPIC_E_GP));
	cr_assert(eq(int, lapic_msr_write(&a, LAPIC_MSR_TSC_DEADLINE, 1, a.now), LAPIC_E_GP));
	sw_enable(&a);
	wr(&a, LAPIC_REG_LVT_TIMER, (LAPIC_TIMER_TSC_DEADLINE << 17) | VEC);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LVT_TIMER), VEC));	/* one-shot */
	wr(&a, LAPIC_REG_TIMER_ICR, 3);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 3));
}

Test(lapic_timer, reserved_mode_never_counts)
{
	setup_timer(T_ALL, 1, 7, LAPIC_TIMER_RESERVED, false);
	wr(&a, LAPIC_REG_TIMER_ICR, 5);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_ICR), 5));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 0));
	cr_assert(eq(u64, lapic_next_event(&a, a.now), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, a.now + 100), 0));
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_TSC_DEADLINE), 0));
}

Test(lapic_timer, illegal_timer_vector)
{
	setup_timer(T_ALL, 1, 7, LAPIC_TIMER_ONESHOT, false);
	wr(&a, LAPIC_REG_LVT_TIMER, 0x0E);
	wr(&a, LAPIC_REG_TIMER_ICR, 2);
	cr_assert(eq(u64, lapic_tick(&a, a.now + 2), 1));
	cr_assert(eq(u32, a.irr[0], 0));
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_RECV_ILLEGAL));
}

Test(lapic_timer, largest_values_near_the_end_of_time)
{
	uint64_t tick = (uint64_t)LAPIC_MAX_TSC_PER_CLOCK * 128;
	uint64_t n = 0xFFFFFFFFu, t0 = T_T0;

	setup_timer(T_ALL, LAPIC_MAX_TSC_PER_CLOCK, 6, LAPIC_TIMER_PERIODIC, false);
	wr_at(&a, LAPIC_REG_TIMER_ICR, (uint32_t)n, t0);
	cr_assert(eq(u64, lapic_next_event(&a, t0), t0 + n * tick));
	cr_assert(eq(u64, lapic_tick(&a, t0 + 3 * n * tick + 1), 3));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), n));
	/* a count started near 2^64 whose expiry lies beyond: never fires */
	uint64_t late = UINT64_MAX - 5 * tick;
	wr_at(&a, LAPIC_REG_TIMER_ICR, 100, late);
	cr_assert(eq(u64, lapic_next_event(&a, late), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, UINT64_MAX), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR),
		     ref_oneshot(100, late, tick, UINT64_MAX)));
	/* a count that ends just before 2^64 - 1 fires */
	wr_at(&a, LAPIC_REG_TIMER_ICR, 0, UINT64_MAX);
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
	wr_at(&a, LAPIC_REG_LVT_TIMER, VEC, UINT64_MAX - 10);
	wr_at(&a, LAPIC_REG_TIMER_DCR, t_dcr_of(7), UINT64_MAX - 10);
	wr_at(&a, LAPIC_REG_TIMER_ICR, 9, UINT64_MAX - 10);
	cr_assert(eq(u64, lapic_next_event(&a, a.now), UINT64_MAX - 1));
	cr_assert(eq(u64, lapic_tick(&a, UINT64_MAX), 1));
}

Test(lapic_timer, time_never_goes_back)
{
	uint64_t t0 = T_T0;

	setup_timer(T_ALL, 1, 7, LAPIC_TIMER_ONESHOT, false);
	wr_at(&a, LAPIC_REG_TIMER_ICR, 100, t0);
	cr_assert(eq(u32, rd_at(&a, LAPIC_REG_TIMER_CCR, t0 + 60), 40));
	cr_assert(eq(u32, rd_at(&a, LAPIC_REG_TIMER_CCR, t0 + 10), 40));
	cr_assert(eq(u64, lapic_tick(&a, 0), 0));
	cr_assert(eq(u32, rd_at(&a, LAPIC_REG_TIMER_CCR, t0 + 61), 39));
}

Test(lapic_timer, disable_stops_the_timer)
{
	setup_timer(T_ALL, 1, 7, LAPIC_TIMER_PERIODIC, false);
	wr(&a, LAPIC_REG_TIMER_ICR, 10);
	mwr(&a, LAPIC_MSR_APIC_BASE, LAPIC_BASE_DEFAULT);
	cr_assert(eq(u64, lapic_next_event(&a, a.now), LAPIC_NO_EVENT));
	cr_assert(eq(u64, lapic_tick(&a, a.now + 1000), 0));
	mwr(&a, LAPIC_MSR_APIC_BASE, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_ICR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 0));
	cr_assert(eq(u64, lapic_tick(&a, a.now + 1000), 0));
}
