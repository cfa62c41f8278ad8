/*
 * COM1 (0x3F8-0x3FF) as L2 sees it: the 16550 model (uart_emul.c) on the
 * port bus, its transmitted bytes on L1's console as L2's lines.
 */
#include "devices.h"
#include "uart_emul.h"
#include "../core/io_bus.h"
#include "../core/l1.h"
#include <nestlab/platform.h>

static struct uart_emul com1;

static uint32_t com1_read(struct vcpu *v, void *ctx, uint16_t port, unsigned size)
{
	return uart_emul_read(&com1, port - NESTLAB_COM1_PORT);
}

static void com1_write(struct vcpu *v, void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	uart_emul_write(&com1, port - NESTLAB_COM1_PORT, (uint8_t)val);
}

static void com1_out(void *ctx, char c)
{
	l2_console_putc(&l1.l2con, c);
}

static const struct port_device com1_dev = {
	.name = "COM1", .base = NESTLAB_COM1_PORT, .count = 8,
	.read = com1_read, .write = com1_write,
};

int com1_init(void)
{
	uart_emul_init(&com1, com1_out, 0);
	return io_bus_register(&com1_dev);
}
