/*
 * The interposition options of the launcher (cli_interpose.h): names,
 * parsing, the combination rules and L1's words.
 */
#include "cli_interpose.h"

#include <stdio.h>
#include <string.h>
#include <nestlab/interpose.h>

_Static_assert((int)L0_INTERPOSE_TRAP == (int)NESTLAB_INTERPOSE_TRAP &&
	       (int)L0_INTERPOSE_BREAKPOINT == (int)NESTLAB_INTERPOSE_BREAKPOINT &&
	       (int)L0_INTERPOSE_OP_DENY == (int)NESTLAB_INTERPOSE_OP_DENY,
	       "the launcher numbers variants and ops as L1 does");

static const char *const variant_names[] = { NESTLAB_INTERPOSE_VARIANT_WORDS };
static const char *const op_names[] = { NESTLAB_INTERPOSE_OP_WORDS };
#define NR_VARIANTS NESTLAB_INTERPOSE_NR_VARIANTS

const char *l0_interpose_name(enum l0_interpose i)
{
	return (unsigned)i < NR_VARIANTS ? variant_names[i] : "?";
}

const char *l0_interpose_op_name(enum l0_interpose_op op)
{
	return (unsigned)op < NESTLAB_INTERPOSE_NR_OPS ? op_names[op] : "?";
}

int cli_interpose_parse(const char *val, enum l0_interpose *out, char *why, size_t whylen)
{
	for (unsigned i = 0; i < NR_VARIANTS; i++)
		if (!strcmp(val, variant_names[i])) {
			*out = (enum l0_interpose)i;
			return 0;
		}
	snprintf(why, whylen, "--interpose '%s': want off, inguest, hypercall, trap or breakpoint",
		 val);
	return -1;
}

int cli_interpose_op_parse(const char *val, enum l0_interpose_op *out, char *why,
			   size_t whylen)
{
	for (unsigned i = 0; i < NESTLAB_INTERPOSE_NR_OPS; i++)
		if (!strcmp(val, op_names[i])) {
			*out = (enum l0_interpose_op)i;
			return 0;
		}
	snprintf(why, whylen, "--interpose-op '%s': want count, trace or deny", val);
	return -1;
}

int cli_interpose_deny_check(const char *val, char *why, size_t whylen)
{
	bool seen[NESTLAB_INTERPOSE_NRS] = { false };
	const char *p = val;

	if (strlen(val) > L0_INTERPOSE_DENY_LEN) {
		snprintf(why, whylen, "--interpose-deny: longer than %u characters",
			 L0_INTERPOSE_DENY_LEN);
		return -1;
	}
	for (;;) {
		unsigned nr = 0, digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 4) {
			nr = nr * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (!digits || (*p && *p != ',') || nr >= NESTLAB_INTERPOSE_NRS) {
			snprintf(why, whylen, "--interpose-deny '%s': want system-call numbers "
				 "0..%u separated by commas", val, NESTLAB_INTERPOSE_NRS - 1);
			return -1;
		}
		if (seen[nr]) {
			snprintf(why, whylen, "--interpose-deny '%s': %u is listed twice", val, nr);
			return -1;
		}
		seen[nr] = true;
		if (!*p)
			return 0;
		p++;
	}
}

/* Does the --l1-option word set one of L1's interposition keys? */
static bool interpose_key(const char *word)
{
	static const char *const keys[] = { "interpose", "interpose_op", "interpose_deny" };
	size_t klen = strcspn(word, "=");

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i]) == klen && !strncmp(word, keys[i], klen))
			return true;
	return false;
}

int cli_interpose_check(const struct run_config *cfg, bool op_given, char *why,
			size_t whylen)
{
	if (cfg->interpose == L0_INTERPOSE_OFF) {
		if (op_given || cfg->interpose_deny) {
			snprintf(why, whylen, "%s applies with --interpose inguest, hypercall, "
				 "trap or breakpoint only",
				 op_given ? "--interpose-op" : "--interpose-deny");
			return -1;
		}
		return 0;
	}
	if (cfg->level != 2 || cfg->l1 != L0_L1_NESTLAB) {
		snprintf(why, whylen, "--interpose applies to --level 2 with --l1 nestlab only");
		return -1;
	}
	if (cfg->interpose == L0_INTERPOSE_TRAP && cfg->mbec == L0_MBEC_INTERCEPT) {
		snprintf(why, whylen, "--interpose trap and --mbec intercept both emulate "
			 "SYSCALL through its #UD: use one of them");
		return -1;
	}
	if (cfg->interpose == L0_INTERPOSE_BREAKPOINT && (cfg->mbec != L0_MBEC_OFF ||
							  cfg->npt_lazy)) {
		snprintf(why, whylen, "--interpose breakpoint builds its own execute view: not "
			 "with %s", cfg->npt_lazy ? "--npt-lazy" : "--mbec");
		return -1;
	}
	if (cfg->interpose_op == L0_INTERPOSE_OP_DENY && !cfg->interpose_deny) {
		snprintf(why, whylen, "--interpose-op deny needs --interpose-deny NR,NR,...");
		return -1;
	}
	if (cfg->interpose_deny && cfg->interpose_op != L0_INTERPOSE_OP_DENY) {
		snprintf(why, whylen, "--interpose-deny needs --interpose-op deny");
		return -1;
	}
	for (unsigned i = 0; i < cfg->nr_l1_opts; i++)
		if (interpose_key(cfg->l1_opts[i])) {
			snprintf(why, whylen, "--l1-option '%s' with --interpose: use --interpose, "
				 "--interpose-op and --interpose-deny", cfg->l1_opts[i]);
			return -1;
		}
	return 0;
}

bool cli_interpose_needs_module(const struct run_config *cfg)
{
	return cfg->interpose == L0_INTERPOSE_INGUEST || cfg->interpose == L0_INTERPOSE_HYPERCALL;
}

int cli_interpose_l1_words(const struct run_config *cfg, char *buf, size_t len)
{
	size_t used = strlen(buf);
	int n;

	if (cfg->interpose == L0_INTERPOSE_OFF)
		return 0;
	n = snprintf(buf + used, len - used, " interpose=%s",
		     l0_interpose_name(cfg->interpose));
	if (n < 0 || used + (size_t)n >= len)
		return -1;
	used += (size_t)n;
	if (cfg->interpose_op != L0_INTERPOSE_OP_COUNT) {
		n = snprintf(buf + used, len - used, " interpose_op=%s",
			     l0_interpose_op_name(cfg->interpose_op));
		if (n < 0 || used + (size_t)n >= len)
			return -1;
		used += (size_t)n;
	}
	if (cfg->interpose_deny) {
		n = snprintf(buf + used, len - used, " interpose_deny=%s", cfg->interpose_deny);
		if (n < 0 || used + (size_t)n >= len)
			return -1;
	}
	return 0;
}
