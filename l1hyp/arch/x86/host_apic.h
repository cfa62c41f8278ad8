/*
 * L1's own local APIC (QEMU's, as L1 sees it): the timer L1 uses to regain
 * control from L2 at the time of L2's next APIC event. L2 spinning in user
 * mode makes no exit on its own; a one-shot timer interrupt of L1's APIC,
 * taken while L2 runs, becomes #VMEXIT(INTR) because L1 intercepts INTR
 * and runs L2 with its own RFLAGS.IF = 1 (APM vol.2 15.21.1: with
 * V_INTR_MASKING = 1 the host's IF gates physical interrupts). L1 then
 * takes the interrupt itself in a short STI window (host_apic_take_irqs),
 * which acknowledges it (the ISR writes EOI).
 *
 * The timer runs in one-shot mode at divide 1 (SDM vol.3 11.5.4); its rate
 * against L1's TSC is measured once at boot. Under QEMU's -icount
 * shift=0 both count one per instruction, so deadlines are exact.
 */
#ifndef L1_ARCH_HOST_APIC_H
#define L1_ARCH_HOST_APIC_H

#include <stdint.h>
#include <stdbool.h>

#define HOST_APIC_TIMER_VECTOR    0xECu
#define HOST_APIC_SPURIOUS_VECTOR 0xFFu
#define HOST_APIC_NO_DEADLINE     UINT64_MAX

/* Enable L1's APIC (xAPIC mode, LINT0 masked: the PICs are masked too),
 * install the two vectors and measure the timer rate against the TSC
 * (tsc_hz). 0, or -1 with *why set when there is no usable APIC. */
int host_apic_init(uint64_t tsc_hz, const char **why);

/* Fire the timer at or after TSC value deadline (HOST_APIC_NO_DEADLINE:
 * stop it). Re-arming for the deadline already armed costs nothing. */
void host_apic_arm(uint64_t deadline);

/* Take the interrupts pending at L1's APIC (STI; NOP; CLI): the timer's
 * ISR acknowledges it and disarms. */
void host_apic_take_irqs(void);

/* Wait with HLT until the TSC reaches deadline (which must not be
 * HOST_APIC_NO_DEADLINE), the timer armed for it. */
void host_apic_wait_until(uint64_t deadline);

/* L1's APIC version register (SDM 11.4.8): bit 24 says whether EOI
 * broadcasts can be suppressed. */
uint32_t host_apic_version(void);


#endif
