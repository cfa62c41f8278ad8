/*
 * The emulated 16550 for L2's COM1 and the "L2: " line prefixing of L2's
 * console: what a polled driver sees and what reaches L1's console.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../../l1hyp/devices/uart_emul.h"
#include "../../l1hyp/core/l2_console.h"

static char out[256];
static size_t out_len;
static struct l2_console con;

static void sink(void *ctx, char c) { out[out_len++] = c; out[out_len] = 0; }
static void to_console(void *ctx, char c) { l2_console_putc(&con, c); }

static void setup(void)
{
	out_len = 0;
	out[0] = 0;
	con = (struct l2_console){ .putc = sink };
}

TestSuite(uart, .init = setup);

Test(uart, transmitter_always_ready_and_bytes_forwarded)
{
	struct uart_emul u;

	uart_emul_init(&u, to_console, 0);
	cr_assert(eq(u8, uart_emul_read(&u, 5), UART_LSR_THRE | UART_LSR_TEMT));
	for (const char *p = "hi\r\nyo"; *p; p++)
		uart_emul_write(&u, 0, (uint8_t)*p);
	cr_assert(eq(str, out, "L2: hi\nL2: yo"));
}

Test(uart, divisor_latch_does_not_transmit)
{
	struct uart_emul u;

	uart_emul_init(&u, to_console, 0);
	uart_emul_write(&u, 3, UART_LCR_DLAB);
	uart_emul_write(&u, 0, 0x01);
	uart_emul_write(&u, 1, 0x00);
	cr_assert(eq(u8, uart_emul_read(&u, 0), 0x01));
	cr_assert(eq(u8, uart_emul_read(&u, 1), 0x00));
	uart_emul_write(&u, 3, 0x03);
	cr_assert(eq(u8, uart_emul_read(&u, 3), 0x03));
	cr_assert(eq(u64, out_len, 0));
	uart_emul_write(&u, 0, 'x');
	cr_assert(eq(str, out, "L2: x"));
}

Test(uart, scratch_register_and_loopback)
{
	struct uart_emul u;

	uart_emul_init(&u, to_console, 0);
	uart_emul_write(&u, 7, 0xA5);
	cr_assert(eq(u8, uart_emul_read(&u, 7), 0xA5));
	uart_emul_write(&u, 4, UART_MCR_LOOP);
	uart_emul_write(&u, 0, 'z');
	cr_assert(eq(u64, out_len, 0));
	cr_assert(eq(u8, uart_emul_read(&u, 2) & 1, UART_IIR_NO_INT));
	cr_assert(eq(u8, uart_emul_read(&u, 0), 0));   /* receiver empty */
}

Test(uart, console_write_prefixes_each_line)
{
	l2_console_write(&con, "a\nb\n\nc", 6);
	cr_assert(eq(str, out, "L2: a\nL2: b\nL2: \nL2: c"));
}
