/*
 * Host tests of the local APIC model's IPIs on a one-CPU machine (SDM 11.6,
 * Table 11-3, 11.12.9 - 11.12.11; APM ch.16 "Interprocessor Interrupts"):
 * shorthands, physical and logical destinations in xAPIC (flat and cluster
 * models) and x2APIC mode, broadcast IDs, NMI/SMI/INIT/start-up as events,
 * lowest priority (not supported: ESR[4]), the combinations the SDM calls
 * invalid, illegal vectors (ESR[5], and ESR[6] when this CPU receives it),
 * the SELF IPI register.
 */
#include "lapic_test.h"

static struct lapic a;

static void setup(void)
{
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
}

static uint32_t icr(unsigned sh, unsigned dm, bool logical, unsigned vector)
{
	return (sh << 18) | (dm << 8) | (logical ? LAPIC_ICR_LOGICAL : 0) |
	       LAPIC_ICR_ASSERT | vector;
}

/* xAPIC: send, return whether vector reached IRR, clear it */
static bool send(uint8_t dest, uint32_t lo)
{
	bool got;

	wr(&a, LAPIC_REG_ICR_HI, (uint32_t)dest << 24);
	wr(&a, LAPIC_REG_ICR_LO, lo);
	got = irr_has(&a, lo & 0xFF);
	if (got) {
		cr_assert(eq(int, lapic_accept(&a, lo & 0xFF), 0));
		wr(&a, LAPIC_REG_EOI, 0);
	}
	return got;
}

static bool send_x2(uint32_t dest, uint32_t lo)
{
	bool got;

	mwr(&a, LAPIC_MSR_OF(LAPIC_REG_ICR_LO), ((uint64_t)dest << 32) | lo);
	got = irr_has(&a, lo & 0xFF);
	if (got) {
		cr_assert(eq(int, lapic_accept(&a, lo & 0xFF), 0));
		mwr(&a, LAPIC_MSR_OF(LAPIC_REG_EOI), 0);
	}
	return got;
}

Test(lapic_ipi, shorthands, .init = setup)
{
	cr_assert(send(0x00, icr(LAPIC_ICR_SH_SELF, LAPIC_DM_FIXED, false, 0x40)));
	cr_assert(send(0x00, icr(LAPIC_ICR_SH_ALL, LAPIC_DM_FIXED, false, 0x41)));
	cr_assert(not(send(T_ID, icr(LAPIC_ICR_SH_OTHERS, LAPIC_DM_FIXED, false, 0x42))));
	cr_assert(eq(u64, a.stats.ipis, 3));
	cr_assert(eq(u64, a.stats.ipis_to_nobody, 1));
	/* the level and trigger bits change nothing: every IPI is an edge */
	cr_assert(send(0, icr(LAPIC_ICR_SH_SELF, LAPIC_DM_FIXED, false, 0x43) | LAPIC_ICR_LEVEL));
	cr_assert(send(0, (icr(LAPIC_ICR_SH_SELF, LAPIC_DM_FIXED, false, 0x44) |
			   LAPIC_ICR_LEVEL) & ~LAPIC_ICR_ASSERT));
	for (unsigned w = 0; w < 8; w++)
		cr_assert(eq(u32, a.tmr[w], 0));
	cr_assert(eq(u32, esr(&a), 0));
}

Test(lapic_ipi, physical_destination, .init = setup)
{
	for (unsigned d = 0; d < 256; d++) {
		bool want = d == T_ID || d == 0xFF;

		cr_assert(eq(int, send((uint8_t)d, icr(0, LAPIC_DM_FIXED, false, 0x50)), want),
			  "dest %u", d);
	}
	cr_assert(eq(u64, a.stats.ipis_to_nobody, 254));
}

Test(lapic_ipi, logical_flat_and_cluster, .init = setup)
{
	/* flat: any common bit with LDR[31:24] */
	wr(&a, LAPIC_REG_LDR, 0x24000000u);
	for (unsigned d = 0; d < 256; d++)
		cr_assert(eq(int, send((uint8_t)d, icr(0, LAPIC_DM_FIXED, true, 0x60)),
			     (d & 0x24) != 0 || d == 0xFF), "flat dest %x", d);
	/* cluster: same cluster in bits 7:4, a common bit in 3:0 */
	wr(&a, LAPIC_REG_DFR, 0x0FFFFFFFu);
	wr(&a, LAPIC_REG_LDR, 0x35000000u);
	for (unsigned d = 0; d < 256; d++)
		cr_assert(eq(int, send((uint8_t)d, icr(0, LAPIC_DM_FIXED, true, 0x61)),
			     ((d >> 4) == 3 && (d & 5)) || d == 0xFF), "cluster dest %x", d);
	/* an undefined model matches nothing but the broadcast */
	wr(&a, LAPIC_REG_DFR, 0x7FFFFFFFu);
	cr_assert(not(send(0x35, icr(0, LAPIC_DM_FIXED, true, 0x62))));
	cr_assert(send(0xFF, icr(0, LAPIC_DM_FIXED, true, 0x62)));
	/* a zero LDR in flat mode is reached only by the broadcast */
	wr(&a, LAPIC_REG_DFR, 0xFFFFFFFFu);
	wr(&a, LAPIC_REG_LDR, 0);
	cr_assert(not(send(0x7F, icr(0, LAPIC_DM_FIXED, true, 0x63))));
}

