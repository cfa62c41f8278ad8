/*
 * A model of one local APIC as L2's only vCPU sees it, emulated by L1: the
 * register file (xAPIC MMIO page and x2APIC MSRs), the interrupt priority
 * logic (IRR, ISR, TMR, TPR, PPR, EOI), the error status register, IPIs to
 * a one-CPU machine, and the timer in one-shot, periodic and TSC-deadline
 * mode. Sources: AMD APM vol.2 chapter 16 "Advanced Programmable Interrupt
 * Controller (APIC)" and Intel SDM vol.3 chapter 11 "Advanced Programmable
 * Interrupt Controller (APIC)" (chapter 10 in editions before 2022; section
 * numbers below are the chapter-11 ones, subtract one from the first digit
 * group for older editions). docs/platform.md describes what is modelled,
 * what is not, and how L1 drives the model.
 *
 * Pure and deterministic: no globals, no allocation, no clock of its own.
 * Every call that can observe or change time takes `now`, the caller's time
 * base in TSC cycles (L1's TSC, or the instruction count under icount);
 * the model never moves backwards (a smaller `now` than one already seen
 * counts as the latest one). All state is in struct lapic, which the caller
 * allocates; its fields are the model's own (read lapic->stats freely).
 *
 * Return values: 0, or one of the LAPIC_E_* codes below (a distinct range,
 * see docs/l1-design.md "Error codes of the pure modules").
 */
#ifndef L1_LAPIC_H
#define L1_LAPIC_H

#include <stdint.h>
#include <stdbool.h>

/* Features the model offers (struct lapic_config.features); L1's CPUID must
 * say the same (CPUID.1:ECX[21] x2APIC, CPUID.1:ECX[24] TSC-deadline). */
#define LAPIC_F_X2APIC        (1u << 0) /* IA32_APIC_BASE.EXTD can be set */
#define LAPIC_F_TSC_DEADLINE  (1u << 1) /* timer mode 10b, IA32_TSC_DEADLINE */
#define LAPIC_F_EOI_SUPPRESS  (1u << 2) /* version bit 24, SVR bit 12 */
#define LAPIC_F_ALL           (LAPIC_F_X2APIC | LAPIC_F_TSC_DEADLINE | \
			       LAPIC_F_EOI_SUPPRESS)

/* MSRs the model answers (lapic_msr_is_apic) */
#define LAPIC_MSR_APIC_BASE     0x01Bu
#define LAPIC_MSR_TSC_DEADLINE  0x6E0u
#define LAPIC_MSR_X2APIC_FIRST  0x800u /* SDM 11.12.1.2: 800H-BFFH */
#define LAPIC_MSR_X2APIC_LAST   0xBFFu

/* IA32_APIC_BASE (SDM 11.4.4, Figure 11-5; APM "Local APIC Enable") */
#define LAPIC_BASE_BSP      (1ull << 8)
#define LAPIC_BASE_EXTD     (1ull << 10)
#define LAPIC_BASE_EN       (1ull << 11)
#define LAPIC_BASE_ADDR     0xFFFFFFFFFF000ull /* bits 51:12, cut to MAXPHYADDR */
#define LAPIC_BASE_DEFAULT  0xFEE00000ull

/* Register offsets in the xAPIC page (SDM Table 11-1, APM Table 16-2); the
 * x2APIC MSR of a register is 0x800 + offset / 16 (SDM Table 11-6). */
