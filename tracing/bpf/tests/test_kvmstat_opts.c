/*
 * Unit tests for kvmstat_opts.c: the ranges of the numeric options (--record
 * refuses 0 and negative numbers alike, -p and --duration their bad values),
 * "--" with and without a command after it, and the --events list (unknown
 * names, an empty list). Each case checks the result and the message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "kvmstat_opts.h"

/*
 * Parses a NULL-terminated argument list (argv[0] added); err text in *msg.
 * argv is static: o->command points into it after the call.
 */
static int parse(struct ks_opts *o, char **msg, ...)
{
	static char *argv[32];
	size_t len = 0;
	int argc = 1, rc;
	va_list ap;

	argv[0] = "nestlab-kvmstat";
	va_start(ap, msg);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	FILE *err = open_memstream(msg, &len);
	cr_assert(err != NULL);
	rc = ks_parse(argc, argv, o, err);
	fclose(err);
	return rc;
}

static void expect_usage(char *msg, const char *part)
{
	cr_assert(strstr(msg, part) != NULL, "message '%s' lacks '%s'", msg, part);
	free(msg);
}

Test(kvmstat_opts, defaults)
{
	struct ks_opts o;
	char *msg;

	cr_assert(eq(int, parse(&o, &msg, NULL), 0));
	cr_assert(eq(str, msg, ""));
	free(msg);
	cr_assert(eq(u64, o.record_max, 0));
	cr_assert(eq(u64, o.ringbuf_size, KS_RINGBUF_DEFAULT));
	cr_assert(eq(str, (char *)o.record_file, KS_DEFAULT_RECORD_FILE));
	cr_assert(eq(ptr, o.command, NULL));
	cr_assert(eq(int, o.lttng, 0));
	for (int e = 0; e < KS_EV_COUNT; e++)
		cr_assert(eq(int, o.want[e], 1));
}

Test(kvmstat_opts, record_range)
{
	static const char *const bad[] = { "0", "-5", "-1", "+5", " 5", "5x", "",
					   "4294967296", "18446744073709551615",
					   "18446744073709551616", "0x", "-0x10" };
	struct ks_opts o;
	char *msg, *zero_msg = NULL;

	cr_assert(eq(int, parse(&o, &msg, "--record", "1", NULL), 0));
	cr_assert(eq(u64, o.record_max, 1));
	free(msg);
	cr_assert(eq(int, parse(&o, &msg, "-r", "4294967295", NULL), 0));
	cr_assert(eq(u64, o.record_max, KS_RECORD_LIMIT));
	free(msg);
	cr_assert(eq(int, parse(&o, &msg, "--record", "0x100", NULL), 0));
	cr_assert(eq(u64, o.record_max, 256));
	free(msg);
	cr_assert(eq(int, parse(&o, &msg, "--record", "010", NULL), 0));
	cr_assert(eq(u64, o.record_max, 10), "a leading 0 is decimal, not octal");
	free(msg);

	/* Every bad value gets the message 0 gets, with only the value changed. */
	cr_assert(eq(int, parse(&o, &zero_msg, "--record", "0", NULL), KS_PARSE_USAGE));
	cr_assert(strstr(zero_msg, "from 1 to 4294967295") != NULL, "%s", zero_msg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[256];

		cr_assert(eq(int, parse(&o, &msg, "--record", bad[i], NULL), KS_PARSE_USAGE),
			  "--record '%s' accepted", bad[i]);
		snprintf(want, sizeof(want), "nestlab-kvmstat: bad --record '%s': N is the number of "
			 "events to record, a whole number from 1 to 4294967295\n", bad[i]);
		cr_assert(eq(str, msg, want));
		free(msg);
	}
	free(zero_msg);
}

