/*
 * 16550 register emulation (see uart_emul.h). The transmitter is always
 * ready (LSR.THRE|TEMT), so a polling driver never waits; loopback mode
 * swallows output as the real chip would.
 */
#include "uart_emul.h"

void uart_emul_init(struct uart_emul *u, void (*out)(void *, char), void *ctx)
{
	*u = (struct uart_emul){ .dll = 1, .out = out, .ctx = ctx };
}

uint8_t uart_emul_read(struct uart_emul *u, unsigned offset)
{
	int dlab = u->lcr & UART_LCR_DLAB;

	switch (offset & 7) {
	case 0: return dlab ? u->dll : 0;           /* RBR: nothing received */
	case 1: return dlab ? u->dlm : u->ier;
	case 2: return UART_IIR_NO_INT | ((u->fcr & 1) ? 0xC0 : 0);
	case 3: return u->lcr;
	case 4: return u->mcr;
	case 5: return UART_LSR_THRE | UART_LSR_TEMT;
	case 6: return 0xB0;                        /* DCD, DSR, CTS asserted */
	default: return u->scr;
	}
}

void uart_emul_write(struct uart_emul *u, unsigned offset, uint8_t v)
{
	int dlab = u->lcr & UART_LCR_DLAB;

	switch (offset & 7) {
	case 0:
		if (dlab)
			u->dll = v;
		else if (!(u->mcr & UART_MCR_LOOP))
			u->out(u->ctx, (char)v);
		break;
	case 1:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0F;
		break;
	case 2: u->fcr = v; break;
	case 3: u->lcr = v; break;
	case 4: u->mcr = v & 0x1F; break;
	case 7: u->scr = v; break;
	default: break;                             /* LSR, MSR: read-only */
	}
}