#define LAPIC_REG_ID        0x020
#define LAPIC_REG_VERSION   0x030
#define LAPIC_REG_TPR       0x080
#define LAPIC_REG_APR       0x090
#define LAPIC_REG_PPR       0x0A0
#define LAPIC_REG_EOI       0x0B0
#define LAPIC_REG_RRD       0x0C0
#define LAPIC_REG_LDR       0x0D0
#define LAPIC_REG_DFR       0x0E0
#define LAPIC_REG_SVR       0x0F0
#define LAPIC_REG_ISR0      0x100 /* ISR bits 31:0 .. 0x170 bits 255:224 */
#define LAPIC_REG_TMR0      0x180
#define LAPIC_REG_IRR0      0x200
#define LAPIC_REG_ESR       0x280
#define LAPIC_REG_LVT_CMCI  0x2F0 /* not offered: reserved here */
#define LAPIC_REG_ICR_LO    0x300
#define LAPIC_REG_ICR_HI    0x310
#define LAPIC_REG_LVT_TIMER 0x320
#define LAPIC_REG_LVT_THERM 0x330
#define LAPIC_REG_LVT_PERF  0x340
#define LAPIC_REG_LVT_LINT0 0x350
#define LAPIC_REG_LVT_LINT1 0x360
#define LAPIC_REG_LVT_ERROR 0x370
#define LAPIC_REG_TIMER_ICR 0x380 /* initial count */
#define LAPIC_REG_TIMER_CCR 0x390 /* current count */
#define LAPIC_REG_TIMER_DCR 0x3E0 /* divide configuration */
#define LAPIC_REG_SELF_IPI  0x3F0 /* x2APIC only (MSR 0x83F) */
#define LAPIC_MSR_OF(off)   (LAPIC_MSR_X2APIC_FIRST + (off) / 16u)

/* Version register: integrated xAPIC, 6 LVT entries (no CMCI) */
#define LAPIC_VERSION_ID       0x14u
#define LAPIC_VERSION_MAXLVT   5u
#define LAPIC_VERSION_EOI_SUPP (1u << 24)

/* SVR bits (SDM 11.9, Figure 11-23; APM "Spurious Interrupts") */
#define LAPIC_SVR_VECTOR       0x0FFu
#define LAPIC_SVR_ENABLE       (1u << 8)
#define LAPIC_SVR_FOCUS_OFF    (1u << 9)
#define LAPIC_SVR_EOI_SUPPRESS (1u << 12)

/* ESR bits (SDM 11.5.3, Figure 11-9; APM "APIC Error Interrupts") */
#define LAPIC_ESR_REDIR_IPI    (1u << 4) /* lowest-priority IPI not supported */
#define LAPIC_ESR_SEND_ILLEGAL (1u << 5)
#define LAPIC_ESR_RECV_ILLEGAL (1u << 6)
#define LAPIC_ESR_ILLEGAL_REG  (1u << 7) /* xAPIC only */

/* LVT fields (SDM 11.5.1, Figure 11-8; APM "Local Interrupts") */
#define LAPIC_LVT_VECTOR       0x000FFu
#define LAPIC_LVT_DM_SHIFT     8
#define LAPIC_LVT_DM           (7u << 8)
#define LAPIC_LVT_STATUS       (1u << 12) /* delivery status, read-only, always 0 */
#define LAPIC_LVT_POLARITY     (1u << 13) /* LINT only */
#define LAPIC_LVT_REMOTE_IRR   (1u << 14) /* LINT only, read-only */
#define LAPIC_LVT_LEVEL        (1u << 15) /* LINT only: trigger mode */
#define LAPIC_LVT_MASKED       (1u << 16)
#define LAPIC_LVT_TIMER_SHIFT  17
#define LAPIC_LVT_TIMER_MODE   (3u << 17)
#define LAPIC_TIMER_ONESHOT    0u
#define LAPIC_TIMER_PERIODIC   1u
#define LAPIC_TIMER_TSC_DEADLINE 2u
#define LAPIC_TIMER_RESERVED   3u

/* Delivery modes (ICR and LVT, SDM 11.5.1 and 11.6.1) */
#define LAPIC_DM_FIXED   0u
#define LAPIC_DM_LOWEST  1u
#define LAPIC_DM_SMI     2u
#define LAPIC_DM_NMI     4u
#define LAPIC_DM_INIT    5u
#define LAPIC_DM_STARTUP 6u
#define LAPIC_DM_EXTINT  7u

