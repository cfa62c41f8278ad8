/*
 * Host tests of the local APIC model's interrupt acceptance and priorities
 * (SDM 11.8.3 - 11.8.5, 11.6.2.4, 11.5.2, 11.5.3; APM ch.16 "Local APIC
 * Handling of Interrupts"): IRR/ISR/TMR bits as the registers show them,
 * PPR and APR against the SDM's formulas written out here, the vector L1
 * should inject, acceptance and EOI order, level-triggered EOI broadcast,
 * illegal vectors and the error interrupt, software and hardware disable,
 * and the delivery modes of the LVT entries.
 */
#include "lapic_test.h"

static struct lapic a;

static void setup(void)
{
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
}

/* the SDM's definitions, computed the slow way */
static int ref_highest(const uint32_t *bits)
{
	for (int v = 255; v >= 0; v--)
		if ((bits[v / 32] >> (v % 32)) & 1)
			return v;
	return -1;
}

static uint32_t ref_ppr(uint32_t tpr, int isrv)
{
	uint32_t isr = isrv < 0 ? 0 : (uint32_t)isrv;

	if ((tpr >> 4) >= (isr >> 4))
		return tpr;
	return isr & 0xF0;
}

static uint32_t ref_apr(uint32_t tpr, int isrv, int irrv)
{
	uint32_t isr = isrv < 0 ? 0 : (uint32_t)isrv, irr = irrv < 0 ? 0 : (uint32_t)irrv;
	uint32_t m = tpr >> 4;

	if ((tpr >> 4) >= (irr >> 4) && (tpr >> 4) > (isr >> 4))
		return tpr;
	if ((isr >> 4) > m)
		m = isr >> 4;
	if ((irr >> 4) > m)
		m = irr >> 4;
	return m << 4;
}

/* put vector v in service: raise it with TPR 0, accept it, restore TPR */
static void make_in_service(unsigned v)
{
	cr_assert(eq(int, lapic_raise(&a, (int)v, false, a.now), 0));
	cr_assert(eq(int, lapic_accept(&a, (int)v), 0));
}

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

Test(lapic_prio, every_vector_lands_in_its_irr_bit, .init = setup)
{
	for (unsigned v = 16; v < 256; v++) {
		cr_assert(eq(int, lapic_raise(&a, (int)v, false, a.now), 0));
		for (unsigned w = 0; w < 8; w++) {
			uint32_t want = w < v / 32 ? 0xFFFFFFFFu : w == v / 32 ?
				(uint32_t)(((2ull << (v % 32)) - 1)) : 0;

			if (w == 0)
				want &= 0xFFFF0000u;	/* vectors 0-15 never set */
			cr_assert(eq(u32, rd(&a, LAPIC_REG_IRR0 + 16 * w), want),
				  "v %u w %u", v, w);
		}
	}
	cr_assert(eq(u32, esr(&a), 0));
}

Test(lapic_prio, illegal_vectors_never_reach_irr, .init = setup)
{
	for (int v = 0; v < 16; v++) {
		cr_assert(eq(int, lapic_raise(&a, v, false, a.now), 0));
		cr_assert(eq(u32, rd(&a, LAPIC_REG_IRR0), 0));
		cr_assert(eq(u32, esr(&a), LAPIC_ESR_RECV_ILLEGAL), "vector %d", v);
		cr_assert(eq(u32, esr(&a), 0));
	}
	cr_assert(eq(int, lapic_raise(&a, 256, false, a.now), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_raise(&a, -1, false, a.now), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_raise(NULL, 32, false, 0), LAPIC_E_INVAL));
}

Test(lapic_prio, ppr_from_tpr_and_isr, .init = setup)
{
	/* every TPR against an empty ISR and against each class in service */
	for (int isrv = -1; isrv < 256; isrv += 17) {
		if (isrv >= 0 && isrv < 16)
			continue;
		setup();
		if (isrv >= 0)
			make_in_service((unsigned)isrv);
		for (uint32_t tpr = 0; tpr < 256; tpr++) {
			wr(&a, LAPIC_REG_TPR, tpr);
			cr_assert(eq(u32, rd(&a, LAPIC_REG_PPR), ref_ppr(tpr, isrv)),
				  "tpr %x isrv %d", tpr, isrv);
		}
	}
}

