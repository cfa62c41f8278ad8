/*
 * --l1-retpoline and --l1-trampoline (cli_l1tramp.h): on|off to the L1
 * words, the rules of their use.
 */
#include "cli_l1tramp.h"

#include <stdio.h>
#include <string.h>

static const char *const flag_name[2] = { "--l1-retpoline", "--l1-trampoline" };
static const char *const key[2] = { "l1_retpoline", "l1_trampoline" };
static const char *const word[2][2] = {
	{ "l1_retpoline=off", "l1_retpoline=on" },
	{ "l1_trampoline=off", "l1_trampoline=on" },
};

int cli_l1tramp_parse(enum cli_l1tramp_flag flag, const char *val, const char **slot,
		      char *why, size_t whylen)
{
	if (strcmp(val, "on") && strcmp(val, "off")) {
		snprintf(why, whylen, "%s '%s': want on or off", flag_name[flag], val);
		return -1;
	}
	*slot = word[flag][!strcmp(val, "on")];
	return 0;
}

int cli_l1tramp_finish(struct run_config *cfg, const char *const words[2], char *why,
		       size_t whylen)
{
	for (int f = 0; f < 2; f++) {
		size_t klen = strlen(key[f]);

		if (!words[f])
			continue;
		if (cfg->level == 1 || cfg->l1 == L0_L1_KVM) {
			snprintf(why, whylen, "%s applies to --level 2 with --l1 nestlab only",
				 flag_name[f]);
			return -1;
		}
		for (unsigned i = 0; i < cfg->nr_l1_opts; i++)
			if (!strncmp(cfg->l1_opts[i], key[f], klen) &&
			    cfg->l1_opts[i][klen] == '=') {
				snprintf(why, whylen, "--l1-option '%s' with %s: give one",
					 cfg->l1_opts[i], flag_name[f]);
				return -1;
			}
		if (cfg->nr_l1_opts == L0_L1_OPTS_MAX) {
			snprintf(why, whylen, "%s: with the --l1-option words more than %u",
				 flag_name[f], L0_L1_OPTS_MAX);
			return -1;
		}
		cfg->l1_opts[cfg->nr_l1_opts++] = words[f];
	}
	return 0;
}
