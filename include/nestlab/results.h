/*
 * The results stream: what L1 (level 2) or the L2 kernel (level 1) writes to
 * the results channel (COM2, see platform.h) at the end of a run, and what the
 * launcher parses into its JSON results file. Plain text, one record a line,
 * fields separated by single spaces, so it survives a serial line and can be
 * read by eye:
 *
 *   nestlab-results 1 producer=<l1|l2>          first line: format version
 *   phase <index> <name> tsc=<ticks>            one per phase, in order
 *   exit <index|total> <reason> <count> <cycles> one per non-zero (phase, reason)
 *   counter <index> <name> <value>              a mechanism's count in a phase
 *   error <text to end of line>                 zero or more diagnoses
 *   status <code>                               enum nestlab_status
 *   end                                         last line: stream complete
 *
 * <ticks>: TSC ticks between the phase's begin and end markers as seen by the
 * producer. <cycles>: L1 TSC ticks spent handling those exits (0 at level 1).
 * Phase names are 1..NESTLAB_PHASE_NAME_MAX characters of [A-Za-z0-9_.-].
 * Counters (after their phase's exit lines) are what a mechanism of L1
 * counted in a phase, e.g. "interpose.nr.2 1000" (system call 2 interposed
 * 1000 times, docs/interpose.md); names are 1..NESTLAB_COUNTER_NAME_MAX
 * characters of [a-z0-9_.], unique in their phase, at most
 * NESTLAB_MAX_COUNTERS in a stream.
 * A stream without "end" is incomplete: the producer died.
 */
#ifndef NESTLAB_RESULTS_H
#define NESTLAB_RESULTS_H

#define NESTLAB_RESULTS_FORMAT_VERSION 1
#define NESTLAB_MAX_PHASES             16
#define NESTLAB_PHASE_NAME_MAX         31
#define NESTLAB_COUNTER_NAME_MAX       31
#define NESTLAB_MAX_COUNTERS           64

#define NESTLAB_RESULTS_HEADER   "nestlab-results"
#define NESTLAB_RESULTS_PHASE    "phase"
#define NESTLAB_RESULTS_EXIT     "exit"
#define NESTLAB_RESULTS_TOTAL    "total"
#define NESTLAB_RESULTS_COUNTER  "counter"
#define NESTLAB_RESULTS_ERROR    "error"
#define NESTLAB_RESULTS_STATUS   "status"
#define NESTLAB_RESULTS_END      "end"

#endif
