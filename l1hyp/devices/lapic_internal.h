/*
 * What the files of the local APIC model share (lapic.h is the interface):
 * vector bitmap operations, the delivery paths every interrupt source goes
 * through, the register file used by both the xAPIC page and the x2APIC
 * MSRs, and the timer's hooks. Time is lapic->now, brought forward by
 * lapic_advance at each entry point before any register is touched.
 */
#ifndef L1_LAPIC_INTERNAL_H
#define L1_LAPIC_INTERNAL_H

#include "lapic.h"

/* Register access results inside the model */
#define LAPIC_REG_OK       0
#define LAPIC_REG_ABSENT   1 /* no such register in this mode: ESR[7] in
			      * xAPIC mode, #GP in x2APIC mode */
#define LAPIC_REG_FAULT    2 /* x2APIC: reserved bits, read of a write-only
			      * or write of a read-only register: #GP */

/* 256-bit IRR/ISR/TMR images; vector is taken modulo 256. Inline: they
 * are on L1's interrupt delivery path (docs/platform.md, Costs). */
static inline bool lapic_vec_test(const uint32_t *bits, unsigned vector)
{
	vector &= 0xFF;
	return (bits[vector >> 5] >> (vector & 31)) & 1;
}

static inline void lapic_vec_set(uint32_t *bits, unsigned vector)
{
	vector &= 0xFF;
	bits[vector >> 5] |= 1u << (vector & 31);
}

static inline void lapic_vec_clear(uint32_t *bits, unsigned vector)
{
	vector &= 0xFF;
	bits[vector >> 5] &= ~(1u << (vector & 31));
}

/* highest set vector, or -1 */
static inline int lapic_vec_highest(const uint32_t *bits)
{
	for (int i = 7; i >= 0; i--)
		if (bits[i])
			return i * 32 + 31 - __builtin_clz(bits[i]);
	return -1;
}

uint32_t lapic_ppr(const struct lapic *apic);
uint32_t lapic_apr(const struct lapic *apic);
void lapic_eoi(struct lapic *apic);
/* Record errors in the accumulating ESR; raise the LVT error interrupt when
 * a bit that was clear gets set. */
void lapic_error(struct lapic *apic, uint32_t esr_bits);
/* A fixed interrupt arrives: true if its vector went into IRR. */
bool lapic_receive_fixed(struct lapic *apic, unsigned vector, bool level);
/* The LVT entry's delivery (mask, delivery mode, vector). */
void lapic_deliver_lvt(struct lapic *apic, unsigned lvt);

/* Registers by index (xAPIC offset / 16, x2APIC MSR - 0x800), 0..63 */
int lapic_reg_read(struct lapic *apic, unsigned idx, bool x2apic, uint64_t *val);
int lapic_reg_write(struct lapic *apic, unsigned idx, bool x2apic, uint64_t val);
/* The power-up values of every register but the ID and IA32_APIC_BASE. */
void lapic_reset_regs(struct lapic *apic);
uint32_t lapic_x2apic_ldr(uint32_t x2apic_id);

/* ICR send (dest: xAPIC 8 bits, x2APIC 32 bits), SELF IPI */
void lapic_send_ipi(struct lapic *apic, uint32_t icr_lo, uint32_t dest, bool x2apic);
void lapic_self_ipi(struct lapic *apic, unsigned vector);

/* Timer */
unsigned lapic_timer_mode(const struct lapic *apic);
uint64_t lapic_advance(struct lapic *apic, uint64_t now);
void lapic_timer_lvt_write(struct lapic *apic, uint32_t old_lvt);
void lapic_timer_write_initial(struct lapic *apic, uint32_t count);
void lapic_timer_write_dcr(struct lapic *apic, uint32_t dcr);
uint32_t lapic_timer_current(const struct lapic *apic);
uint64_t lapic_timer_deadline_read(const struct lapic *apic);
void lapic_timer_deadline_write(struct lapic *apic, uint64_t deadline);
void lapic_timer_stop(struct lapic *apic);

#endif
