/*
 * Exit accounting (see exit_stats.h). The per-exit path (inline in the
 * header) is two array increments per counter set: no search, no branches
 * beyond the phase test.
 */
#include "exit_stats.h"
#include "../../lib/results/results_writer.h"
#include <nestlab/mem.h>

void exit_stats_init(struct exit_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->open = -1;
}

static bool phase_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > NESTLAB_PHASE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

int exit_stats_phase_begin(struct exit_stats *s, const char *name, size_t len,
			   uint64_t tsc)
{
	struct exit_phase *p;

	if (s->open >= 0)
		return EXIT_STATS_E_STATE;
	if (!phase_name_ok(name, len))
		return EXIT_STATS_E_NAME;
	if (s->nr_phases >= NESTLAB_MAX_PHASES)
		return EXIT_STATS_E_FULL;
	p = &s->phase[s->nr_phases];
	memset(p, 0, sizeof(*p));
	memcpy(p->name, name, len);
	p->name[len] = '\0';
	p->tsc_begin = tsc;
	s->open = (int)s->nr_phases;
	s->open_counts = &p->counts;
	return (int)s->nr_phases++;
}

int exit_stats_phase_end(struct exit_stats *s, unsigned index, uint64_t tsc)
{
	if (index >= s->nr_phases)
		return EXIT_STATS_E_INDEX;
	if (s->open != (int)index)
		return EXIT_STATS_E_STATE;
	s->phase[index].tsc_end = tsc;
	s->phase[index].closed = true;
	s->open = -1;
	s->open_counts = 0;
	return 0;
}

static bool counter_name_ok(const char *name, size_t *len)
{
	size_t n = 0;

	for (; name[n]; n++) {
		char c = name[n];

		if (n >= NESTLAB_COUNTER_NAME_MAX ||
		    !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
			return false;
	}
	*len = n;
	return n > 0;
}

int exit_stats_counter_set(struct exit_stats *s, unsigned index, const char *name,
			   uint64_t value)
{
	struct exit_counter *c;
	size_t len;

	if (index >= s->nr_phases)
		return EXIT_STATS_E_INDEX;
	if (!counter_name_ok(name, &len))
		return EXIT_STATS_E_NAME;
	for (unsigned i = 0; i < s->nr_counters; i++) {
		c = &s->counter[i];
		if (c->phase == index && !memcmp(c->name, name, len + 1)) {
			c->value = value;
			return 0;
		}
	}
	if (s->nr_counters >= NESTLAB_MAX_COUNTERS)
		return EXIT_STATS_E_FULL;
	c = &s->counter[s->nr_counters++];
	c->phase = index;
	memcpy(c->name, name, len + 1);
	c->value = value;
	return 0;
}

static void emit_counts(const struct exit_counts *c, int index,
			const struct results_writer *w)
{
	for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++)
		if (c->count[r])
			results_exit(w, index, nestlab_exit_reason_name(r),
				     c->count[r], c->cycles[r]);
}

void exit_stats_emit(struct exit_stats *s, const struct results_writer *w,
		     uint64_t tsc_now)
{
	if (s->open >= 0)
		exit_stats_phase_end(s, (unsigned)s->open, tsc_now);
	for (unsigned i = 0; i < s->nr_phases; i++) {
		const struct exit_phase *p = &s->phase[i];

		results_phase(w, i, p->name, p->tsc_end - p->tsc_begin);
		emit_counts(&p->counts, (int)i, w);
		for (unsigned k = 0; k < s->nr_counters; k++)
			if (s->counter[k].phase == i)
				results_counter(w, i, s->counter[k].name, s->counter[k].value);
	}
	emit_counts(&s->total, -1, w);
}

const char *exit_stats_strerror(int rc)
{
	switch (rc) {
	case EXIT_STATS_E_FULL: return "EXIT_STATS_E_FULL (NESTLAB_MAX_PHASES or NESTLAB_MAX_COUNTERS reached)";
	case EXIT_STATS_E_NAME: return "EXIT_STATS_E_NAME (empty, too long or bad characters)";
	case EXIT_STATS_E_STATE: return "EXIT_STATS_E_STATE (begin while open / end of a phase not open)";
	case EXIT_STATS_E_INDEX: return "EXIT_STATS_E_INDEX (no such phase)";
	}
	return "unknown error";
}
