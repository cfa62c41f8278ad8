/*
 * --batch and --batch-max (cli_batch.h): parsing, the rule between them,
 * and the L2 kernel's command-line words.
 */
#include "cli_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>

const char *l0_batch_name(enum l0_batch b)
{
	switch (b) {
	case L0_BATCH_OFF:    return "off";
	case L0_BATCH_KERNEL: return "kernel";
	case L0_BATCH_L1:     return "l1";
	case L0_BATCH_BOTH:   return "both";
	}
	return "?";
}

int cli_batch_parse(const char *val, enum l0_batch *out, char *why, size_t whylen)
{
	if (!strcmp(val, "off")) {
		*out = L0_BATCH_OFF;
	} else if (!strcmp(val, "kernel")) {
		*out = L0_BATCH_KERNEL;
	} else if (!strcmp(val, "l1")) {
		*out = L0_BATCH_L1;
	} else if (!strcmp(val, "both")) {
		*out = L0_BATCH_BOTH;
	} else {
		snprintf(why, whylen, "--batch '%s': want off, kernel, l1 or both", val);
		return -1;
	}
	return 0;
}

int cli_batch_max_parse(const char *val, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*val || *val < '0' || *val > '9')
		return -1;
	v = strtoul(val, &end, 10);
	if (*end || v < 1 || v > NESTLAB_BATCH_MAX_LIMIT)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cli_batch_check(const struct run_config *cfg, char *why, size_t whylen)
{
	if (cfg->batch_max && cfg->batch == L0_BATCH_OFF) {
		snprintf(why, whylen, "--batch-max needs --batch kernel, l1 or both");
		return -1;
	}
	/* A batched call is made inside the kernel, without a SYSCALL of its
	 * own: L1's interposition (which sees SYSCALL instructions, or the
	 * LSTAR entry) sees kernel entries, not calls (docs/batching.md,
	 * "Interposition"). Counting and tracing entries is well defined; a
	 * deny list is not: a denied number could be made as a batched call
	 * the interposer never sees. */
	if (l0_batch_kernel(cfg->batch) && cfg->interpose != L0_INTERPOSE_OFF &&
	    cfg->interpose_op == L0_INTERPOSE_OP_DENY) {
		snprintf(why, whylen, "--batch %s and --interpose-op deny exclude each other: "
			 "a batched system call makes no SYSCALL of its own, so the "
			 "interposer could not deny it", l0_batch_name(cfg->batch));
		return -1;
	}
	if (l0_batch_l1(cfg->batch) && (cfg->level != 2 || cfg->l1 != L0_L1_NESTLAB)) {
		snprintf(why, whylen, "--batch %s: L1's batching is nestlab L1's mechanism: it "
			 "needs --level 2 and --l1 nestlab", l0_batch_name(cfg->batch));
		return -1;
	}
	return 0;
}

int cli_batch_l1_words(const struct run_config *cfg, char *buf, size_t len)
{
	size_t used = strlen(buf);
	int n;

	if (!l0_batch_l1(cfg->batch))
		return 0;
	if (cfg->batch_max)
		n = snprintf(buf + used, len - used, " batch=on batch_max=%u", cfg->batch_max);
	else
		n = snprintf(buf + used, len - used, " batch=on");
	return n < 0 || used + (size_t)n >= len ? -1 : 0;
}

int cli_batch_l2_words(const struct run_config *cfg, char *buf, size_t len)
{
	size_t used = strlen(buf);
	int n = 0;

	if (!l0_batch_kernel(cfg->batch))
		return 0;
	if (cfg->batch_max)
		n = snprintf(buf + used, len - used, " batch=kernel batch_max=%u", cfg->batch_max);
	else
		n = snprintf(buf + used, len - used, " batch=kernel");
	return n < 0 || used + (size_t)n >= len ? -1 : 0;
}
