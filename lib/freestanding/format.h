/*
 * A small printf-style formatter for the L2 kernel and its ring-3 programs
 * (no libc at either level). Conversions: %s %c %d %i %u %x %X %p %%, with
 * the length modifiers l and ll, a '0' flag and a field width (e.g. %016lx).
 * Output goes to a character sink; format_snprintf fills a buffer. Pure C,
 * host-tested.
 */
#ifndef NESTLAB_FORMAT_H
#define NESTLAB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_putc_fn)(void *ctx, char c);

/* Returns the number of characters produced. */
size_t format_v(format_putc_fn putc, void *ctx, const char *fmt, va_list ap);

/* Like snprintf: always NUL-terminates when size > 0; returns the length the
 * full output would have had. */
size_t format_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
