/*
 * printf-style formatting onto a character sink, for freestanding code (L1's
 * console and diagnoses). Supports %c %s %d %i %u %x %X %p and %%, the
 * length modifiers l and ll (and z), a field width and the 0 flag.
 */
#ifndef NESTLAB_FORMAT_H
#define NESTLAB_FORMAT_H

#include <stdarg.h>

typedef void (*format_putc_fn)(void *ctx, char c);

void format_v(format_putc_fn putc, void *ctx, const char *fmt, va_list ap);

#endif
