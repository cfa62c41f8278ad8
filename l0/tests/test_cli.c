/*
 * Unit tests of `nestlab run` argument parsing (l0/cli.c): defaults, every
 * option's accepted and rejected values, level-dependent checks, and the
 * return code that main() turns into the exit status.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include "cli.h"
#include "cli_interpose.h"
#include "cli_ktramp.h"
#include "cli_capture.h"

/* Parses a NULL-terminated argument list after "run". */
static enum cli_rc parse(struct run_config *cfg, const char *first, ...)
{
	char *argv[CLI_CAPTURE_ARGS_MAX];
	va_list ap;
	enum cli_rc rc;
	int argc;

	va_start(ap, first);
	argc = cli_capture_argv(argv, "run", first, ap);
	va_end(ap);
	cli_capture_begin();
	rc = cli_parse_run(argc, argv, cfg, cap_out, cap_err);
	cli_capture_end();
	return rc;
}

Test(cli, defaults)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--workload", "cpuid", NULL), CLI_RUN));
	cr_assert(eq(str, (char *)c.workload, "cpuid"));
	cr_assert(eq(u64, c.iterations, NESTLAB_ITERATIONS_DEFAULT));
	cr_assert(eq(int, c.level, 2));
	cr_assert(eq(int, c.accel, L0_ACCEL_AUTO));
	cr_assert(eq(int, c.transport, NESTLAB_TRANSPORT_VMMCALL));
	cr_assert(not(c.npt_lazy));
	cr_assert(eq(ptr, (void *)c.json_path, NULL));
	cr_assert(eq(u32, c.timeout_s, 120));
	cr_assert(eq(u32, c.l2mem_mib, 64));
	cr_assert(eq(u32, c.mem_mib, 256));
	cr_assert(eq(str, (char *)c.qemu, "qemu-system-x86_64"));
	cr_assert(c.icount);
	cr_assert(not(c.keep || c.verbose || c.quiet));
	cr_assert(eq(ptr, (void *)c.l1_image, NULL));
	cr_assert(eq(ptr, (void *)c.l2_image, NULL));
	cr_assert(eq(u64, err_len, 0));
}

Test(cli, every_option)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--workload", "pagefault", "--iterations", "5000",
				"--level", "2", "--accel", "tcg", "--transport", "backdoor",
				"--npt-lazy", "--json", "o.json", "--timeout", "30",
				"--l2mem", "32", "--mem", "128", "--qemu", "/opt/q",
				"--no-icount", "--keep", "--verbose", "--l1-image", "a.bin",
				"--l2-image", "b.bin", NULL), CLI_RUN));
	cr_assert(eq(str, (char *)c.workload, "pagefault"));
	cr_assert(eq(u64, c.iterations, 5000));
	cr_assert(eq(int, c.accel, L0_ACCEL_TCG));
	cr_assert(eq(int, c.transport, NESTLAB_TRANSPORT_BACKDOOR));
	cr_assert(c.npt_lazy);
	cr_assert(eq(str, (char *)c.json_path, "o.json"));
	cr_assert(eq(u32, c.timeout_s, 30));
	cr_assert(eq(u32, c.l2mem_mib, 32));
	cr_assert(eq(u32, c.mem_mib, 128));
	cr_assert(eq(str, (char *)c.qemu, "/opt/q"));
	cr_assert(not(c.icount));
	cr_assert(c.keep && c.verbose && !c.quiet);
	cr_assert(eq(str, (char *)c.l1_image, "a.bin"));
	cr_assert(eq(str, (char *)c.l2_image, "b.bin"));
}

Test(cli, equals_form_and_level1_default_mem)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--level=1", "--workload=getpid", "--iterations=7",
				"--accel=kvm", "-q", NULL), CLI_RUN));
	cr_assert(eq(int, c.level, 1));
	cr_assert(eq(str, (char *)c.workload, "getpid"));
	cr_assert(eq(u64, c.iterations, 7));
	cr_assert(eq(int, c.accel, L0_ACCEL_KVM));
	cr_assert(eq(u32, c.mem_mib, 128));
	cr_assert(c.quiet);
}

