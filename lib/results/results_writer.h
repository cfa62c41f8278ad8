/*
 * Writes the results stream of include/nestlab/results.h through a
 * character sink. Freestanding: used by L1 (level 2 runs) and by the L2
 * kernel (level 1 runs); host tests capture the output in a buffer.
 */
#ifndef NESTLAB_RESULTS_WRITER_H
#define NESTLAB_RESULTS_WRITER_H

#include <stdint.h>

struct results_writer {
	void (*putc)(void *ctx, char c);
	void *ctx;
};

/* "nestlab-results 1 producer=<producer>" */
void results_begin(const struct results_writer *w, const char *producer);
/* "phase <index> <name> tsc=<ticks>" */
void results_phase(const struct results_writer *w, unsigned index,
		   const char *name, uint64_t tsc);
/* "exit <index> <reason> <count> <cycles>"; index < 0 writes "total" */
void results_exit(const struct results_writer *w, int index, const char *reason,
		  uint64_t count, uint64_t cycles);
/* "counter <index> <name> <value>" */
void results_counter(const struct results_writer *w, unsigned index, const char *name,
		     uint64_t value);
/* "error <text>" (newlines in text become spaces) */
void results_error(const struct results_writer *w, const char *text);
/* "status <code>" */
void results_status(const struct results_writer *w, unsigned status);
/* "end" */
void results_end(const struct results_writer *w);

/* Helpers for other line-oriented output on the same kind of sink. */
void results_puts(const struct results_writer *w, const char *s);
void results_putu(const struct results_writer *w, uint64_t v);

#endif
