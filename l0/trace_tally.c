/*
 * Trace counting and the --check verdict. The check, phase by phase of the
 * results file and reason by reason: the trace's in-phase l1_exit events
 * must equal the results' exit count, or, when L1's ring lost records
 * (dropped or rejected), lie within [count - lost, count]; the trace must
 * have no in-phase exits in a phase the results do not list; and when the
 * results carry the collector's "trace" object, its per-type counts must
 * equal the events the trace holds (nothing lost between the collector
 * and the trace files).
 */
#include "trace_tally.h"

#include <stdio.h>
#include <string.h>
#include "trace_record.h"

static const char *const tally_reason_names[] = {
#define TALLY_REASON_(id, name) name,
	NESTLAB_EXIT_REASONS(TALLY_REASON_)
#undef TALLY_REASON_
};

void trace_tally_init(struct trace_tally *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < 3; i++)
		t->open[i] = -1;
}

void trace_tally_event(struct trace_tally *t, uint32_t type, uint8_t flags, uint64_t code)
{
	const struct trace_type_info *ti = trace_type_info(type);
	uint32_t prod;
	int ph;

	if (!ti) {
		t->other_events++;
		return;
	}
	prod = ti->producer;
	t->events[type]++;
	t->total++;
	if (type == NESTLAB_TRACE_L1_PHASE_BEGIN || type == NESTLAB_TRACE_L2_PHASE_BEGIN) {
		t->open[prod] = code < NESTLAB_MAX_PHASES ? (int)code : -1;
		if (t->open[prod] >= 0) {
			t->phase[code].seen = 1;
			t->phase[code].events[type]++;
		}
		return;
	}
	if (type == NESTLAB_TRACE_L1_PHASE_END || type == NESTLAB_TRACE_L2_PHASE_END) {
		if (code < NESTLAB_MAX_PHASES)
			t->phase[code].events[type]++;
		t->open[prod] = -1;
		return;
	}
	if (!(flags & NESTLAB_TRACE_F_IN_PHASE))
		return;
	ph = t->open[prod];
	if (ph < 0) {
		t->unattributed++;
		return;
	}
	t->phase[ph].events[type]++;
	if (type == NESTLAB_TRACE_L1_EXIT && code < NESTLAB_EXIT_NR)
		t->phase[ph].exits[code]++;
}

void trace_tally_lost(struct trace_tally *t, uint32_t producer, uint64_t dropped,
		      uint64_t rejected, uint64_t resyncs)
{
	uint32_t p = producer == NESTLAB_TRACE_L1 || producer == NESTLAB_TRACE_L2 ? producer : 0;

	t->lost_events++;
	t->dropped[p] += dropped;
	t->rejected[p] += rejected;
	t->resyncs[p] += resyncs;
}

void trace_tally_print(const struct trace_tally *t, FILE *f)
{
	fprintf(f, "events: %llu nestlab records", (unsigned long long)t->total);
	if (t->other_events)
		fprintf(f, ", %llu other", (unsigned long long)t->other_events);
	fputc('\n', f);
	fprintf(f, "  %-20s %12s\n", "event", "count");
	for (uint32_t i = 1; i < NESTLAB_TRACE_NR; i++)
		fprintf(f, "  %-20s %12llu\n", trace_type_info(i)->name,
			(unsigned long long)t->events[i]);
	for (unsigned p = 0; p < NESTLAB_MAX_PHASES; p++) {
		const struct trace_tally_phase *ph = &t->phase[p];

		if (!ph->seen)
			continue;
		fprintf(f, "phase %u (in-phase events)\n", p);
		for (uint32_t i = 1; i < NESTLAB_TRACE_NR; i++)
			if (ph->events[i])
				fprintf(f, "  %-20s %12llu\n", trace_type_info(i)->name,
					(unsigned long long)ph->events[i]);
		for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++)
			if (ph->exits[r])
				fprintf(f, "    l1_exit %-12s %12llu\n", tally_reason_names[r],
					(unsigned long long)ph->exits[r]);
	}
	if (t->unattributed)
		fprintf(f, "in-phase events outside any phase: %llu\n",
			(unsigned long long)t->unattributed);
	fprintf(f, "lost: %llu nestlab:lost events; l1 dropped %llu rejected %llu resyncs %llu; "
		"l2 dropped %llu rejected %llu resyncs %llu; LTTng discarded %llu%s\n",
		(unsigned long long)t->lost_events, (unsigned long long)t->dropped[1],
		(unsigned long long)t->rejected[1], (unsigned long long)t->resyncs[1],
		(unsigned long long)t->dropped[2], (unsigned long long)t->rejected[2],
		(unsigned long long)t->resyncs[2], (unsigned long long)t->discarded,
		t->discarded_unknown ? " (and some of unknown count)" : "");
}