Test(lapic_ipi, x2apic_destinations)
{
	struct lapic_config c = t_cfg(T_ALL, 1);
	uint32_t ldr;

	c.apic_id = 0x31;	/* cluster 3, bit 1 */
	cr_assert(eq(int, lapic_init(&a, &c, 0), 0));
	sw_enable(&a);
	to_x2apic(&a);
	ldr = (3u << 16) | (1u << 1);
	cr_assert(send_x2(0x31, icr(0, LAPIC_DM_FIXED, false, 0x70)));
	cr_assert(not(send_x2(0x30, icr(0, LAPIC_DM_FIXED, false, 0x70))));
	cr_assert(not(send_x2(0x131, icr(0, LAPIC_DM_FIXED, false, 0x70))));	/* 32-bit IDs */
	cr_assert(not(send_x2(0xFF, icr(0, LAPIC_DM_FIXED, false, 0x70))));
	cr_assert(send_x2(0xFFFFFFFFu, icr(0, LAPIC_DM_FIXED, false, 0x70)));
	cr_assert(send_x2(ldr, icr(0, LAPIC_DM_FIXED, true, 0x71)));
	cr_assert(send_x2((3u << 16) | 0xFFFF, icr(0, LAPIC_DM_FIXED, true, 0x71)));
	cr_assert(not(send_x2((3u << 16) | 1, icr(0, LAPIC_DM_FIXED, true, 0x71))));
	cr_assert(not(send_x2((4u << 16) | 2, icr(0, LAPIC_DM_FIXED, true, 0x71))));
	cr_assert(send_x2(0xFFFFFFFFu, icr(0, LAPIC_DM_FIXED, true, 0x71)));
}

Test(lapic_ipi, nmi_smi_init_startup_are_events, .init = setup)
{
	static const struct { unsigned dm; uint32_t ev; } m[] = {
		{ LAPIC_DM_NMI, LAPIC_EV_NMI }, { LAPIC_DM_SMI, LAPIC_EV_SMI },
		{ LAPIC_DM_INIT, LAPIC_EV_INIT }, { LAPIC_DM_STARTUP, LAPIC_EV_SIPI },
	};
	struct lapic_events ev;

	for (unsigned i = 0; i < 4; i++) {
		/* to this CPU by ID: an event, nothing in IRR */
		cr_assert(not(send(T_ID, icr(0, m[i].dm, false, 0x9A))));
		lapic_take_events(&a, &ev);
		cr_assert(eq(u32, ev.mask, m[i].ev), "dm %u", m[i].dm);
		if (m[i].dm == LAPIC_DM_STARTUP)
			cr_assert(eq(u8, ev.sipi_vector, 0x9A));
		/* to another CPU: nobody */
		cr_assert(not(send(T_ID + 1, icr(0, m[i].dm, false, 0x9A))));
		lapic_take_events(&a, &ev);
		cr_assert(eq(u32, ev.mask, 0));
		/* to all but self: nobody */
		cr_assert(not(send(0, icr(LAPIC_ICR_SH_OTHERS, m[i].dm, false, 0x9A))));
		lapic_take_events(&a, &ev);
		cr_assert(eq(u32, ev.mask, 0));
		/* with the self / all-including-self shorthand: invalid, dropped */
		cr_assert(not(send(0, icr(LAPIC_ICR_SH_SELF, m[i].dm, false, 0x9A))));
		cr_assert(not(send(0, icr(LAPIC_ICR_SH_ALL, m[i].dm, false, 0x9A))));
		lapic_take_events(&a, &ev);
		cr_assert(eq(u32, ev.mask, 0));
	}
	cr_assert(eq(u64, a.stats.ipis_invalid, 8));
	/* vectors below 16 are no error for these modes */
	cr_assert(eq(u32, esr(&a), 0));
}

