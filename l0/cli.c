/*
 * `nestlab run` argument parsing and usage texts. Every option is validated
 * here, before anything is started, so a bad command line always ends with a
 * one-line reason, the usage synopsis and exit status 2.
 */
#include "cli.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include "cli_mbec.h"
#include "cli_batch.h"
#include "cli_interpose.h"
#include "cli_l1tramp.h"
#include "cli_ktramp.h"
#include "trace_layout.h"

enum cli_opt {
	OPT_WORKLOAD, OPT_ITERATIONS, OPT_LEVEL, OPT_ACCEL, OPT_TRANSPORT,
	OPT_NPT_LAZY, OPT_JSON, OPT_TIMEOUT, OPT_L2MEM, OPT_MEM, OPT_QEMU,
	OPT_NO_ICOUNT, OPT_KEEP, OPT_VERBOSE, OPT_QUIET, OPT_L1_IMAGE,
	OPT_L2_IMAGE, OPT_TRACE, OPT_HELP, OPT_L1, OPT_PROCS, OPT_TIMER_HZ,
	OPT_L1_OPTION, OPT_L1_RETPOLINE, OPT_L1_TRAMPOLINE, OPT_RETPOLINE, OPT_MBEC, OPT_MBEC_TLB,
	OPT_MBEC_VIOLATION, OPT_L2_MODULE, OPT_BATCH, OPT_BATCH_MAX,
	OPT_INTERPOSE, OPT_INTERPOSE_OP, OPT_INTERPOSE_DENY, OPT_TRAMPOLINE,
	OPT_TRAMPOLINE_WINDOW,
};

static const struct cli_option cli_options[] = {
	{ "--workload",   true,  OPT_WORKLOAD },
	{ "--iterations", true,  OPT_ITERATIONS },
	{ "--level",      true,  OPT_LEVEL },
	{ "--accel",      true,  OPT_ACCEL },
	{ "--transport",  true,  OPT_TRANSPORT },
	{ "--npt-lazy",   false, OPT_NPT_LAZY },
	{ "--json",       true,  OPT_JSON },
	{ "--timeout",    true,  OPT_TIMEOUT },
	{ "--l2mem",      true,  OPT_L2MEM },
	{ "--mem",        true,  OPT_MEM },
	{ "--qemu",       true,  OPT_QEMU },
	{ "--no-icount",  false, OPT_NO_ICOUNT },
	{ "--keep",       false, OPT_KEEP },
	{ "--verbose",    false, OPT_VERBOSE },
	{ "-v",           false, OPT_VERBOSE },
	{ "--quiet",      false, OPT_QUIET },
	{ "-q",           false, OPT_QUIET },
	{ "--l1-image",   true,  OPT_L1_IMAGE },
	{ "--l2-image",   true,  OPT_L2_IMAGE },
	{ "--l2-module",  true,  OPT_L2_MODULE },
	{ "--trace",      true,  OPT_TRACE },
	{ "--l1",         true,  OPT_L1 },
	{ "--procs",      true,  OPT_PROCS },
	{ "--timer-hz",   true,  OPT_TIMER_HZ },
	{ "--l1-option",  true,  OPT_L1_OPTION },
	{ "--l1-retpoline", true, OPT_L1_RETPOLINE },
	{ "--l1-trampoline", true, OPT_L1_TRAMPOLINE },
	{ "--mbec",       true,  OPT_MBEC },
	{ "--retpoline",  true,  OPT_RETPOLINE },
	{ "--trampoline", true,  OPT_TRAMPOLINE },
	{ "--trampoline-window", true, OPT_TRAMPOLINE_WINDOW },
	{ "--batch",      true,  OPT_BATCH },
	{ "--batch-max",  true,  OPT_BATCH_MAX },
	{ "--mbec-tlb",   true,  OPT_MBEC_TLB },
	{ "--mbec-violation", true, OPT_MBEC_VIOLATION },
	{ "--interpose",  true,  OPT_INTERPOSE },
	{ "--interpose-op", true, OPT_INTERPOSE_OP },
	{ "--interpose-deny", true, OPT_INTERPOSE_DENY },
	{ "--help",       false, OPT_HELP },
	{ "-h",           false, OPT_HELP },
};

static const char *const cli_workload_names[] = {
#define CLI_WL_NAME_(id, name, what) name,
	NESTLAB_WORKLOADS(CLI_WL_NAME_)
#undef CLI_WL_NAME_
};