static uint64_t tally_u64(const struct json *j)
{
	return j && j->type == JSON_NUMBER && j->is_u64 ? j->u64 : 0;
}

int trace_tally_check(const struct trace_tally *t, const struct json *results,
		      char *verdict, size_t len)
{
	const struct json *phases = json_get(results, "phases"), *tr = json_get(results, "trace");
	uint64_t lost = t->dropped[1] + t->rejected[1], checked = 0;

	if (!phases || phases->type != JSON_ARRAY) {
		snprintf(verdict, len, "FAIL: the results file has no phases array");
		return 1;
	}
	if (t->discarded || t->discarded_unknown) {
		snprintf(verdict, len, "FAIL: LTTng discarded %llu events%s: the trace is incomplete",
			 (unsigned long long)t->discarded,
			 t->discarded_unknown ? " (and more of unknown count)" : "");
		return 1;
	}
	for (size_t p = 0; p < NESTLAB_MAX_PHASES; p++) {
		const struct json *ph = json_at(phases, p);
		const struct json *ex = json_get(ph, "exits");
		const struct json *nm = json_get(ph, "name");
		const char *name = nm && nm->type == JSON_STRING ? nm->string : "?";

		if (!ph) {
			for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++)
				if (t->phase[p].exits[r]) {
					snprintf(verdict, len, "FAIL: phase %zu: the trace has %llu %s "
						 "exits in a phase the results do not have", p,
						 (unsigned long long)t->phase[p].exits[r],
						 tally_reason_names[r]);
					return 1;
				}
			continue;
		}
		for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++) {
			uint64_t want = tally_u64(json_get(ex, tally_reason_names[r]));
			uint64_t got = t->phase[p].exits[r];

			if (got > want || want - got > lost) {
				snprintf(verdict, len, "FAIL: phase %zu %s: %s: trace %llu l1_exit "
					 "events, results %llu exits (L1 records lost: %llu)", p, name,
					 tally_reason_names[r], (unsigned long long)got,
					 (unsigned long long)want, (unsigned long long)lost);
				return 1;
			}
			checked += want;
		}
	}
	if (tr && tr->type == JSON_OBJECT) {
		const struct json *ev = json_get(tr, "events");

		for (uint32_t i = 1; ev && i < NESTLAB_TRACE_NR; i++) {
			uint64_t want = tally_u64(json_get(ev, trace_type_info(i)->name));

			if (want != t->events[i]) {
				snprintf(verdict, len, "FAIL: %s: the collector emitted %llu, the trace "
					 "holds %llu", trace_type_info(i)->name,
					 (unsigned long long)want, (unsigned long long)t->events[i]);
				return 1;
			}
		}
	}
	snprintf(verdict, len, "PASS: trace agrees with the results: %llu phase exits in %zu "
		 "phases, %llu events%s", (unsigned long long)checked, phases->n,
		 (unsigned long long)t->total,
		 lost ? " (L1 records lost: within the allowance)" : "");
	return 0;
}
