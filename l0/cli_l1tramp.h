/*
 * The launcher's flags for L1's exit dispatch options (docs/tramp.md):
 * --l1-retpoline on|off and --l1-trampoline on|off become the L1 words
 * l1_retpoline=V and l1_trampoline=V, appended to the --l1-option words
 * (so the JSON's l1_options records them). Level 2 under nestlab's L1
 * only; a key given both ways is a usage error. Pure.
 */
#ifndef L0_CLI_L1TRAMP_H
#define L0_CLI_L1TRAMP_H

#include <stddef.h>
#include "run_config.h"

enum cli_l1tramp_flag { CLI_L1_RETPOLINE, CLI_L1_TRAMPOLINE };

/* A flag's value (on|off), kept in *slot until cli_l1tramp_finish: 0, or
 * -1 with the reason in why. */
int cli_l1tramp_parse(enum cli_l1tramp_flag flag, const char *val, const char **slot,
		      char *why, size_t whylen);

/* After every option is read: the words of the given flags (words[flag],
 * NULL: not given) appended to cfg's --l1-option words. 0, or -1 with the
 * reason in why (level, a key also given by --l1-option, too many words). */
int cli_l1tramp_finish(struct run_config *cfg, const char *const words[2], char *why,
		       size_t whylen);

#endif