static const char *const cli_workload_whats[] = {
#define CLI_WL_WHAT_(id, name, what) what,
	NESTLAB_WORKLOADS(CLI_WL_WHAT_)
#undef CLI_WL_WHAT_
};

const char *l0_accel_name(enum l0_accel a)
{
	switch (a) {
	case L0_ACCEL_AUTO: return "auto";
	case L0_ACCEL_KVM:  return "kvm";
	case L0_ACCEL_TCG:  return "tcg";
	}
	return "?";
}

const char *l0_transport_name(enum nestlab_transport t)
{
	switch (t) {
	case NESTLAB_TRANSPORT_VMMCALL:  return "vmmcall";
	case NESTLAB_TRANSPORT_VMCALL:   return "vmcall";
	case NESTLAB_TRANSPORT_BACKDOOR: return "backdoor";
	}
	return "?";
}

const char *l0_l1_name(enum l0_l1 l1)
{
	return l1 == L0_L1_KVM ? "kvm" : "nestlab";
}

void cli_config_defaults(struct run_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->iterations = NESTLAB_ITERATIONS_DEFAULT;
	cfg->level = 2;
	cfg->accel = L0_ACCEL_AUTO;
	cfg->transport = NESTLAB_TRANSPORT_VMMCALL;
	cfg->timeout_s = L0_TIMEOUT_DEFAULT_S;
	cfg->l2mem_mib = NESTLAB_L2MEM_DEFAULT_MIB;
	cfg->qemu = "qemu-system-x86_64";
	cfg->icount = true;
	cfg->retpoline = true;
}

int cli_workload_index(const char *name)
{
	for (size_t i = 0; i < NESTLAB_WL_NR; i++)
		if (strcmp(name, cli_workload_names[i]) == 0)
			return (int)i;
	return -1;
}

bool cli_workload_valid(const char *name)
{
	return cli_workload_index(name) >= 0;
}

const char *cli_workload_name(unsigned wl)
{
	return wl < NESTLAB_WL_NR ? cli_workload_names[wl] : NULL;
}

const char *cli_workload_what(unsigned wl)
{
	return wl < NESTLAB_WL_NR ? cli_workload_whats[wl] : NULL;
}

int cli_parse_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (~0ul - (unsigned long)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 0;
}

int cli_procs_parse(const char *val, struct nestlab_procs *out, char *why, size_t whylen)
{
	size_t off = 0, n = 0;
	int e = nestlab_procs_parse(val, strlen(val), out, &off, &n);

	if (!e)
		return 0;
	if (e == NESTLAB_PROCS_E_UNKNOWN || e == NESTLAB_PROCS_E_NOT_PROGRAM)
		snprintf(why, whylen, "%s '%.*s'", nestlab_procs_strerror(e), (int)n, val + off);
	else
		snprintf(why, whylen, "%s", nestlab_procs_strerror(e));
	return -1;
}

int cli_timer_hz_parse(const char *val, unsigned *hz)
{
	unsigned long v;

	if (cli_parse_ulong(val, &v) || v < NESTLAB_TIMER_HZ_MIN || v > NESTLAB_TIMER_HZ_MAX)
		return -1;
	*hz = (unsigned)v;
	return 0;
}

int cli_l1_option_check(const char *s)
{
	size_t n = strlen(s), key = strcspn(s, "=");

	if (!n || n > L0_L1_OPT_LEN_MAX || key == 0 || key >= n - 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i < key ? !(islower(c) || isdigit(c) || c == '_' || c == '-') :
		    (c <= ' ' || c > '~' || c == ','))
			return -1;
	}
	return 0;
}

