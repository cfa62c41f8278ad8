/*
 * Exit accounting: every exit counted by reason, overall and per workload
 * phase, with the L1 TSC cycles spent handling it. Phases are opened and
 * closed by marker hypercalls; the marker exits themselves count in the
 * totals but never in a phase. Mechanisms add named counters to a phase
 * (exit_stats_counter_set: "interpose.nr.2" ...), written after the
 * phase's exits. Pure C (host-tested), no allocation.
 */
#ifndef L1_EXIT_STATS_H
#define L1_EXIT_STATS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <nestlab/exit_reason.h>
#include <nestlab/results.h>

struct results_writer;

struct exit_counts {
	uint64_t count[NESTLAB_EXIT_NR];
	uint64_t cycles[NESTLAB_EXIT_NR];
};

struct exit_phase {
	char name[NESTLAB_PHASE_NAME_MAX + 1];
	uint64_t tsc_begin, tsc_end;
	bool closed;
	struct exit_counts counts;
};

/* A mechanism's named count in a phase (results.h "counter"). */
struct exit_counter {
	unsigned phase;
	char name[NESTLAB_COUNTER_NAME_MAX + 1];
	uint64_t value;
};

struct exit_stats {
	struct exit_phase phase[NESTLAB_MAX_PHASES];
	struct exit_counter counter[NESTLAB_MAX_COUNTERS];
	unsigned nr_counters;
	unsigned nr_phases;
	int open;                    /* index of the open phase, or -1 */
	struct exit_counts *open_counts; /* &phase[open].counts, or NULL */
	struct exit_counts total;
};

#define EXIT_STATS_E_FULL   (-60)  /* NESTLAB_MAX_PHASES (or _COUNTERS) reached */
#define EXIT_STATS_E_NAME   (-61)  /* empty, too long or bad characters */
#define EXIT_STATS_E_STATE  (-62)  /* begin while open / end of a phase not open */
#define EXIT_STATS_E_INDEX  (-63)  /* no such phase */

/* The name and meaning of a EXIT_STATS_E_* code ("unknown error" otherwise). */
const char *exit_stats_strerror(int rc);

void exit_stats_init(struct exit_stats *s);
/* Opens a phase; returns its index or EXIT_STATS_E_*. name need not be
 * NUL-terminated; allowed characters: [A-Za-z0-9_.-]. */
int  exit_stats_phase_begin(struct exit_stats *s, const char *name, size_t len,
			    uint64_t tsc);
int  exit_stats_phase_end(struct exit_stats *s, unsigned index, uint64_t tsc);
/* Set counter `name` (NUL-terminated, [a-z0-9_.]) of phase index to
 * value, adding it if new. 0, or EXIT_STATS_E_INDEX (no such phase),
 * _NAME, _FULL (NESTLAB_MAX_COUNTERS in the stream already). */
int  exit_stats_counter_set(struct exit_stats *s, unsigned index, const char *name,
			    uint64_t value);
/* Count one exit (a reason out of range counts as unknown). in_phase=false
 * for exits that must not count in a phase (the marker hypercalls).
 * Inline: it is on every exit's path. */
static inline void exit_stats_record(struct exit_stats *s, unsigned reason,
				     uint64_t cycles, bool in_phase)
{
	struct exit_counts *c = s->open_counts;

	if (reason >= NESTLAB_EXIT_NR)
		reason = NESTLAB_EXIT_UNKNOWN;
	s->total.count[reason]++;
	s->total.cycles[reason] += cycles;
	if (in_phase && c) {
		c->count[reason]++;
		c->cycles[reason] += cycles;
	}
}
/* Writes the "phase", "exit" and "counter" records of the results stream. A phase still
 * open is closed at tsc_now. */
void exit_stats_emit(struct exit_stats *s, const struct results_writer *w,
		     uint64_t tsc_now);

#endif
