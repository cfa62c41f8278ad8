/*
 * One 8259A programmable interrupt controller as L2 sees it (Intel 8259A
 * datasheet, "Programming the 8259A"): the initialization sequence (ICW1 on
 * the command port with bit 4 set, then ICW2, ICW3 if cascaded, ICW4 if
 * ICW1 asked for it, on the data port), the interrupt mask (OCW1, read back
 * from the data port), OCW2 (EOI commands: nothing is in service) and OCW3
 * (which of IRR/ISR a command-port read returns). L1 connects no interrupt
 * line to it, so IRR and ISR stay zero: a guest that programs and masks it,
 * as kernels do at boot, sees a PIC that never interrupts. Pure C.
 */
#ifndef L1_PIC_MODEL_H
#define L1_PIC_MODEL_H

#include <stdint.h>

struct pic {
	uint8_t imr;            /* OCW1 */
	uint8_t vector_base;    /* ICW2 & 0xF8 */
	uint8_t icw_step;       /* 0: initialized; 2..4: expecting ICW2..ICW4 */
	uint8_t icw1;
	uint8_t read_isr;       /* OCW3 RR/RIS: command-port reads give ISR */
};

/* The state after reset: everything masked (as firmware leaves it). */
void pic_init(struct pic *p);
/* offset 0: command port, 1: data port. */
uint8_t pic_read(struct pic *p, unsigned offset);
void pic_write(struct pic *p, unsigned offset, uint8_t val);

#endif
