/*
 * `nestlab expect` argument parsing and usage text. A bad command line ends
 * with a one-line reason, the synopsis and CLI_USAGE, as for `run`.
 */
#include "cli_expect.h"

#include <stdarg.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include "cli_mbec.h"
#include "cli_batch.h"
#include "cli_ktramp.h"
#include "cli_interpose.h"

enum {
	EOPT_WORKLOAD, EOPT_ITERATIONS, EOPT_LEVEL, EOPT_TRANSPORT, EOPT_NPT_LAZY,
	EOPT_LIST, EOPT_HELP, EOPT_PROCS, EOPT_TIMER_HZ, EOPT_MBEC, EOPT_MBEC_TLB,
	EOPT_MBEC_VIOLATION, EOPT_BATCH, EOPT_BATCH_MAX, EOPT_INTERPOSE, EOPT_INTERPOSE_OP, EOPT_INTERPOSE_DENY,
	EOPT_L2_MODULE, EOPT_TRAMPOLINE, EOPT_TRAMPOLINE_WINDOW,
};

static const struct cli_option expect_options[] = {
	{ "--workload",   true,  EOPT_WORKLOAD },
	{ "--iterations", true,  EOPT_ITERATIONS },
	{ "--level",      true,  EOPT_LEVEL },
	{ "--transport",  true,  EOPT_TRANSPORT },
	{ "--npt-lazy",   false, EOPT_NPT_LAZY },
	{ "--procs",      true,  EOPT_PROCS },
	{ "--timer-hz",   true,  EOPT_TIMER_HZ },
	{ "--mbec",       true,  EOPT_MBEC },
	{ "--mbec-tlb",   true,  EOPT_MBEC_TLB },
	{ "--mbec-violation", true, EOPT_MBEC_VIOLATION },
	{ "--batch",      true,  EOPT_BATCH },
	{ "--batch-max",  true,  EOPT_BATCH_MAX },
	{ "--interpose",  true,  EOPT_INTERPOSE },
	{ "--interpose-op", true, EOPT_INTERPOSE_OP },
	{ "--interpose-deny", true, EOPT_INTERPOSE_DENY },
	{ "--l2-module",  true,  EOPT_L2_MODULE },
	{ "--trampoline", true,  EOPT_TRAMPOLINE },
	{ "--trampoline-window", true, EOPT_TRAMPOLINE_WINDOW },
	{ "--list",       false, EOPT_LIST },
	{ "--help",       false, EOPT_HELP },
	{ "-h",           false, EOPT_HELP },
};

static void expect_synopsis(FILE *f)
{
	fputs("usage: nestlab expect --workload NAME [--iterations N] [--level 1|2]\n"
	      "                      [--transport vmmcall|backdoor] [--npt-lazy] [--procs LIST]\n"
	      "                      [--timer-hz N] [--mbec off|exec-fault|intercept] [--mbec-tlb asid|flush]\n"
	      "                      [--mbec-violation report|inject|stop]\n"
	      "                      [--batch off|kernel|l1|both] [--batch-max N]\n"
	      "                      [--interpose off|inguest|hypercall|trap|breakpoint] [--interpose-op OP]\n"
	      "                      [--interpose-deny LIST] [--l2-module FILE]\n"
	      "                      [--trampoline off|global|process] [--trampoline-window N]\n"
	      "       nestlab expect --list\n", f);
}