Test(lapic_prio, apr_from_tpr_isr_irr, .init = setup)
{
	uint32_t s = 7;

	for (unsigned round = 0; round < 400; round++) {
		int isrv = -1, irrv = -1;
		uint32_t tpr = lcg(&s) & 0xFF;

		setup();
		if (lcg(&s) & 1) {
			isrv = 16 + (int)(lcg(&s) % 240);
			make_in_service((unsigned)isrv);
		}
		if (lcg(&s) & 1) {
			irrv = 16 + (int)(lcg(&s) % 240);
			cr_assert(eq(int, lapic_raise(&a, irrv, false, a.now), 0));
		}
		wr(&a, LAPIC_REG_TPR, tpr);
		cr_assert(eq(u32, rd(&a, LAPIC_REG_APR),
			     ref_apr(tpr, ref_highest(a.isr), ref_highest(a.irr))),
			  "tpr %x isrv %d irrv %d", tpr, isrv, irrv);
	}
}

Test(lapic_prio, pending_vector_against_reference, .init = setup)
{
	uint32_t s = 12345;

	for (unsigned round = 0; round < 2000; round++) {
		unsigned n_isr = lcg(&s) % 3, n_irr = lcg(&s) % 6;
		uint32_t tpr = lcg(&s) & 0xFF, ppr;
		int want, irrv;

		setup();
		for (unsigned i = 0; i < n_isr; i++)
			make_in_service(16 + lcg(&s) % 240);
		for (unsigned i = 0; i < n_irr; i++) {
			int v = (int)(16 + lcg(&s) % 240);

			cr_assert(eq(int, lapic_raise(&a, v, false, a.now), 0));
		}
		wr(&a, LAPIC_REG_TPR, tpr);
		irrv = ref_highest(a.irr);
		ppr = ref_ppr(tpr, ref_highest(a.isr));
		want = irrv >= 0 && ((uint32_t)irrv >> 4) > (ppr >> 4) ? irrv : -1;
		cr_assert(eq(int, lapic_pending_vector(&a), want), "round %u", round);
	}
}

Test(lapic_prio, nested_acceptance_and_eoi_order, .init = setup)
{
	cr_assert(eq(int, lapic_raise(&a, 0x31, false, a.now), 0));
	cr_assert(eq(int, lapic_raise(&a, 0x52, false, a.now), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), 0x52));
	cr_assert(eq(int, lapic_accept(&a, 0x52), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_PPR), 0x50));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));	/* 0x31 below PPR */
	cr_assert(eq(int, lapic_raise(&a, 0x5F, false, a.now), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));	/* same class: blocked */
	cr_assert(eq(int, lapic_raise(&a, 0x61, false, a.now), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), 0x61));
	cr_assert(eq(int, lapic_accept(&a, 0x61), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_PPR), 0x60));
	/* ISR bits 95:64 hold 0x52 (bit 18), bits 127:96 hold 0x61 (bit 1) */
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ISR0 + 0x20), 1u << 18));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ISR0 + 0x30), 1u << 1));
	/* EOI retires the highest in-service vector first */
	wr(&a, LAPIC_REG_EOI, 0);
	cr_assert(not(isr_has(&a, 0x61)));
	cr_assert(isr_has(&a, 0x52));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));	/* 0x5F: class of 0x52 */
	wr(&a, LAPIC_REG_EOI, 0);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_PPR), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), 0x5F));
	cr_assert(eq(int, lapic_accept(&a, 0x5F), 0));
	wr(&a, LAPIC_REG_EOI, 0);
	cr_assert(eq(int, lapic_pending_vector(&a), 0x31));
	cr_assert(eq(int, lapic_accept(&a, 0x31), 0));
	wr(&a, LAPIC_REG_EOI, 0);
	wr(&a, LAPIC_REG_EOI, 0);	/* EOI with ISR empty: nothing */
	for (unsigned w = 0; w < 8; w++) {
		cr_assert(eq(u32, a.isr[w], 0));
		cr_assert(eq(u32, a.irr[w], 0));
	}
}