Test(cli, every_workload_of_bootargs_is_accepted)
{
	static const char *const names[] = {
#define N_(id, name, what) name,
		NESTLAB_WORKLOADS(N_)
#undef N_
	};
	struct run_config c;

	for (size_t i = 0; i < NESTLAB_WL_NR; i++) {
		cr_assert(eq(int, parse(&c, "--workload", names[i], NULL), CLI_RUN));
		cr_assert(eq(str, (char *)c.workload, (char *)names[i]));
	}
	cr_assert(not(cli_workload_valid("CPUID")));
	cr_assert(not(cli_workload_valid("")));
}

Test(cli, iterations_bounds)
{
	struct run_config c;
	char max[32], over[32];

	snprintf(max, sizeof(max), "%u", NESTLAB_ITERATIONS_MAX);
	snprintf(over, sizeof(over), "%u", NESTLAB_ITERATIONS_MAX + 1);
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", "1", NULL), CLI_RUN));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", max, NULL), CLI_RUN));
	cr_assert(eq(u64, c.iterations, NESTLAB_ITERATIONS_MAX));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", over, NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", "0", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", "abc", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", "-5", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", "12x", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations", "", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--iterations",
				"99999999999999999999999", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--iterations"), NULL)));
	cr_assert(not(eq(ptr, strstr(err_buf, "usage: nestlab run"), NULL)));
}

Test(cli, bad_values_are_usage_errors)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, NULL), CLI_USAGE)); /* no --workload */
	cr_assert(not(eq(ptr, strstr(err_buf, "--workload is required"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "nosuch", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "unknown workload 'nosuch'"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "3", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "0", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "12", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--accel", "hvf", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--transport", "vmcall", NULL),
		     CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--timeout", "0", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l2mem", "4", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--mem", "8", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--json", "", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--bogus", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "unknown option '--bogus'"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "stray", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", NULL), CLI_USAGE)); /* missing value */
	cr_assert(not(eq(ptr, strstr(err_buf, "needs a value"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--keep=1", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "-v", "-q", NULL), CLI_USAGE));
	cr_assert(eq(u64, out_len, 0));
}

Test(cli, level_dependent_checks)
{
	struct run_config c;

	/* --npt-lazy and --l2mem are L1 options: refused at level 1, either order. */
	cr_assert(eq(int, parse(&c, "--npt-lazy", "--workload", "cpuid", "--level", "1", NULL),
		     CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "1", "--l2mem", "32", NULL),
		     CLI_USAGE));
	/* L2 RAM must leave L1 16 MiB of machine RAM. */
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--mem", "80", NULL), CLI_RUN));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--mem", "79", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l2mem", "241", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "1", "--mem", "16", NULL),
		     CLI_RUN));
}

Test(cli, procs_option)
{
	struct run_config c;
	char args[200];

	cr_assert(eq(int, parse(&c, "--workload", "multi", NULL), CLI_RUN));
	cr_assert(eq(u32, c.procs.n, 0));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " procs=cpuid,getpid"));
	cr_assert(eq(int, parse(&c, "--procs", "pio,write,pio", "--workload", "multi", NULL),
		     CLI_RUN));
	cr_assert(eq(u32, c.procs.n, 3));
	cr_assert(eq(u32, c.procs.prog[1], NESTLAB_WL_WRITE));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " procs=pio,write,pio"));
	cr_assert(eq(int, cli_l2_args(&c, args, 12), -1));
	cr_assert(eq(int, parse(&c, "--workload", "multi", "--procs",
				"null,null,null,null,null,null,null,null", NULL), CLI_RUN));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, ""));
}

Test(cli, bad_procs_are_usage_errors)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--workload", "multi", "--procs", "cpuid,frob", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--procs 'cpuid,frob': unknown program 'frob'"),
			 NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "multi", "--procs", "", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "empty program name"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "multi", "--procs", "cpuid,", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "multi", "--procs",
				"null,null,null,null,null,null,null,null,null", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "too many processes"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "multi", "--procs", "pagefault", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "not a program"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--procs", "cpuid", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--procs applies to --workload multi only"),
			 NULL)));
	cr_assert(not(eq(ptr, strstr(err_buf, "usage: nestlab run"), NULL)));
}

