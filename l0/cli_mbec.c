/*
 * The MBEC options of the launcher (cli_mbec.h): names, parsing, the
 * combination rules and L1's words. Two designs (docs/mbec.md): exec-fault
 * (view switches on execute faults) and intercept (on the privilege
 * changes' own exits).
 */
#include "cli_mbec.h"

#include <stdio.h>
#include <string.h>

const char *l0_mbec_name(enum l0_mbec m)
{
	switch (m) {
	case L0_MBEC_EXEC_FAULT: return "exec-fault";
	case L0_MBEC_INTERCEPT:  return "intercept";
	case L0_MBEC_OFF:        break;
	}
	return "off";
}

const char *l0_mbec_tlb_name(enum l0_mbec_tlb t)
{
	return t == L0_MBEC_TLB_FLUSH ? "flush" : "asid";
}

const char *l0_mbec_violation_name(enum l0_mbec_violation v)
{
	switch (v) {
	case L0_MBEC_VIOLATION_STOP:   return "stop";
	case L0_MBEC_VIOLATION_REPORT: return "report";
	case L0_MBEC_VIOLATION_INJECT: return "inject";
	}
	return "?";
}

int cli_mbec_parse(const char *val, enum l0_mbec *out, char *why, size_t whylen)
{
	if (!strcmp(val, "off")) {
		*out = L0_MBEC_OFF;
		return 0;
	}
	if (!strcmp(val, "exec-fault")) {
		*out = L0_MBEC_EXEC_FAULT;
		return 0;
	}
	if (!strcmp(val, "intercept")) {
		*out = L0_MBEC_INTERCEPT;
		return 0;
	}
	snprintf(why, whylen, "--mbec '%s': want off, exec-fault or intercept", val);
	return -1;
}

int cli_mbec_tlb_parse(const char *val, enum l0_mbec_tlb *out)
{
	if (!strcmp(val, "asid"))
		*out = L0_MBEC_TLB_ASID;
	else if (!strcmp(val, "flush"))
		*out = L0_MBEC_TLB_FLUSH;
	else
		return -1;
	return 0;
}

int cli_mbec_violation_parse(const char *val, enum l0_mbec_violation *out)
{
	if (!strcmp(val, "report"))
		*out = L0_MBEC_VIOLATION_REPORT;
	else if (!strcmp(val, "inject"))
		*out = L0_MBEC_VIOLATION_INJECT;
	else if (!strcmp(val, "stop"))
		*out = L0_MBEC_VIOLATION_STOP;
	else
		return -1;
	return 0;
}

/* Does the --l1-option word set one of L1's MBEC keys? */
static bool mbec_key(const char *word)
{
	static const char *const keys[] = { "mbec", "mbec_tlb", "mbec_violation" };
	size_t klen = strcspn(word, "=");

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i]) == klen && !strncmp(word, keys[i], klen))
			return true;
	return false;
}

int cli_mbec_check(const struct run_config *cfg, bool tlb_given, bool violation_given,
		   char *why, size_t whylen)
{
	if (cfg->mbec == L0_MBEC_OFF) {
		if (tlb_given || violation_given) {
			snprintf(why, whylen, "%s applies with --mbec exec-fault or intercept only",
				 tlb_given ? "--mbec-tlb" : "--mbec-violation");
			return -1;
		}
		return 0;
	}
	if (cfg->level != 2 || cfg->l1 != L0_L1_NESTLAB) {
		snprintf(why, whylen, "--mbec applies to --level 2 with --l1 nestlab only");
		return -1;
	}
	for (unsigned i = 0; i < cfg->nr_l1_opts; i++)
		if (mbec_key(cfg->l1_opts[i])) {
			snprintf(why, whylen, "--l1-option '%s' with --mbec: use --mbec, "
				 "--mbec-tlb and --mbec-violation", cfg->l1_opts[i]);
			return -1;
		}
	return 0;
}

int cli_mbec_l1_words(const struct run_config *cfg, char *buf, size_t len)
{
	int n;

	if (!len)
		return -1;
	buf[0] = '\0';
	if (cfg->mbec == L0_MBEC_OFF)
		return 0;
	n = snprintf(buf, len, " mbec=%s mbec_tlb=%s mbec_violation=%s",
		     l0_mbec_name(cfg->mbec), l0_mbec_tlb_name(cfg->mbec_tlb),
		     l0_mbec_violation_name(cfg->mbec_violation));
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