void cli_usage_expect(FILE *f)
{
	expect_synopsis(f);
	fprintf(f,
		"\n"
		"Prints, as one line of JSON, what `nestlab run` with the same options must\n"
		"show according to the workload's exit model (include/nestlab/workload_model.h):\n"
		"  {\"workload\", \"iterations\", \"level\", \"transport\", \"npt\",\n"
		"   \"status\": the run's status name, \"status_code\": enum nestlab_status or null,\n"
		"   \"qemu_exit\": QEMU's exit code, \"exits\": the workload phase's exits (the\n"
		"   results' phase \"exits\" object; null when the run does not pass),\n"
		"   \"checks\": the \"PASS: <workload>:\" lines the workload prints}\n"
		"  With --mbec also \"mbec\", \"mbec_violation\" and, last,\n"
		"  \"mbec_switches_per_iter\" (L1's view switches per iteration) and\n"
		"  \"mbec_exits_per_iter\" (the exits they add per iteration, by reason:\n"
		"  exec-fault npf, intercept excp_ud, excp_pf, iret, excp_db); \"exits\" is\n"
		"  then null (the markers add a fixed few).\n"
		"\n"
		"  --workload NAME     one of the workloads of `nestlab run --help` (required)\n"
		"  --iterations N      0..%u (default %u)\n"
		"  --level 1|2         default 2\n"
		"  --transport vmmcall|backdoor  default vmmcall\n"
		"  --npt-lazy          level 2: L1's npt=lazy (default eager)\n"
		"  --procs LIST        multi: its processes' programs (default %s): the exits\n"
		"                      are the sum of theirs, the checks one per process\n"
		"  --timer-hz N        timer: %u..%u; the model does not depend on it\n"
		"  --mbec off|exec-fault|intercept  level 2: L1's MBEC emulation (default off)\n"
		"  --mbec-tlb asid|flush  with --mbec: the model does not depend on it\n"
		"  --mbec-violation report|inject|stop  with --mbec (default stop)\n"
		"  --batch off|kernel|l1|both  kernel: end with \"batch\", the phase's\n"
		"                      decoded-syscall batching as the results JSON shows it\n"
		"                      (null for a workload that declares no system-call\n"
		"                      runs); l1 (level 2): the exits L1's batching leaves,\n"
		"                      and \"l1_counters\", the phase's l1batch.* counters\n"
		"                      (null for a workload that declares no exit runs);\n"
		"                      both: both\n"
		"  --batch-max N       calls per entry and exiting instructions per exit\n"
		"                      (default 16)\n"
		"  --trampoline off|global|process  end with \"trampoline\" and \"counters\":\n"
		"                      the phase's trampoline counters as the results JSON\n"
		"                      shows them (null for a workload not modelled)\n"
		"  --trampoline-window N  with --trampoline: the window (default 256)\n"
		"  --interpose off|inguest|hypercall|trap|breakpoint  level 2: L1's system-call\n"
		"                      interposition (default off); adds \"interpose\",\n"
		"                      \"interpose_calls_per_iter\" and \"interpose_calls_fixed\"\n"
		"                      (the calls the phase's counters count), and the exits\n"
		"                      it adds to \"exits\"\n"
		"  --interpose-op, --interpose-deny  taken as `run` takes them; the model\n"
		"                      assumes the workload calls no denied number\n"
		"  --l2-module FILE    with --interpose inguest|hypercall: a module other than\n"
		"                      interpose.ko registers nothing (interpose-check's\n"
		"                      registration cases)\n"
		"  --list              print the workload names, one a line\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 printed, 2 bad command line.\n",
		NESTLAB_ITERATIONS_MAX, NESTLAB_ITERATIONS_DEFAULT, NESTLAB_PROCS_DEFAULT,
		NESTLAB_TIMER_HZ_MIN, NESTLAB_TIMER_HZ_MAX);
}