/* --retpoline: on by default (nothing on the L2 command line), off becomes
 * retpoline=off; any other value is a usage error. */
Test(cli, retpoline_option)
{
	struct run_config c;
	char args[200];

	cr_assert(eq(int, parse(&c, "--workload", "getpid", NULL), CLI_RUN));
	cr_assert(c.retpoline);
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, ""));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--retpoline", "off", "--level", "1",
				NULL), CLI_RUN));
	cr_assert(not(c.retpoline));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " retpoline=off"));
	cr_assert(eq(int, parse(&c, "--workload", "timer", "--retpoline=off", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " timer_hz=10000 retpoline=off"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--retpoline", "maybe", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--retpoline 'maybe': want on or off"), NULL)));
}

/* --trampoline: off by default (nothing on the L2 command line, "off" in
 * the JSON); global becomes trampoline=global, with --trampoline-window N
 * also trampoline_window=N; bad values and a window alone are usage errors. */
Test(cli, trampoline_option)
{
	struct run_config c;
	char args[200];

	cr_assert(eq(int, parse(&c, "--workload", "getpid", NULL), CLI_RUN));
	cr_assert(not(c.trampoline));
	cr_assert(eq(str, (char *)cli_ktramp_name(&c), "off"));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, ""));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--trampoline", "global", "--level",
				"1", NULL), CLI_RUN));
	cr_assert(c.trampoline);
	cr_assert(eq(str, (char *)cli_ktramp_name(&c), "global"));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " trampoline=global"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--retpoline", "off", "--trampoline",
				"global", "--trampoline-window", "100000000", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " retpoline=off trampoline=global trampoline_window=100000000"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--trampoline", "process",
				"--trampoline-window", "16", NULL), CLI_RUN));
	cr_assert(eq(u32, c.trampoline, NESTLAB_KTRAMP_PROCESS));
	cr_assert(eq(str, (char *)cli_ktramp_name(&c), "process"));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " trampoline=process trampoline_window=16"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--trampoline", "Global", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--trampoline 'Global': want off, global or process"),
			 NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--trampoline", "global",
				"--trampoline-window", "0", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--trampoline-window '0': want 1..100000000"),
			 NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--trampoline", "global",
				"--trampoline-window", "100000001", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--trampoline-window", "64", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--trampoline-window needs --trampoline global or process"),
			 NULL)));
}

