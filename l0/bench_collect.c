/*
 * bench_collect.h. A run's state, in this order: no rc file -> not_run; rc
 * 124 or 137 (the outer timeout, or the runner's guard) -> timeout; no
 * readable result.json -> fail, with the launcher's first output line;
 * status other than pass -> fail, with the status and first error; rc 0 and
 * status pass -> pass. A cell passes when all its runs do.
 */
#include "bench_collect.h"

#include <stdlib.h>
#include <string.h>
#include "bench_util.h"

/* The member `key` of `o`, or JSON null when absent. */
static json_t *get(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return v ? v : json_null();
}

json_t *bench_result_figures(const json_t *result)
{
	json_t *phases = json_array(), *p;
	size_t i;

	json_array_foreach(json_object_get(result, "phases"), i, p)
		json_array_append_new(phases, json_pack("{s:O, s:O, s:O, s:O, s:O}",
			"name", get(p, "name"), "tsc", get(p, "tsc"), "exits", get(p, "exits"),
			"l1_cycles", get(p, "l1_cycles"), "counters", get(p, "counters")));
	return json_pack("{s:o, s:O}", "phases", phases, "totals", get(result, "totals"));
}

/* First non-empty line of the run's log.txt, for a failure reason. */
static char *log_first_line(const char *rundir)
{
	char *p = bench_fmt("%s/log.txt", rundir);
	char *text = p ? bench_read_text(p) : NULL, *s, *line = NULL;

	free(p);
	if (!text)
		return NULL;
	for (s = text; *s; ) {
		size_t n = strcspn(s, "\n");

		if (n && strncmp(s, "accel:", 6)) {
			line = strndup(s, n > 200 ? 200 : n);
			break;
		}
		s += n + (s[n] != '\0');
	}
	free(text);
	return line;
}

static json_t *run_state(const char *dir, const json_t *run, unsigned timeout_s)
{
	const char *rel = json_string_value(json_object_get(run, "dir"));
	char *rundir = bench_fmt("%s/%s", dir, rel), *p, *rctext, why[400] = "";
	json_t *out = json_pack("{s:O, s:s}", "rep", get(run, "rep"), "dir", rel);
	json_t *res = NULL;
	const char *state;
	int rc;

	p = bench_fmt("%s/rc", rundir);
	rctext = p ? bench_read_text(p) : NULL;
	free(p);
	if (!rctext || !*rctext) {
		state = "not_run";
		snprintf(why, sizeof(why), "not run (no rc file in %s)", rel);
		rc = -1;
	} else {
		char jwhy[300];

		rc = atoi(rctext);
		p = bench_fmt("%s/result.json", rundir);
		res = p ? bench_json_load(p, jwhy, sizeof(jwhy)) : NULL;
		free(p);
		if (rc == 124 || rc == 137) {
			state = "timeout";
			snprintf(why, sizeof(why), "timeout (killed after %u s)",
				 timeout_s + 60);
		} else if (!res) {
			char *l = log_first_line(rundir);

			state = "fail";
			snprintf(why, sizeof(why), "launcher exit %d, no results file%s%s", rc,
				 l ? ": " : "", l ? l : "");
			free(l);
		} else {
			const char *st = json_string_value(json_object_get(res, "status"));
			const char *e0 = json_string_value(json_array_get(
				json_object_get(res, "errors"), 0));

			if (rc == 0 && st && !strcmp(st, "pass")) {
				state = "pass";
			} else {
				state = st && !strcmp(st, "timeout") ? "timeout" : "fail";
				snprintf(why, sizeof(why), "%s%s%s", st ? st : "no status",
					 e0 ? ": " : "", e0 ? e0 : "");
			}
		}
	}
	json_object_set_new(out, "rc", rc >= 0 ? json_integer(rc) : json_null());
	json_object_set_new(out, "state", json_string(state));
	json_object_set_new(out, "why", *why ? json_string(why) : json_null());
	if (res) {
		json_object_set(out, "status", get(res, "status"));
		json_object_set(out, "accel", get(res, "accel"));
		json_object_set(out, "icount", get(res, "icount"));
		json_object_set(out, "wall_seconds", get(res, "wall_seconds"));
		json_object_set_new(out, "figures", bench_result_figures(res));
		json_decref(res);
	} else {
		json_object_set_new(out, "figures", json_null());
	}
	free(rctext);
	free(rundir);
	return out;
}