static enum cli_rc expect_fail(FILE *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum cli_rc expect_fail(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("nestlab expect: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	expect_synopsis(err);
	fputs("Try 'nestlab expect --help' for details.\n", err);
	return CLI_USAGE;
}

enum cli_rc cli_parse_expect(int argc, char *const argv[], struct expect_config *cfg,
			     FILE *out, FILE *err)
{
	bool have_workload = false, npt_given = false, tlb_given = false, viol_given = false;
	bool op_given = false, deny_given = false;
	enum l0_interpose_op op = L0_INTERPOSE_OP_COUNT;
	enum l0_mbec_tlb tlb;
	unsigned long v;
	unsigned hz = 0;
	char why[240];

	memset(cfg, 0, sizeof(*cfg));
	cfg->p.iterations = NESTLAB_ITERATIONS_DEFAULT;
	cfg->p.level = 2;
	cfg->p.transport = NESTLAB_TRANSPORT_VMMCALL;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val;
		const struct cli_option *o = cli_find(expect_options, sizeof(expect_options) /
						      sizeof(expect_options[0]), arg, &val);
		int wl;

		if (!o)
			return expect_fail(err, arg[0] == '-' ? "unknown option '%s'"
					   : "unexpected argument '%s'", arg);
		if (o->has_arg && !val) {
			if (i + 1 >= argc)
				return expect_fail(err, "option '%s' needs a value", o->name);
			val = argv[++i];
		} else if (!o->has_arg && val) {
			return expect_fail(err, "option '%s' takes no value", o->name);
		}

		switch (o->id) {
		case EOPT_HELP:
			cli_usage_expect(out);
			return CLI_DONE;
		case EOPT_WORKLOAD:
			wl = cli_workload_index(val);
			if (wl < 0)
				return expect_fail(err, "unknown workload '%s' (see --list)", val);
			cfg->p.workload = (unsigned)wl;
			have_workload = true;
			break;
		case EOPT_ITERATIONS:
			if (cli_parse_ulong(val, &v) || v > NESTLAB_ITERATIONS_MAX)
				return expect_fail(err, "--iterations '%s': want an integer in 0..%u",
						   val, NESTLAB_ITERATIONS_MAX);
			cfg->p.iterations = v;
			break;
		case EOPT_LEVEL:
			if (strcmp(val, "1") && strcmp(val, "2"))
				return expect_fail(err, "--level '%s': want 1 or 2", val);
			cfg->p.level = val[0] - '0';
			break;
		case EOPT_TRANSPORT:
			if (!strcmp(val, "vmmcall"))
				cfg->p.transport = NESTLAB_TRANSPORT_VMMCALL;
			else if (!strcmp(val, "backdoor"))
				cfg->p.transport = NESTLAB_TRANSPORT_BACKDOOR;
			else
				return expect_fail(err, "--transport '%s': want vmmcall or backdoor",
						   val);
			break;
		case EOPT_NPT_LAZY:
			cfg->p.npt_lazy = true;
			npt_given = true;
			break;
		case EOPT_LIST:
			cfg->list = true;
			break;
		case EOPT_PROCS:
			if (cli_procs_parse(val, &cfg->p.procs, why, sizeof(why)))
				return expect_fail(err, "--procs '%s': %s", val, why);
			break;
		case EOPT_MBEC:
			if (cli_mbec_parse(val, &cfg->p.mbec, why, sizeof(why)))
				return expect_fail(err, "%s", why);
			break;
		case EOPT_MBEC_TLB:
			if (cli_mbec_tlb_parse(val, &tlb))
				return expect_fail(err, "--mbec-tlb '%s': want asid or flush", val);
			tlb_given = true;
			break;
		case EOPT_MBEC_VIOLATION:
			if (cli_mbec_violation_parse(val, &cfg->p.mbec_violation))
				return expect_fail(err, "--mbec-violation '%s': want report, inject "
						   "or stop", val);
			viol_given = true;
			break;
		case EOPT_TRAMPOLINE:
			if (cli_ktramp_parse(val, &cfg->p.trampoline))
				return expect_fail(err, "--trampoline '%s': want off, global or process",
						   val);
			break;
		case EOPT_TRAMPOLINE_WINDOW:
			if (cli_ktramp_window_parse(val, &cfg->p.trampoline_window))
				return expect_fail(err, "--trampoline-window '%s': want 1..100000000",
						   val);
			break;
		case EOPT_BATCH:
			if (cli_batch_parse(val, &cfg->p.batch, why, sizeof(why)))
				return expect_fail(err, "%s", why);
			break;
		case EOPT_BATCH_MAX:
			if (cli_batch_max_parse(val, &cfg->p.batch_max))
				return expect_fail(err, "--batch-max '%s': want an integer in 1..%u",
						   val, NESTLAB_BATCH_MAX_LIMIT);
			break;
		case EOPT_INTERPOSE:
			if (cli_interpose_parse(val, &cfg->p.interpose, why, sizeof(why)))
				return expect_fail(err, "%s", why);
			break;
		case EOPT_INTERPOSE_OP:
			if (cli_interpose_op_parse(val, &op, why, sizeof(why)))
				return expect_fail(err, "%s", why);
			op_given = true;
			break;
		case EOPT_INTERPOSE_DENY:
			if (cli_interpose_deny_check(val, why, sizeof(why)))
				return expect_fail(err, "%s", why);
			deny_given = true;
			break;
		case EOPT_L2_MODULE: {
			const char *base = strrchr(val, '/');

			base = base ? base + 1 : val;
			cfg->p.other_module = strcmp(base, "interpose.ko") != 0;
			break;
		}
		case EOPT_TIMER_HZ:
			if (cli_timer_hz_parse(val, &hz))
				return expect_fail(err, "--timer-hz '%s': want an integer in %u..%u",
						   val, NESTLAB_TIMER_HZ_MIN, NESTLAB_TIMER_HZ_MAX);
			break;
		}
	}

	if (cfg->list)
		return argc == 2 ? CLI_RUN : expect_fail(err, "--list takes no other option");
	if (!have_workload)
		return expect_fail(err, "--workload is required");
	if (cfg->p.trampoline_window && !cfg->p.trampoline)
		return expect_fail(err, "--trampoline-window needs --trampoline global or process");
	if (cfg->p.batch_max && cfg->p.batch == L0_BATCH_OFF)
		return expect_fail(err, "--batch-max needs --batch kernel or l1");
	if (cfg->p.level == 1 && npt_given)
		return expect_fail(err, "--npt-lazy applies to --level 2 only");
	if (cfg->p.procs.n && cfg->p.workload != NESTLAB_WL_MULTI)
		return expect_fail(err, "--procs applies to --workload multi only");
	if (hz && cfg->p.workload != NESTLAB_WL_TIMER)
		return expect_fail(err, "--timer-hz applies to --workload timer only");
	if (cfg->p.mbec != L0_MBEC_OFF && cfg->p.level != 2)
		return expect_fail(err, "--mbec applies to --level 2 only");
	if (cfg->p.mbec == L0_MBEC_OFF && (tlb_given || viol_given))
		return expect_fail(err, "%s applies with --mbec exec-fault or intercept only",
				   tlb_given ? "--mbec-tlb" : "--mbec-violation");
	if (cfg->p.interpose != L0_INTERPOSE_OFF && cfg->p.level != 2)
		return expect_fail(err, "--interpose applies to --level 2 only");
	if (cfg->p.interpose == L0_INTERPOSE_OFF && (op_given || deny_given))
		return expect_fail(err, "%s applies with --interpose inguest, hypercall or trap only",
				   op_given ? "--interpose-op" : "--interpose-deny");
	if ((op == L0_INTERPOSE_OP_DENY) != deny_given)
		return expect_fail(err, deny_given ? "--interpose-deny needs --interpose-op deny" :
				   "--interpose-op deny needs --interpose-deny NR,NR,...");
	return CLI_RUN;
}
