/*
 * L1's own local APIC and its timer (host_apic.h). Register offsets and
 * fields: Intel SDM vol.3 chapter 11 (Table 11-1; LVT Figure 11-8; timer
 * 11.5.4; SVR 11.9) and AMD APM vol.2 chapter 16, named once in the
 * header of L2's model (l1hyp/devices/lapic.h). L1 identity-maps the low 4 GiB, so the
 * xAPIC page at IA32_APIC_BASE is addressable as it is.
 */
#include "host_apic.h"
#include "cpu.h"
#include "trap.h"
#include "../../devices/lapic.h"

#define DCR_DIVIDE_1         0xBu              /* SDM Figure 11-10: 1011b */
#define CALIBRATE_DIVISOR    1000u             /* measure for 1 ms of TSC */

extern void host_apic_timer_isr(void);
extern void host_apic_spurious_isr(void);

/* Shared with host_irq.S. */
uint64_t host_apic_armed_deadline = HOST_APIC_NO_DEADLINE;
uint64_t host_apic_eoi_addr;

static volatile uint32_t *apic_regs;
static uint64_t counts_per_2_32_tsc;           /* timer counts per 2^32 TSC cycles */

static uint32_t reg_read(unsigned off)
{
	return apic_regs[off / 4];
}

static void reg_write(unsigned off, uint32_t val)
{
	apic_regs[off / 4] = val;
}

int host_apic_init(uint64_t tsc_hz, const char **why)
{
	uint64_t base = rdmsr(MSR_APIC_BASE), t0, dt, counted;
	struct cpuid_regs r;

	cpuid_count(1, 0, &r);
	if (!(r.edx & (1u << 9))) {
		*why = "CPUID.1:EDX[9] says there is no local APIC";
		return -1;
	}
	if (!tsc_hz) {
		*why = "the TSC rate is unknown (no PIT to measure it against)";
		return -1;
	}
	if ((base & LAPIC_BASE_EXTD) || (base & ~0xFFFFFFFFull)) {
		*why = "L1's APIC is in x2APIC mode or above 4 GiB";
		return -1;
	}
	if (!(base & LAPIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, base | LAPIC_BASE_EN);
	apic_regs = (volatile uint32_t *)(base & LAPIC_BASE_ADDR);
	host_apic_eoi_addr = (uint64_t)&apic_regs[LAPIC_REG_EOI / 4];
	l1_idt_set_gate(HOST_APIC_TIMER_VECTOR, (uint64_t)host_apic_timer_isr);
	l1_idt_set_gate(HOST_APIC_SPURIOUS_VECTOR, (uint64_t)host_apic_spurious_isr);

	reg_write(LAPIC_REG_SVR, LAPIC_SVR_ENABLE | HOST_APIC_SPURIOUS_VECTOR);
	reg_write(LAPIC_REG_LVT_LINT0, LAPIC_LVT_MASKED);
	reg_write(LAPIC_REG_TIMER_DCR, DCR_DIVIDE_1);
	reg_write(LAPIC_REG_LVT_TIMER, HOST_APIC_TIMER_VECTOR);     /* one-shot */

	/* The rate: count down from the top for 1 ms of TSC (interrupts are
	 * off in L1: the expiry, hours away, is never taken). */
	reg_write(LAPIC_REG_TIMER_ICR, 0xFFFFFFFFu);
	t0 = rdtsc();
	while ((dt = rdtsc() - t0) < tsc_hz / CALIBRATE_DIVISOR)
		;
	counted = 0xFFFFFFFFu - reg_read(LAPIC_REG_TIMER_CCR);
	reg_write(LAPIC_REG_TIMER_ICR, 0);
	if (!counted) {
		*why = "L1's APIC timer does not count";
		return -1;
	}
	counts_per_2_32_tsc = (counted << 32) / dt;   /* counted < 2^32 */
	return 0;
}


void host_apic_arm(uint64_t deadline)
{
	uint64_t now, delta;
	unsigned __int128 count;

	if (deadline == host_apic_armed_deadline)
		return;
	host_apic_armed_deadline = deadline;
	if (deadline == HOST_APIC_NO_DEADLINE) {
		reg_write(LAPIC_REG_TIMER_ICR, 0);            /* stops the timer (11.5.4) */
		return;
	}
	now = rdtsc();
	delta = deadline > now ? deadline - now : 0;
	/* Round up and add one so that the interrupt never comes before the
	 * deadline; a count of 0 would stop the timer instead. */
	count = (((unsigned __int128)delta * counts_per_2_32_tsc + 0xFFFFFFFFu) >> 32) + 1;
	reg_write(LAPIC_REG_TIMER_ICR, count > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)count);
}

void host_apic_take_irqs(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

void host_apic_wait_until(uint64_t deadline)
{
	while (rdtsc() < deadline) {
		host_apic_arm(deadline);
		/* STI's shadow covers HLT: an interrupt between them cannot be
		 * lost (SDM vol.3 6.8.3). */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

uint32_t host_apic_version(void)
{
	return reg_read(LAPIC_REG_VERSION);
}

