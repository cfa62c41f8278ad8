/*
 * The launcher's MBEC options (--mbec, --mbec-tlb, --mbec-violation):
 * their values, the rules of their use (level 2 under nestlab's L1 only;
 * the two refinements only with MBEC on), and the words they become on
 * L1's command line (mbec=, mbec_tlb=, mbec_violation=, docs/mbec.md) and
 * on the L2 kernel's (mbec=on: the kernel declares its execute policy,
 * docs/guest-kernel.md). Shared by `nestlab run` and `nestlab expect`.
 * Pure; writes only into the buffers it is handed.
 */
#ifndef L0_CLI_MBEC_H
#define L0_CLI_MBEC_H

#include <stdbool.h>
#include <stddef.h>
#include "run_config.h"

/* The value of --mbec: 0, or -1 with the reason in why (`intercept`, a
 * design not implemented yet, has its own). */
int cli_mbec_parse(const char *val, enum l0_mbec *out, char *why, size_t whylen);
/* The value of --mbec-tlb (asid|flush) or --mbec-violation
 * (report|inject|stop): 0, or -1. */
int cli_mbec_tlb_parse(const char *val, enum l0_mbec_tlb *out);
int cli_mbec_violation_parse(const char *val, enum l0_mbec_violation *out);

/*
 * The combination, after every option is read: MBEC other than off needs
 * level 2 under nestlab's L1; --mbec-tlb and --mbec-violation (`given`)
 * need MBEC on; with MBEC on no --l1-option may set L1's mbec keys itself.
 * 0, or -1 with the reason in why.
 */
int cli_mbec_check(const struct run_config *cfg, bool tlb_given, bool violation_given,
		   char *why, size_t whylen);

/* L1's words, each after a space (" mbec=exec-fault mbec_tlb=asid
 * mbec_violation=stop"), or "" with MBEC off: 0, or -1 if they do not fit. */
int cli_mbec_l1_words(const struct run_config *cfg, char *buf, size_t len);

#endif
