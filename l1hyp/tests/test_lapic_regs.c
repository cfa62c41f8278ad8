/*
 * Host tests of the local APIC model's xAPIC register file (SDM Table 11-1,
 * 11.4.7.1; APM Table 16-2): the power-up value of every register, each
 * register's read/write semantics through the MMIO page, the access rules
 * for sizes and offsets other than 32-bit aligned ones, reserved slots and
 * ESR "illegal register address", ESR's write-then-read protocol, SVR's
 * software disable, the configuration checks of lapic_init and the error
 * names.
 */
#include "lapic_test.h"

static struct lapic a;

Test(lapic_regs, init_rejects_bad_configurations)
{
	struct lapic_config c = t_cfg(T_ALL, 1);

	cr_assert(eq(int, lapic_init(NULL, &c, 0), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_init(&a, NULL, 0), LAPIC_E_INVAL));
	c.tsc_per_clock = 0;
	cr_assert(eq(int, lapic_init(&a, &c, 0), LAPIC_E_INVAL));
	c.tsc_per_clock = LAPIC_MAX_TSC_PER_CLOCK + 1;
	cr_assert(eq(int, lapic_init(&a, &c, 0), LAPIC_E_INVAL));
	c.tsc_per_clock = LAPIC_MAX_TSC_PER_CLOCK;
	cr_assert(eq(int, lapic_init(&a, &c, 0), 0));
	c.maxphyaddr = 31;
	cr_assert(eq(int, lapic_init(&a, &c, 0), LAPIC_E_INVAL));
	c.maxphyaddr = 53;
	cr_assert(eq(int, lapic_init(&a, &c, 0), LAPIC_E_INVAL));
	c.maxphyaddr = 52;
	c.features = 1u << 7;
	cr_assert(eq(int, lapic_init(&a, &c, 0), LAPIC_E_INVAL));
	c.features = T_ALL;
	c.apic_id = 0xFF;		/* the xAPIC broadcast ID */
	cr_assert(eq(int, lapic_init(&a, &c, 0), LAPIC_E_INVAL));
	c.apic_id = 0xFFFFFFFFu;	/* the x2APIC broadcast ID */
	cr_assert(eq(int, lapic_init(&a, &c, 0), LAPIC_E_INVAL));
	c.apic_id = 0x100;
	cr_assert(eq(int, lapic_init(&a, &c, 0), 0));
	c.features = 0;			/* 8-bit IDs without x2APIC */
	cr_assert(eq(int, lapic_init(&a, &c, 0), LAPIC_E_INVAL));
}

Test(lapic_regs, power_up_state)
{
	uint64_t base;

	t_init(&a, T_ALL, 1);
	cr_assert(eq(int, lapic_mode(&a), LAPIC_MODE_XAPIC));
	cr_assert(eq(u64, mrd(&a, LAPIC_MSR_APIC_BASE),
		     0xFEE00000ull | LAPIC_BASE_EN | LAPIC_BASE_BSP));
	cr_assert(lapic_mmio_base(&a, &base));
	cr_assert(eq(u64, base, 0xFEE00000ull));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ID), T_ID << 24));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_VERSION), 0x14u | (5u << 16) | (1u << 24)));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TPR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_APR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_PPR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LDR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_DFR), 0xFFFFFFFFu));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_SVR), 0xFF));
	for (unsigned i = 0; i < 8; i++) {
		cr_assert(eq(u32, rd(&a, LAPIC_REG_ISR0 + 16 * i), 0));
		cr_assert(eq(u32, rd(&a, LAPIC_REG_TMR0 + 16 * i), 0));
		cr_assert(eq(u32, rd(&a, LAPIC_REG_IRR0 + 16 * i), 0));
	}
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ESR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ICR_LO), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ICR_HI), 0));
	for (uint32_t off = LAPIC_REG_LVT_TIMER; off <= LAPIC_REG_LVT_ERROR; off += 16)
		cr_assert(eq(u32, rd(&a, off), LAPIC_LVT_MASKED), "LVT %x", off);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_ICR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_CCR), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_DCR), 0));
	cr_assert(eq(u64, lapic_next_event(&a, T_T0), LAPIC_NO_EVENT));
	cr_assert(eq(int, lapic_pending_vector(&a), -1));
}

