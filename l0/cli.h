/*
 * Command-line parsing for the `nestlab` launcher: `nestlab run [options]`
 * into a struct run_config, with validation against the shared contracts
 * (workload list and iteration bound of bootargs.h) and usage texts. Parsing
 * writes only to the FILE streams it is handed, so tests can capture them.
 */
#ifndef L0_CLI_H
#define L0_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "run_config.h"

enum cli_rc {
	CLI_RUN   = 0, /* config filled: go and run */
	CLI_DONE  = 1, /* help printed: exit 0 */
	CLI_USAGE = 2, /* bad command line, message printed: exit 2 */
};

/* One option of a subcommand: "--name" (or "-n"), with or without a value. */
struct cli_option {
	const char *name;
	bool has_arg;
	int id;
};

/*
 * Finds `arg` ("--opt" or "--opt=VALUE") among `n` options; `inline_val`
 * gets the text after '=' or NULL. NULL when no option has that name.
 */
const struct cli_option *cli_find(const struct cli_option *opts, size_t n, const char *arg,
				  const char **inline_val);

/* Defaults of every option (level 2, auto accel, vmmcall, ...). */
void cli_config_defaults(struct run_config *cfg);

/*
 * Parses the arguments of the `run` subcommand; argv[0] is "run". Accepts
 * "--opt VALUE" and "--opt=VALUE". Help goes to `out`, errors to `err`.
 */
enum cli_rc cli_parse_run(int argc, char *const argv[], struct run_config *cfg,
			  FILE *out, FILE *err);

/* True when `name` is one of NESTLAB_WORKLOADS. */
bool cli_workload_valid(const char *name);
/* Its index (enum nestlab_workload), or -1. */
int cli_workload_index(const char *name);
/* Name and description of workload `wl`; NULL when out of range. */
const char *cli_workload_name(unsigned wl);
const char *cli_workload_what(unsigned wl);

/* Strict decimal parse: digits only, no sign, no overflow. 0 on success. */
int cli_parse_ulong(const char *s, unsigned long *out);

/* --procs LIST (include/nestlab/procs.h): 0, or -1 with the reason (naming
 * the bad entry) in why. */
int cli_procs_parse(const char *val, struct nestlab_procs *out, char *why, size_t whylen);

/* --timer-hz N: 0 with *hz set, or -1 (not NESTLAB_TIMER_HZ_MIN..MAX). */
int cli_timer_hz_parse(const char *val, unsigned *hz);

/* The words the L2 kernel's command line gets besides workload, iterations
 * and transport: " procs=LIST" for multi, " timer_hz=N" for timer (the
 * given values or the defaults), then " mbec=on" with --mbec other than
 * off; "" otherwise. Into buf; -1 if it does not fit. */
int cli_l2_args(const struct run_config *cfg, char *buf, size_t len);
/* An --l1-option word: KEY=VALUE, key [a-z0-9_-]+, value printable with no
 * space or comma, at most L0_L1_OPT_LEN_MAX characters. 0 or -1. */
int cli_l1_option_check(const char *s);
/* The words for L1's command line after its own, each after a space, in
 * buf (len bytes, L0_L1_ARGS_LEN is enough): the MBEC words
 * (cli_mbec_l1_words), then the --l1-option words: 0, or -1 if they do not
 * fit. */
int cli_l1_args(const struct run_config *cfg, char *buf, size_t len);

void cli_usage(FILE *f);     /* `nestlab --help` */
void cli_usage_run(FILE *f); /* `nestlab run --help` */

#endif