/* ICR fields (SDM 11.6.1, Figure 11-12; 11.12.9, Figure 11-28) */
#define LAPIC_ICR_VECTOR      0x000FFu
#define LAPIC_ICR_DM_SHIFT    8
#define LAPIC_ICR_LOGICAL     (1u << 11)
#define LAPIC_ICR_STATUS      (1u << 12) /* read-only, always 0 (idle) */
#define LAPIC_ICR_ASSERT      (1u << 14)
#define LAPIC_ICR_LEVEL       (1u << 15)
#define LAPIC_ICR_SH_SHIFT    18
#define LAPIC_ICR_SH_NONE     0u
#define LAPIC_ICR_SH_SELF     1u
#define LAPIC_ICR_SH_ALL      2u /* all including self */
#define LAPIC_ICR_SH_OTHERS   3u /* all excluding self */

/* Error codes (distinct from every other pure module's) */
#define LAPIC_E_GP          (-90) /* the guest's RDMSR/WRMSR raises #GP(0) */
#define LAPIC_E_NOT_DECODED (-91) /* MMIO while the xAPIC page is not decoded
				   * (APIC disabled or in x2APIC mode) */
#define LAPIC_E_RANGE       (-92) /* MMIO size not 1/2/4/8 or beyond the page */
#define LAPIC_E_NOT_MINE    (-93) /* not an APIC MSR (lapic_msr_is_apic) */
#define LAPIC_E_INVAL       (-94) /* bad argument: NULL, bad configuration,
				   * vector out of range or not pending */

/* Events the model leaves for L1 to carry out (lapic_take_events) */
#define LAPIC_EV_NMI     (1u << 0) /* inject an NMI */
#define LAPIC_EV_SMI     (1u << 1) /* an SMI (L1 has no SMM: log it) */
#define LAPIC_EV_INIT    (1u << 2) /* an INIT to this CPU */
#define LAPIC_EV_SIPI    (1u << 3) /* a start-up IPI to this CPU */
#define LAPIC_EV_EXTINT  (1u << 4) /* LINTn in ExtINT mode: the vector comes
				    * from an 8259 (none is modelled) */
#define LAPIC_EV_EOI     (1u << 5) /* EOI of a level-triggered vector,
				    * broadcast (SVR[12] clear) */

#define LAPIC_NO_EVENT      UINT64_MAX /* lapic_next_event: no timer event */
#define LAPIC_MAX_TSC_PER_CLOCK (1u << 20) /* struct lapic_config bound */

enum lapic_mode {
	LAPIC_MODE_DISABLED = 0, /* IA32_APIC_BASE.EN = 0 */
	LAPIC_MODE_XAPIC,        /* EN = 1, EXTD = 0: the MMIO page */
	LAPIC_MODE_X2APIC,       /* EN = 1, EXTD = 1: MSRs 800H-BFFH */
};

enum lapic_lvt {
	LAPIC_LVT_TIMER = 0, LAPIC_LVT_THERMAL, LAPIC_LVT_PERF,
	LAPIC_LVT_LINT0, LAPIC_LVT_LINT1, LAPIC_LVT_ERROR,
	LAPIC_LVT_NR
};

struct lapic_config {
	uint32_t apic_id;       /* x2APIC ID; the xAPIC ID is its low 8 bits
				 * (0xFF there is reserved: broadcast) */
	uint32_t features;      /* LAPIC_F_*; without LAPIC_F_X2APIC the ID
				 * must fit 8 bits */
	uint32_t tsc_per_clock; /* time-base cycles per timer input clock,
				 * before the divider: 1..LAPIC_MAX_TSC_PER_CLOCK */
	uint8_t maxphyaddr;     /* 32..52: reserved bits of IA32_APIC_BASE */
	bool bsp;               /* reset value of IA32_APIC_BASE.BSP */
};

