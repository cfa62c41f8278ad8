/*
 * Entry point of the `nestlab` launcher: dispatches the subcommand, `run`
 * (cmd_run.c), `expect` (cmd_expect.c) or `trace-stats` (cmd_trace_stats.c);
 * `nestlab --help` describes them.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cmd_bench.h"
#include "cmd_expect.h"
#include "cmd_run.h"
#include "cmd_trace_stats.h"

static int main_run(int argc, char **argv)
{
	struct run_config cfg;

	switch (cli_parse_run(argc, argv, &cfg, stdout, stderr)) {
	case CLI_DONE:
		return L0_EXIT_PASS;
	case CLI_USAGE:
		return L0_EXIT_CONFIG;
	case CLI_RUN:
		break;
	}
	return cmd_run(&cfg);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} main_cmds[] = {
	{ "run",    main_run },
	{ "expect", cmd_expect },
	{ "trace-stats", cmd_trace_stats },
	{ "bench",  cmd_bench },
	{ "bench-compare", cmd_bench_compare },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		cli_usage(stderr);
		return L0_EXIT_CONFIG;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cli_usage(stdout);
		return L0_EXIT_PASS;
	}
	for (size_t i = 0; i < sizeof(main_cmds) / sizeof(main_cmds[0]); i++)
		if (!strcmp(argv[1], main_cmds[i].name))
			return main_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nestlab: unknown command '%s'\n", argv[1]);
	cli_usage(stderr);
	return L0_EXIT_CONFIG;
}
