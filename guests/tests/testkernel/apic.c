/*
 * xAPIC access for the test groups (apic.h). The register page lives at the
 * physical address in IA32_APIC_BASE (SDM vol.3 11.4.4, APM vol.2 16.3.1);
 * boot.S maps only the first 1 GiB, so apic_map adds one 4 KiB page there,
 * identity-mapped, with PCD and PWT (the APIC's registers must be strong
 * uncacheable, SDM 11.4.1). Registers are aligned 32-bit MMIO accesses
 * (SDM 11.4.1: "all registers must be accessed using 128-bit aligned
 * 32-bit loads or stores"); after apic_use_x2apic(true) the same offsets
 * go to MSR 800H + offset / 16 instead (SDM 11.12.1.2).
 */
#include "apic.h"
#include "tk.h"

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define GIB      (1ull << 30)

extern uint64_t tk_pdpt[512];
static uint64_t apic_pd[512] __attribute__((aligned(4096)));
static uint64_t apic_pt[512] __attribute__((aligned(4096)));
static volatile uint8_t *apic_page;
static bool x2apic;

uint64_t apic_map(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;

	if (base >= GIB) {
		tk_pdpt[(base >> 30) & 511] = (uint64_t)apic_pd | PTE_P | PTE_W;
		apic_pd[(base >> 21) & 511] = (uint64_t)apic_pt | PTE_P | PTE_W;
		apic_pt[(base >> 12) & 511] = base | PTE_P | PTE_W | PTE_PWT | PTE_PCD;
		write_cr3(read_cr3());
	}
	apic_page = (volatile uint8_t *)base;
	return base;
}

void apic_use_x2apic(bool on)
{
	x2apic = on;
}

uint32_t apic_read(uint32_t off)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + off / 16);
	return *(volatile uint32_t *)(apic_page + off);
}

void apic_write(uint32_t off, uint32_t val)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_BASE + off / 16, val);
	else
		*(volatile uint32_t *)(apic_page + off) = val;
}

bool apic_bit(uint32_t off, unsigned vector)
{
	return apic_read(off + (vector / 32) * 0x10) >> (vector % 32) & 1;
}

void apic_self_ipi(unsigned vector)
{
	apic_write(APIC_ICR_LO, APIC_ICR_SELF | APIC_ICR_ASSERT | (vector & 0xFF));
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

uint32_t apic_esr(void)
{
	apic_write(APIC_ESR, 0);
	return apic_read(APIC_ESR);
}

static bool isr_empty(void)
{
	for (unsigned w = 0; w < 8; w++)
		if (apic_read(APIC_ISR + w * 0x10))
			return false;
	return true;
}

void apic_reset_state(void)
{
	static const uint32_t lvts[] = {
		APIC_LVT_TIMER, APIC_LVT_THERM, APIC_LVT_PERF, APIC_LVT_LINT0,
		APIC_LVT_LINT1, APIC_LVT_ERROR,
	};

	apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		apic_write(lvts[i], APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
	apic_write(APIC_TPR, 0);
	for (unsigned i = 0; i < 256 && !isr_empty(); i++)
		apic_eoi();     /* each EOI clears the highest ISR bit (SDM 11.8.5) */
	apic_esr();
	apic_esr();
}
