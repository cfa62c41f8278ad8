/*
 * The L2 kernel's batching counters as they reach the launcher: one console
 * line per phase at the end of a batch=kernel run (guests/kernel/
 * batch_stats.c, docs/batching.md),
 *
 *   nestlab-l2: batch phase <i>: entries <E> syscalls <S> emulated <I> skipped <K> sizes <k:n,...> ends <why:n,...>
 *
 * parsed here into per-phase counters for the results JSON (each phase's
 * "batch" object). Pure: text in, struct out; a malformed line is skipped
 * and counted, never half-used.
 */
#ifndef L0_BATCH_CONSOLE_H
#define L0_BATCH_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nestlab/bootargs.h>
#include <nestlab/results.h>

#define BATCH_CONSOLE_ENDS_MAX 16
#define BATCH_CONSOLE_END_NAME 16

struct batch_console_phase {
	bool present;
	uint64_t entries, syscalls, emulated;
	uint64_t skipped;                              /* look-aheads the negative cache skipped */
	uint64_t size[NESTLAB_BATCH_MAX_LIMIT + 1];  /* entries by calls made */
	unsigned nends;
	struct {
		char name[BATCH_CONSOLE_END_NAME];
		uint64_t count;
	} end[BATCH_CONSOLE_ENDS_MAX];                 /* in the line's order */
};

struct batch_console {
	unsigned lines;                                /* well-formed lines */
	unsigned malformed;                            /* lines that start right but do not parse */
	struct batch_console_phase phase[NESTLAB_MAX_PHASES];
};

/* Scan len bytes of console text (need not be NUL-terminated). */
void batch_console_parse(const char *text, size_t len, struct batch_console *out);

/* One line (without its newline): 0 and the phase filled in, or -1. */
int batch_console_line(const char *line, size_t len, unsigned *index,
		       struct batch_console_phase *ph);

#endif
