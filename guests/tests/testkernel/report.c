/*
 * The test kernel's output and verdict: lines on COM1, a 16550 UART driven
 * by polling its line status register (PC16550D datasheet, "Line Status
 * Register": THRE, bit 5, says the transmitter holding register can take a
 * byte), counted the way kvm-unit-tests counts them (PASS, FAIL, SKIP, then
 * one SUMMARY line), and the run's end through QEMU's isa-debug-exit
 * (NESTLAB_DEBUG_EXIT_PORT): status NESTLAB_STATUS_PASS when nothing
 * failed, NESTLAB_STATUS_WORKLOAD_FAIL otherwise (include/nestlab/status.h),
 * which the launcher maps to pass and workload_fail at both levels.
 */
#include <stdarg.h>
#include <nestlab/platform.h>
#include <nestlab/status.h>
#include "freestanding/format.h"
#include "tk.h"

#define UART_THR       0
#define UART_IER       1
#define UART_LSR       5
#define UART_LSR_THRE  0x20
#define UART_SPINS     100000u   /* give up on a UART that never drains */

static unsigned n_tests, n_failed, n_skipped;
static bool uart_ready;

static void uart_putc(void *ctx, char c)
{
	unsigned spins = UART_SPINS;

	if (!uart_ready) {
		outb(NESTLAB_COM1_PORT + UART_IER, 0);  /* polled: no UART interrupts */
		uart_ready = true;
	}
	while (!(inb(NESTLAB_COM1_PORT + UART_LSR) & UART_LSR_THRE) && --spins)
		;
	outb(NESTLAB_COM1_PORT + UART_THR, (uint8_t)c);
}

static void vprint(const char *fmt, va_list ap)
{
	format_v(uart_putc, NULL, fmt, ap);
}

static void print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

static bool vcheck(const char *group, bool ok, uint64_t got, uint64_t want,
		   const char *what, va_list ap)
{
	n_tests++;
	print("%s: %s: ", ok ? "PASS" : "FAIL", group);
	vprint(what, ap);
	if (!ok) {
		n_failed++;
		print(" (got %llx, expected %llx)", (unsigned long long)got,
		      (unsigned long long)want);
	}
	print("\n");
	return ok;
}

bool tk_check(const char *group, bool ok, uint64_t got, uint64_t want, const char *what, ...)
{
	va_list ap;

	va_start(ap, what);
	ok = vcheck(group, ok, got, want, what, ap);
	va_end(ap);
	return ok;
}

bool tk_expect(const char *group, uint64_t got, uint64_t want, const char *what, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, what);
	ok = vcheck(group, got == want, got, want, what, ap);
	va_end(ap);
	return ok;
}

void tk_skip(const char *group, const char *why, ...)
{
	va_list ap;

	n_skipped++;
	print("SKIP: %s: ", group);
	va_start(ap, why);
	vprint(why, ap);
	va_end(ap);
	print("\n");
}

void tk_finish(void)
{
	print("SUMMARY: %u tests, %u unexpected failures, %u skipped\n", n_tests, n_failed,
	      n_skipped);
	outl(NESTLAB_DEBUG_EXIT_PORT,
	     n_failed || !n_tests ? NESTLAB_STATUS_WORKLOAD_FAIL : NESTLAB_STATUS_PASS);
	halt_forever();
}
