/*
 * trace-stats driver: arguments, read the trace (trace_read.c), print the
 * tally, and with --check load the results JSON (json_read.c) and print
 * the one-line verdict. Exit status: 0 printed / check passed, 1 check
 * failed or the trace or results could not be read, 2 bad command line.
 */
#include "cmd_trace_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_read.h"
#include "paths.h"
#include "trace_read.h"
#include "trace_tally.h"

#define TRACE_STATS_JSON_MAX (16u << 20)

static void trace_stats_usage(FILE *f)
{
	fputs("usage: nestlab trace-stats DIR [--check RESULTS.json]\n"
	      "\n"
	      "Counts the nestlab events of a trace written by `nestlab run --trace DIR`:\n"
	      "per type, per workload phase (l1_exit per exit reason), and what was lost\n"
	      "(nestlab:lost: dropped by a full ring, rejected as corrupt; LTTng discards).\n"
	      "  --check FILE   compare with the run's results JSON: every phase's l1_exit\n"
	      "                 events per reason must equal its exit counts (less at most\n"
	      "                 the L1 records lost); prints PASS:/FAIL: and exits 0/1\n"
	      "Exit status: 0 ok, 1 check failed or unreadable input, 2 bad command line.\n", f);
}

int cmd_trace_stats(int argc, char **argv)
{
	const char *dir = NULL, *check = NULL;
	static struct trace_tally t;
	char err[600], verdict[400];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			trace_stats_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--check") && i + 1 < argc) {
			check = argv[++i];
		} else if (!strncmp(argv[i], "--check=", 8) && argv[i][8]) {
			check = argv[i] + 8;
		} else if (argv[i][0] != '-' && !dir) {
			dir = argv[i];
		} else {
			fprintf(stderr, "nestlab trace-stats: unexpected argument '%s'\n", argv[i]);
			trace_stats_usage(stderr);
			return 2;
		}
	}
	if (!dir) {
		fprintf(stderr, "nestlab trace-stats: DIR is required\n");
		trace_stats_usage(stderr);
		return 2;
	}
	trace_tally_init(&t);
	if (trace_read(dir, &t, err, sizeof(err))) {
		fprintf(stderr, "nestlab trace-stats: %s\n", err);
		return 1;
	}
	printf("trace: %s\n", dir);
	trace_tally_print(&t, stdout);
	if (!check)
		return 0;

	size_t len;
	char *text = paths_read_file(check, TRACE_STATS_JSON_MAX, 0, &len);
	struct json *j = text && len ? json_parse(text, len, err, sizeof(err)) : NULL;

	if (!j) {
		fprintf(stderr, "nestlab trace-stats: %s: %s\n", check,
			!text ? "out of memory" : !len ? "missing or empty" : err);
		free(text);
		printf("FAIL: cannot read %s\n", check);
		return 1;
	}
	rc = trace_tally_check(&t, j, verdict, sizeof(verdict));
	printf("%s\n", verdict);
	json_free(j);
	free(text);
	return rc;
}