Test(lapic_prio, tpr_masks_by_class, .init = setup)
{
	cr_assert(eq(int, lapic_raise(&a, 0x5F, false, a.now), 0));
	wr(&a, LAPIC_REG_TPR, 0x50);
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	wr(&a, LAPIC_REG_TPR, 0x4F);
	cr_assert(eq(int, lapic_pending_vector(&a), 0x5F));
	cr_assert(eq(int, lapic_cr8_write(&a, 5), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	cr_assert(eq(int, lapic_raise(&a, 0x60, false, a.now), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), 0x60));
	cr_assert(eq(int, lapic_cr8_write(&a, 15), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
}

Test(lapic_prio, accept_checks_irr, .init = setup)
{
	cr_assert(eq(int, lapic_accept(&a, 0x40), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_accept(&a, 5), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_accept(&a, 300), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_accept(&a, -1), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_accept(NULL, 0x40), LAPIC_E_INVAL));
	/* a V_IRQ that L2 took late: a lower vector is accepted even though a
	 * higher one arrived meanwhile */
	cr_assert(eq(int, lapic_raise(&a, 0x40, false, a.now), 0));
	cr_assert(eq(int, lapic_raise(&a, 0x80, false, a.now), 0));
	cr_assert(eq(int, lapic_accept(&a, 0x40), 0));
	cr_assert(isr_has(&a, 0x40) && !irr_has(&a, 0x40) && irr_has(&a, 0x80));
	cr_assert(eq(int, lapic_pending_vector(&a), 0x80));
	cr_assert(eq(int, lapic_accept(&a, 0x40), LAPIC_E_INVAL));
}

Test(lapic_prio, repeated_raise_is_one_request, .init = setup)
{
	cr_assert(eq(int, lapic_raise(&a, 0x40, false, a.now), 0));
	cr_assert(eq(int, lapic_raise(&a, 0x40, false, a.now), 0));
	cr_assert(eq(u64, a.stats.irr_merged, 1));
	cr_assert(eq(int, lapic_accept(&a, 0x40), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	/* while in service, a new one waits in IRR */
	cr_assert(eq(int, lapic_raise(&a, 0x40, false, a.now), 0));
	cr_assert(irr_has(&a, 0x40) && isr_has(&a, 0x40));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	wr(&a, LAPIC_REG_EOI, 0);
	cr_assert(eq(int, lapic_pending_vector(&a), 0x40));
}

Test(lapic_prio, level_triggered_eoi_broadcast, .init = setup)
{
	struct lapic_events ev;

	cr_assert(eq(int, lapic_raise(&a, 0x70, true, a.now), 0));
	cr_assert(tmr_has(&a, 0x70));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TMR0 + 0x30), 1u << 16));
	cr_assert(eq(int, lapic_accept(&a, 0x70), 0));
	wr(&a, LAPIC_REG_EOI, 0);
	lapic_take_events(&a, &ev);
	cr_assert(eq(u32, ev.mask, LAPIC_EV_EOI));
	cr_assert(eq(u8, ev.eoi_vector, 0x70));
	lapic_take_events(&a, &ev);
	cr_assert(eq(u32, ev.mask, 0));
	/* an edge acceptance of the same vector clears TMR: no broadcast */
	cr_assert(eq(int, lapic_raise(&a, 0x70, false, a.now), 0));
	cr_assert(not(tmr_has(&a, 0x70)));
	cr_assert(eq(int, lapic_accept(&a, 0x70), 0));
	wr(&a, LAPIC_REG_EOI, 0);
	lapic_take_events(&a, &ev);
	cr_assert(eq(u32, ev.mask, 0));
	/* SVR[12]: EOI-broadcast suppression */
	wr(&a, LAPIC_REG_SVR, LAPIC_SVR_ENABLE | LAPIC_SVR_EOI_SUPPRESS | 0xFF);
	cr_assert(eq(int, lapic_raise(&a, 0x71, true, a.now), 0));
	cr_assert(eq(int, lapic_accept(&a, 0x71), 0));
	wr(&a, LAPIC_REG_EOI, 0);
	lapic_take_events(&a, &ev);
	cr_assert(eq(u32, ev.mask, 0));
	cr_assert(not(isr_has(&a, 0x71)));
}

Test(lapic_prio, error_interrupt_once_until_esr_write, .init = setup)
{
	wr(&a, LAPIC_REG_LVT_ERROR, 0xE0);
	cr_assert(eq(int, lapic_raise(&a, 3, false, a.now), 0));	/* RIV */
	cr_assert(eq(int, lapic_pending_vector(&a), 0xE0));
	cr_assert(eq(int, lapic_accept(&a, 0xE0), 0));
	wr(&a, LAPIC_REG_EOI, 0);
	/* the same error again: the bit is already set, no new interrupt */
	cr_assert(eq(int, lapic_raise(&a, 4, false, a.now), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	/* another bit: a new interrupt */
	rd(&a, 0x050);
	cr_assert(eq(int, lapic_pending_vector(&a), 0xE0));
	cr_assert(eq(int, lapic_accept(&a, 0xE0), 0));
	wr(&a, LAPIC_REG_EOI, 0);
	/* the ESR write re-arms it */
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_RECV_ILLEGAL | LAPIC_ESR_ILLEGAL_REG));
	cr_assert(eq(int, lapic_raise(&a, 4, false, a.now), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), 0xE0));
	/* masked: errors recorded, no interrupt */
	setup();
	cr_assert(eq(int, lapic_raise(&a, 4, false, a.now), 0));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_RECV_ILLEGAL));
}

