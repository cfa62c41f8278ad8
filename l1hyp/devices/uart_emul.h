/*
 * A 16550-style UART for L2's COM1, emulated by L1 from IOIO exits: enough
 * of the register file (THR/RBR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR and
 * the divisor latch under LCR.DLAB) for a polled console driver. Transmitted
 * bytes go to out(); the receiver is always empty. Pure C, host-tested.
 * Register semantics: PC16550D datasheet, "Register Description".
 */
#ifndef L1_UART_EMUL_H
#define L1_UART_EMUL_H

#include <stdint.h>

#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80
#define UART_IIR_NO_INT 0x01
#define UART_MCR_LOOP 0x10

struct uart_emul {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	void (*out)(void *ctx, char c);
	void *ctx;
};

void    uart_emul_init(struct uart_emul *u, void (*out)(void *, char), void *ctx);
/* offset = port - base, 0..7 */
uint8_t uart_emul_read(struct uart_emul *u, unsigned offset);
void    uart_emul_write(struct uart_emul *u, unsigned offset, uint8_t v);

#endif
