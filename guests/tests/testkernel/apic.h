/*
 * The local APIC as the test groups use it (apic.c): IA32_APIC_BASE, the
 * xAPIC register page, the x2APIC MSRs, and the few operations every group
 * needs (self IPI, EOI, IRR/ISR bit tests, a known starting state).
 * Register offsets: Intel SDM vol.3 Table 11-1 (xAPIC) and Table 11-6
 * (x2APIC MSR = 800H + offset / 16); AMD APM vol.2 16.3-16.6.
 */
#ifndef TK_APIC_H
#define TK_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_BASE_BSP        (1u << 8)
#define APIC_BASE_EXTD       (1u << 10)
#define APIC_BASE_EN         (1u << 11)
#define APIC_BASE_ADDR_MASK  0x000FFFFFFFFFF000ull
#define APIC_DEFAULT_BASE    0xFEE00000ull       /* SDM 11.4.1, APM 16.3.1 */
#define MSR_TSC_DEADLINE     0x6E0
#define MSR_X2APIC_BASE      0x800

#define APIC_ID       0x020
#define APIC_VERSION  0x030
#define APIC_TPR      0x080
#define APIC_PPR      0x0A0
#define APIC_EOI      0x0B0
#define APIC_LDR      0x0D0
#define APIC_DFR      0x0E0
#define APIC_SVR      0x0F0
#define APIC_ISR      0x100
#define APIC_IRR      0x200
#define APIC_ESR      0x280
#define APIC_ICR_LO   0x300
#define APIC_ICR_HI   0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_THERM 0x330
#define APIC_LVT_PERF  0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT    0x380      /* timer initial count */
#define APIC_TMCCT    0x390      /* timer current count */
#define APIC_TDCR     0x3E0      /* timer divide configuration */
#define APIC_SELF_IPI 0x3F0      /* x2APIC only (MSR 83FH) */

#define APIC_SVR_ENABLE    (1u << 8)
#define APIC_LVT_MASKED    (1u << 16)
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_TIMER_DEADLINE (2u << 17)
#define APIC_ICR_ASSERT    (1u << 14)
#define APIC_ICR_BUSY      (1u << 12)
#define APIC_ICR_SELF      (1u << 18)  /* destination shorthand 01b */
#define APIC_ESR_ILLEGAL_REGISTER    (1u << 7)
#define APIC_TDCR_DIV1     0xB

#define APIC_SPURIOUS_VECTOR 0xFF

/* Maps the xAPIC page at the IA32_APIC_BASE address (uncached: SDM 11.4.1)
 * and returns its base; every xAPIC access below goes through it. */
uint64_t apic_map(void);
/* Registers by xAPIC offset: MMIO, or after apic_use_x2apic(true) (the
 * caller switched the mode) the x2APIC MSRs (low 32 bits). */
void apic_use_x2apic(bool on);
uint32_t apic_read(uint32_t off);
void apic_write(uint32_t off, uint32_t val);
/* Bit `vector` of the 256-bit register at off (ISR or IRR). */
bool apic_bit(uint32_t off, unsigned vector);
/* Fixed, edge, shorthand self (SDM 11.6.1). */
void apic_self_ipi(unsigned vector);
void apic_eoi(void);
/* The state every group starts from: software-enabled with the spurious
 * vector, TPR 0, every LVT masked, the timer stopped, ISR empty, ESR
 * cleared (written twice, SDM 11.5.3). */
void apic_reset_state(void);
/* ESR after a write: the errors since the previous write (SDM 11.5.3). */
uint32_t apic_esr(void);

#endif
