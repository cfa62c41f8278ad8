/*
 * Host tests of the local APIC model's MSR interface and modes: the
 * IA32_APIC_BASE transitions and reserved bits (SDM 11.4.4, 11.12.5,
 * Figure 11-31; APM ch.16 "Local APIC Enable"), the x2APIC MSR map with its
 * #GP cases - absent registers (APR, RRD, DFR, ICR high, CMCI, ...), reads
 * of write-only and writes of read-only registers, reserved bits, non-zero
 * EOI/ESR writes (SDM 11.12.1.2, 11.12.1.3, Table 11-6, 11.12.8) - and
 * what the switch between modes keeps (SDM 11.12.5.1).
 */
#include "lapic_test.h"

static struct lapic a;

#define MSR(off) LAPIC_MSR_OF(off)
#define BASE_ON  (LAPIC_BASE_DEFAULT | LAPIC_BASE_BSP | LAPIC_BASE_EN)

static void setup(void)
{
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
	to_x2apic(&a);
}

static int rdmsr(uint32_t msr, uint64_t *v)
{
	return lapic_msr_read(&a, msr, v, a.now);
}

static int wrmsr(uint32_t msr, uint64_t v)
{
	return lapic_msr_write(&a, msr, v, a.now);
}

static void enter(enum lapic_mode m)
{
	t_init(&a, T_ALL, 1);
	if (m == LAPIC_MODE_DISABLED)
		mwr(&a, LAPIC_MSR_APIC_BASE, LAPIC_BASE_DEFAULT);
	else if (m == LAPIC_MODE_X2APIC)
		to_x2apic(&a);
}

Test(lapic_x2apic, mode_transitions)
{
	/* [from][EN:EXTD written] -> 0 or #GP (SDM Figure 11-31) */
	static const int want[3][4] = {
		/*            00          01          10          11 */
		[LAPIC_MODE_DISABLED] = { 0, LAPIC_E_GP, 0, LAPIC_E_GP },
		[LAPIC_MODE_XAPIC]    = { 0, LAPIC_E_GP, 0, 0 },
		[LAPIC_MODE_X2APIC]   = { 0, LAPIC_E_GP, LAPIC_E_GP, 0 },
	};
	static const enum lapic_mode result[4] = {
		LAPIC_MODE_DISABLED, LAPIC_MODE_DISABLED, LAPIC_MODE_XAPIC, LAPIC_MODE_X2APIC,
	};

	for (int from = 0; from < 3; from++)
		for (unsigned to = 0; to < 4; to++) {
			uint64_t v = LAPIC_BASE_DEFAULT | ((to & 2) ? LAPIC_BASE_EN : 0) |
				     ((to & 1) ? LAPIC_BASE_EXTD : 0);
			uint64_t before;

			enter((enum lapic_mode)from);
			before = mrd(&a, LAPIC_MSR_APIC_BASE);
			cr_assert(eq(int, lapic_apic_base_write(&a, v, a.now), want[from][to]),
				  "from %d to %u", from, to);
			if (want[from][to] == 0) {
				cr_assert(eq(int, lapic_mode(&a), result[to]));
				cr_assert(eq(u64, mrd(&a, LAPIC_MSR_APIC_BASE), v));
			} else {
				cr_assert(eq(int, lapic_mode(&a), from));
				cr_assert(eq(u64, mrd(&a, LAPIC_MSR_APIC_BASE), before));
			}
		}
}

Test(lapic_x2apic, apic_base_reserved_bits)
{
	/* flip each bit of the reset value (MAXPHYADDR 48): BSP, EXTD, EN and
	 * the base address bits 47:12 may change, the others #GP */
	for (unsigned bit = 0; bit < 64; bit++) {
		bool ok = bit == 8 || bit == 10 || bit == 11 || (bit >= 12 && bit < 48);
		uint64_t v = BASE_ON ^ (1ull << bit);

		t_init(&a, T_ALL, 1);
		cr_assert(eq(int, lapic_apic_base_write(&a, v, a.now), ok ? 0 : LAPIC_E_GP),
			  "bit %u", bit);
		cr_assert(eq(u64, mrd(&a, LAPIC_MSR_APIC_BASE), ok ? v : BASE_ON), "bit %u", bit);
	}
	/* x2APIC not offered: EXTD is reserved */
	t_init(&a, LAPIC_F_TSC_DEADLINE, 1);
	cr_assert(eq(int, wrmsr(LAPIC_MSR_APIC_BASE, BASE_ON | LAPIC_BASE_EXTD), LAPIC_E_GP));
	cr_assert(eq(int, lapic_mode(&a), LAPIC_MODE_XAPIC));
}