Test(lapic_regs, version_follows_features)
{
	t_init(&a, 0, 1);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_VERSION), 0x14u | (5u << 16)));
	/* no EOI-broadcast suppression: SVR bit 12 is not writable */
	wr(&a, LAPIC_REG_SVR, 0xFFFFFFFFu);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_SVR), 0x3FFu));
	t_init(&a, LAPIC_F_EOI_SUPPRESS, 1);
	wr(&a, LAPIC_REG_SVR, 0xFFFFFFFFu);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_SVR), 0x13FFu));
}

Test(lapic_regs, read_only_registers_ignore_writes)
{
	static const uint32_t ro[] = {
		LAPIC_REG_ID, LAPIC_REG_VERSION, LAPIC_REG_APR, LAPIC_REG_PPR,
		LAPIC_REG_RRD, LAPIC_REG_TIMER_CCR,
	};

	t_init(&a, T_ALL, 1);
	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		uint32_t before = rd(&a, ro[i]);

		wr(&a, ro[i], 0xFFFFFFFFu);
		cr_assert(eq(u32, rd(&a, ro[i]), before), "register %x", ro[i]);
	}
	for (unsigned i = 0; i < 24; i++) {
		wr(&a, LAPIC_REG_ISR0 + 16 * i, 0xFFFFFFFFu);
		cr_assert(eq(u32, rd(&a, LAPIC_REG_ISR0 + 16 * i), 0));
	}
	/* none of these is a reserved slot: no ESR[7] (APR, RRD: Table 11-1 note) */
	cr_assert(eq(u32, esr(&a), 0));
}

Test(lapic_regs, writable_fields)
{
	t_init(&a, T_ALL, 1);
	wr(&a, LAPIC_REG_TPR, 0xFFFFFFFFu);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TPR), 0xFF));
	wr(&a, LAPIC_REG_LDR, 0xFFFFFFFFu);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LDR), 0xFF000000u));
	wr(&a, LAPIC_REG_DFR, 0);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_DFR), 0x0FFFFFFFu));
	wr(&a, LAPIC_REG_DFR, 0x5u << 28);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_DFR), 0x5FFFFFFFu));
	wr(&a, LAPIC_REG_ICR_HI, 0xFFFFFFFFu);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ICR_HI), 0xFF000000u));
	wr(&a, LAPIC_REG_TIMER_DCR, 0xFFFFFFFFu);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_DCR), 0xBu));
	wr(&a, LAPIC_REG_TIMER_ICR, 0xFFFFFFFFu);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TIMER_ICR), 0xFFFFFFFFu));
	/* the ID is read-only (SDM 11.4.6 note: since Nehalem) */
	wr(&a, LAPIC_REG_ID, 0x7u << 24);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ID), T_ID << 24));
	/* EOI reads 0: write-only */
	cr_assert(eq(u32, rd(&a, LAPIC_REG_EOI), 0));
}

Test(lapic_regs, icr_low_fields)
{
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
	/* all-excluding-self, NMI: reaches nobody; every field but status kept */
	uint32_t v = 0xFFFFFFFFu & ~(3u << 18);
	v |= LAPIC_ICR_SH_OTHERS << 18;
	v = (v & ~(7u << 8)) | (LAPIC_DM_NMI << 8);
	wr(&a, LAPIC_REG_ICR_LO, v);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ICR_LO), v & 0x000CCFFFu));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ICR_LO) & LAPIC_ICR_STATUS, 0));
	cr_assert(eq(u64, a.stats.ipis_to_nobody, 1));
}

static const struct { uint32_t off, writable; } lvts[] = {
	{ LAPIC_REG_LVT_TIMER, 0xFF | (1u << 16) | (3u << 17) },
	{ LAPIC_REG_LVT_THERM, 0xFF | (7u << 8) | (1u << 16) },
	{ LAPIC_REG_LVT_PERF,  0xFF | (7u << 8) | (1u << 16) },
	{ LAPIC_REG_LVT_LINT0, 0xFF | (7u << 8) | (1u << 13) | (1u << 15) | (1u << 16) },
	{ LAPIC_REG_LVT_LINT1, 0xFF | (7u << 8) | (1u << 13) | (1u << 15) | (1u << 16) },
	{ LAPIC_REG_LVT_ERROR, 0xFF | (1u << 16) },
};

