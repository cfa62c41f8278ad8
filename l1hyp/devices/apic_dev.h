/*
 * L2's local APIC in L1 (apic_dev.c, apic_deliver.c): the pure model
 * (lapic.h) bound to the vCPU. The xAPIC page is an MMIO range on the
 * core's MMIO bus (every access one NPF exit), IA32_APIC_BASE,
 * IA32_TSC_DEADLINE and the x2APIC MSRs are MSR-table entries (MSR exits),
 * CR8 is V_TPR, kept equal to TPR[7:4]. Delivery: before each entry that
 * needs it, expired timers go into IRR and the highest deliverable vector
 * is injected, or an interrupt window is requested; L1's own timer
 * (arch/x86/host_apic.h) is armed for the next APIC event so that L2
 * cannot run past it; HLT with IF=1 waits for the next event.
 *
 * L1 option lapic=mirror|full (default mirror): the features L2's APIC
 * and CPUID offer. mirror: those of L0's APIC as L1 sees it (x2APIC and
 * TSC-deadline from CPUID.1:ECX[21,24], directed EOI from the version
 * register's bit 24), so that L2 sees what a guest of QEMU sees at level 1;
 * full: all of them (x2APIC, TSC-deadline, EOI-broadcast suppression).
 */
#ifndef L1_LAPIC_DEV_H
#define L1_LAPIC_DEV_H

#include <stdint.h>

struct vcpu;
struct lapic;
struct l1_config;

/* Bind L2's APIC to vCPU v: model, MMIO range, MSRs, exit handlers, L1's
 * timer; takes option lapic= from cfg. 0, LAPIC_DEV_E_CONFIG (a bad
 * lapic= value) or -1 (no usable APIC or tables full), with *why set. */
#define LAPIC_DEV_E_CONFIG (-2)
int lapic_dev_attach(struct vcpu *v, struct l1_config *cfg, const char **why);

/* CPUID.1:ECX bits the APIC decides (x2APIC bit 21, TSC-deadline bit 24):
 * ecx with those replaced by what L2's APIC offers. */
uint32_t lapic_dev_cpuid1_ecx(uint32_t ecx);

/* Before an entry with v->irq_recheck set or the deadline reached: timer
 * expiries into IRR, injection or an interrupt window, L1's timer armed,
 * v->irq_recheck and v->irq_deadline updated. */
void lapic_dev_prepare_entry(struct vcpu *v);

/* Between the two files: the vCPU's model; the model's TPR catching up
 * with a CR8 L2 wrote without an exit; the delivery side's attach (exit
 * handlers, L1's timer). */
struct lapic *lapic_dev_apic(const struct vcpu *v);
void lapic_dev_sync_from_cr8(struct vcpu *v);
int lapic_deliver_attach(struct vcpu *v, const char **why);

#endif