int cli_l1_args(const struct run_config *cfg, char *buf, size_t len)
{
	size_t used;

	if (cli_mbec_l1_words(cfg, buf, len) || cli_interpose_l1_words(cfg, buf, len))
		return -1;
	if (cli_batch_l1_words(cfg, buf, len))
		return -1;
	used = strlen(buf);
	/* The protection-domain workload needs L1's domain mechanism. */
	if (cfg->workload && cli_workload_index(cfg->workload) == NESTLAB_WL_DOMAIN) {
		int n = snprintf(buf + used, len - used, " domain=on");

		if (n < 0 || used + (size_t)n >= len)
			return -1;
		used += (size_t)n;
	}
	for (unsigned i = 0; i < cfg->nr_l1_opts; i++) {
		int n = snprintf(buf + used, len - used, " %s", cfg->l1_opts[i]);

		if (n < 0 || used + (size_t)n >= len)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

int cli_l2_args(const struct run_config *cfg, char *buf, size_t len)
{
	int wl = cli_workload_index(cfg->workload ? cfg->workload : "");
	size_t used = 0;
	int n = 0;

	if (!len)
		return -1;
	buf[0] = '\0';
	if (wl == NESTLAB_WL_TIMER)
		n = snprintf(buf, len, " timer_hz=%u",
			     cfg->timer_hz ? cfg->timer_hz : NESTLAB_TIMER_HZ_DEFAULT);
	else if (wl == NESTLAB_WL_MULTI && !cfg->procs.n)
		n = snprintf(buf, len, " procs=%s", NESTLAB_PROCS_DEFAULT);
	for (unsigned i = 0; wl == NESTLAB_WL_MULTI && i < cfg->procs.n; i++) {
		n = snprintf(buf + used, len - used, "%s%s", i ? "," : " procs=",
			     cli_workload_name(cfg->procs.prog[i]));
		if (n < 0 || used + (size_t)n >= len)
			return -1;
		used += (size_t)n;
		n = 0;
	}
	if (n < 0 || used + (size_t)n >= len)
		return -1;
	used += (size_t)n;
	if (cfg->mbec != L0_MBEC_OFF) {
		n = snprintf(buf + used, len - used, " mbec=on");
		if (n < 0 || used + (size_t)n >= len)
			return -1;
		used += (size_t)n;
	}
	if (!cfg->retpoline) {
		n = snprintf(buf + used, len - used, " retpoline=off");
		if (n < 0 || used + (size_t)n >= len)
			return -1;
	}
	if (cli_batch_l2_words(cfg, buf, len))
		return -1;
	return cli_ktramp_l2_words(cfg, buf, len);
}

void cli_usage(FILE *f)
{
	fputs("usage: nestlab run --workload NAME [options]     run one workload, print and save its trap counts\n"
	      "       nestlab expect --workload NAME [options]  print the exits and status a run must show\n"
	      "       nestlab trace-stats DIR [--check RESULTS.json]  count a --trace run's events\n"
	      "       nestlab bench [--list] [--experiments LIST] [--full] [--jobs N] [--repeat K]\n"
	      "                     [--out DIR] [--plan DIR | --collect DIR]   run experiments/\n"
	      "       nestlab bench-compare A B [--threshold PCT]  what changed between two result sets\n"
	      "       nestlab --help | nestlab run --help | nestlab expect --help | nestlab bench --help\n"
	      "\n"
	      "nestlab runs a workload in the L2 guest kernel, either directly on QEMU\n"
	      "(--level 1) or under nestlab's L1 hypervisor (--level 2, the default), and\n"
	      "reports the exits L1 counted per workload phase; `expect` evaluates the\n"
	      "workload's exit model (include/nestlab/workload_model.h); `bench` runs the\n"
	      "experiments (docs/bench.md). See docs/launcher.md.\n"
	      "Exit status: 0 run passed (expect: printed), 1 run failed, 2 bad command line or\n"
	      "configuration.\n", f);
}

static void cli_synopsis(FILE *f)
{
	fputs("usage: nestlab run --workload NAME [--iterations N] [--level 1|2] [--accel auto|kvm|tcg]\n"
	      "                   [--transport vmmcall|backdoor] [--npt-lazy] [--json FILE] [--timeout S]\n"
	      "                   [--l2mem MiB] [--mem MiB] [--qemu PATH] [--no-icount] [--l1-image FILE]\n"
	      "                   [--l2-image FILE] [--l2-module FILE] [--trace DIR] [--l1 nestlab|kvm]\n"
	      "                   [--procs LIST] [--timer-hz N] [--l1-option KEY=VALUE]\n"
	      "                   [--l1-retpoline on|off] [--l1-trampoline on|off]\n"
	      "                   [--mbec off|exec-fault|intercept] [--mbec-tlb asid|flush]\n"
	      "                   [--mbec-violation report|inject|stop] [--retpoline on|off]\n"
	      "                   [--trampoline off|global|process] [--trampoline-window N]\n"
	      "                   [--batch off|kernel|l1|both] [--batch-max N]\n"
	      "                   [--interpose off|inguest|hypercall|trap|breakpoint]\n"
	      "                   [--interpose-op count|trace|deny]"
	      " [--interpose-deny NR,NR...] [--keep] [--verbose] [--quiet]\n", f);
}

void cli_usage_run(FILE *f)
{
	cli_synopsis(f);
	fprintf(f,
		"\n"
		"  --workload NAME     workload the L2 kernel runs (required), one of:\n");
	for (size_t i = 0; i < NESTLAB_WL_NR; i++)
		fprintf(f, "                        %-12s %s\n", cli_workload_names[i],
			cli_workload_whats[i]);
	fprintf(f,
		"  --iterations N      iterations of the workload, 1..%u (default %u)\n"
		"  --level 1|2         1: the L2 kernel alone on QEMU; 2: under nestlab's L1 (default 2)\n"
		"  --accel auto|kvm|tcg  auto (default): KVM when /dev/kvm can serve the level\n"
		"                      (level 2 needs nested SVM: kvm_amd nested=1 and svm in\n"
		"                      /proc/cpuinfo), else TCG; the choice and reason are printed\n"
		"  --transport vmmcall|backdoor  hypercall transport of the L2 kernel (default vmmcall)\n"
		"  --npt-lazy          level 2: L1 maps L2 RAM on first touch (npt=lazy; default eager)\n"
		"  --l1-option KEY=VALUE  level 2, nestlab's L1: one more word of L1's command\n"
		"                      line (e.g. lapic=full, docs/platform.md); up to 8; L1\n"
		"                      refuses keys it does not know (bad_config)\n"
		"  --l1-retpoline on|off  level 2, nestlab's L1: its exit dispatch through a\n"
		"                      retpoline (l1_retpoline=on; default off, docs/tramp.md)\n"
		"  --l1-trampoline on|off  level 2, nestlab's L1: its exit dispatch through a\n"
		"                      trampoline learned from the run's exits (l1_trampoline=on)\n"
		"  --retpoline on|off  the L2 kernel's indirect branches through retpoline\n"
		"                      thunks (on, the default) or plain (retpoline=off)\n"
		"  --trampoline off|global|process  the L2 kernel's system-call table through\n"
		"                      a trampoline learned from the calls, one for all\n"
		"                      processes or one per process (default off)\n"
		"  --trampoline-window N  in-phase calls learned first (default 256)\n"
		"  --batch off|kernel|l1|both  decoded-syscall batching (docs/batching.md):\n"
		"                      off (the default); kernel, the L2 kernel makes the\n"
		"                      system calls that follow a call through emulable\n"
		"                      instructions in the same entry (batch=kernel); l1,\n"
		"                      level 2, nestlab's L1: L1 handles the IN/OUT, CPUID,\n"
		"                      VMMCALL and RDMSR/WRMSR that follow an exit of one of\n"
		"                      them through emulable glue in the same exit; both:\n"
		"                      kernel and l1 together\n"
		"  --batch-max N       calls per kernel entry and exiting instructions per\n"
		"                      exit, 1..64 (16)\n"
		"  --mbec off|exec-fault|intercept  level 2, nestlab's L1: L1 emulates mode-\n"
		"                      based execute control (docs/mbec.md; the design: view\n"
		"                      switches on execute faults, or on the privilege changes'\n"
		"                      own exits) and the L2 kernel declares its policy\n"
		"                      (mbec=on); default off\n"
		"  --mbec-tlb asid|flush  with --mbec: one ASID per view (default) or a flush\n"
		"  --mbec-violation report|inject|stop  with --mbec: a forbidden fetch is\n"
		"                      counted, a #PF in L2, or the end of the run (default stop)\n"
		"  --interpose off|inguest|hypercall|trap|breakpoint  level 2, nestlab's L1:\n"
		"                      system-call interposition (docs/interpose.md): L1 hooks and hides\n"
		"                      LSTAR and the interposer module (loaded as --l2-module,\n"
		"                      <dir of nestlab>/" L0_INTERPOSE_MODULE " unless given)\n"
		"                      does the operation (inguest) or asks L1 by one\n"
		"                      hypercall (hypercall); trap: SYSCALL/SYSRET exit to L1;\n"
		"                      breakpoint: an INT3 at the handler, hidden by an\n"
		"                      execute view (not with --mbec or --npt-lazy);\n"
		"                      per-phase system-call counts in the JSON; default off\n"
		"  --interpose-op count|trace|deny  with --interpose: count each call (always),\n"
		"                      also trace it, or also refuse the --interpose-deny\n"
		"                      numbers with -1 (EPERM); default count\n"
		"  --interpose-deny NR,NR...  with --interpose-op deny: the numbers refused\n"
		"                      (0..255)\n"
		"  --json FILE         write the results as JSON to FILE (atomically; also on failure)\n"
		"  --timeout S         kill QEMU after S seconds, 1..%u (default %u)\n"
		"  --l2mem MiB         level 2: L2 RAM in MiB, >= %u (default %u)\n"
		"  --mem MiB           machine RAM in MiB (default %u at level 2, %u at level 1)\n"
		"  --qemu PATH         QEMU binary (default qemu-system-x86_64 from PATH)\n"
		"  --no-icount         TCG: run without -icount shift=0,sleep=off (not deterministic)\n"
		"  --l1-image FILE     L1 image (default <dir of nestlab>/l1hyp/l1hyp.bin)\n"
		"  --l2-image FILE     L2 kernel image (default <dir of nestlab>/guests/l2kernel.bin)\n"
		"  --l2-module FILE    a kernel module (ELF64 relocatable, include/nestlab/kmod.h)\n"
		"                      the L2 kernel loads and initializes at boot: its first\n"
		"                      multiboot module (level 1: -initrd; level 2: L1's second);\n"
		"                      not with --l1 kvm (e.g. build/guests/modules/hello.ko)\n"
		"  --trace DIR         record an LTTng trace of L1's and L2's trace rings into DIR\n"
		"                      (empty or new; docs/tracing.md); the 8 MiB ending 1 MiB below\n"
		"                      the top of --mem become the trace region\n"
		"  --l1 nestlab|kvm    level 2: nestlab's L1 (default) or Linux KVM with nestlab's VMM\n"
		"                      (docs/kvm-l1.md; build it with 'make kvm-l1'; transport backdoor,\n"
		"                      --mem %u by default, the L1 Linux boots in ~15 s under TCG)\n"
		"  --procs LIST        multi: its processes' programs, comma-separated, 1..%u of\n"
		"                      null, cpuid, hypercall, pio, getpid, write (default %s)\n"
		"  --timer-hz N        timer: local APIC timer interrupts per second, %u..%u\n"
		"                      (default %u)\n"
		"  --keep              keep the run directory (console, results stream, guest RAM)\n"
		"  -v, --verbose       print the QEMU command line and echo the console live\n"
		"  -q, --quiet         print only the result line and errors\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 run passed, 1 run failed, 2 bad command line or configuration.\n",
		NESTLAB_ITERATIONS_MAX, NESTLAB_ITERATIONS_DEFAULT, L0_TIMEOUT_MAX_S,
		L0_TIMEOUT_DEFAULT_S, NESTLAB_L2MEM_MIN_MIB, NESTLAB_L2MEM_DEFAULT_MIB,
		L0_MEM_DEFAULT_L2_MIB, L0_MEM_DEFAULT_L1_MIB, L0_MEM_DEFAULT_KVM_MIB,
		NESTLAB_PROCS_MAX, NESTLAB_PROCS_DEFAULT, NESTLAB_TIMER_HZ_MIN,
		NESTLAB_TIMER_HZ_MAX, NESTLAB_TIMER_HZ_DEFAULT);
}

static enum cli_rc cli_fail(FILE *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "nestlab run: <reason>", the synopsis and a hint; CLI_USAGE. */
static enum cli_rc cli_fail(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("nestlab run: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	cli_synopsis(err);
	fputs("Try 'nestlab run --help' for details.\n", err);
	return CLI_USAGE;
}

const struct cli_option *cli_find(const struct cli_option *opts, size_t n, const char *arg,
				  const char **inline_val)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

	*inline_val = eq ? eq + 1 : NULL;
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, arg, len) == 0)
			return &opts[i];
	return NULL;
}

/* Parses an unsigned option value in [lo, hi]. */
static int cli_uint_opt(const char *val, unsigned long lo, unsigned long hi,
			unsigned long *out)
{
	unsigned long v;

	if (cli_parse_ulong(val, &v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

enum cli_rc cli_parse_run(int argc, char *const argv[], struct run_config *cfg,
			  FILE *out, FILE *err)
{
	bool l2mem_given = false, npt_given = false, mem_given = false, l1_given = false;
	bool transport_given = false, timeout_given = false;
	bool mbec_tlb_given = false, mbec_violation_given = false, interpose_op_given = false;
	const char *l1tramp_words[2] = { NULL, NULL };
	unsigned long v;
	char why[240];

	cli_config_defaults(cfg);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val;
		const struct cli_option *o = cli_find(cli_options, sizeof(cli_options) /
						      sizeof(cli_options[0]), arg, &val);

		if (!o)
			return cli_fail(err, arg[0] == '-' ? "unknown option '%s'"
					: "unexpected argument '%s'", arg);
		if (o->has_arg && !val) {
			if (i + 1 >= argc)
				return cli_fail(err, "option '%s' needs a value", o->name);
			val = argv[++i];
		} else if (!o->has_arg && val) {
			return cli_fail(err, "option '%s' takes no value", o->name);
		}

		switch (o->id) {
		case OPT_HELP:
			cli_usage_run(out);
			return CLI_DONE;
		case OPT_WORKLOAD:
			if (!cli_workload_valid(val))
				return cli_fail(err, "unknown workload '%s' (see --help for the list)",
						val);
			cfg->workload = val;
			break;
		case OPT_ITERATIONS:
			if (cli_uint_opt(val, 1, NESTLAB_ITERATIONS_MAX, &v))
				return cli_fail(err, "--iterations '%s': want an integer in 1..%u", val,
						NESTLAB_ITERATIONS_MAX);
			cfg->iterations = v;
			break;
		case OPT_LEVEL:
			if (strcmp(val, "1") && strcmp(val, "2"))
				return cli_fail(err, "--level '%s': want 1 or 2", val);
			cfg->level = val[0] - '0';
			break;
		case OPT_ACCEL:
			if (!strcmp(val, "auto"))
				cfg->accel = L0_ACCEL_AUTO;
			else if (!strcmp(val, "kvm"))
				cfg->accel = L0_ACCEL_KVM;
			else if (!strcmp(val, "tcg"))
				cfg->accel = L0_ACCEL_TCG;
			else
				return cli_fail(err, "--accel '%s': want auto, kvm or tcg", val);
			break;
		case OPT_TRANSPORT:
			if (!strcmp(val, "vmmcall"))
				cfg->transport = NESTLAB_TRANSPORT_VMMCALL;
			else if (!strcmp(val, "backdoor"))
				cfg->transport = NESTLAB_TRANSPORT_BACKDOOR;
			else
				return cli_fail(err, "--transport '%s': want vmmcall or backdoor", val);
			transport_given = true;
			break;
		case OPT_L1:
			if (!strcmp(val, "nestlab"))
				cfg->l1 = L0_L1_NESTLAB;
			else if (!strcmp(val, "kvm"))
				cfg->l1 = L0_L1_KVM;
			else
				return cli_fail(err, "--l1 '%s': want nestlab or kvm", val);
			l1_given = true;
			break;
		case OPT_NPT_LAZY:
			cfg->npt_lazy = true;
			npt_given = true;
			break;
		case OPT_JSON:
			if (!*val)
				return cli_fail(err, "--json needs a file name");
			cfg->json_path = val;
			break;
		case OPT_TIMEOUT:
			if (cli_uint_opt(val, 1, L0_TIMEOUT_MAX_S, &v))
				return cli_fail(err, "--timeout '%s': want seconds in 1..%u", val,
						L0_TIMEOUT_MAX_S);
			cfg->timeout_s = (unsigned)v;
			timeout_given = true;
			break;
		case OPT_L2MEM:
			if (cli_uint_opt(val, NESTLAB_L2MEM_MIN_MIB, L0_MEM_MAX_MIB, &v))
				return cli_fail(err, "--l2mem '%s': want MiB in %u..%u", val,
						NESTLAB_L2MEM_MIN_MIB, L0_MEM_MAX_MIB);
			cfg->l2mem_mib = (unsigned)v;
			l2mem_given = true;
			break;
		case OPT_MEM:
			if (cli_uint_opt(val, 16, L0_MEM_MAX_MIB, &v))
				return cli_fail(err, "--mem '%s': want MiB in 16..%u", val,
						L0_MEM_MAX_MIB);
			cfg->mem_mib = (unsigned)v;
			mem_given = true;
			break;
		case OPT_QEMU:
			if (!*val)
				return cli_fail(err, "--qemu needs a path");
			cfg->qemu = val;
			break;
		case OPT_NO_ICOUNT:
			cfg->icount = false;
			break;
		case OPT_KEEP:
			cfg->keep = true;
			break;
		case OPT_VERBOSE:
			cfg->verbose = true;
			break;
		case OPT_QUIET:
			cfg->quiet = true;
			break;
		case OPT_L1_IMAGE:
			cfg->l1_image = val;
			break;
		case OPT_L2_IMAGE:
			cfg->l2_image = val;
			break;
		case OPT_L2_MODULE:
			if (!*val)
				return cli_fail(err, "--l2-module needs a file");
			cfg->l2_module = val;
			break;
		case OPT_TRACE:
			if (!*val)
				return cli_fail(err, "--trace needs a directory");
			cfg->trace_dir = val;
			break;
		case OPT_PROCS:
			if (cli_procs_parse(val, &cfg->procs, why, sizeof(why)))
				return cli_fail(err, "--procs '%s': %s", val, why);
			break;
		case OPT_L1_OPTION:
			if (cli_l1_option_check(val))
				return cli_fail(err, "--l1-option '%s': want KEY=VALUE (key of "
						"a-z 0-9 _ -, value of printable characters "
						"without spaces or commas, %u characters at "
						"most)", val, L0_L1_OPT_LEN_MAX);
			if (cfg->nr_l1_opts == L0_L1_OPTS_MAX)
				return cli_fail(err, "--l1-option: at most %u", L0_L1_OPTS_MAX);
			cfg->l1_opts[cfg->nr_l1_opts++] = val;
			break;
		case OPT_BATCH:
			if (cli_batch_parse(val, &cfg->batch, why, sizeof(why)))
				return cli_fail(err, "%s", why);
			break;
		case OPT_BATCH_MAX:
			if (cli_batch_max_parse(val, &cfg->batch_max))
				return cli_fail(err, "--batch-max '%s': want an integer in 1..%u", val,
						NESTLAB_BATCH_MAX_LIMIT);
			break;
		case OPT_L1_RETPOLINE:
		case OPT_L1_TRAMPOLINE: {
			enum cli_l1tramp_flag fl = o->id == OPT_L1_RETPOLINE ? CLI_L1_RETPOLINE
									  : CLI_L1_TRAMPOLINE;

			if (cli_l1tramp_parse(fl, val, &l1tramp_words[fl], why, sizeof(why)))
				return cli_fail(err, "%s", why);
			break;
		}
		case OPT_RETPOLINE:
			if (strcmp(val, "on") && strcmp(val, "off"))
				return cli_fail(err, "--retpoline '%s': want on or off", val);
			cfg->retpoline = !strcmp(val, "on");
			break;
		case OPT_TRAMPOLINE:
			if (cli_ktramp_parse(val, &cfg->trampoline))
				return cli_fail(err, "--trampoline '%s': want off, global or process", val);
			break;
		case OPT_TRAMPOLINE_WINDOW:
			if (cli_ktramp_window_parse(val, &cfg->trampoline_window))
				return cli_fail(err, "--trampoline-window '%s': want 1..100000000",
						val);
			break;
		case OPT_MBEC:
			if (cli_mbec_parse(val, &cfg->mbec, why, sizeof(why)))
				return cli_fail(err, "%s", why);
			break;
		case OPT_MBEC_TLB:
			if (cli_mbec_tlb_parse(val, &cfg->mbec_tlb))
				return cli_fail(err, "--mbec-tlb '%s': want asid or flush", val);
			mbec_tlb_given = true;
			break;
		case OPT_MBEC_VIOLATION:
			if (cli_mbec_violation_parse(val, &cfg->mbec_violation))
				return cli_fail(err, "--mbec-violation '%s': want report, inject "
						"or stop", val);
			mbec_violation_given = true;
			break;
		case OPT_INTERPOSE:
			if (cli_interpose_parse(val, &cfg->interpose, why, sizeof(why)))
				return cli_fail(err, "%s", why);
			break;
		case OPT_INTERPOSE_OP:
			if (cli_interpose_op_parse(val, &cfg->interpose_op, why, sizeof(why)))
				return cli_fail(err, "%s", why);
			interpose_op_given = true;
			break;
		case OPT_INTERPOSE_DENY:
			if (cli_interpose_deny_check(val, why, sizeof(why)))
				return cli_fail(err, "%s", why);
			cfg->interpose_deny = val;
			break;
		case OPT_TIMER_HZ:
			if (cli_timer_hz_parse(val, &cfg->timer_hz))
				return cli_fail(err, "--timer-hz '%s': want an integer in %u..%u", val,
						NESTLAB_TIMER_HZ_MIN, NESTLAB_TIMER_HZ_MAX);
			break;
		}
	}

	if (!cfg->workload)
		return cli_fail(err, "--workload is required");
	if (cli_batch_check(cfg, why, sizeof(why)))
		return cli_fail(err, "%s", why);
	if (cfg->trampoline_window && !cfg->trampoline)
		return cli_fail(err, "--trampoline-window needs --trampoline global or process");
	if (cfg->procs.n && cli_workload_index(cfg->workload) != NESTLAB_WL_MULTI)
		return cli_fail(err, "--procs applies to --workload multi only");
	if (cfg->timer_hz && cli_workload_index(cfg->workload) != NESTLAB_WL_TIMER)
		return cli_fail(err, "--timer-hz applies to --workload timer only");
	if (cfg->verbose && cfg->quiet)
		return cli_fail(err, "--verbose and --quiet exclude each other");
	if (cfg->level == 1 && (npt_given || l2mem_given))
		return cli_fail(err, "%s applies to --level 2 only",
				npt_given ? "--npt-lazy" : "--l2mem");
	if (cfg->level == 1 && l1_given)
		return cli_fail(err, "--l1 applies to --level 2 only");
	if (cfg->nr_l1_opts && (cfg->level == 1 || cfg->l1 == L0_L1_KVM))
		return cli_fail(err, "--l1-option applies to --level 2 with --l1 nestlab only");
	if (cli_l1tramp_finish(cfg, l1tramp_words, why, sizeof(why)))
		return cli_fail(err, "%s", why);
	if (cfg->l2_module && cfg->level == 2 && cfg->l1 == L0_L1_KVM)
		return cli_fail(err, "--l2-module applies to --level 1 and to --l1 nestlab only "
				"(nestlab's VMM under KVM loads no modules)");
	if (cli_mbec_check(cfg, mbec_tlb_given, mbec_violation_given, why, sizeof(why)))
		return cli_fail(err, "%s", why);
	if (cli_interpose_check(cfg, interpose_op_given, why, sizeof(why)))
		return cli_fail(err, "%s", why);
	if (cfg->l1 == L0_L1_KVM) {
		if (npt_given)
			return cli_fail(err, "--npt-lazy applies to --l1 nestlab only (KVM "
					"manages its own nested page tables)");
		if (timeout_given && cfg->timeout_s < L0_TIMEOUT_MIN_KVM_S)
			return cli_fail(err, "--timeout %u: with --l1 kvm the L1 Linux boots "
					"first (~15 s under TCG); give at least %u", cfg->timeout_s,
					L0_TIMEOUT_MIN_KVM_S);
		/* KVM answers VMMCALL itself: only the backdoor reaches the VMM. */
		cfg->transport_forced = transport_given &&
					cfg->transport != NESTLAB_TRANSPORT_BACKDOOR;
		cfg->transport = NESTLAB_TRANSPORT_BACKDOOR;
		if (!mem_given)
			cfg->mem_mib = L0_MEM_DEFAULT_KVM_MIB;
		if (cfg->l2mem_mib + L0_MEM_KVM_LINUX_MIB > cfg->mem_mib)
			return cli_fail(err, "--l2mem must leave the L1 Linux at least %u MiB "
					"of --mem", L0_MEM_KVM_LINUX_MIB);
		return CLI_RUN;
	}
	if (!mem_given)
		cfg->mem_mib = cfg->level == 2 ? L0_MEM_DEFAULT_L2_MIB : L0_MEM_DEFAULT_L1_MIB;
	/* L1 keeps its own image, page tables and NPT outside L2's RAM. */
	if (cfg->level == 2 && cfg->l2mem_mib + 16 > cfg->mem_mib)
		return cli_fail(err, "--l2mem must leave L1 at least 16 MiB of --mem");
	if (cfg->trace_dir) {
		unsigned region = (unsigned)((TRACE_REGION_BYTES + TRACE_TOP_GAP) >> 20);

		if (cfg->mem_mib > TRACE_MEM_MAX_MIB)
			return cli_fail(err, "--trace needs --mem of at most %u MiB (the trace "
					"region must sit below QEMU's PCI hole)", TRACE_MEM_MAX_MIB);
		if (cfg->level == 2 && cfg->l2mem_mib + 16 + region > cfg->mem_mib)
			return cli_fail(err, "--trace takes %u MiB of --mem: --l2mem must leave L1 "
					"at least %u MiB", region, 16 + region);
		if (cfg->level == 1 && cfg->mem_mib < 16 + region)
			return cli_fail(err, "--trace takes %u MiB of --mem: want --mem >= %u",
					region, 16 + region);
	}
	return CLI_RUN;
}
