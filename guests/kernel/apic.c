/*
 * The local APIC timer of the L2 kernel, through the xAPIC MMIO page.
 *
 * Where: IA32_APIC_BASE (MSR 0x1B) holds the page's physical base in bits
 * 12 up, the global enable in bit 11 and x2APIC mode in bit 10 (Intel SDM
 * vol.3 10.4.4; AMD APM vol.2 16.3.1); the architectural default is
 * 0xFEE00000. The page lies above the kernel's 1 GiB direct map and user
 * space, so it is mapped at its own address in the kernel half (the part of
 * PML4 entry 0 outside user space, shared by every process),
 * supervisor-only and uncacheable: PCD = PWT = 1 selects PAT entry 3, UC at
 * reset (Intel SDM vol.3 11.12.3; APIC registers must be UC, 10.4.1).
 *
 * Timer (Intel SDM vol.3 10.5.4; AMD APM vol.2 16.4.1): the current count
 * starts at the initial count and decrements once per bus clock divided by
 * the divide configuration; at zero the LVT timer entry's vector is raised,
 * and in periodic mode (LVT bit 17) the count reloads. Writing the initial
 * count starts it (so the divide and LVT are written first); writing 0
 * stops it. The spurious-interrupt vector register must have the APIC
 * software-enable bit (8) set, or the LVT stays masked (10.4.7.2, 10.9).
 *
 * Rate: no calibration. QEMU's APIC (hw/intc/apic.c: APIC_BUS_CYCLE_NS = 1)
 * and KVM's in-kernel one both clock the timer at 1 GHz of virtual time, and
 * under TCG's -icount shift=0 one guest instruction is one virtual
 * nanosecond, so with divide-by-1 an initial count of 10^9 / hz gives hz
 * interrupts per second, exactly and the same in every run. Calibrating
 * against the PIT would give the same figure with a measurement error, and
 * at level 2 the L1 APIC model's clock is L1's contract (its TSC rate per
 * APIC clock), not something L2 could measure better.
 *
 * At level 2 every access to this page is one NPF exit (L1 emulates it): the
 * four setup writes and the stop are system calls outside the timer
 * workload's phase; inside it only the interrupt handler's EOI write runs.
 */
#include <nestlab/mem.h>
#include "kernel.h"
#include "irq.h"
#include "arch.h"
#include "freestanding/format.h"

#define APIC_BASE_EN       (1ull << 11)
#define APIC_BASE_EXTD     (1ull << 10)
#define APIC_BASE_ADDR     0x000FFFFFFFFFF000ull

#define APIC_EOI           0x0B0u
#define APIC_SVR           0x0F0u
#define APIC_SVR_ENABLE    (1u << 8)
#define APIC_LVT_TIMER     0x320u
#define APIC_LVT_PERIODIC  (1u << 17)
#define APIC_TIMER_INITIAL 0x380u
#define APIC_TIMER_DIVIDE  0x3E0u
#define APIC_DIVIDE_BY_1   0xBu      /* bits 3,1,0 = 1011b */

#define APIC_BUS_HZ        1000000000u

static volatile uint32_t *apic;

static void apic_write(uint32_t reg, uint32_t v)
{
	apic[reg / 4] = v;
}

int apic_map(char *why, size_t whylen)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint64_t pa = base & APIC_BASE_ADDR;
	int err;

	if (!(base & APIC_BASE_EN) || (base & APIC_BASE_EXTD)) {
		format_snprintf(why, whylen, "the local APIC is not in xAPIC mode "
				"(IA32_APIC_BASE 0x%lx)", base);
		return -1;
	}
	if (pa < L2_USER_END || pa >= (1ull << X86_PT_SHIFT(4))) {
		format_snprintf(why, whylen, "the xAPIC page at 0x%lx is not above user space "
				"in the first 512 GiB", pa);
		return -1;
	}
	err = pt_map(&l2_pt_ops, l2k.kernel_root, pa, pa, PT_4K,
		     PTE_W | X86_PTE_PCD | X86_PTE_PWT);
	if (err) {
		format_snprintf(why, whylen, "cannot map the xAPIC page at 0x%lx: %s", pa,
				pt_strerror(err));
		return -1;
	}
	apic = (volatile uint32_t *)(uintptr_t)pa;
	return 0;
}

void apic_timer_start(uint32_t hz)
{
	apic_write(APIC_SVR, APIC_SVR_ENABLE | L2_VEC_SPURIOUS);
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_PERIODIC | L2_VEC_TIMER);
	apic_write(APIC_TIMER_INITIAL, APIC_BUS_HZ / hz);
}

void apic_timer_stop(void)
{
	apic_write(APIC_TIMER_INITIAL, 0);
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}