struct lapic_events {
	uint32_t mask;          /* LAPIC_EV_* since the last take */
	uint8_t sipi_vector;    /* LAPIC_EV_SIPI: the latest start-up vector */
	uint8_t eoi_vector;     /* LAPIC_EV_EOI: the latest vector */
};

struct lapic_stats {
	uint64_t timer_expiries;  /* zero crossings / deadlines reached */
	uint64_t timer_coalesced; /* expiries merged into one interrupt because
				   * several periods passed between two calls */
	uint64_t irr_merged;      /* fixed interrupts that found their IRR bit
				   * already set */
	uint64_t dropped;         /* fixed interrupts not accepted (APIC
				   * software-disabled, LVT delivery mode the
				   * entry does not support) */
	uint64_t ipis;            /* ICR / SELF IPI sends */
	uint64_t ipis_to_nobody;  /* destination matched no CPU (this one is
				   * the only one) */
	uint64_t ipis_invalid;    /* combinations the SDM calls invalid */
	uint64_t mmio_ignored;    /* writes other than 32-bit aligned ones */
};

struct lapic {
	struct lapic_config cfg;
	uint64_t now;            /* latest time seen */
	uint64_t apic_base;      /* IA32_APIC_BASE */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t isr[8], tmr[8], irr[8];
	uint32_t esr;            /* what ESR reads (latched at the last write) */
	uint32_t esr_pending;    /* errors since the last ESR write */
	uint32_t icr_lo, icr_hi; /* icr_hi: xAPIC bits 31:24, x2APIC 32 bits */
	uint32_t lvt[LAPIC_LVT_NR];
	uint32_t timer_initial, timer_dcr;
	/* count-down timer: t_count at t_base, one tick per tick length */
	bool t_armed;
	uint32_t t_count;
	uint64_t t_base;
	uint64_t tsc_deadline;   /* 0: disarmed */
	struct lapic_events ev;
	struct lapic_stats stats;
};

/* The error code's name and meaning ("unknown error" otherwise). */
const char *lapic_strerror(int rc);

/* Power-up state (SDM 11.4.7.1): xAPIC mode at LAPIC_BASE_DEFAULT, software
 * disabled (SVR = 0xFF), every LVT masked. LAPIC_E_INVAL if cfg is out of
 * range. */
int lapic_init(struct lapic *apic, const struct lapic_config *cfg, uint64_t now);
/* INIT (SDM 11.4.7.3): the power-up register state; IA32_APIC_BASE and the
 * ID are kept. L1 calls it when it carries out an INIT. */
void lapic_init_reset(struct lapic *apic, uint64_t now);

static inline enum lapic_mode lapic_mode(const struct lapic *apic)
{
	if (!(apic->apic_base & LAPIC_BASE_EN))
		return LAPIC_MODE_DISABLED;
	return (apic->apic_base & LAPIC_BASE_EXTD) ? LAPIC_MODE_X2APIC : LAPIC_MODE_XAPIC;
}
/* true, with the page's guest-physical base, when the xAPIC page is decoded
 * (xAPIC mode): L1 routes NPF accesses to [base, base + 4 KiB) to
 * lapic_mmio_read/write. */
bool lapic_mmio_base(const struct lapic *apic, uint64_t *base);

/* xAPIC MMIO access of size 1, 2, 4 or 8 bytes at offset (0..4095, from the
 * page base). Reads: the bytes of each register's low 32 bits, 0 elsewhere;
 * writes: 32-bit stores at 16-byte aligned offsets only, others are ignored
 * (counted in stats.mmio_ignored). A reserved register reads 0, ignores
 * writes and sets ESR "illegal register address". LAPIC_E_NOT_DECODED
 * outside xAPIC mode (the access is not the APIC's: treat as unbacked). */
int lapic_mmio_read(struct lapic *apic, uint32_t offset, unsigned size,
		    uint64_t *val, uint64_t now);