Test(kvmstat_opts, other_numbers)
{
	struct ks_opts o;
	char *msg;

	cr_assert(eq(int, parse(&o, &msg, "-p", "-3", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "bad pid '-3'");
	cr_assert(eq(int, parse(&o, &msg, "-p", "4294967297", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "from 1 to 2147483647");
	cr_assert(eq(int, parse(&o, &msg, "-p", "42", NULL), 0));
	cr_assert(eq(int, o.pid, 42));
	free(msg);
	static const char *const bad_d[] = { "0", "-1", "nan", "inf", "-inf", " 1", "1s", "" };
	for (size_t i = 0; i < sizeof(bad_d) / sizeof(bad_d[0]); i++) {
		cr_assert(eq(int, parse(&o, &msg, "-d", bad_d[i], NULL), KS_PARSE_USAGE),
			  "--duration '%s' accepted", bad_d[i]);
		expect_usage(msg, "greater than 0");
	}
	cr_assert(eq(int, parse(&o, &msg, "--duration", "0.25", NULL), 0));
	cr_assert(eq(dbl, o.duration_s, 0.25));
	free(msg);
	cr_assert(eq(int, parse(&o, &msg, "--ringbuf-size", "-4096", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "a power of two");
	cr_assert(eq(int, parse(&o, &msg, "--ringbuf-size", "12288", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "a power of two");
	cr_assert(eq(int, parse(&o, &msg, "--ringbuf-size", "0x100000", NULL), 0));
	cr_assert(eq(u64, o.ringbuf_size, 1 << 20));
	free(msg);
}

Test(kvmstat_opts, dashdash)
{
	struct ks_opts o;
	char *msg;

	/* A bare "--" is a usage error, not "trace every process". */
	cr_assert(eq(int, parse(&o, &msg, "--", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "'--' must be followed by the command");
	cr_assert(eq(int, parse(&o, &msg, "-q", "--json", "x.json", "--", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "'--' must be followed by the command");
	cr_assert(eq(int, parse(&o, &msg, "-p", "7", "--", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "'--' must be followed by the command");

	cr_assert(eq(int, parse(&o, &msg, "-q", "--", "guest", "-n", "5", NULL), 0));
	cr_assert(eq(str, msg, ""));
	free(msg);
	cr_assert(o.command != NULL);
	cr_assert(eq(str, o.command[0], "guest"));
	cr_assert(eq(str, o.command[2], "5"));
	cr_assert(eq(ptr, o.command[3], NULL));

	/* "--" as an option's argument is no separator. */
	cr_assert(eq(int, parse(&o, &msg, "--json", "--", NULL), 0));
	cr_assert(eq(str, (char *)o.json, "--"));
	cr_assert(eq(ptr, o.command, NULL));
	free(msg);
	cr_assert(eq(int, parse(&o, &msg, "--json", "--", "guest", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "unexpected argument 'guest'");

	cr_assert(eq(int, parse(&o, &msg, "guest", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "unexpected argument 'guest' (a command goes after --)");
	cr_assert(eq(int, parse(&o, &msg, "-p", "7", "--", "guest", NULL), KS_PARSE_USAGE));
	expect_usage(msg, "exclude each other");
}

Test(kvmstat_opts, events)
{
	struct ks_opts o;
	char *msg;

	cr_assert(eq(int, parse(&o, &msg, "--events", "pio,kvm_cpuid,,", NULL), 0));
	free(msg);
	for (int e = 0; e < KS_EV_COUNT; e++)
		cr_assert(eq(int, o.want[e], e == KS_EV_PIO || e == KS_EV_CPUID));

	cr_assert(eq(int, parse(&o, &msg, "--events", "pio,bogus", NULL), KS_PARSE_USAGE));
	cr_assert(strstr(msg, "unknown event 'bogus' in --events") != NULL, "%s", msg);
	expect_usage(msg, " exit entry nested_vmexit");

	/* An empty list says so and shows the valid names (not "none exists"). */
	static const char *const empty[] = { "", ",", ",,," };
	for (size_t i = 0; i < 3; i++) {
		cr_assert(eq(int, parse(&o, &msg, "-e", empty[i], NULL), KS_PARSE_USAGE));
		cr_assert(eq(str, msg, "nestlab-kvmstat: the --events list is empty. Fix: name at "
			     "least one of: exit entry nested_vmexit nested_vmexit_inject "
			     "nested_vmenter nested_vmrun pio mmio msr cpuid hypercall page_fault "
			     "emulate_insn userspace_exit inj_exception\n"));
		free(msg);
	}
}

Test(kvmstat_opts, lttng_and_reparse)
{
	struct ks_opts o;
	char *msg;

	cr_assert(eq(int, parse(&o, &msg, "--lttng", "-r", "5", "--", "g", NULL), 0));
	cr_assert(eq(int, o.lttng, 1));
	cr_assert(eq(u64, o.record_max, 5));
	free(msg);
	/* A second parse starts afresh (getopt restarted, options zeroed). */
	cr_assert(eq(int, parse(&o, &msg, "-L", NULL), 0));
	cr_assert(eq(int, o.lttng, 1));
	cr_assert(eq(u64, o.record_max, 0));
	cr_assert(eq(ptr, o.command, NULL));
	free(msg);
}
