/*
 * The launcher's batching options (--batch off|kernel|l1|both, --batch-max
 * N; docs/batching.md): their values, and the words they become on the L2
 * kernel's command line (kernel or both: batch=kernel, batch_max=N;
 * guests/kernel/batch.c) and on L1's (l1 or both: batch=on, batch_max=N:
 * exit-level batching, l1hyp/mech/batch_l1.c; level 2 under nestlab's L1
 * only). --batch-max applies to both levels alike.
 * Pure; writes only into the buffers it is handed.
 */
#ifndef L0_CLI_BATCH_H
#define L0_CLI_BATCH_H

#include <stddef.h>
#include "run_config.h"

/* "off", "kernel", "l1", "both", or "?" */
const char *l0_batch_name(enum l0_batch b);

/* The value of --batch: 0, or -1 with the reason in why. */
int cli_batch_parse(const char *val, enum l0_batch *out, char *why, size_t whylen);
/* The value of --batch-max, 1..NESTLAB_BATCH_MAX_LIMIT: 0, or -1. */
int cli_batch_max_parse(const char *val, unsigned *out);

/* The combination: --batch-max needs --batch other than off; --batch l1
 * needs level 2 under nestlab's L1. 0, or -1 with the reason in why. */
int cli_batch_check(const struct run_config *cfg, char *why, size_t whylen);

/* L1's words for --batch l1 or both (" batch=on batch_max=4", the
 * mechanism of l1hyp/mech/batch_l1.c), appended like cli_batch_l2_words. */
int cli_batch_l1_words(const struct run_config *cfg, char *buf, size_t len);

/* The L2 kernel's words, each after a space (" batch=kernel batch_max=4"),
 * appended to the NUL-terminated buf of len bytes: 0, or -1 if they do not
 * fit. Nothing for --batch off. */
int cli_batch_l2_words(const struct run_config *cfg, char *buf, size_t len);

#endif