Test(lapic_prio, illegal_error_vector_does_not_loop, .init = setup)
{
	wr(&a, LAPIC_REG_LVT_ERROR, 0x02);
	rd(&a, 0x040);	/* IRA -> error interrupt with vector 2 -> RIV */
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_ILLEGAL_REG | LAPIC_ESR_RECV_ILLEGAL));
	for (unsigned w = 0; w < 8; w++)
		cr_assert(eq(u32, a.irr[w], 0));
}

Test(lapic_prio, software_disabled_holds_irr, .init = setup)
{
	cr_assert(eq(int, lapic_raise(&a, 0x40, false, a.now), 0));
	wr(&a, LAPIC_REG_SVR, 0xFF);
	/* new fixed interrupts are not accepted ... */
	cr_assert(eq(int, lapic_raise(&a, 0x80, false, a.now), 0));
	cr_assert(not(irr_has(&a, 0x80)));
	cr_assert(eq(u64, a.stats.dropped, 1));
	/* ... those held are still delivered (SDM 11.4.7.2) */
	cr_assert(eq(int, lapic_pending_vector(&a), 0x40));
	/* illegal vectors are still detected */
	cr_assert(eq(int, lapic_raise(&a, 1, false, a.now), 0));
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_RECV_ILLEGAL));
}

Test(lapic_prio, hardware_disable_resets, .init = setup)
{
	cr_assert(eq(int, lapic_raise(&a, 0x40, false, a.now), 0));
	make_in_service(0x90);
	mwr(&a, LAPIC_MSR_APIC_BASE, LAPIC_BASE_DEFAULT);
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	cr_assert(eq(int, lapic_raise(&a, 0x41, false, a.now), 0));
	mwr(&a, LAPIC_MSR_APIC_BASE, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN);
	for (unsigned w = 0; w < 8; w++) {
		cr_assert(eq(u32, a.irr[w], 0));
		cr_assert(eq(u32, a.isr[w], 0));
	}
	cr_assert(eq(u32, rd(&a, LAPIC_REG_SVR), 0xFF));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LVT_LINT0), LAPIC_LVT_MASKED));
}

