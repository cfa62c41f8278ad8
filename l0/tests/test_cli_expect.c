/*
 * Unit tests of `nestlab expect` argument parsing (l0/cli_expect.c):
 * defaults, every option, --iterations 0, --list, usage errors, help.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include "cli_expect.h"
#include "cli_capture.h"

/* Parses a NULL-terminated argument list after "expect". */
static enum cli_rc parse(struct expect_config *cfg, const char *first, ...)
{
	char *argv[CLI_CAPTURE_ARGS_MAX];
	va_list ap;
	enum cli_rc rc;
	int argc;

	va_start(ap, first);
	argc = cli_capture_argv(argv, "expect", first, ap);
	va_end(ap);
	cli_capture_begin();
	rc = cli_parse_expect(argc, argv, cfg, cap_out, cap_err);
	cli_capture_end();
	return rc;
}

static bool err_has(const char *s)
{
	return err_buf && strstr(err_buf, s);
}

Test(cli_expect, defaults_are_runs)
{
	struct expect_config c;

	cr_assert(eq(int, parse(&c, "--workload", "cpuid", NULL), CLI_RUN));
	cr_assert(eq(u32, c.p.workload, NESTLAB_WL_CPUID));
	cr_assert(eq(u64, c.p.iterations, NESTLAB_ITERATIONS_DEFAULT));
	cr_assert(eq(int, c.p.level, 2));
	cr_assert(eq(int, c.p.transport, NESTLAB_TRANSPORT_VMMCALL));
	cr_assert(not(c.p.npt_lazy || c.list));
	cr_assert(eq(u64, err_len, 0));
}

Test(cli_expect, every_option)
{
	struct expect_config c;

	cr_assert(eq(int, parse(&c, "--workload=pagefault", "--iterations", "0", "--level=2",
				"--transport", "backdoor", "--npt-lazy", NULL), CLI_RUN));
	cr_assert(eq(u32, c.p.workload, NESTLAB_WL_PAGEFAULT));
	cr_assert(eq(u64, c.p.iterations, 0));
	cr_assert(eq(int, c.p.transport, NESTLAB_TRANSPORT_BACKDOOR));
	cr_assert(c.p.npt_lazy);
	cr_assert(eq(int, parse(&c, "--level", "1", "--workload", "null", NULL), CLI_RUN));
	cr_assert(eq(int, c.p.level, 1));
}

Test(cli_expect, list)
{
	struct expect_config c;

	cr_assert(eq(int, parse(&c, "--list", NULL), CLI_RUN));
	cr_assert(c.list);
	cr_assert(eq(int, parse(&c, "--list", "--workload", "cpuid", NULL), CLI_USAGE));
	cr_assert(err_has("--list takes no other option"));
}

Test(cli_expect, usage_errors)
{
	struct expect_config c;

	cr_assert(eq(int, parse(&c, NULL), CLI_USAGE));
	cr_assert(err_has("--workload is required"));
	cr_assert(err_has("usage: nestlab expect"));
	cr_assert(eq(int, parse(&c, "--workload", "nosuch", NULL), CLI_USAGE));
	cr_assert(err_has("unknown workload 'nosuch'"));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", "100000001", NULL),
		     CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", "-1", NULL),
		     CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "3", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--transport", "vmcall", NULL),
		     CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "1", "--npt-lazy", NULL),
		     CLI_USAGE));
	cr_assert(err_has("--npt-lazy applies to --level 2 only"));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--json", "x", NULL), CLI_USAGE));
	cr_assert(err_has("unknown option '--json'"));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--npt-lazy=1", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", NULL), CLI_USAGE));
	cr_assert(err_has("needs a value"));
	cr_assert(eq(int, parse(&c, "stray", NULL), CLI_USAGE));
	cr_assert(eq(u64, out_len, 0));
}

Test(cli_expect, help)
{
	struct expect_config c;

	cr_assert(eq(int, parse(&c, "--help", NULL), CLI_DONE));
	cr_assert(not(eq(ptr, strstr(out_buf, "--npt-lazy"), NULL)));
	cr_assert(not(eq(ptr, strstr(out_buf, "--list"), NULL)));
	cr_assert(eq(u64, err_len, 0));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "-h", NULL), CLI_DONE));
}

Test(cli_expect, mbec_options)
{
	struct expect_config c;

	cr_assert(eq(int, parse(&c, "--workload", "getpid", NULL), CLI_RUN));
	cr_assert(eq(int, c.p.mbec, L0_MBEC_OFF));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "exec-fault",
				"--mbec-tlb", "flush", "--mbec-violation", "inject", NULL), CLI_RUN));
	cr_assert(eq(int, c.p.mbec, L0_MBEC_EXEC_FAULT));
	cr_assert(eq(int, c.p.mbec_violation, L0_MBEC_VIOLATION_INJECT));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "intercept", NULL),
		     CLI_RUN));
	cr_assert(eq(int, c.p.mbec, L0_MBEC_INTERCEPT));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--level", "1", "--mbec",
				"exec-fault", NULL), CLI_USAGE));
	cr_assert(err_has("--mbec applies to --level 2 only"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec-violation", "stop", NULL),
		     CLI_USAGE));
	cr_assert(err_has("--mbec-violation applies with --mbec exec-fault or intercept only"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "exec-fault",
				"--mbec-tlb", "x", NULL), CLI_USAGE));
}