static void tally_run(struct bench_tally *t, const char *state)
{
	t->runs++;
	if (!strcmp(state, "pass"))
		t->passed++;
	else if (!strcmp(state, "timeout"))
		t->timed_out++;
	else if (!strcmp(state, "not_run"))
		t->not_run++;
	else
		t->failed++;
}

/* Cell state from its runs, and whether their figures are equal. */
static void cell_verdict(json_t *cell, json_t *runs, struct bench_tally *t, FILE *out)
{
	const char *cs = "pass", *why = NULL;
	json_t *first = NULL, *r;
	bool same = true, icount = true;
	size_t i;

	json_array_foreach(runs, i, r) {
		const char *s = json_string_value(json_object_get(r, "state"));
		json_t *fig = json_object_get(r, "figures");

		tally_run(t, s);
		if (strcmp(s, "pass")) {
			if (strcmp(cs, "fail") && strcmp(cs, "timeout"))
				cs = s;
			if (!why)
				why = json_string_value(json_object_get(r, "why"));
			if (out)
				fprintf(out, "bench: %s %s: %s\n", !strcmp(s, "not_run") ? "NOT RUN"
					: !strcmp(s, "timeout") ? "TIMEOUT" : "FAIL",
					json_string_value(json_object_get(r, "dir")),
					json_string_value(json_object_get(r, "why")));
			continue;
		}
		if (!json_is_true(json_object_get(r, "icount")))
			icount = false;
		if (!first)
			first = fig;
		else if (!json_equal(first, fig))
			same = false;
	}
	json_object_set_new(cell, "state", json_string(cs));
	json_object_set_new(cell, "why", why ? json_string(why) : json_null());
	json_object_set_new(cell, "identical", json_array_size(runs) > 1 ?
			    json_boolean(same) : json_null());
	json_object_set_new(cell, "icount", json_boolean(icount));
	if (!same && icount) {
		t->differ++;
		if (out)
			fprintf(out, "bench: DIFFER %s: repeats under icount give different "
				"figures\n", json_string_value(json_object_get(cell, "id")));
	} else if (!same) {
		t->vary++;
	}
}

int bench_collect(const char *dir, const json_t *plan, struct bench_tally *t, FILE *out)
{
	json_t *cells = json_array(), *c, *r, *doc;
	unsigned timeout_s = (unsigned)json_integer_value(json_object_get(plan, "timeout_s"));
	size_t i, k;
	char *p;
	int rc;

	memset(t, 0, sizeof(*t));
	json_array_foreach(json_object_get(plan, "cells"), i, c) {
		json_t *cell = json_pack("{s:O}", "id", get(c, "id"));
		json_t *runs = json_array();

		t->cells++;
		if (!json_is_true(json_object_get(c, "available"))) {
			t->unavailable++;
			json_object_set_new(cell, "state", json_string("not_available"));
			json_object_set(cell, "why", get(c, "why"));
			json_object_set_new(cell, "runs", runs);
			json_array_append_new(cells, cell);
			continue;
		}
		json_array_foreach(json_object_get(c, "runs"), k, r)
			json_array_append_new(runs, run_state(dir, r, timeout_s));
		cell_verdict(cell, runs, t, out);
		json_object_set_new(cell, "runs", runs);
		json_array_append_new(cells, cell);
	}
	doc = json_pack("{s:s, s:o}", "format", "nestlab-bench-collected 1", "cells", cells);
	p = bench_fmt("%s/collected.json", dir);
	rc = p && doc ? bench_json_write(p, doc) : -1;
	free(p);
	json_decref(doc);
	return rc;
}