Test(lapic_prio, init_reset_keeps_base_and_id, .init = setup)
{
	cr_assert(eq(int, lapic_raise(&a, 0x40, false, a.now), 0));
	wr(&a, LAPIC_REG_TPR, 0x30);
	wr(&a, LAPIC_REG_LDR, 0x01000000);
	lapic_init_reset(&a, a.now);
	cr_assert(eq(int, lapic_mode(&a), LAPIC_MODE_XAPIC));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ID), T_ID << 24));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TPR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LDR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_SVR), 0xFF));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
}

static unsigned lvt_off(enum lapic_lvt l)
{
	return LAPIC_REG_LVT_TIMER + 16 * (unsigned)l;
}

Test(lapic_prio, lvt_delivery_modes, .init = setup)
{
	static const struct {
		enum lapic_lvt lvt;
		unsigned dm;
		uint32_t ev;	/* 0: fixed into IRR, ~0u: dropped */
	} cases[] = {
		{ LAPIC_LVT_LINT0, LAPIC_DM_FIXED, 0 },
		{ LAPIC_LVT_LINT0, LAPIC_DM_SMI, LAPIC_EV_SMI },
		{ LAPIC_LVT_LINT0, LAPIC_DM_NMI, LAPIC_EV_NMI },
		{ LAPIC_LVT_LINT0, LAPIC_DM_INIT, LAPIC_EV_INIT },
		{ LAPIC_LVT_LINT0, LAPIC_DM_EXTINT, LAPIC_EV_EXTINT },
		{ LAPIC_LVT_LINT0, 1, ~0u }, { LAPIC_LVT_LINT0, 3, ~0u },
		{ LAPIC_LVT_LINT0, 6, ~0u },
		{ LAPIC_LVT_LINT1, LAPIC_DM_NMI, LAPIC_EV_NMI },
		{ LAPIC_LVT_THERMAL, LAPIC_DM_FIXED, 0 },
		{ LAPIC_LVT_THERMAL, LAPIC_DM_SMI, LAPIC_EV_SMI },
		{ LAPIC_LVT_THERMAL, LAPIC_DM_NMI, LAPIC_EV_NMI },
		{ LAPIC_LVT_THERMAL, LAPIC_DM_INIT, ~0u },
		{ LAPIC_LVT_PERF, LAPIC_DM_NMI, LAPIC_EV_NMI },
		{ LAPIC_LVT_PERF, LAPIC_DM_EXTINT, ~0u },
		{ LAPIC_LVT_PERF, 5, ~0u },
		/* the timer and error entries have no delivery-mode field */
		{ LAPIC_LVT_TIMER, LAPIC_DM_FIXED, 0 },
		{ LAPIC_LVT_ERROR, LAPIC_DM_FIXED, 0 },
	};
	struct lapic_events ev;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t dropped;

		setup();
		wr(&a, lvt_off(cases[i].lvt), (cases[i].dm << 8) | 0x66);
		dropped = a.stats.dropped;
		cr_assert(eq(int, lapic_lvt_fire(&a, cases[i].lvt, a.now), 0));
		lapic_take_events(&a, &ev);
		if (cases[i].ev == 0) {
			cr_assert(irr_has(&a, 0x66), "case %u", i);
			cr_assert(eq(u32, ev.mask, 0));
		} else if (cases[i].ev == ~0u) {
			cr_assert(not(irr_has(&a, 0x66)), "case %u", i);
			cr_assert(eq(u32, ev.mask, 0));
			cr_assert(eq(u64, a.stats.dropped, dropped + 1), "case %u", i);
		} else {
			cr_assert(not(irr_has(&a, 0x66)), "case %u", i);
			cr_assert(eq(u32, ev.mask, cases[i].ev), "case %u", i);
		}
		/* masked: nothing at all */
		wr(&a, lvt_off(cases[i].lvt), LAPIC_LVT_MASKED | (cases[i].dm << 8) | 0x67);
		cr_assert(eq(int, lapic_lvt_fire(&a, cases[i].lvt, a.now), 0));
		lapic_take_events(&a, &ev);
		cr_assert(eq(u32, ev.mask, 0));
		cr_assert(not(irr_has(&a, 0x67)));
	}
	cr_assert(eq(int, lapic_lvt_fire(&a, LAPIC_LVT_NR, a.now), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_lvt_fire(NULL, LAPIC_LVT_LINT0, 0), LAPIC_E_INVAL));
}

