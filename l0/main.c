/*
 * Entry point of the `nestlab` launcher: dispatches the subcommand. Today
 * there is one, `run`; `nestlab --help` describes it.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cmd_run.h"

int main(int argc, char **argv)
{
	struct run_config cfg;

	if (argc < 2) {
		cli_usage(stderr);
		return L0_EXIT_CONFIG;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cli_usage(stdout);
		return L0_EXIT_PASS;
	}
	if (strcmp(argv[1], "run")) {
		fprintf(stderr, "nestlab: unknown command '%s'\n", argv[1]);
		cli_usage(stderr);
		return L0_EXIT_CONFIG;
	}
	switch (cli_parse_run(argc - 1, argv + 1, &cfg, stdout, stderr)) {
	case CLI_DONE:
		return L0_EXIT_PASS;
	case CLI_USAGE:
		return L0_EXIT_CONFIG;
	case CLI_RUN:
		break;
	}
	return cmd_run(&cfg);
}
