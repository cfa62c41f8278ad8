/*
 * L1's own console (COM1 of the machine L0 gives it) and results channel
 * (COM2): polled 16550 output. l1_printf is for diagnoses and progress, never
 * on the per-exit fast path.
 */
#ifndef L1_ARCH_CONSOLE_H
#define L1_ARCH_CONSOLE_H

#include <stdint.h>

void serial_init(uint16_t base);
void serial_putc(uint16_t base, char c);
void l1_putc(void *unused, char c);              /* console sink */
void l1_results_putc(void *unused, char c);      /* results-channel sink */
void l1_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
