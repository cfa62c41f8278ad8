/*
 * The L2 kernel's console. Level 1: COM1, a 16550 UART polled on its line
 * status register (LSR bit 5, THR empty), no interrupts. Level 2: L1's
 * console through NESTLAB_HC_CONSOLE_WRITE, one hypercall per line the kernel
 * prints and one per write() system call, never the UART (a UART access would
 * be an IOIO exit).
 */
#include <stdarg.h>
#include <nestlab/hypercall_guest.h>
#include <nestlab/platform.h>
#include <nestlab/mem.h>
#include "uapi.h"
#include "kernel.h"
#include "freestanding/format.h"
#include "arch.h"

#define UART_THR 0
#define UART_IER 1
#define UART_LSR 5
#define UART_LSR_THRE 0x20

static char line_buf[256];
static size_t line_len;
static char user_buf[L2_WRITE_MAX];

static void uart_putc(uint16_t base, char c)
{
	unsigned spins = 100000;

	while (!(inb(base + UART_LSR) & UART_LSR_THRE) && --spins)
		;
	outb(base + UART_THR, (uint8_t)c);
}

void console_init(void)
{
	if (l2k.level == 1)
		outb(NESTLAB_COM1_PORT + UART_IER, 0); /* no UART interrupts */
}

static uint64_t hc_console(const char *buf, size_t len, uint64_t *written)
{
	struct nestlab_hc_ret r = nestlab_hc_call(l2k.transport, NESTLAB_HC_CONSOLE_WRITE,
						  (uint64_t)(uintptr_t)buf, len, 0);

	*written = r.ret0;
	return r.status;
}

void console_flush(void)
{
	uint64_t written;

	if (line_len && l2k.level == 2)
		hc_console(line_buf, line_len, &written);
	line_len = 0;
}

static void kputc(void *ctx, char c)
{
	(void)ctx;
	if (l2k.level != 2) {
		uart_putc(NESTLAB_COM1_PORT, c);
		return;
	}
	line_buf[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line_buf))
		console_flush();
}

void kputs(const char *s)
{
	while (*s)
		kputc(NULL, *s++);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_v(kputc, NULL, fmt, ap);
	va_end(ap);
}

int64_t console_write_user(const char *buf, size_t len)
{
	uint64_t status, written;
	size_t i;

	if (len > L2_WRITE_MAX)
		return -L2_EINVAL;
	if (len == 0)
		return 0;
	if (!process_user_range_ok((uint64_t)(uintptr_t)buf, len))
		return -L2_EFAULT;
	memcpy(user_buf, buf, len);  /* copy once: the user cannot change it after the check */
	if (l2k.level != 2) {
		for (i = 0; i < len; i++)
			uart_putc(NESTLAB_COM1_PORT, user_buf[i]);
		return (int64_t)len;
	}
	status = hc_console(user_buf, len, &written);
	if (status != NESTLAB_HC_OK)
		return -(int64_t)(L2_EHC_BASE + status);
	return (int64_t)written;
}
