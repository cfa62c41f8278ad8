/*
 * L2's local APIC bound to the vCPU (apic_dev.h): configuration from the
 * L1 option and from L0's APIC, the xAPIC page on the MMIO bus, the APIC
 * MSRs in the MSR table, CPUID, and keeping CR8 (V_TPR) and the model's
 * TPR equal (SDM vol.3 11.8.6: CR8[3:0] is TPR[7:4]). Every access that
 * can change what is deliverable asks for a recheck before the next
 * entry (apic_deliver.c).
 */
#include "lapic.h"
#include "apic_dev.h"
#include "../core/l1.h"
#include "../core/l1_config.h"
#include "../core/mmio_bus.h"
#include "../core/msr_table.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/cpu.h"
#include "../arch/x86/host_apic.h"
#include <nestlab/mem.h>

#define CPUID1_ECX_X2APIC       (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static struct lapic l2_apic[L1_MAX_VCPUS];
static struct mmio_device apic_page[L1_MAX_VCPUS];
static uint32_t offered;                /* LAPIC_F_* */

struct lapic *lapic_dev_apic(const struct vcpu *v)
{
	return &l2_apic[v->id];
}

/* The xAPIC page follows IA32_APIC_BASE and is decoded only in xAPIC mode
 * (SDM 11.4.4, 11.12.2). */
static void update_page(const struct vcpu *v)
{
	struct mmio_device *d = &apic_page[v->id];
	uint64_t base;

	d->enabled = lapic_mmio_base(&l2_apic[v->id], &base);
	d->base = base;
}

/* L2 may have moved CR8 without an exit: the model's TPR follows first. */
void lapic_dev_sync_from_cr8(struct vcpu *v)
{
	struct lapic *apic = &l2_apic[v->id];
	unsigned cr8 = vendor_get_cr8(v);

	if (cr8 != lapic_cr8_read(apic))
		lapic_cr8_write(apic, cr8);
}

/* After an access: CR8 shows the model's TPR, the page is where the model
 * says, and the next entry looks at the APIC again if the access may have
 * changed what to deliver or when: a vector requested (IRR: it may have
 * become deliverable, or be the one an open window or CR8 watch waits
 * for), an event left for L1, or a timer event other than the one L1's
 * timer is armed for. An EOI that leaves IRR empty (the timer's usual
 * case) needs none of that. */
static void after_access(struct vcpu *v)
{
	struct lapic *apic = &l2_apic[v->id];

	vendor_set_cr8(v, (unsigned)lapic_cr8_read(apic));
	update_page(v);
	if (!lapic_irr_empty(apic) || apic->ev.mask ||
	    lapic_next_event(apic, apic->now) != v->irq_deadline)
		v->irq_recheck = true;
}

static int page_read(struct vcpu *v, void *ctx, uint64_t off, unsigned size, uint64_t *val)
{
	int rc;

	(void)ctx;
	lapic_dev_sync_from_cr8(v);
	rc = lapic_mmio_read(&l2_apic[v->id], (uint32_t)off, size, val, rdtsc());
	after_access(v);
	return rc;
}

static int page_write(struct vcpu *v, void *ctx, uint64_t off, unsigned size, uint64_t val)
{
	int rc;

	(void)ctx;
	lapic_dev_sync_from_cr8(v);
	rc = lapic_mmio_write(&l2_apic[v->id], (uint32_t)off, size, val, rdtsc());
	after_access(v);
	return rc;
}

static int msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	int rc;

	lapic_dev_sync_from_cr8(v);
	rc = lapic_msr_read(&l2_apic[v->id], msr, val, rdtsc());
	after_access(v);
	return rc;
}

static int msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	int rc;

	lapic_dev_sync_from_cr8(v);
	rc = lapic_msr_write(&l2_apic[v->id], msr, val, rdtsc());
	after_access(v);
	return rc;
}

uint32_t lapic_dev_cpuid1_ecx(uint32_t ecx)
{
	ecx &= ~(CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE);
	if (offered & LAPIC_F_X2APIC)
		ecx |= CPUID1_ECX_X2APIC;
	if (offered & LAPIC_F_TSC_DEADLINE)
		ecx |= CPUID1_ECX_TSC_DEADLINE;
	return ecx;
}