Test(cli, timer_hz_option)
{
	struct run_config c;
	char args[200];

	cr_assert(eq(int, parse(&c, "--workload", "timer", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " timer_hz=10000"));
	cr_assert(eq(int, parse(&c, "--timer-hz", "100", "--workload", "timer", NULL), CLI_RUN));
	cr_assert(eq(u32, c.timer_hz, NESTLAB_TIMER_HZ_MIN));
	cr_assert(eq(int, parse(&c, "--workload", "timer", "--timer-hz=100000", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " timer_hz=100000"));
	cr_assert(eq(int, parse(&c, "--workload", "timer", "--timer-hz", "0", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--timer-hz '0': want an integer in 100..100000"),
			 NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "timer", "--timer-hz", "99", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "timer", "--timer-hz", "100001", NULL),
		     CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "timer", "--timer-hz", "1e4", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "multi", "--timer-hz", "1000", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--timer-hz applies to --workload timer only"),
			 NULL)));
}

/* --l1-option: KEY=VALUE words for nestlab's L1, checked, in order, at
 * most L0_L1_OPTS_MAX, level 2 with --l1 nestlab only. */
Test(cli, l1_option)
{
	struct run_config c;
	char args[L0_L1_OPTS_MAX * (L0_L1_OPT_LEN_MAX + 1) + 1];

	cr_assert(eq(int, parse(&c, "--workload", "null", "--l1-option", "lapic=full",
				"--l1-option=mech-x=on", NULL), CLI_RUN));
	cr_assert(eq(u32, c.nr_l1_opts, 2));
	cr_assert(eq(int, cli_l1_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " lapic=full mech-x=on"));
	cr_assert(eq(int, parse(&c, "--workload", "null", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l1_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, ""));
	const char *bad[] = { "lapic", "=full", "lapic=", "Lapic=full", "la pic=full",
			      "lapic=fu ll", "lapic=a,b", "lapic=\x01" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert(eq(int, parse(&c, "--workload", "null", "--l1-option", bad[i], NULL),
			     CLI_USAGE), "%s", bad[i]);
		cr_assert(not(eq(ptr, strstr(err_buf, "want KEY=VALUE"), NULL)), "%s", bad[i]);
	}
	cr_assert(eq(int, parse(&c, "--workload", "null", "--l1-option",
				"k=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "null", "--level", "1", "--l1-option",
				"lapic=full", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1-option applies to --level 2 with --l1 "
				     "nestlab only"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "null", "--l1", "kvm", "--l1-option",
				"lapic=full", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "null", "--l1-option", "a=1", "--l1-option",
				"b=1", "--l1-option", "c=1", "--l1-option", "d=1", "--l1-option",
				"e=1", "--l1-option", "f=1", "--l1-option", "g=1", "--l1-option",
				"h=1", "--l1-option", "i=1", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1-option: at most 8"), NULL)));
}

/* --l1-retpoline, --l1-trampoline: on|off to L1's words after the
 * --l1-option words (so the JSON records them); level 2 under nestlab's L1
 * only; not with the same key as an --l1-option; bad values name the flag. */
Test(cli, l1_dispatch_flags)
{
	struct run_config c;
	char args[L0_L1_OPTS_MAX * (L0_L1_OPT_LEN_MAX + 1) + 1];

	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1-trampoline", "on",
				"--l1-option", "lapic=full", "--l1-retpoline=off", NULL), CLI_RUN));
	cr_assert(eq(u32, c.nr_l1_opts, 3));
	cr_assert(eq(int, cli_l1_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " lapic=full l1_retpoline=off l1_trampoline=on"));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1-retpoline", "on", NULL),
		     CLI_RUN));
	cr_assert(eq(int, cli_l1_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " l1_retpoline=on"));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1-trampoline", "yes", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1-trampoline 'yes': want on or off"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "1", "--l1-retpoline",
				"on", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1-retpoline applies to --level 2 with --l1 "
				     "nestlab only"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1", "kvm", "--l1-trampoline",
				"on", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1-trampoline", "on",
				"--l1-option", "l1_trampoline=off", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1-option 'l1_trampoline=off' with "
				     "--l1-trampoline: give one"), NULL)));
	/* l1_trampoline_window is another key: allowed beside the flag */
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--l1-trampoline", "on",
				"--l1-option", "l1_trampoline_window=8", NULL), CLI_RUN));
	cr_assert(eq(int, parse(&c, "--workload", "null", "--l1-option", "a=1", "--l1-option",
				"b=1", "--l1-option", "c=1", "--l1-option", "d=1", "--l1-option",
				"e=1", "--l1-option", "f=1", "--l1-option", "g=1", "--l1-option",
				"h=1", "--l1-trampoline", "on", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1-trampoline: with the --l1-option words "
				     "more than 8"), NULL)));
}

Test(cli, help)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--help", NULL), CLI_DONE));
	cr_assert(not(eq(ptr, strstr(out_buf, "--transport vmmcall|backdoor"), NULL)));
	cr_assert(not(eq(ptr, strstr(out_buf, "syscall-mix"), NULL)));
	cr_assert(eq(u64, err_len, 0));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "-h", NULL), CLI_DONE));
}

Test(cli, parse_ulong)
{
	unsigned long v = 7;

	cr_assert(eq(int, cli_parse_ulong("0", &v), 0));
	cr_assert(eq(u64, v, 0));
	cr_assert(eq(int, cli_parse_ulong("18446744073709551615", &v), 0));
	cr_assert(eq(u64, v, 18446744073709551615ull));
	cr_assert(eq(int, cli_parse_ulong("18446744073709551616", &v), -1));
	cr_assert(eq(int, cli_parse_ulong(" 1", &v), -1));
	cr_assert(eq(int, cli_parse_ulong("+1", &v), -1));
	cr_assert(eq(int, cli_parse_ulong("", &v), -1));
}

