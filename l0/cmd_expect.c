/*
 * The expect driver: parses the command line, evaluates the model
 * (expect.c) and prints its JSON line, or lists the workloads. Nothing is
 * run; the integration tests compare this against `nestlab run`'s results.
 */
#include "cmd_expect.h"

#include <stdio.h>
#include <nestlab/bootargs.h>
#include "cli_expect.h"
#include "cmd_run.h"
#include "expect.h"

int cmd_expect(int argc, char **argv)
{
	struct expect_config cfg;
	struct expect e;

	switch (cli_parse_expect(argc, argv, &cfg, stdout, stderr)) {
	case CLI_DONE:
		return L0_EXIT_PASS;
	case CLI_USAGE:
		return L0_EXIT_CONFIG;
	case CLI_RUN:
		break;
	}
	if (cfg.list) {
		for (unsigned i = 0; i < NESTLAB_WL_NR; i++)
			printf("%s\n", cli_workload_name(i));
		return L0_EXIT_PASS;
	}
	if (expect_compute(&cfg.p, &e)) {
		fprintf(stderr, "nestlab expect: workload '%s' has no model in "
			"include/nestlab/workload_model.h\n", cli_workload_name(cfg.p.workload));
		return L0_EXIT_CONFIG;
	}
	expect_render(stdout, &cfg.p, &e);
	return L0_EXIT_PASS;
}