Test(lapic_regs, lvt_writable_fields)
{
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
	for (unsigned i = 0; i < 6; i++) {
		wr(&a, lvts[i].off, 0xFFFFFFFFu);
		/* delivery status (12) and remote IRR (14) are read-only 0 */
		cr_assert(eq(u32, rd(&a, lvts[i].off), lvts[i].writable), "LVT %x", lvts[i].off);
		wr(&a, lvts[i].off, 0x42);
		cr_assert(eq(u32, rd(&a, lvts[i].off), 0x42), "LVT %x", lvts[i].off);
	}
	/* without TSC-deadline, bit 18 of the timer entry is reserved */
	t_init(&a, 0, 1);
	sw_enable(&a);
	wr(&a, LAPIC_REG_LVT_TIMER, 0xFFFFFFFFu);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_LVT_TIMER), 0xFF | (1u << 16) | (1u << 17)));
}

Test(lapic_regs, software_disable_masks_every_lvt)
{
	t_init(&a, T_ALL, 1);
	/* SVR[8] = 0 after power-up: an unmasking write is ignored */
	for (unsigned i = 0; i < 6; i++) {
		wr(&a, lvts[i].off, 0x40 + i);
		cr_assert(eq(u32, rd(&a, lvts[i].off), LAPIC_LVT_MASKED | (0x40 + i)));
	}
	sw_enable(&a);
	/* enabling does not unmask */
	for (unsigned i = 0; i < 6; i++)
		cr_assert(eq(u32, rd(&a, lvts[i].off), LAPIC_LVT_MASKED | (0x40 + i)));
	for (unsigned i = 0; i < 6; i++) {
		wr(&a, lvts[i].off, 0x40 + i);
		cr_assert(eq(u32, rd(&a, lvts[i].off), 0x40 + i));
	}
	wr(&a, LAPIC_REG_SVR, 0xFF);	/* software disable */
	for (unsigned i = 0; i < 6; i++)
		cr_assert(eq(u32, rd(&a, lvts[i].off), LAPIC_LVT_MASKED | (0x40 + i)));
	/* SVR keeps the spurious vector, all 8 bits, and the focus bit */
	wr(&a, LAPIC_REG_SVR, 0x2A3);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_SVR), 0x2A3));
}

Test(lapic_regs, reserved_slots_read_zero_and_set_illegal_register)
{
	static const uint32_t rsvd[] = {
		0x000, 0x010, 0x040, 0x050, 0x060, 0x070, 0x290, 0x2A0, 0x2B0,
		0x2C0, 0x2D0, 0x2E0, LAPIC_REG_LVT_CMCI, 0x3A0, 0x3B0, 0x3C0,
		0x3D0, LAPIC_REG_SELF_IPI, 0x400, 0x800, 0xFF0,
	};

	t_init(&a, T_ALL, 1);
	for (unsigned i = 0; i < sizeof(rsvd) / sizeof(rsvd[0]); i++) {
		cr_assert(eq(u32, esr(&a), 0));
		cr_assert(eq(u32, rd(&a, rsvd[i]), 0), "slot %x", rsvd[i]);
		cr_assert(eq(u32, esr(&a), LAPIC_ESR_ILLEGAL_REG), "read %x", rsvd[i]);
		wr(&a, rsvd[i], 0xFFFFFFFFu);
		cr_assert(eq(u32, rd(&a, rsvd[i]), 0));
		wr(&a, LAPIC_REG_ESR, 0);
		wr(&a, rsvd[i], 0xFFFFFFFFu);
		cr_assert(eq(u32, esr(&a), LAPIC_ESR_ILLEGAL_REG), "write %x", rsvd[i]);
	}
}

