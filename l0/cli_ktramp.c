/*
 * --trampoline and --trampoline-window (cli_ktramp.h): parse the values and
 * write the L2 kernel's words. A window without --trampoline global or
 * process is refused in cli.c (it means nothing to the table).
 */
#include <stdio.h>
#include <string.h>
#include "cli_ktramp.h"

int cli_ktramp_parse(const char *val, unsigned *mode)
{
	if (!strcmp(val, "off"))
		*mode = NESTLAB_KTRAMP_OFF;
	else if (!strcmp(val, "global"))
		*mode = NESTLAB_KTRAMP_GLOBAL;
	else if (!strcmp(val, "process"))
		*mode = NESTLAB_KTRAMP_PROCESS;
	else
		return -1;
	return 0;
}

int cli_ktramp_window_parse(const char *val, unsigned *window)
{
	unsigned long v = 0;
	size_t n = strlen(val);

	if (n == 0 || n > 9 || (n > 1 && val[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (val[i] < '0' || val[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(val[i] - '0');
	}
	if (v < 1 || v > L0_KTRAMP_WINDOW_MAX)
		return -1;
	*window = (unsigned)v;
	return 0;
}

const char *cli_ktramp_name(const struct run_config *cfg)
{
	return nestlab_ktramp_mode_name(cfg->trampoline);
}

int cli_ktramp_l2_words(const struct run_config *cfg, char *buf, size_t len)
{
	size_t used = strlen(buf);
	int n;

	if (!cfg->trampoline)
		return 0;
	if (cfg->trampoline_window)
		n = snprintf(buf + used, len - used, " trampoline=%s trampoline_window=%u",
			     nestlab_ktramp_mode_name(cfg->trampoline), cfg->trampoline_window);
	else
		n = snprintf(buf + used, len - used, " trampoline=%s",
			     nestlab_ktramp_mode_name(cfg->trampoline));
	return n < 0 || used + (size_t)n >= len ? -1 : 0;
}
