/*
 * The printf engine of format.h: one pass over the format, digits built
 * backwards in a small buffer, no allocation, no floating point.
 */
#include "format.h"
#include <stdint.h>

struct format_out {
	format_putc_fn putc;
	void *ctx;
	size_t n;
};

static void out_c(struct format_out *o, char c)
{
	o->putc(o->ctx, c);
	o->n++;
}

static void out_num(struct format_out *o, uint64_t v, unsigned base, int upper,
		    int neg, unsigned width, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (neg ? 1 : 0);
	if (neg && pad == '0')
		out_c(o, '-');
	for (; width > len; width--)
		out_c(o, pad);
	if (neg && pad != '0')
		out_c(o, '-');
	while (n)
		out_c(o, tmp[--n]);
}

size_t format_v(format_putc_fn putc, void *ctx, const char *fmt, va_list ap)
{
	struct format_out o = { putc, ctx, 0 };

	for (; *fmt; fmt++) {
		unsigned width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);

			out_num(&o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 10, 0,
				v < 0, width, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);

			out_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0, width, pad);
			break;
		}
		case 'p':
			out_c(&o, '0');
			out_c(&o, 'x');
			out_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, 0, 0,
				width, pad);
			break;
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t len = 0;

			if (!s)
				s = "(null)";
			while (s[len])
				len++;
			for (; width > len; width--)
				out_c(&o, ' ');
			while (*s)
				out_c(&o, *s++);
			break;
		}
		case '%':
			out_c(&o, '%');
			break;
		case '\0':
			return o.n;
		default: /* unknown conversion: print it as is */
			out_c(&o, '%');
			out_c(&o, *fmt);
			break;
		}
	}
	return o.n;
}

struct format_buf {
	char *buf;
	size_t size, pos;
};

static void buf_putc(void *ctx, char c)
{
	struct format_buf *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

size_t format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct format_buf b = { buf, size, 0 };
	size_t n = format_v(buf_putc, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

size_t format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
