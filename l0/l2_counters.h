/*
 * The L2 kernel's results counters as they reach the launcher: console
 * lines at the end of the run, one per counter of a phase,
 *
 *   nestlab-l2: counter <phase> <name> <value>
 *
 * (the results stream's "counter" record, include/nestlab/results.h; the
 * trampoline's, include/nestlab/ktramp.h). At level 2 L1 writes the results
 * stream and the kernel cannot, so it reports on its console, which L1
 * relays with a prefix ("L2: "). l2_counters_merge adds them to the parsed
 * stream's counters, so that the results JSON renders them with the phase's
 * other counters (results_json.c). Pure: text in, stream updated; a line
 * that starts right but does not parse, names a phase the stream does not
 * have, repeats a name of its phase or does not fit is skipped and counted,
 * never half-used.
 */
#ifndef L0_L2_COUNTERS_H
#define L0_L2_COUNTERS_H

#include <stddef.h>
#include "results_parse.h"

/* One line (without its newline, from the prefix on): 0 and the counter
 * filled in, or -1. */
int l2_counters_line(const char *line, size_t len, struct results_named_counter *out);

/* Scan len bytes of console text; the counters added to rs; the number of
 * lines skipped in *skipped (if not NULL). */
unsigned l2_counters_merge(const char *text, size_t len, struct results_stream *rs,
			   unsigned *skipped);

#endif