Test(lapic_regs, esr_write_then_read)
{
	t_init(&a, T_ALL, 1);
	sw_enable(&a);
	/* an error is not visible until ESR is written */
	cr_assert(eq(int, lapic_raise(&a, 5, false, a.now), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ESR), 0));
	wr(&a, LAPIC_REG_ESR, 0x1234);	/* the value written does not matter */
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL));
	/* it stays until the next write ... */
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL));
	/* ... errors after the write accumulate for the next one */
	rd(&a, 0x040);
	cr_assert(eq(int, lapic_raise(&a, 0, false, a.now), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL));
	wr(&a, LAPIC_REG_ESR, 0);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ESR),
		     LAPIC_ESR_RECV_ILLEGAL | LAPIC_ESR_ILLEGAL_REG));
	/* back-to-back writes clear it */
	wr(&a, LAPIC_REG_ESR, 0);
	cr_assert(eq(u32, rd(&a, LAPIC_REG_ESR), 0));
}

Test(lapic_regs, sub_word_and_unaligned_reads)
{
	uint64_t v;

	t_init(&a, T_ALL, 1);
	wr(&a, LAPIC_REG_TIMER_ICR, 0x89ABCDEFu);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert(eq(int, lapic_mmio_read(&a, LAPIC_REG_TIMER_ICR + i, 1, &v, a.now), 0));
		cr_assert(eq(u64, v, (0x89ABCDEFu >> (8 * i)) & 0xFF), "byte %u", i);
	}
	cr_assert(eq(int, lapic_mmio_read(&a, LAPIC_REG_TIMER_ICR + 2, 2, &v, a.now), 0));
	cr_assert(eq(u64, v, 0x89AB));
	/* bytes 4-15 of a slot read 0; an 8-byte read spans two slots */
	cr_assert(eq(int, lapic_mmio_read(&a, LAPIC_REG_TIMER_ICR, 8, &v, a.now), 0));
	cr_assert(eq(u64, v, 0x89ABCDEFull));
	cr_assert(eq(int, lapic_mmio_read(&a, LAPIC_REG_TIMER_ICR + 4, 4, &v, a.now), 0));
	cr_assert(eq(u64, v, 0));
	/* bytes 12-15 of the initial count's slot, then the current count
	 * (the timer was started by the write above and no time has passed) */
	cr_assert(eq(int, lapic_mmio_read(&a, LAPIC_REG_TIMER_ICR + 12, 8, &v, a.now), 0));
	cr_assert(eq(u64, v, 0x89ABCDEFull << 32));
	wr(&a, LAPIC_REG_SVR, 0x1AB);
	cr_assert(eq(int, lapic_mmio_read(&a, LAPIC_REG_SVR - 4, 8, &v, a.now), 0));
	cr_assert(eq(u64, v, 0x1ABull << 32));
	cr_assert(eq(u32, esr(&a), 0));
}

Test(lapic_regs, only_aligned_32bit_writes_take_effect)
{
	static const struct { uint32_t off; unsigned size; } bad[] = {
		{ LAPIC_REG_TPR, 1 }, { LAPIC_REG_TPR, 2 }, { LAPIC_REG_TPR, 8 },
		{ LAPIC_REG_TPR + 1, 1 }, { LAPIC_REG_TPR + 4, 4 }, { LAPIC_REG_TPR + 2, 4 },
		{ LAPIC_REG_TPR + 8, 8 }, { LAPIC_REG_TPR - 8, 8 },
	};

	t_init(&a, T_ALL, 1);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert(eq(int, lapic_mmio_write(&a, bad[i].off, bad[i].size, ~0ull, a.now), 0));
		cr_assert(eq(u32, rd(&a, LAPIC_REG_TPR), 0), "case %u", i);
	}
	cr_assert(eq(u64, a.stats.mmio_ignored, sizeof(bad) / sizeof(bad[0])));
	cr_assert(eq(u32, esr(&a), 0));
	cr_assert(eq(int, lapic_mmio_write(&a, LAPIC_REG_TPR, 4, 0xFFFFFF20ull, a.now), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TPR), 0x20));
}