Test(lapic_ipi, reserved_delivery_modes_dropped, .init = setup)
{
	struct lapic_events ev;

	cr_assert(not(send(T_ID, icr(0, 3, false, 0x40))));
	cr_assert(not(send(T_ID, icr(0, 7, false, 0x40))));
	lapic_take_events(&a, &ev);
	cr_assert(eq(u32, ev.mask, 0));
	cr_assert(eq(u64, a.stats.ipis_invalid, 2));
	cr_assert(eq(u32, esr(&a), 0));
}

Test(lapic_ipi, lowest_priority_not_supported, .init = setup)
{
	cr_assert(not(send(T_ID, icr(0, LAPIC_DM_LOWEST, false, 0x40))));
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_REDIR_IPI));
	/* with an illegal vector: only the redirectable-IPI bit (SDM 11.5.3) */
	cr_assert(not(send(T_ID, icr(0, LAPIC_DM_LOWEST, false, 0x05))));
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_REDIR_IPI));
	cr_assert(not(send(0, icr(LAPIC_ICR_SH_OTHERS, LAPIC_DM_LOWEST, false, 0x40))));
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_REDIR_IPI));
}

Test(lapic_ipi, illegal_vectors, .init = setup)
{
	for (unsigned v = 0; v < 16; v++) {
		/* reaches this CPU: send and receive illegal vector */
		cr_assert(not(send(0, icr(LAPIC_ICR_SH_SELF, LAPIC_DM_FIXED, false, v))));
		cr_assert(eq(u32, esr(&a), LAPIC_ESR_SEND_ILLEGAL | LAPIC_ESR_RECV_ILLEGAL),
			  "v %u", v);
		cr_assert(not(send(T_ID, icr(0, LAPIC_DM_FIXED, false, v))));
		cr_assert(eq(u32, esr(&a), LAPIC_ESR_SEND_ILLEGAL | LAPIC_ESR_RECV_ILLEGAL));
		/* reaches nobody: send only */
		cr_assert(not(send(0, icr(LAPIC_ICR_SH_OTHERS, LAPIC_DM_FIXED, false, v))));
		cr_assert(eq(u32, esr(&a), LAPIC_ESR_SEND_ILLEGAL));
		cr_assert(not(send(T_ID + 1, icr(0, LAPIC_DM_FIXED, false, v))));
		cr_assert(eq(u32, esr(&a), LAPIC_ESR_SEND_ILLEGAL));
		cr_assert(eq(u32, a.irr[0], 0));
	}
}

Test(lapic_ipi, self_ipi_register, .init = setup)
{
	uint64_t v;

	to_x2apic(&a);
	mwr(&a, LAPIC_MSR_OF(LAPIC_REG_SELF_IPI), 0xC5);
	cr_assert(irr_has(&a, 0xC5));
	cr_assert(not(tmr_has(&a, 0xC5)));
	cr_assert(eq(int, lapic_pending_vector(&a), 0xC5));
	mwr(&a, LAPIC_MSR_OF(LAPIC_REG_SELF_IPI), 0x0C);
	cr_assert(eq(u32, esr(&a), LAPIC_ESR_SEND_ILLEGAL | LAPIC_ESR_RECV_ILLEGAL));
	cr_assert(eq(int, lapic_msr_read(&a, LAPIC_MSR_OF(LAPIC_REG_SELF_IPI), &v, a.now),
		     LAPIC_E_GP));
	cr_assert(eq(int, lapic_msr_write(&a, LAPIC_MSR_OF(LAPIC_REG_SELF_IPI), 0x100, a.now),
		     LAPIC_E_GP));
	/* a software-disabled APIC does not accept it */
	mwr(&a, LAPIC_MSR_OF(LAPIC_REG_SVR), 0xFF);
	mwr(&a, LAPIC_MSR_OF(LAPIC_REG_SELF_IPI), 0xC6);
	cr_assert(not(irr_has(&a, 0xC6)));
}

Test(lapic_ipi, icr_high_write_does_not_send, .init = setup)
{
	wr(&a, LAPIC_REG_ICR_LO, icr(0, LAPIC_DM_FIXED, false, 0x48));	/* to ID 0 */
	cr_assert(eq(u64, a.stats.ipis, 1));
	wr(&a, LAPIC_REG_ICR_HI, T_ID << 24);
	cr_assert(eq(u64, a.stats.ipis, 1));
	cr_assert(not(irr_has(&a, 0x48)));
	wr(&a, LAPIC_REG_ICR_LO, icr(0, LAPIC_DM_FIXED, false, 0x48));
	cr_assert(irr_has(&a, 0x48));
}
