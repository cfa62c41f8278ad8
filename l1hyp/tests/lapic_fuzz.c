/*
 * libFuzzer harness for the local APIC model (make lapic-fuzz
 * FUZZ_SECONDS=N; clang -fsanitize=fuzzer,address,undefined). Input: 4
 * bytes of configuration (features, clock ratio, APIC ID), then 12-byte
 * operations - MMIO reads and writes of any size and offset, RDMSR/WRMSR
 * (APIC_BASE, TSC_DEADLINE and the x2APIC range favoured), ticks,
 * IA32_APIC_BASE writes, raises, LVT fires, CR8 writes, the CPU taking and
 * EOIing interrupts, INIT - each after a time step (small, large, or
 * backwards). The sequence runs on two models, one of which also evaluates
 * every query; both must end in the same state (determinism). Traps on a
 * broken invariant: a return code outside the documented set, a #GP that
 * changed state, vectors 0-15 in IRR/ISR, a pending vector that is not
 * deliverable, unknown ESR bits, an unmasked LVT while software-disabled, a
 * timer event at or before `now` right after lapic_tick, a current count
 * above the initial count.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "devices/lapic.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static bool same(const struct lapic *a, const struct lapic *b)
{
	return a->apic_base == b->apic_base && a->tpr == b->tpr && a->ldr == b->ldr &&
	       a->dfr == b->dfr && a->svr == b->svr &&
	       !memcmp(a->isr, b->isr, sizeof(a->isr)) &&
	       !memcmp(a->tmr, b->tmr, sizeof(a->tmr)) &&
	       !memcmp(a->irr, b->irr, sizeof(a->irr)) &&
	       a->esr == b->esr && a->esr_pending == b->esr_pending &&
	       a->icr_lo == b->icr_lo && a->icr_hi == b->icr_hi &&
	       !memcmp(a->lvt, b->lvt, sizeof(a->lvt)) &&
	       a->timer_initial == b->timer_initial && a->timer_dcr == b->timer_dcr &&
	       a->t_armed == b->t_armed && a->t_count == b->t_count &&
	       a->t_base == b->t_base && a->tsc_deadline == b->tsc_deadline &&
	       a->ev.mask == b->ev.mask && a->ev.sipi_vector == b->ev.sipi_vector &&
	       a->ev.eoi_vector == b->ev.eoi_vector &&
	       !memcmp(&a->stats, &b->stats, sizeof(a->stats));
}

static void invariants(const struct lapic *a)
{
	int v = lapic_pending_vector(a);

	CHECK((a->irr[0] & 0xFFFF) == 0 && (a->isr[0] & 0xFFFF) == 0);
	CHECK(((a->esr | a->esr_pending) & ~0xF0u) == 0);
	if (v >= 0) {
		CHECK(v >= 16 && v <= 255);
		CHECK((a->irr[v / 32] >> (v % 32)) & 1);
	}
	if (lapic_mode(a) != LAPIC_MODE_DISABLED && !(a->svr & LAPIC_SVR_ENABLE))
		for (unsigned i = 0; i < LAPIC_LVT_NR; i++)
			CHECK(a->lvt[i] & LAPIC_LVT_MASKED);
	for (unsigned i = 0; i < LAPIC_LVT_NR; i++) {
		CHECK(!(a->lvt[i] & LAPIC_LVT_STATUS));
		if (i != LAPIC_LVT_LINT0 && i != LAPIC_LVT_LINT1)
			CHECK(!(a->lvt[i] & LAPIC_LVT_REMOTE_IRR));
	}
	if (a->t_armed)
		CHECK(a->t_count >= 1 && a->t_count <= a->timer_initial);
	CHECK(lapic_cr8_read(a) <= 15);
}

static uint32_t pick_msr(const uint8_t *p)
{
	uint32_t r = p[0] | (p[1] << 8);

	switch (r & 7) {
	case 0: return LAPIC_MSR_APIC_BASE;
	case 1: return LAPIC_MSR_TSC_DEADLINE;
	case 2: case 3: case 4: return 0x800 + ((r >> 3) & 0x3F);
	case 5: return 0x800 + ((r >> 3) & 0x3FF);
	default: return r >> 3 | ((uint32_t)p[1] << 13);
	}
}

static uint64_t pick_base(const uint8_t *p)
{
	uint64_t v = LAPIC_BASE_DEFAULT;

	if (p[0] & 1) v |= LAPIC_BASE_EN;
	if (p[0] & 2) v |= LAPIC_BASE_EXTD;
	if (p[0] & 4) v |= LAPIC_BASE_BSP;
	if ((p[0] & 0x18) == 0x18) v ^= (uint64_t)p[1] << (p[2] & 63);
	return v;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* one operation; check: evaluate queries and invariants on a */