Test(cli, trace_option)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--workload", "cpuid", NULL), CLI_RUN));
	cr_assert(eq(ptr, (void *)c.trace_dir, NULL));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--trace", "/tmp/t", NULL), CLI_RUN));
	cr_assert(eq(str, (char *)c.trace_dir, "/tmp/t"));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--trace=", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--trace", NULL), CLI_USAGE));
	/* the region takes 9 MiB (8 and the firmware's top) from L1's share */
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--trace", "t", "--mem", "89", NULL),
		     CLI_RUN));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--trace", "t", "--mem", "88", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--trace takes 9 MiB"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "1", "--trace", "t",
				"--mem", "24", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--level", "1", "--trace", "t",
				"--mem", "25", NULL), CLI_RUN));
	cr_assert(eq(int, parse(&c, "--workload", "cpuid", "--trace", "t", "--mem", "3584", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "at most 3583 MiB"), NULL)));
}

/* --mbec, --mbec-tlb, --mbec-violation: values, defaults, where they apply,
 * and the words they put on L1's and the L2 kernel's command lines. */
Test(cli, mbec_options)
{
	struct run_config c;
	char l1[L0_L1_ARGS_LEN], l2[200];

	cr_assert(eq(int, parse(&c, "--workload", "getpid", NULL), CLI_RUN));
	cr_assert(eq(int, c.mbec, L0_MBEC_OFF));
	cr_assert(eq(int, cli_l1_args(&c, l1, sizeof(l1)), 0));
	cr_assert(eq(str, l1, ""));
	cr_assert(eq(int, cli_l2_args(&c, l2, sizeof(l2)), 0));
	cr_assert(eq(str, l2, ""));

	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "exec-fault", NULL),
		     CLI_RUN));
	cr_assert(eq(int, c.mbec_tlb, L0_MBEC_TLB_ASID));
	cr_assert(eq(int, c.mbec_violation, L0_MBEC_VIOLATION_STOP));
	cr_assert(eq(int, cli_l1_args(&c, l1, sizeof(l1)), 0));
	cr_assert(eq(str, l1, " mbec=exec-fault mbec_tlb=asid mbec_violation=stop"));
	cr_assert(eq(int, cli_l2_args(&c, l2, sizeof(l2)), 0));
	cr_assert(eq(str, l2, " mbec=on"));

	cr_assert(eq(int, parse(&c, "--workload", "timer", "--mbec=exec-fault", "--mbec-tlb",
				"flush", "--mbec-violation", "inject", "--l1-option", "lapic=full",
				NULL), CLI_RUN));
	cr_assert(eq(int, cli_l1_args(&c, l1, sizeof(l1)), 0));
	cr_assert(eq(str, l1, " mbec=exec-fault mbec_tlb=flush mbec_violation=inject lapic=full"));
	cr_assert(eq(int, cli_l2_args(&c, l2, sizeof(l2)), 0));
	cr_assert(eq(str, l2, " timer_hz=10000 mbec=on"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "exec-fault",
				"--mbec-violation", "report", NULL), CLI_RUN));
	cr_assert(eq(int, c.mbec_violation, L0_MBEC_VIOLATION_REPORT));
	/* the second design: the same words, mbec=intercept */
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "intercept", "--mbec-tlb",
				"flush", NULL), CLI_RUN));
	cr_assert(eq(int, c.mbec, L0_MBEC_INTERCEPT));
	cr_assert(eq(int, cli_l1_args(&c, l1, sizeof(l1)), 0));
	cr_assert(eq(str, l1, " mbec=intercept mbec_tlb=flush mbec_violation=stop"));
	cr_assert(eq(int, cli_l2_args(&c, l2, sizeof(l2)), 0));
	cr_assert(eq(str, l2, " mbec=on"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--level", "1", "--mbec", "off",
				NULL), CLI_RUN));
}

