/* Minimal printf engine (see format.h): no floating point, no allocation. */
#include "format.h"
#include <stdint.h>
#include <stdbool.h>

static void put_num(format_putc_fn putc, void *ctx, uint64_t v, unsigned base,
		    bool upper, bool neg, int width, char pad)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0;

	do {
		buf[n++] = dig[v % base];
		v /= base;
	} while (v);
	if (neg)
		width--;
	if (neg && pad == '0')
		putc(ctx, '-');
	for (int i = n; i < width; i++)
		putc(ctx, pad);
	if (neg && pad != '0')
		putc(ctx, '-');
	while (n)
		putc(ctx, buf[--n]);
}

void format_v(format_putc_fn putc, void *ctx, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int lng = 0, width = 0;
		char pad = ' ';

		if (*fmt != '%') {
			putc(ctx, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			putc(ctx, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0;

			if (!s)
				s = "(null)";
			while (s[len])
				len++;
			for (int i = len; i < width; i++)
				putc(ctx, ' ');
			while (*s)
				putc(ctx, *s++);
			break;
		}
		case 'd': case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);

			put_num(putc, ctx, v < 0 ? (uint64_t)-v : (uint64_t)v, 10,
				false, v < 0, width, pad);
			break;
		}
		case 'u': case 'x': case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);

			put_num(putc, ctx, v, *fmt == 'u' ? 10 : 16, *fmt == 'X',
				false, width, pad);
			break;
		}
		case 'p':
			putc(ctx, '0');
			putc(ctx, 'x');
			put_num(putc, ctx, (uint64_t)(uintptr_t)va_arg(ap, void *), 16,
				false, false, 16, '0');
			break;
		case '%':
			putc(ctx, '%');
			break;
		case '\0':
			return;
		default:
			putc(ctx, '%');
			putc(ctx, *fmt);
			break;
		}
	}
}