Test(lapic_x2apic, x2apic_msrs_need_x2apic_mode)
{
	uint64_t v;

	for (int m = LAPIC_MODE_DISABLED; m <= LAPIC_MODE_XAPIC; m++) {
		enter((enum lapic_mode)m);
		for (uint32_t msr = LAPIC_MSR_X2APIC_FIRST; msr <= LAPIC_MSR_X2APIC_LAST; msr++) {
			cr_assert(eq(int, rdmsr(msr, &v), LAPIC_E_GP), "msr %x", msr);
			cr_assert(eq(int, wrmsr(msr, 0), LAPIC_E_GP), "msr %x", msr);
		}
	}
	/* and the xAPIC page is gone in x2APIC mode */
	enter(LAPIC_MODE_X2APIC);
	cr_assert(eq(int, lapic_mmio_read(&a, LAPIC_REG_ID, 4, &v, a.now), LAPIC_E_NOT_DECODED));
	cr_assert(not(lapic_mmio_base(&a, &v)));
}

Test(lapic_x2apic, msr_map_reads, .init = setup)
{
	uint64_t v;

	for (uint32_t msr = LAPIC_MSR_X2APIC_FIRST; msr <= LAPIC_MSR_X2APIC_LAST; msr++) {
		unsigned i = msr - LAPIC_MSR_X2APIC_FIRST;
		bool present = i == 0x02 || i == 0x03 || i == 0x08 || i == 0x0A ||
			       i == 0x0D || i == 0x0F || (i >= 0x10 && i <= 0x28) ||
			       i == 0x30 || (i >= 0x32 && i <= 0x39) || i == 0x3E;

		/* 0x0B EOI and 0x3F SELF IPI are write-only: #GP on read too */
		cr_assert(eq(int, rdmsr(msr, &v), present ? 0 : LAPIC_E_GP), "msr %x", msr);
		if (present)
			cr_assert(eq(u64, v >> 32, 0), "msr %x", msr);
	}
}

Test(lapic_x2apic, id_ldr_version)
{
	struct lapic_config c = t_cfg(T_ALL, 1);

	c.apic_id = 0x12345;
	cr_assert(eq(int, lapic_init(&a, &c, 0), 0));
	to_x2apic(&a);
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_ID)), 0x12345));
	/* SDM 11.12.10.2: cluster ID[19:4] in bits 31:16, 1 << ID[3:0] */
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_LDR)), (0x1234ull << 16) | (1u << 5)));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_VERSION)), 0x14u | (5u << 16) | (1u << 24)));
	/* read-only in x2APIC mode */
	cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_ID), 0x12345), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_LDR), 0), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_VERSION), 0), LAPIC_E_GP));
}

Test(lapic_x2apic, writes_to_read_only_registers_fault, .init = setup)
{
	static const uint32_t ro[] = {
		LAPIC_REG_ID, LAPIC_REG_VERSION, LAPIC_REG_PPR, LAPIC_REG_LDR,
		LAPIC_REG_TIMER_CCR,
	};

	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		cr_assert(eq(int, wrmsr(MSR(ro[i]), 0), LAPIC_E_GP), "reg %x", ro[i]);
	for (unsigned i = 0; i < 24; i++)
		cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_ISR0) + i, 0), LAPIC_E_GP));
	/* absent in x2APIC mode: DFR, APR, RRD, ICR high, CMCI */
	cr_assert(eq(int, wrmsr(0x80E, 0), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(0x809, 0), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(0x80C, 0), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(0x831, 0), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(0x82F, 0), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(0x840, 0), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(0xBFF, 0), LAPIC_E_GP));
	/* no ESR bit for any of them in x2APIC mode (SDM 11.12.8) */
	cr_assert(eq(u32, esr(&a), 0));
}

/* register, the bits WRMSR may set; every other bit of the 64 must #GP */
static const struct { uint32_t off; uint64_t ok; } rsvd_cases[] = {
	{ LAPIC_REG_TPR, 0xFF },
	{ LAPIC_REG_SVR, 0x13FF },
	{ LAPIC_REG_LVT_TIMER, 0xFF | (1u << 12) | (1u << 16) | (3u << 17) },
	{ LAPIC_REG_LVT_THERM, 0xFF | (7u << 8) | (1u << 12) | (1u << 16) },
	{ LAPIC_REG_LVT_PERF, 0xFF | (7u << 8) | (1u << 12) | (1u << 16) },
	{ LAPIC_REG_LVT_LINT0, 0xFF | (7u << 8) | (0xFu << 12) | (1u << 16) },
	{ LAPIC_REG_LVT_LINT1, 0xFF | (7u << 8) | (0xFu << 12) | (1u << 16) },
	{ LAPIC_REG_LVT_ERROR, 0xFF | (1u << 12) | (1u << 16) },
	{ LAPIC_REG_TIMER_ICR, 0xFFFFFFFFu },
	{ LAPIC_REG_TIMER_DCR, 0xB },
	{ LAPIC_REG_ICR_LO, 0xFFFFFFFF000CDFFFull },
	{ LAPIC_REG_SELF_IPI, 0xFF },
	{ LAPIC_REG_EOI, 0 },
	{ LAPIC_REG_ESR, 0 },
};