Test(cli, mbec_usage_errors)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "on", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "want off, exec-fault or intercept"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "exec-fault", "--mbec-tlb",
				"none", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "want asid or flush"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "exec-fault",
				"--mbec-violation", "ignore", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "want report, inject or stop"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--level", "1", "--mbec",
				"exec-fault", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--mbec applies to --level 2 with --l1 nestlab "
				     "only"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--l1", "kvm", "--mbec",
				"exec-fault", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--mbec applies to --level 2"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec-tlb", "flush", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--mbec-tlb applies with --mbec exec-fault "
				     "or intercept only"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "off",
				"--mbec-violation", "stop", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--mbec-violation applies with --mbec "
				     "exec-fault or intercept only"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--mbec", "exec-fault",
				"--l1-option", "mbec_tlb=flush", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1-option 'mbec_tlb=flush' with --mbec"),
			 NULL)));
	/* without --mbec, L1's mbec keys may still be set by hand */
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--l1-option", "mbec=exec-fault",
				NULL), CLI_RUN));
}

Test(cli, l2_module_option)
{
	struct run_config c;

	cr_assert(eq(int, parse(&c, "--workload", "null", NULL), CLI_RUN));
	cr_assert(eq(ptr, (void *)c.l2_module, NULL));
	cr_assert(eq(int, parse(&c, "--workload", "null", "--l2-module", "m.ko", NULL), CLI_RUN));
	cr_assert(eq(str, (char *)c.l2_module, "m.ko"));
	cr_assert(eq(int, parse(&c, "--workload", "null", "--level", "1", "--l2-module", "m.ko",
				NULL), CLI_RUN));
	cr_assert(eq(int, parse(&c, "--workload", "null", "--l2-module", "", NULL), CLI_USAGE));
	/* nestlab's VMM under KVM takes no module for the L2 kernel. */
	cr_assert(eq(int, parse(&c, "--workload", "null", "--l1", "kvm", "--l2-module", "m.ko",
				NULL), CLI_USAGE));
}

/* --batch: off by default (nothing on the L2 command line), kernel becomes
 * batch=kernel, with --batch-max also batch_max=N; l1 becomes batch=on on
 * L1's command line (level 2 only); --batch-max alone is refused. */
Test(cli, batch_option)
{
	struct run_config c;
	char args[200];

	cr_assert(eq(int, parse(&c, "--workload", "getpid", NULL), CLI_RUN));
	cr_assert(eq(int, c.batch, L0_BATCH_OFF));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--batch", "kernel", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " batch=kernel"));
	cr_assert(eq(int, parse(&c, "--workload", "timer", "--batch=kernel", "--batch-max", "8",
				"--retpoline", "off", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " timer_hz=10000 retpoline=off batch=kernel batch_max=8"));
	cr_assert(eq(int, parse(&c, "--workload", "pio-pairs", "--batch", "l1", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, ""));
	cr_assert(eq(int, cli_l1_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " batch=on"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--batch", "l1", "--level", "1", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--batch l1: L1's batching is nestlab L1's "
					     "mechanism"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--batch-max", "2", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--batch-max needs --batch kernel, l1 or both"),
			 NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "exit-pairs", "--batch", "both", "--batch-max",
				"3", NULL), CLI_RUN));
	cr_assert(eq(int, cli_l2_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " batch=kernel batch_max=3"));
	cr_assert(eq(int, cli_l1_args(&c, args, sizeof(args)), 0));
	cr_assert(eq(str, args, " batch=on batch_max=3"));
}

/* --interpose, --interpose-op, --interpose-deny: values, defaults, where
 * they apply, the module they need, and L1's words. */
