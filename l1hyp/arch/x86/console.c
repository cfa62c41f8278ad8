/*
 * Polled 16550 UART output for L1's console (COM1) and results (COM2):
 * 115200 8N1, FIFO on; wait for THRE before each byte (PC16550D datasheet,
 * LSR bit 5). Under QEMU the wait never spins.
 */
#include "console.h"
#include "cpu.h"
#include "../../../lib/freestanding/format.h"
#include <nestlab/platform.h>

void serial_init(uint16_t base)
{
	outb(base + 1, 0x00);      /* IER: no interrupts */
	outb(base + 3, 0x80);      /* LCR: DLAB */
	outb(base + 0, 0x01);      /* divisor 1: 115200 baud */
	outb(base + 1, 0x00);
	outb(base + 3, 0x03);      /* 8N1 */
	outb(base + 2, 0x07);      /* FIFO on, cleared */
	outb(base + 4, 0x03);      /* DTR, RTS */
}

void serial_putc(uint16_t base, char c)
{
	for (unsigned spin = 0; spin < 100000; spin++)
		if (inb(base + 5) & 0x20)
			break;
	outb(base, (uint8_t)c);
}

void l1_putc(void *unused, char c)
{
	if (c == '\n')
		serial_putc(NESTLAB_COM1_PORT, '\r');
	serial_putc(NESTLAB_COM1_PORT, c);
}

void l1_results_putc(void *unused, char c)
{
	serial_putc(NESTLAB_RESULTS_PORT, c);
}

void l1_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_v(l1_putc, 0, fmt, ap);
	va_end(ap);
}
