/*
 * The fuzz guest's console: COM1 (NESTLAB_COM1_PORT), 8N1, polled, no
 * interrupts, the way guests/kernel/console.c drives it at level 1. Under
 * L1 every access is an IOIO exit to L1's 16550 model, which forwards the
 * bytes to its console with an "L2: " prefix. A block may reprogram the
 * UART (divisor latch, loopback): con_reset() puts it back.
 */
#ifndef FUZZ_CONSOLE_H
#define FUZZ_CONSOLE_H

extern int con_nopoll;     /* set at level 2: L1's UART is always ready */

void con_reset(void);
void con_puts(const char *s);
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
