/*
 * Command-line parsing of `nestlab expect`: the run parameters the workload
 * model is evaluated for (the same options, values and defaults as `nestlab
 * run`, except that --iterations may be 0), or --list. Writes only to the
 * FILE streams it is handed.
 */
#ifndef L0_CLI_EXPECT_H
#define L0_CLI_EXPECT_H

#include <stdbool.h>
#include <stdio.h>
#include "cli.h"
#include "expect.h"

struct expect_config {
	struct expect_params p;
	bool list;                      /* --list: print the workload names */
};

/* Parses the arguments of `expect`; argv[0] is "expect". CLI_RUN: go. */
enum cli_rc cli_parse_expect(int argc, char *const argv[], struct expect_config *cfg,
			     FILE *out, FILE *err);

void cli_usage_expect(FILE *f);  /* `nestlab expect --help` */

#endif
