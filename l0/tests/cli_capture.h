/*
 * What the launcher's command-line unit tests share: an argv built from a
 * NULL-terminated list after the subcommand's name, and the parser's
 * stdout and stderr captured in memory (out_buf, err_buf) for the checks.
 * Header-only: each test file includes it once.
 */
#ifndef L0_TESTS_CLI_CAPTURE_H
#define L0_TESTS_CLI_CAPTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define CLI_CAPTURE_ARGS_MAX 32

static char *out_buf, *err_buf;
static size_t out_len, err_len;
static FILE *cap_out, *cap_err;

/* argv = { sub, first, ... } up to the NULL; returns argc. */
static int cli_capture_argv(char **argv, const char *sub, const char *first, va_list ap)
{
	int argc = 0;

	argv[argc++] = (char *)sub;
	for (const char *a = first; a && argc < CLI_CAPTURE_ARGS_MAX - 1;
	     a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	return argc;
}

/* Fresh in-memory streams for the parser (cap_out, cap_err). */
static void cli_capture_begin(void)
{
	free(out_buf);
	free(err_buf);
	cap_out = open_memstream(&out_buf, &out_len);
	cap_err = open_memstream(&err_buf, &err_len);
}

/* Closes them: out_buf and err_buf then hold what the parser printed. */
static void cli_capture_end(void)
{
	fclose(cap_out);
	fclose(cap_err);
}

#endif
