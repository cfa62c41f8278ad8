/*
 * The launcher's interposition options (--interpose, --interpose-op,
 * --interpose-deny; docs/interpose.md): their values, the rules of their
 * use (level 2 under nestlab's L1; the op and the deny list only with
 * interposition on, and with each other; not variant trap together with
 * --mbec intercept, which emulates SYSCALL itself), the module the
 * variants inguest and hypercall need, and the words they become on L1's
 * command line (interpose=, interpose_op=, interpose_deny=). Shared by
 * `nestlab run` and `nestlab expect`. Pure; writes only into the buffers
 * it is handed.
 */
#ifndef L0_CLI_INTERPOSE_H
#define L0_CLI_INTERPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include "run_config.h"

/* The module of variants inguest and hypercall, beside the nestlab binary
 * (the launcher passes it as --l2-module unless one is given). */
#define L0_INTERPOSE_MODULE "guests/modules/interpose.ko"

/* --interpose, --interpose-op values: 0, or -1 with the reason in why. */
int cli_interpose_parse(const char *val, enum l0_interpose *out, char *why, size_t whylen);
int cli_interpose_op_parse(const char *val, enum l0_interpose_op *out, char *why,
			   size_t whylen);
/* --interpose-deny: system-call numbers 0..255, comma-separated, no
 * repeats; 0 or -1 with the reason in why. */
int cli_interpose_deny_check(const char *val, char *why, size_t whylen);

/* The combination, after every option is read (op_given: --interpose-op
 * was on the line): 0, or -1 with the reason in why. */
int cli_interpose_check(const struct run_config *cfg, bool op_given, char *why,
			size_t whylen);

/* Does the variant need the interposer module? */
bool cli_interpose_needs_module(const struct run_config *cfg);

/* L1's words, each after a space, appended at buf's end ("" added when
 * off): 0, or -1 if they do not fit in len bytes in all. */
int cli_interpose_l1_words(const struct run_config *cfg, char *buf, size_t len);

#endif
