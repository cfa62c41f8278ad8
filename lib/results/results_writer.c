/*
 * Implementation of the results stream writer (format: results.h). Every
 * record is built from decimal numbers and fixed keywords, with no buffering,
 * so a stream cut short by a crash is still readable up to the cut.
 */
#include "results_writer.h"
#include <nestlab/results.h>

void results_puts(const struct results_writer *w, const char *s)
{
	while (*s)
		w->putc(w->ctx, *s++);
}

void results_putu(const struct results_writer *w, uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		w->putc(w->ctx, digits[--n]);
}

void results_begin(const struct results_writer *w, const char *producer)
{
	results_puts(w, NESTLAB_RESULTS_HEADER " ");
	results_putu(w, NESTLAB_RESULTS_FORMAT_VERSION);
	results_puts(w, " producer=");
	results_puts(w, producer);
	w->putc(w->ctx, '\n');
}

void results_phase(const struct results_writer *w, unsigned index,
		   const char *name, uint64_t tsc)
{
	results_puts(w, NESTLAB_RESULTS_PHASE " ");
	results_putu(w, index);
	w->putc(w->ctx, ' ');
	results_puts(w, name);
	results_puts(w, " tsc=");
	results_putu(w, tsc);
	w->putc(w->ctx, '\n');
}

void results_exit(const struct results_writer *w, int index, const char *reason,
		  uint64_t count, uint64_t cycles)
{
	results_puts(w, NESTLAB_RESULTS_EXIT " ");
	if (index < 0)
		results_puts(w, NESTLAB_RESULTS_TOTAL);
	else
		results_putu(w, (uint64_t)index);
	w->putc(w->ctx, ' ');
	results_puts(w, reason);
	w->putc(w->ctx, ' ');
	results_putu(w, count);
	w->putc(w->ctx, ' ');
	results_putu(w, cycles);
	w->putc(w->ctx, '\n');
}

void results_counter(const struct results_writer *w, unsigned index, const char *name,
		     uint64_t value)
{
	results_puts(w, NESTLAB_RESULTS_COUNTER " ");
	results_putu(w, index);
	w->putc(w->ctx, ' ');
	results_puts(w, name);
	w->putc(w->ctx, ' ');
	results_putu(w, value);
	w->putc(w->ctx, '\n');
}

void results_error(const struct results_writer *w, const char *text)
{
	results_puts(w, NESTLAB_RESULTS_ERROR " ");
	for (; *text; text++)
		w->putc(w->ctx, (*text == '\n' || *text == '\r') ? ' ' : *text);
	w->putc(w->ctx, '\n');
}

void results_status(const struct results_writer *w, unsigned status)
{
	results_puts(w, NESTLAB_RESULTS_STATUS " ");
	results_putu(w, status);
	w->putc(w->ctx, '\n');
}

void results_end(const struct results_writer *w)
{
	results_puts(w, NESTLAB_RESULTS_END "\n");
}
