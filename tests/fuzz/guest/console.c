/*
 * COM1 output (see console.h). 16550 registers: THR 0, IER 1, FCR 2,
 * LCR 3 (bit 7 DLAB), MCR 4 (bit 4 loopback), LSR 5 (bit 5 THR empty).
 */
#include <stdarg.h>
#include <nestlab/platform.h>
#include "freestanding/x86.h"
#include "freestanding/format.h"
#include "console.h"

#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_LCR_8N1  0x03
#define UART_MCR_DTR_RTS 0x03

void con_reset(void)
{
	uint16_t b = NESTLAB_COM1_PORT;

	outb(b + UART_LCR, UART_LCR_8N1);   /* DLAB off */
	outb(b + UART_IER, 0);
	outb(b + UART_FCR, 0);
	outb(b + UART_MCR, UART_MCR_DTR_RTS); /* loopback off */
}

/* Under L1 the UART's transmitter is always ready (L1's 16550 model):
 * polling LSR would double the exits per byte. */
int con_nopoll;

static void con_putc(void *ctx, char c)
{
	unsigned spins = 1000;

	(void)ctx;
	while (!con_nopoll && !(inb(NESTLAB_COM1_PORT + UART_LSR) & UART_LSR_THRE) && --spins)
		;
	outb(NESTLAB_COM1_PORT + UART_THR, (uint8_t)c);
}

void con_puts(const char *s)
{
	while (*s)
		con_putc(0, *s++);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_v(con_putc, 0, fmt, ap);
	va_end(ap);
}
