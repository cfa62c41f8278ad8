/*
 * kvmstat_opts.c: nestlab-kvmstat's option parser and usage text. Numbers
 * are read strictly: digits only (decimal, or hex after 0x), no sign, no
 * blanks, no trailing characters, inside the documented range; anything
 * else is a usage error that says what range is valid.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kvmstat_names.h"
#include "kvmstat_opts.h"

void ks_usage(FILE *f)
{
	fprintf(f,
"usage: nestlab-kvmstat [-p PID | -- COMMAND ARGS...] [--duration S] [--json FILE]\n"
"                       [--events LIST] [--record N [--record-file FILE]] [--lttng]\n"
"                       [options]\n"
"\n"
"Counts what KVM does for each VM process and vCPU thread, from the kvm\n"
"tracepoints, in BPF maps (no per-event copy to user space): exits by reason\n"
"(SVM/VMX names), port I/O by port and direction, MSRs by index and direction,\n"
"CPUID leaves, hypercalls, user-space exits (KVM_EXIT_*), nested events, ...\n"
"Where kvm_exit and kvm_entry both fire, exit-to-entry latency histograms per\n"
"reason (log2 buckets, p50/p99). Tracepoints this kernel lacks are skipped and\n"
"reported as \"not available on this kernel\".\n"
"\n"
"What to trace (default: every process that uses KVM):\n"
"  -p, --pid PID        trace this process (all its threads) and the processes\n"
"                       it forks from now on; stop when it exits\n"
"  -- COMMAND ARGS...   start COMMAND once tracing is attached, trace it and its\n"
"                       children, stop when it exits; exit with its status\n"
"Options:\n"
"  -d, --duration S     stop after S seconds, S > 0 (default: at exit of the\n"
"                       target, or at SIGINT/SIGTERM)\n"
"  -j, --json FILE      also write the report as JSON to FILE ('-' = stdout);\n"
"                       FILE is checked before tracing starts and replaced\n"
"                       atomically at the end\n"
"  -e, --events LIST    comma-separated tracepoints to use, with or without the\n"
"                       kvm_ prefix (default: all of them):\n"
"                       exit entry nested_vmexit nested_vmexit_inject\n"
"                       nested_vmenter nested_vmrun pio mmio msr cpuid\n"
"                       hypercall page_fault emulate_insn userspace_exit\n"
"                       inj_exception\n"
"  -r, --record N       also record the first N events (1 <= N <= %llu) with\n"
"                       CLOCK_MONOTONIC timestamps through a BPF ring buffer\n"
"                       (events beyond N, or lost to a full buffer, are counted\n"
"                       as dropped)\n"
"      --record-file F  where records go (default: " KS_DEFAULT_RECORD_FILE "), one\n"
"                       line each: ts_ns pid tid event detail\n"
"  -L, --lttng          also emit every recorded event (all of them, or the\n"
"                       first N with --record N) as an LTTng-UST event\n"
"                       nestlab_kvm:<event> into the LTTng sessions that enable\n"
"                       it; says so when no session is listening\n"
"      --ringbuf-size B ring buffer size in bytes, a power of two from 4096 to\n"
"                       1 GiB (default 4 MiB)\n"
"      --btf FILE       kernel BTF to use when /sys/kernel/btf/vmlinux is missing\n"
"      --classic        classic tracepoints only (default: BTF-enabled raw\n"
"                       tracepoints, tp_btf, where the kernel allows; cheaper)\n"
"      --tracefs DIR    where tracefs is (default: " KS_DEFAULT_TRACEFS ", mounted\n"
"                       there when absent and allowed)\n"
"  -q, --quiet          no text report on stdout\n"
"  -v, --verbose        libbpf's debug output\n"
"  -h, --help           this text\n"
"\n"
"Needs root, or CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN on kernels before 5.8)\n"
"and, as a user other than root, CAP_DAC_READ_SEARCH to read tracefs (mode 0700).\n"
"Exit status: 0 done; 1 environment error (the message names the fix); 2 usage\n"
"error; with --, the command's status when it failed.\n", KS_RECORD_LIMIT);
}

/* A whole number in [min, max]: decimal, or hex after 0x; 0 if s is one. */
static int ks_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
		if (!isxdigit((unsigned char)*s))
			return -1;
	} else if (!isdigit((unsigned char)*s)) {
		return -1;   /* strtoull would take a sign or leading blanks */
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int ks_parse_events(const char *list, int *want, FILE *err)
{
	char buf[1024], *save = NULL, *tok;
	int n = 0;

	memset(want, 0, KS_EV_COUNT * sizeof(*want));
	if (!list) {
		for (int e = 0; e < KS_EV_COUNT; e++)
			want[e] = 1;
		return 0;
	}
	if (strlen(list) >= sizeof(buf)) {
		fprintf(err, "nestlab-kvmstat: the --events list is longer than %zu characters\n",
			sizeof(buf) - 1);
		return KS_PARSE_USAGE;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int e = ks_event_lookup(tok);

		if (e < 0) {
			fprintf(err, "nestlab-kvmstat: unknown event '%s' in --events. Fix: use names "
				"from this list:", tok);
			goto names;
		}
		want[e] = 1;
		n++;
	}
	if (n)
		return 0;
	fprintf(err, "nestlab-kvmstat: the --events list is empty. Fix: name at least one of:");
names:
	for (int i = 0; i < KS_EV_COUNT; i++)
		fprintf(err, " %s", ks_event_short(i));
	fputc('\n', err);
	return KS_PARSE_USAGE;
}

int ks_parse(int argc, char **argv, struct ks_opts *o, FILE *err)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", required_argument, NULL, 'j' },
		{ "events", required_argument, NULL, 'e' },
		{ "record", required_argument, NULL, 'r' },
		{ "record-file", required_argument, NULL, 'R' },
		{ "lttng", no_argument, NULL, 'L' },
		{ "ringbuf-size", required_argument, NULL, 'B' },
		{ "btf", required_argument, NULL, 'b' },
		{ "tracefs", required_argument, NULL, 't' },
		{ "classic", no_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *last_arg = NULL;   /* the last option argument consumed */
	uint64_t v;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->ringbuf_size = KS_RINGBUF_DEFAULT;
	o->record_file = KS_DEFAULT_RECORD_FILE;
	optind = 0;   /* glibc: restart scanning from argv[1] */
	while ((c = getopt_long(argc, argv, "+p:d:j:e:r:Lqvh", opts, NULL)) != -1) {
		if (optarg)
			last_arg = optarg;
		switch (c) {
		case 'p':
			if (ks_parse_u64(optarg, 1, 0x7fffffff, &v)) {
				fprintf(err, "nestlab-kvmstat: bad pid '%s': a process id is a whole "
					"number from 1 to 2147483647\n", optarg);
				return KS_PARSE_USAGE;
			}
			o->pid = (int)v;
			break;
		case 'd':
			errno = 0;
			o->duration_s = strtod(optarg, &end);
			if (!isdigit((unsigned char)optarg[0]) && optarg[0] != '.')
				end = optarg;   /* a sign, blanks, "inf" or "nan" */
			if (end == optarg || *end || errno || !isfinite(o->duration_s) ||
			    o->duration_s <= 0) {
				fprintf(err, "nestlab-kvmstat: bad duration '%s': give seconds, a number "
					"greater than 0 (e.g. 2.5)\n", optarg);
				return KS_PARSE_USAGE;
			}
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'e':
			o->events = optarg;
			break;
		case 'r':
			if (ks_parse_u64(optarg, 1, KS_RECORD_LIMIT, &o->record_max)) {
				fprintf(err, "nestlab-kvmstat: bad --record '%s': N is the number of "
					"events to record, a whole number from 1 to %llu\n", optarg,
					KS_RECORD_LIMIT);
				return KS_PARSE_USAGE;
			}
			break;
		case 'R':
			o->record_file = optarg;
			break;
		case 'L':
			o->lttng = 1;
			break;
		case 'B':
			if (ks_parse_u64(optarg, KS_RINGBUF_MIN, KS_RINGBUF_MAX, &v) || (v & (v - 1))) {
				fprintf(err, "nestlab-kvmstat: bad --ringbuf-size '%s': a power of two "
					"from 4096 to %llu bytes\n", optarg, KS_RINGBUF_MAX);
				return KS_PARSE_USAGE;
			}
			o->ringbuf_size = v;
			break;
		case 'b':
			o->btf = optarg;
			break;
		case 't':
			o->tracefs = optarg;
			break;
		case 'C':
			o->classic = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			ks_usage(stdout);
			return KS_PARSE_HELP;
		default:
			ks_usage(err);
			return KS_PARSE_USAGE;
		}
	}
	/*
	 * getopt stopped at the first non-option (the "+" in optstring) or
	 * just after a "--" it consumed; a "--" that was an option's argument
	 * (--json --) is not a separator.
	 */
	int dashdash = optind > 1 && optind <= argc && !strcmp(argv[optind - 1], "--") &&
		       argv[optind - 1] != last_arg;
	if (optind < argc) {
		if (!dashdash) {
			fprintf(err, "nestlab-kvmstat: unexpected argument '%s' (a command goes "
				"after --)\n", argv[optind]);
			return KS_PARSE_USAGE;
		}
		o->command = &argv[optind];
	} else if (dashdash) {
		fprintf(err, "nestlab-kvmstat: '--' must be followed by the command to trace "
			"(without a command, leave out '--' to trace every KVM process)\n");
		return KS_PARSE_USAGE;
	}
	if (o->pid && o->command) {
		fprintf(err, "nestlab-kvmstat: -p and -- COMMAND exclude each other\n");
		return KS_PARSE_USAGE;
	}
	return ks_parse_events(o->events, o->want, err);
}