Test(lapic_regs, bad_sizes_and_offsets)
{
	uint64_t v;
	static const unsigned sizes[] = { 0, 3, 5, 6, 7, 9, 16 };

	t_init(&a, T_ALL, 1);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cr_assert(eq(int, lapic_mmio_read(&a, 0x80, sizes[i], &v, a.now), LAPIC_E_RANGE));
		cr_assert(eq(int, lapic_mmio_write(&a, 0x80, sizes[i], 0, a.now), LAPIC_E_RANGE));
	}
	cr_assert(eq(int, lapic_mmio_read(&a, 4096, 1, &v, a.now), LAPIC_E_RANGE));
	cr_assert(eq(int, lapic_mmio_read(&a, 4093, 4, &v, a.now), LAPIC_E_RANGE));
	cr_assert(eq(int, lapic_mmio_read(&a, 0xFFFFFFFFu, 8, &v, a.now), LAPIC_E_RANGE));
	cr_assert(eq(int, lapic_mmio_write(&a, 4092, 8, 0, a.now), LAPIC_E_RANGE));
	cr_assert(eq(int, lapic_mmio_read(&a, 4095, 1, &v, a.now), 0));
	cr_assert(eq(int, lapic_mmio_read(&a, 0x80, 4, NULL, a.now), LAPIC_E_INVAL));
	cr_assert(eq(int, lapic_mmio_read(NULL, 0x80, 4, &v, 0), LAPIC_E_INVAL));
}

Test(lapic_regs, page_not_decoded_when_disabled)
{
	uint64_t v, base;

	t_init(&a, T_ALL, 1);
	mwr(&a, LAPIC_MSR_APIC_BASE, LAPIC_BASE_DEFAULT);
	cr_assert(eq(int, lapic_mode(&a), LAPIC_MODE_DISABLED));
	cr_assert(not(lapic_mmio_base(&a, &base)));
	cr_assert(eq(int, lapic_mmio_read(&a, LAPIC_REG_ID, 4, &v, a.now), LAPIC_E_NOT_DECODED));
	cr_assert(eq(int, lapic_mmio_write(&a, LAPIC_REG_TPR, 4, 1, a.now), LAPIC_E_NOT_DECODED));
	/* relocated page */
	mwr(&a, LAPIC_MSR_APIC_BASE, 0xABCDE000ull | LAPIC_BASE_EN);
	cr_assert(lapic_mmio_base(&a, &base));
	cr_assert(eq(u64, base, 0xABCDE000ull));
}

Test(lapic_regs, tpr_and_cr8)
{
	t_init(&a, T_ALL, 1);
	wr(&a, LAPIC_REG_TPR, 0x5C);
	cr_assert(eq(u64, lapic_cr8_read(&a), 5));
	cr_assert(eq(int, lapic_cr8_write(&a, 0xA), 0));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TPR), 0xA0));	/* TPR[3:0] cleared */
	cr_assert(eq(int, lapic_cr8_write(&a, 0x10), LAPIC_E_GP));
	cr_assert(eq(u32, rd(&a, LAPIC_REG_TPR), 0xA0));
}

Test(lapic_regs, error_names)
{
	static const int codes[] = {
		LAPIC_E_GP, LAPIC_E_NOT_DECODED, LAPIC_E_RANGE, LAPIC_E_NOT_MINE, LAPIC_E_INVAL,
	};
	static const char *const names[] = {
		"LAPIC_E_GP", "LAPIC_E_NOT_DECODED", "LAPIC_E_RANGE", "LAPIC_E_NOT_MINE",
		"LAPIC_E_INVAL",
	};

	for (unsigned i = 0; i < 5; i++) {
		const char *n = lapic_strerror(codes[i]);

		cr_assert(lt(int, codes[i], 0));
		cr_assert(eq(int, strncmp(n, names[i], strlen(names[i])), 0), "%s", n);
		cr_assert(eq(chr, n[strlen(names[i])], ':'));
		for (unsigned j = i + 1; j < 5; j++)
			cr_assert(ne(int, codes[i], codes[j]));
	}
	cr_assert(eq(str, (char *)lapic_strerror(0), "unknown error"));
	cr_assert(eq(str, (char *)lapic_strerror(-1), "unknown error"));
}