static void step(struct lapic *a, const uint8_t *op, uint64_t now, bool check)
{
	uint64_t val = le64(op + 4), v = 0;
	uint32_t off = (op[1] | (op[2] << 8)) & 0x1FFF;	/* sometimes past the page */
	static const unsigned sizes[8] = { 1, 2, 4, 8, 4, 4, 3, 0 };
	unsigned size = sizes[op[3] & 7];
	struct lapic before;
	int rc;

	switch (op[0] % 12) {
	case 0:
		rc = lapic_mmio_read(a, off, size, &v, now);
		CHECK(rc == 0 || rc == LAPIC_E_RANGE || rc == LAPIC_E_NOT_DECODED);
		if (rc == 0 && size < 8)
			CHECK(v >> (8 * size) == 0);
		if (rc == LAPIC_E_NOT_DECODED)
			CHECK(lapic_mode(a) != LAPIC_MODE_XAPIC);
		break;
	case 1:
		if (op[3] & 8)
			off &= 0x3F0;	/* mostly registers, aligned */
		rc = lapic_mmio_write(a, off, size, val, now);
		CHECK(rc == 0 || rc == LAPIC_E_RANGE || rc == LAPIC_E_NOT_DECODED);
		break;
	case 2:
		rc = lapic_msr_read(a, pick_msr(op + 1), &v, now);
		CHECK(rc == 0 || rc == LAPIC_E_GP || rc == LAPIC_E_NOT_MINE);
		break;
	case 3:
	case 4: {
		uint32_t msr = pick_msr(op + 1);

		if (op[0] % 12 == 4)
			val &= 0xFFFFFFFFu >> (op[3] & 31);	/* fewer reserved bits */
		before = *a;
		lapic_tick(&before, now);	/* time passes even on a #GP */
		rc = lapic_msr_write(a, msr, val, now);
		CHECK(rc == 0 || rc == LAPIC_E_GP || rc == LAPIC_E_NOT_MINE);
		if (rc == LAPIC_E_GP)
			CHECK(same(&before, a));
		if (rc != 0 && lapic_msr_is_apic(msr))
			CHECK(rc == LAPIC_E_GP);
		break;
	}
	case 5:
		before = *a;
		lapic_tick(&before, now);
		rc = lapic_apic_base_write(a, pick_base(op + 1), now);
		CHECK(rc == 0 || rc == LAPIC_E_GP);
		if (rc)
			CHECK(same(&before, a));
		break;
	case 6: {
		uint64_t n = lapic_tick(a, now);
		uint64_t e = lapic_next_event(a, now);

		CHECK(e == LAPIC_NO_EVENT || e > a->now);
		(void)n;
		break;
	}
	case 7: {
		int pv = lapic_pending_vector(a);

		if (pv >= 0) {
			CHECK(lapic_accept(a, pv) == 0);
			CHECK((a->isr[pv / 32] >> (pv % 32)) & 1);
		} else {
			bool in_irr = op[1] >= 16 && ((a->irr[op[1] / 32] >> (op[1] % 32)) & 1);

			CHECK(lapic_accept(a, op[1]) == (in_irr ? 0 : LAPIC_E_INVAL));
		}
		break;
	}
	case 8:
		CHECK(lapic_raise(a, op[1], op[2] & 1, now) == 0);
		break;
	case 9:
		CHECK(lapic_lvt_fire(a, (enum lapic_lvt)(op[1] % 7), now) ==
		      (op[1] % 7 == 6 ? LAPIC_E_INVAL : 0));
		break;
	case 10:
		rc = lapic_cr8_write(a, op[1] & (op[2] & 1 ? 0xFF : 0xF));
		CHECK(rc == 0 || rc == LAPIC_E_GP);
		break;
	default: {
		struct lapic_events ev;

		if (op[1] == 0xA5)
			lapic_init_reset(a, now);
		lapic_take_events(a, &ev);
		CHECK(a->ev.mask == 0);
		break;
	}
	}
	if (check) {
		uint64_t base;

		invariants(a);
		CHECK(lapic_mmio_base(a, &base) == (lapic_mode(a) == LAPIC_MODE_XAPIC));
		CHECK(lapic_next_event(a, now) == LAPIC_NO_EVENT ||
		      !(a->lvt[LAPIC_LVT_TIMER] & LAPIC_LVT_MASKED));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t ratios[4] = { 1, 3, 1000, LAPIC_MAX_TSC_PER_CLOCK };
	struct lapic_config cfg;
	struct lapic a, b;
	uint64_t now;

	if (size < 4)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.features = data[0] & LAPIC_F_ALL;
	cfg.tsc_per_clock = ratios[(data[0] >> 3) & 3];
	cfg.maxphyaddr = 36 + (data[0] >> 5) * 2;
	cfg.apic_id = data[1] | ((cfg.features & LAPIC_F_X2APIC) ? (uint32_t)data[2] << 8 : 0);
	cfg.bsp = data[3] & 1;
	now = (data[3] & 2) ? UINT64_MAX - ((uint64_t)data[3] << 24) : data[3];
	if (lapic_init(&a, &cfg, now) != 0) {
		CHECK((cfg.apic_id & 0xFF) == 0xFF);
		return 0;
	}
	CHECK(lapic_init(&b, &cfg, now) == 0);
	for (size_t i = 4; i + 12 <= size; i += 12) {
		const uint8_t *op = data + i;
		uint64_t d = op[11];

		switch (op[10] & 3) {
		case 0: now += d; break;
		case 1: now += d << (op[10] >> 2); break;	/* up to ~2^70: wraps */
		case 2: now -= d; break;			/* backwards */
		default: break;
		}
		step(&a, op, now, true);
		step(&b, op, now, false);
	}
	CHECK(same(&a, &b));
	return 0;
}