Test(cli, interpose_options)
{
	struct run_config c;
	char l1[L0_L1_ARGS_LEN];

	cr_assert(eq(int, parse(&c, "--workload", "getpid", NULL), CLI_RUN));
	cr_assert(eq(int, c.interpose, L0_INTERPOSE_OFF));
	cr_assert(not(cli_interpose_needs_module(&c)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "inguest", NULL),
		     CLI_RUN));
	cr_assert(eq(int, c.interpose_op, L0_INTERPOSE_OP_COUNT));
	cr_assert(cli_interpose_needs_module(&c));
	cr_assert(eq(int, cli_l1_args(&c, l1, sizeof(l1)), 0));
	cr_assert(eq(str, l1, " interpose=inguest"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "hypercall",
				"--interpose-op", "trace", NULL), CLI_RUN));
	cr_assert(cli_interpose_needs_module(&c));
	cr_assert(eq(int, cli_l1_args(&c, l1, sizeof(l1)), 0));
	cr_assert(eq(str, l1, " interpose=hypercall interpose_op=trace"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "trap",
				"--interpose-op", "deny", "--interpose-deny", "2,255,0",
				"--mbec", "exec-fault", NULL), CLI_RUN));
	cr_assert(not(cli_interpose_needs_module(&c)));
	cr_assert(eq(int, cli_l1_args(&c, l1, sizeof(l1)), 0));
	cr_assert(eq(str, l1, " mbec=exec-fault mbec_tlb=asid mbec_violation=stop "
		     "interpose=trap interpose_op=deny interpose_deny=2,255,0"));
	cr_assert(eq(str, (char *)l0_interpose_name(L0_INTERPOSE_TRAP), "trap"));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "breakpoint", NULL),
		     CLI_RUN));
	cr_assert(not(cli_interpose_needs_module(&c)));
	cr_assert(eq(int, cli_l1_args(&c, l1, sizeof(l1)), 0));
	cr_assert(eq(str, l1, " interpose=breakpoint"));
	cr_assert(eq(str, (char *)l0_interpose_op_name(L0_INTERPOSE_OP_DENY), "deny"));
}

Test(cli, interpose_usage_errors)
{
	struct run_config c;
	static const struct { const char *opt, *val, *want; } bad[] = {
		{ "--interpose", "on", "want off, inguest, hypercall, trap or breakpoint" },
		{ "--interpose-op", "log", "want count, trace or deny" },
		{ "--interpose-deny", "", "want system-call numbers 0..255" },
		{ "--interpose-deny", "256", "want system-call numbers 0..255" },
		{ "--interpose-deny", "1,", "want system-call numbers 0..255" },
		{ "--interpose-deny", ",1", "want system-call numbers 0..255" },
		{ "--interpose-deny", "1;2", "want system-call numbers 0..255" },
		{ "--interpose-deny", "00001", "want system-call numbers 0..255" },
		{ "--interpose-deny", "3,4,3", "3 is listed twice" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "inguest",
					bad[i].opt, bad[i].val, NULL), CLI_USAGE), "%s '%s'",
			  bad[i].opt, bad[i].val);
		cr_assert(not(eq(ptr, strstr(err_buf, bad[i].want), NULL)), "%s", err_buf);
	}
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--level", "1", "--interpose",
				"inguest", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--interpose applies to --level 2 with --l1 "
				     "nestlab only"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--l1", "kvm", "--interpose",
				"trap", NULL), CLI_USAGE));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose-op", "trace", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--interpose-op applies with --interpose "
				     "inguest, hypercall, trap or breakpoint only"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "breakpoint", "--mbec",
				"exec-fault", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--interpose breakpoint builds its own execute "
				     "view: not with --mbec"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "breakpoint",
				"--npt-lazy", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "not with --npt-lazy"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose-deny", "2", NULL),
		     CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--interpose-deny applies with"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "inguest",
				"--interpose-op", "deny", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--interpose-op deny needs --interpose-deny"),
			 NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "inguest",
				"--interpose-deny", "2", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--interpose-deny needs --interpose-op deny"),
			 NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "trap", "--mbec",
				"intercept", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--interpose trap and --mbec intercept"), NULL)));
	cr_assert(eq(int, parse(&c, "--workload", "getpid", "--interpose", "inguest",
				"--l1-option", "interpose_op=deny", NULL), CLI_USAGE));
	cr_assert(not(eq(ptr, strstr(err_buf, "--l1-option 'interpose_op=deny' with "
				     "--interpose"), NULL)));
}
