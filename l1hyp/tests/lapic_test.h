/*
 * Helpers for the host tests of the local APIC model (l1hyp/devices/):
 * a model in a chosen configuration, 32-bit MMIO and MSR accessors that
 * assert success, and the spec-side reference values the tests compare
 * against (the divide-configuration table of SDM Figure 11-10, written out
 * rather than computed the way lapic_timer.c computes it).
 */
#ifndef L1_TEST_LAPIC_TEST_H
#define L1_TEST_LAPIC_TEST_H

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <string.h>

#include "devices/lapic.h"

#define T_ID        3u         /* the APIC ID of most tests */
#define T_T0        1000000ull /* the time of lapic_init */
#define T_ALL       LAPIC_F_ALL

static inline struct lapic_config t_cfg(uint32_t features, uint32_t tsc_per_clock)
{
	struct lapic_config c = {
		.apic_id = T_ID, .features = features, .tsc_per_clock = tsc_per_clock,
		.maxphyaddr = 48, .bsp = true,
	};
	return c;
}

static inline void t_init(struct lapic *a, uint32_t features, uint32_t tsc_per_clock)
{
	struct lapic_config c = t_cfg(features, tsc_per_clock);

	memset(a, 0xA5, sizeof(*a));	/* init must not rely on zeroed memory */
	cr_assert(eq(int, lapic_init(a, &c, T_T0), 0));
}

static inline uint32_t rd_at(struct lapic *a, uint32_t off, uint64_t now)
{
	uint64_t v = ~0ull;

	cr_assert(eq(int, lapic_mmio_read(a, off, 4, &v, now), 0), "read %x", off);
	cr_assert(eq(u64, v >> 32, 0));
	return (uint32_t)v;
}

static inline void wr_at(struct lapic *a, uint32_t off, uint32_t val, uint64_t now)
{
	cr_assert(eq(int, lapic_mmio_write(a, off, 4, val, now), 0), "write %x", off);
}

static inline uint32_t rd(struct lapic *a, uint32_t off)
{
	return rd_at(a, off, a->now);
}

static inline void wr(struct lapic *a, uint32_t off, uint32_t val)
{
	wr_at(a, off, val, a->now);
}

/* ESR as software reads it: write, then read (SDM 11.5.3) */
static inline uint32_t esr(struct lapic *a)
{
	if (lapic_mode(a) == LAPIC_MODE_X2APIC) {
		uint64_t v;

		cr_assert(eq(int, lapic_msr_write(a, LAPIC_MSR_OF(LAPIC_REG_ESR), 0, a->now), 0));
		cr_assert(eq(int, lapic_msr_read(a, LAPIC_MSR_OF(LAPIC_REG_ESR), &v, a->now), 0));
		return (uint32_t)v;
	}
	wr(a, LAPIC_REG_ESR, 0);
	return rd(a, LAPIC_REG_ESR);
}

static inline void sw_enable(struct lapic *a)
{
	wr(a, LAPIC_REG_SVR, LAPIC_SVR_ENABLE | 0xFF);
}

static inline uint64_t mrd(struct lapic *a, uint32_t msr)
{
	uint64_t v = ~0ull;

	cr_assert(eq(int, lapic_msr_read(a, msr, &v, a->now), 0), "rdmsr %x", msr);
	return v;
}

static inline void mwr(struct lapic *a, uint32_t msr, uint64_t val)
{
	cr_assert(eq(int, lapic_msr_write(a, msr, val, a->now), 0), "wrmsr %x", msr);
}

static inline void to_x2apic(struct lapic *a)
{
	mwr(a, LAPIC_MSR_APIC_BASE, LAPIC_BASE_DEFAULT | LAPIC_BASE_BSP |
	    LAPIC_BASE_EN | LAPIC_BASE_EXTD);
	cr_assert(eq(int, lapic_mode(a), LAPIC_MODE_X2APIC));
}

static inline bool irr_has(struct lapic *a, unsigned v)
{
	return (a->irr[v / 32] >> (v % 32)) & 1;
}

static inline bool isr_has(struct lapic *a, unsigned v)
{
	return (a->isr[v / 32] >> (v % 32)) & 1;
}

static inline bool tmr_has(struct lapic *a, unsigned v)
{
	return (a->tmr[v / 32] >> (v % 32)) & 1;
}

/* SDM Figure 11-10: divide value by DCR bits (3, 1, 0) */
static const uint32_t t_divide_by[8] = { 2, 4, 8, 16, 32, 64, 128, 1 };

static inline uint32_t t_dcr_of(unsigned bits310)
{
	return (bits310 & 3) | ((bits310 & 4) << 1);
}

#endif