int lapic_mmio_write(struct lapic *apic, uint32_t offset, unsigned size,
		     uint64_t val, uint64_t now);

/* The MSRs of the APIC: IA32_APIC_BASE, IA32_TSC_DEADLINE, 800H-BFFH. */
bool lapic_msr_is_apic(uint32_t msr);
/* RDMSR/WRMSR of an APIC MSR: 0, LAPIC_E_GP (inject #GP(0), nothing
 * changed) or LAPIC_E_NOT_MINE. */
int lapic_msr_read(struct lapic *apic, uint32_t msr, uint64_t *val, uint64_t now);
int lapic_msr_write(struct lapic *apic, uint32_t msr, uint64_t val, uint64_t now);
/* WRMSR IA32_APIC_BASE (also through lapic_msr_write): reserved bits and
 * illegal mode transitions (SDM 11.12.5) give LAPIC_E_GP. */
int lapic_apic_base_write(struct lapic *apic, uint64_t val, uint64_t now);

/* CR8 (SDM 11.8.6; APM "CR8 (Task Priority Register)"): CR8[3:0] is
 * TPR[7:4]; a write clears TPR[3:0]; bits 63:4 set: LAPIC_E_GP. */
static inline uint64_t lapic_cr8_read(const struct lapic *apic)
{
	return apic ? (apic->tpr >> 4) & 0xF : 0;
}
int lapic_cr8_write(struct lapic *apic, uint64_t cr8);

/* True when no vector is requested (IRR empty). */
static inline bool lapic_irr_empty(const struct lapic *apic)
{
	for (unsigned i = 0; i < 8; i++)
		if (apic->irr[i])
			return false;
	return true;
}

/* The vector L1 should inject now: the highest IRR vector if its priority
 * class is above PPR's, or -1 (APIC disabled, IRR empty, or masked by
 * PPR). Call lapic_tick first so that expired timers are in IRR. */
int lapic_pending_vector(const struct lapic *apic);
/* The highest IRR vector when TPR alone holds it back (its class is above
 * the highest in-service class but not above TPR[7:4]), else -1: lowering
 * TPR (CR8) would make it deliverable, so L1 watches CR8 writes. */
int lapic_tpr_blocked_vector(const struct lapic *apic);
/* The vector was delivered to L2 (EVENTINJ, or a V_IRQ L2 took): its IRR
 * bit moves to ISR. LAPIC_E_INVAL if the vector is not in IRR. */
int lapic_accept(struct lapic *apic, int vector);
/* A fixed interrupt from one of L1's devices (edge, or level: sets TMR).
 * Vectors 0-15 set ESR "received illegal vector". */
int lapic_raise(struct lapic *apic, int vector, bool level, uint64_t now);
/* An LVT source fires (LINT0/1 pins, thermal, performance counter): the
 * entry's mask, vector and delivery mode decide what happens. */
int lapic_lvt_fire(struct lapic *apic, enum lapic_lvt lvt, uint64_t now);

/* The time of the next timer expiry that delivers an interrupt, or
 * LAPIC_NO_EVENT (no armed, unmasked timer; also for an expiry at or past
 * 2^64 - 1). A time <= now means the expiry is due: call lapic_tick. */
uint64_t lapic_next_event(const struct lapic *apic, uint64_t now);
/* Carry out every expiry up to now: one interrupt into IRR (if the LVT timer
 * entry is not masked) however many periods passed; returns the number of
 * expiries (more than 1: coalesced, counted in stats.timer_coalesced). */
uint64_t lapic_tick(struct lapic *apic, uint64_t now);

/* Hand over, and clear, the events the APIC left for the CPU. */
void lapic_take_events(struct lapic *apic, struct lapic_events *ev);

/* Divide configuration register to divisor (SDM Figure 11-10): 1..128. */
uint32_t lapic_divisor(uint32_t dcr);

#endif