/* lapic=mirror|full: 0 with *full set, or -1 for another value. */
static int lapic_option(struct l1_config *cfg, bool *full, const char **why)
{
	const char *val;
	size_t len;

	*full = false;
	if (!l1_config_take(cfg, "lapic", &val, &len) || (len == 6 && !memcmp(val, "mirror", 6)))
		return 0;
	if (len == 4 && !memcmp(val, "full", 4)) {
		*full = true;
		return 0;
	}
	*why = "lapic= takes mirror or full";
	return -1;
}

/* What L0's APIC offers L1 (after host_apic_init). */
static uint32_t mirrored_features(void)
{
	struct cpuid_regs r;

	cpuid_count(1, 0, &r);
	return ((r.ecx & CPUID1_ECX_X2APIC) ? LAPIC_F_X2APIC : 0) |
	       ((r.ecx & CPUID1_ECX_TSC_DEADLINE) ? LAPIC_F_TSC_DEADLINE : 0) |
	       ((host_apic_version() & LAPIC_VERSION_EOI_SUPP) ? LAPIC_F_EOI_SUPPRESS : 0);
}

int lapic_dev_attach(struct vcpu *v, struct l1_config *cfg, const char **why)
{
	struct lapic_config lc = { .apic_id = v->id, .bsp = v->id == 0 };
	struct cpuid_regs r;
	const struct msr_entry msrs[] = {
		{ .index = LAPIC_MSR_APIC_BASE, .read = MSR_EMULATE, .write = MSR_EMULATE,
		  .on_read = msr_read, .on_write = msr_write, .name = "APIC_BASE" },
		{ .index = LAPIC_MSR_TSC_DEADLINE, .read = MSR_EMULATE, .write = MSR_EMULATE,
		  .on_read = msr_read, .on_write = msr_write, .name = "TSC_DEADLINE" },
		{ .index = LAPIC_MSR_X2APIC_FIRST,
		  .count = LAPIC_MSR_X2APIC_LAST - LAPIC_MSR_X2APIC_FIRST + 1,
		  .read = MSR_EMULATE, .write = MSR_EMULATE,
		  .on_read = msr_read, .on_write = msr_write, .name = "x2APIC" },
	};
	struct mmio_device *d = &apic_page[v->id];

	bool full;

	if (lapic_option(cfg, &full, why))
		return LAPIC_DEV_E_CONFIG;
	if (host_apic_init(l1.tsc_hz, why))
		return -1;
	lc.features = full ? LAPIC_F_ALL : mirrored_features();
	offered = lc.features;
	/* L2's APIC timer clock is the TSC rate in GHz, at least 1: QEMU's
	 * APIC timer counts at 1 GHz (one per ns of virtual time), which
	 * under -icount shift=0 is one TSC tick. */
	lc.tsc_per_clock = (uint32_t)((l1.tsc_hz + 500000000u) / 1000000000u);
	if (!lc.tsc_per_clock)
		lc.tsc_per_clock = 1;
	cpuid_count(0x80000000u, 0, &r);
	lc.maxphyaddr = 36;
	if (r.eax >= 0x80000008u) {
		cpuid_count(0x80000008u, 0, &r);
		lc.maxphyaddr = (uint8_t)(r.eax & 0xFF);
	}
	if (lapic_init(&l2_apic[v->id], &lc, rdtsc())) {
		*why = "bad APIC configuration (lapic_init)";
		return -1;
	}
	*d = (struct mmio_device){ .name = "local APIC", .size = 4096,
				   .read = page_read, .write = page_write,
				   .strerror = lapic_strerror };
	update_page(v);
	if (mmio_bus_register(d)) {
		*why = "the MMIO bus is full";
		return -1;
	}
	for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		if (msr_table_set(v, &msrs[i])) {
			*why = "the MSR table is full";
			return -1;
		}
	vendor_set_cr8(v, 0);
	v->irq_deadline = UINT64_MAX;
	return lapic_deliver_attach(v, why);
}