Test(lapic_prio, lvt_illegal_vector, .init = setup)
{
	wr(&a, LAPIC_REG_LVT_LINT0, 0x0F);
	cr_assert(eq(int, lapic_lvt_fire(&a, LAPIC_LVT_LINT0, a.now), 0));
	cr_assert(eq(u32, a.irr[0], 0));
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_RECV_ILLEGAL));
}

Test(lapic_prio, lint_level_remote_irr, .init = setup)
{
	struct lapic_events ev;

	wr(&a, LAPIC_REG_LVT_LINT1, LAPIC_LVT_LEVEL | 0x58);
	cr_assert(eq(int, lapic_lvt_fire(&a, LAPIC_LVT_LINT1, a.now), 0));
	cr_assert(irr_has(&a, 0x58) && tmr_has(&a, 0x58));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LVT_LINT1),
		     LAPIC_LVT_LEVEL | LAPIC_LVT_REMOTE_IRR | 0x58));
	/* remote IRR survives a rewrite of the entry (it is read-only) */
	wr(&a, LAPIC_REG_LVT_LINT1, LAPIC_LVT_LEVEL | 0x58);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LVT_LINT1) & LAPIC_LVT_REMOTE_IRR,
		     LAPIC_LVT_REMOTE_IRR));
	cr_assert(eq(int, lapic_accept(&a, 0x58), 0));
	/* still in service: the pin's next assertion is not accepted */
	cr_assert(eq(int, lapic_lvt_fire(&a, LAPIC_LVT_LINT1, a.now), 0));
	cr_assert(not(irr_has(&a, 0x58)));
	wr(&a, LAPIC_REG_EOI, 0);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LVT_LINT1) & LAPIC_LVT_REMOTE_IRR, 0));
	lapic_take_events(&a, &ev);
	cr_assert(eq(u32, ev.mask, LAPIC_EV_EOI));
	cr_assert(eq(int, lapic_lvt_fire(&a, LAPIC_LVT_LINT1, a.now), 0));
	cr_assert(irr_has(&a, 0x58));
}

/* The vector TPR alone holds back, the one L1 watches CR8 writes for. */
Test(lapic_prio, tpr_blocked_vector, .init = setup)
{
	cr_assert(eq(int, lapic_tpr_blocked_vector(&a), -1));         /* IRR empty */
	cr_assert(eq(int, lapic_raise(&a, 0x51, false, 0), 0));
	cr_assert(eq(int, lapic_tpr_blocked_vector(&a), -1));         /* deliverable */
	wr(&a, LAPIC_REG_TPR, 0x50);                                  /* class 5 = 5: held */
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
	cr_assert(eq(int, lapic_tpr_blocked_vector(&a), 0x51));
	wr(&a, LAPIC_REG_TPR, 0x4F);                                  /* class 4: deliverable */
	cr_assert(eq(int, lapic_tpr_blocked_vector(&a), -1));
	cr_assert(eq(int, lapic_pending_vector(&a), 0x51));
	/* In service at class 6: ISR holds 0x51, TPR does not matter */
	wr(&a, LAPIC_REG_TPR, 0);
	cr_assert(eq(int, lapic_raise(&a, 0x61, false, 0), 0));
	cr_assert(eq(int, lapic_accept(&a, 0x61), 0));
	wr(&a, LAPIC_REG_TPR, 0xF0);
	cr_assert(eq(int, lapic_tpr_blocked_vector(&a), -1));
	wr(&a, LAPIC_REG_EOI, 0);                                     /* ISR empty again */
	cr_assert(eq(int, lapic_tpr_blocked_vector(&a), 0x51));
	lapic_cr8_write(&a, 0);                                       /* CR8 lowers TPR */
	cr_assert(eq(int, lapic_tpr_blocked_vector(&a), -1));
	cr_assert(eq(int, lapic_pending_vector(&a), 0x51));
}
