/*
 * --trampoline off|global|process and --trampoline-window N (cli_ktramp.c):
 * the L2 kernel's system-call table through a learned trampoline, one or one
 * per process (trampoline=global|process trampoline_window=N on the L2
 * command line, guests/kernel/ktramp.c,
 * docs/tramp.md). Pure string work, unit-tested (l0/tests/test_cli.c).
 */
#ifndef L0_CLI_KTRAMP_H
#define L0_CLI_KTRAMP_H

#include <stdbool.h>
#include <stddef.h>
#include "run_config.h"

#include <nestlab/ktramp.h>

#define L0_KTRAMP_WINDOW_MAX NESTLAB_KTRAMP_WINDOW_MAX

/* "off", "global", "process" -> enum nestlab_ktramp_mode; -1 for anything else. */
int cli_ktramp_parse(const char *val, unsigned *mode);
/* 1..L0_KTRAMP_WINDOW_MAX in decimal; -1 otherwise. */
int cli_ktramp_window_parse(const char *val, unsigned *window);
/* The JSON's "trampoline" value. */
const char *cli_ktramp_name(const struct run_config *cfg);
/* Append " trampoline=global|process[ trampoline_window=N]" to buf (a
 * NUL-terminated string of len bytes) when on; 0, or -1 if it does not fit. */
int cli_ktramp_l2_words(const struct run_config *cfg, char *buf, size_t len);

#endif