Test(lapic_x2apic, reserved_bits_fault)
{
	for (unsigned c = 0; c < sizeof(rsvd_cases) / sizeof(rsvd_cases[0]); c++)
		for (unsigned bit = 0; bit < 64; bit++) {
			uint64_t v = 1ull << bit;
			bool ok = rsvd_cases[c].ok & v;
			uint64_t before[0x40];

			setup();
			if (rsvd_cases[c].off == LAPIC_REG_ICR_LO)
				v |= LAPIC_ICR_SH_OTHERS << 18;	/* send to nobody */
			for (unsigned i = 0; i < 0x40; i++)
				if (lapic_msr_read(&a, 0x800 + i, &before[i], a.now))
					before[i] = ~0ull;
			cr_assert(eq(int, wrmsr(MSR(rsvd_cases[c].off), v), ok ? 0 : LAPIC_E_GP),
				  "reg %x bit %u", rsvd_cases[c].off, bit);
			if (ok)
				continue;
			/* a #GP changes nothing */
			for (unsigned i = 0; i < 0x40; i++) {
				uint64_t now;

				if (lapic_msr_read(&a, 0x800 + i, &now, a.now))
					now = ~0ull;
				cr_assert(eq(u64, now, before[i]), "reg %x bit %u msr %x",
					  rsvd_cases[c].off, bit, 0x800 + i);
			}
		}
	/* without EOI suppression SVR bit 12 is reserved too; without
	 * TSC-deadline, LVT timer bit 18 */
	t_init(&a, LAPIC_F_X2APIC, 1);
	to_x2apic(&a);
	cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_SVR), 0x1000), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_LVT_TIMER), 1u << 18), LAPIC_E_GP));
	cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_LVT_TIMER), 1u << 17), 0));
}

Test(lapic_x2apic, read_only_bits_are_accepted, .init = setup)
{
	/* a read-modify-write with the status bits set does not fault */
	mwr(&a, MSR(LAPIC_REG_LVT_LINT0), LAPIC_LVT_STATUS | LAPIC_LVT_REMOTE_IRR | 0x30);
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_LVT_LINT0)), 0x30));
	mwr(&a, MSR(LAPIC_REG_ICR_LO), LAPIC_ICR_STATUS | (LAPIC_ICR_SH_OTHERS << 18) | 0x30);
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_ICR_LO)), (LAPIC_ICR_SH_OTHERS << 18) | 0x30));
}

Test(lapic_x2apic, eoi_and_esr_take_zero_only, .init = setup)
{
	cr_assert(eq(int, lapic_raise(&a, 0x40, false, a.now), 0));
	cr_assert(eq(int, lapic_accept(&a, 0x40), 0));
	cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_EOI), 1), LAPIC_E_GP));
	cr_assert(isr_has(&a, 0x40));
	mwr(&a, MSR(LAPIC_REG_EOI), 0);
	cr_assert(not(isr_has(&a, 0x40)));
	cr_assert(eq(int, lapic_raise(&a, 1, false, a.now), 0));
	cr_assert(eq(int, wrmsr(MSR(LAPIC_REG_ESR), 0x40), LAPIC_E_GP));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_ESR)), 0));	/* not latched */
	mwr(&a, MSR(LAPIC_REG_ESR), 0);
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_ESR)), LAPIC_ESR_RECV_ILLEGAL));
}

Test(lapic_x2apic, registers_through_msrs, .init = setup)
{
	mwr(&a, MSR(LAPIC_REG_TPR), 0x45);
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_TPR)), 0x45));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_PPR)), 0x45));
	cr_assert(eq(u64, lapic_cr8_read(&a), 4));
	mwr(&a, MSR(LAPIC_REG_TPR), 0);
	cr_assert(eq(int, lapic_raise(&a, 0x63, false, a.now), 0));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_IRR0) + 3), 1u << 3));
	cr_assert(eq(int, lapic_accept(&a, 0x63), 0));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_ISR0) + 3), 1u << 3));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_PPR)), 0x60));
	/* the timer */
	mwr(&a, MSR(LAPIC_REG_LVT_TIMER), 0x50);
	mwr(&a, MSR(LAPIC_REG_TIMER_DCR), 0xB);		/* divide by 1 */
	mwr(&a, MSR(LAPIC_REG_TIMER_ICR), 1000);
	a.now += 250;
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_TIMER_CCR)), 750));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_TIMER_ICR)), 1000));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_TIMER_DCR)), 0xB));
	/* ICR: one 64-bit register */
	mwr(&a, MSR(LAPIC_REG_ICR_LO), (0xABCDull << 32) | 0x4030);
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_ICR_LO)), (0xABCDull << 32) | 0x4030));
}

