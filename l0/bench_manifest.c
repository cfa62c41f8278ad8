/*
 * bench_manifest.h. Every fact is asked of its owner (git, QEMU,
 * /proc/cpuinfo, uname, the runs' own results); one that cannot be had is
 * null, never a guess.
 */
#include "bench_manifest.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "bench_util.h"

static json_t *string_or_null(char *s)
{
	json_t *j = s ? json_string(s) : json_null();

	free(s);
	return j;
}

static char *cpu_model(void)
{
	char *text = bench_read_text("/proc/cpuinfo"), *p, *out = NULL;

	if (!text)
		return NULL;
	p = strstr(text, "model name");
	if (p && (p = strchr(p, ':'))) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		out = strndup(p, strcspn(p, "\n"));
	}
	free(text);
	return out;
}

static json_t *git_facts(const char *root)
{
	char *rev[] = { "git", "-C", (char *)root, "rev-parse", "HEAD", NULL };
	char *st[] = { "git", "-C", (char *)root, "status", "--porcelain",
		       "--untracked-files=no", NULL };
	char *commit = bench_first_line(rev);
	char *dirty = commit ? bench_first_line(st) : NULL;
	json_t *j = json_pack("{s:o, s:o}", "nestlab_commit", string_or_null(commit),
			      "nestlab_dirty", commit ? json_boolean(dirty != NULL) : json_null());

	free(dirty);
	return j;
}

/* The distinct values of `key` among the collected runs: one string, or
 * "mixed: a, b"; null when no run reported one. */
static json_t *runs_value(const json_t *collected, const char *key)
{
	const json_t *c, *r;
	json_t *seen = json_array();
	size_t i, k, n;
	char buf[256] = "";

	json_array_foreach(json_object_get(collected, "cells"), i, c)
		json_array_foreach(json_object_get(c, "runs"), k, r) {
			json_t *v = json_object_get(r, key), *s;
			size_t m;
			bool dup = false;

			if (!v || json_is_null(v))
				continue;
			json_array_foreach(seen, m, s)
				dup |= json_equal(s, v);
			if (!dup)
				json_array_append(seen, v);
		}
	n = json_array_size(seen);
	if (n <= 1) {
		json_t *v = n ? json_incref(json_array_get(seen, 0)) : json_null();

		json_decref(seen);
		return v;
	}
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(seen, i);
		size_t l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, "%s%s", i ? ", " : "mixed: ",
			 json_is_string(v) ? json_string_value(v) :
			 json_is_true(v) ? "true" : "false");
	}
	json_decref(seen);
	return json_string(buf);
}

int bench_manifest_write(const char *dir, const json_t *plan, const char *root,
			 const char *mode, unsigned jobs)
{
	char *qv[] = { "qemu-system-x86_64", "--version", NULL };
	char date[40], why[200], *p;
	time_t t = time(NULL);
	struct utsname u;
	json_t *m, *collected, *names = json_array(), *x;
	size_t i;
	int rc;

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	p = bench_fmt("%s/collected.json", dir);
	collected = p ? bench_json_load(p, why, sizeof(why)) : NULL;
	free(p);
	json_array_foreach(json_object_get(plan, "experiments"), i, x)
		json_array_append(names, json_object_get(x, "name"));
	m = git_facts(root);
	json_object_set_new(m, "qemu_version", string_or_null(bench_first_line(qv)));
	json_object_set_new(m, "host_cpu", string_or_null(cpu_model()));
	json_object_set_new(m, "host", json_string(u.nodename));
	json_object_set_new(m, "kernel", json_string(u.release));
	json_object_set_new(m, "cores", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(m, "accel", collected ? runs_value(collected, "accel") : json_null());
	json_object_set_new(m, "icount", collected ? runs_value(collected, "icount") : json_null());
	json_object_set_new(m, "date", json_string(date));
	json_object_set_new(m, "mode", json_string(mode));
	json_object_set_new(m, "options", json_pack("{s:o, s:O, s:O, s:i, s:O, s:O}",
		"experiments", names, "full", json_object_get(plan, "full"),
		"repeat", json_object_get(plan, "repeat"), "jobs", jobs,
		"timeout_s", json_object_get(plan, "timeout_s"),
		"accel", json_object_get(plan, "accel")));
	json_object_set(m, "launcher_l1", json_object_get(plan, "launcher_l1"));
	p = bench_fmt("%s/manifest.json", dir);
	rc = p ? bench_json_write(p, m) : -1;
	free(p);
	json_decref(m);
	json_decref(collected);
	return rc;
}