Test(lapic_x2apic, switch_keeps_state_but_ldr_id_icr_high)
{
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
	wr(&a, LAPIC_REG_TPR, 0x21);
	wr(&a, LAPIC_REG_LDR, 0x80000000u);
	wr(&a, LAPIC_REG_ICR_HI, 0x07000000u);
	wr(&a, LAPIC_REG_LVT_LINT0, 0x700);
	wr(&a, LAPIC_REG_LVT_TIMER, (LAPIC_TIMER_PERIODIC << 17) | 0x50);
	wr(&a, LAPIC_REG_TIMER_DCR, 0xB);
	wr(&a, LAPIC_REG_TIMER_ICR, 100);
	cr_assert(eq(int, lapic_raise(&a, 0x33, false, a.now), 0));
	a.now += 30;
	to_x2apic(&a);
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_TPR)), 0x21));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_SVR)), 0x1FF));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_LVT_LINT0)), 0x700));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_LVT_TIMER)), (LAPIC_TIMER_PERIODIC << 17) | 0x50));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_TIMER_CCR)), 70));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_IRR0) + 1), 1u << 19));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_ID)), T_ID));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_LDR)), 1u << T_ID));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_ICR_LO)) >> 32, 0));
	/* x2APIC -> disabled -> xAPIC: the power-up state */
	mwr(&a, LAPIC_MSR_APIC_BASE, LAPIC_BASE_DEFAULT);
	mwr(&a, LAPIC_MSR_APIC_BASE, BASE_ON);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TPR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_SVR), 0xFF));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_DFR), 0xFFFFFFFFu));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ID), T_ID << 24));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_ICR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_IRR0 + 16), 0));
}

Test(lapic_x2apic, other_msrs_are_not_mine, .init = setup)
{
	static const uint32_t other[] = {
		0, 0x10, 0x1A, 0x1C, 0x6DF, 0x6E1, 0x7FF, 0xC00, 0xC0000080u,
	};
	uint64_t v;

	for (unsigned i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		cr_assert(not(lapic_msr_is_apic(other[i])));
		cr_assert(eq(int, rdmsr(other[i], &v), LAPIC_E_NOT_MINE));
		cr_assert(eq(int, wrmsr(other[i], 0), LAPIC_E_NOT_MINE));
	}
	cr_assert(lapic_msr_is_apic(0x1B) && lapic_msr_is_apic(0x6E0));
	cr_assert(lapic_msr_is_apic(0x800) && lapic_msr_is_apic(0xBFF));
	cr_assert(eq(int, lapic_msr_read(&a, 0x802, NULL, 0), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_msr_read(NULL, 0x802, &v, 0), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_msr_write(NULL, 0x802, 0, 0), LAPIC_E_INVAL));
}

Test(lapic_x2apic, time_passes_on_a_faulting_access, .init = setup)
{
	uint64_t v;

	cr_assert(eq(int, lapic_apic_base_write(NULL, 0, 0), LAPIC_E_INVAL));
	mwr(&a, MSR(LAPIC_REG_LVT_TIMER), 0x50);
	mwr(&a, MSR(LAPIC_REG_TIMER_DCR), 0xB);
	mwr(&a, MSR(LAPIC_REG_TIMER_ICR), 10);
	/* the expiry before the faulting WRMSR happens; the write does not */
	cr_assert(eq(int, lapic_msr_write(&a, MSR(LAPIC_REG_TPR), 0x100, a.now + 10), LAPIC_E_GP));
	cr_assert(irr_has(&a, 0x50));
	cr_assert(eq(u64, mrd(&a, MSR(LAPIC_REG_TPR)), 0));
	cr_assert(eq(int, lapic_msr_read(&a, 0x809, &v, a.now + 1), LAPIC_E_GP));
	cr_assert(eq(int, lapic_apic_base_write(&a, LAPIC_BASE_DEFAULT | LAPIC_BASE_EN,
						a.now + 1), LAPIC_E_GP));
	cr_assert(eq(u64, a.now, T_T0 + 12));
}
