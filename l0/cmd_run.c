/*
 * The run driver: checks the images, picks the accelerator, makes the run
 * directory, builds the QEMU command line, runs QEMU under the timeout, parses
 * the results stream, decides the verdict, prints the table (and on failure
 * the console's last lines), and writes the JSON file. Everything printed for
 * the user starts here; the pieces it calls only return data. With --trace
 * it also runs the LTTng session (trace_session.c) and the collector
 * process (tracing/ust/trace_child.c) around QEMU; a tracing failure never
 * stops the run, it is reported, written into the JSON and makes the exit
 * status 1.
 */
#include "cmd_run.h"
#include "cli.h"
#include "cli_interpose.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "accel.h"
#include "kvm_l1.h"
#include "outcome.h"
#include "paths.h"
#include "qemu_cmdline.h"
#include "results_json.h"
#include "results_parse.h"
#include "batch_console.h"
#include "l2_counters.h"
#include "cli_batch.h"
#include "cli_ktramp.h"
#include "run.h"
#include "table.h"
#include "trace_args.h"
#include "trace_child.h"
#include "trace_layout.h"
#include "trace_session.h"

#define CMD_RUN_RESULTS_MAX  (1u << 20)
#define CMD_RUN_STDERR_MAX   (64u << 10)
#define CMD_RUN_CONSOLE_TAIL (64u << 10)
#define CMD_RUN_TAIL_LINES   30
#define CMD_RUN_ERRORS_MAX   (RESULTS_ERRORS_MAX + 8)
#define CMD_RUN_TRACE_WAIT_MS 60000u

/* Everything --trace needs during one run. */
struct cmd_trace {
	bool on;
	struct trace_region region;
	char arg[64];                 /* trace=<phys>:<bytes> */
	struct trace_session session;
	bool session_ok;
	struct trace_child child;
	bool child_ok;
	struct trace_stats stats;
	bool have_stats;
	char error[800];              /* first tracing problem */
	struct trace_report report;
};

static void cmd_trace_error(struct cmd_trace *t, const char *msg)
{
	fprintf(stderr, "nestlab: %s\n", msg);
	if (!t->error[0]) {
		size_t n = strlen(msg);

		if (n > sizeof(t->error) - 1)
			n = sizeof(t->error) - 1;

		memcpy(t->error, msg, n);
		t->error[n] = '\0';
	}
}

/*
 * Before QEMU: the collector process (waiting), the LTTng session tracking
 * it, then the collector's go, with LTTng or counting only.
 */
static void cmd_trace_start(struct cmd_trace *t, const struct run_config *cfg,
			    const char *rundir)
{
	struct trace_child_cfg cc;
	char err[600], *ram, *log, *so;
	bool have_so;

	ram = qemu_rundir_file(rundir, L0_RUNDIR_GUEST_RAM);
	log = qemu_rundir_file(rundir, "lttng.log");
	so = paths_beside_self("tracing/libnestlab-ust.so");
	if (!ram || !log || !so) {
		cmd_trace_error(t, "out of memory");
		goto out;
	}
	have_so = !access(so, R_OK);
	cc = (struct trace_child_cfg){
		.ram_path = ram, .ram_bytes = (uint64_t)cfg->mem_mib << 20,
		.dir_off = t->region.phys, .region_bytes = t->region.bytes,
		.sink_so = have_so ? so : NULL, .wait_go = 1, .guest_clock = 1,
		.poll_ms = TRACE_POLL_MS,
	};
	if (trace_child_start(&t->child, &cc, err, sizeof(err))) {
		cmd_trace_error(t, err);
		goto out;
	}
	t->child_ok = true;
	if (trace_session_begin(&t->session, cfg->trace_dir, log, (long)t->child.pid, err,
				sizeof(err)))
		cmd_trace_error(t, err);
	else
		t->session_ok = true;
	if (t->session_ok && !have_so) {
		snprintf(err, sizeof(err), "--trace: %s missing: build it with 'make'", so);
		cmd_trace_error(t, err);
	}
	if (trace_child_go(&t->child, t->session_ok && have_so))
		cmd_trace_error(t, "--trace: the collector process is gone");
	if (t->session.started_daemon && !cfg->quiet)
		printf("trace: started the LTTng session daemon (lttng-sessiond --daemonize)\n");
	if (cfg->verbose)
		printf("trace: region %s, collector %ld polls %s every %u ms, %s%s\n", t->arg,
		       (long)t->child.pid, ram, cc.poll_ms,
		       t->session_ok ? "LTTng session " : "no LTTng: counting only",
		       t->session_ok ? t->session.name : "");
out:
	free(ram);
	free(log);
	free(so);
}

/* After QEMU (whatever its end): last drain, stop the session, diagnose. */
static void cmd_trace_finish(struct cmd_trace *t, const struct run_config *cfg)
{
	char err[600];

	if (t->child_ok) {
		if (trace_child_finish(&t->child, &t->stats, CMD_RUN_TRACE_WAIT_MS, err, sizeof(err))) {
			char msg[700];

			snprintf(msg, sizeof(msg), "--trace: %s", err);
			cmd_trace_error(t, msg);
		} else {
			t->have_stats = true;
		}
	}
	if (t->session_ok && trace_session_end(&t->session, err, sizeof(err)))
		cmd_trace_error(t, err);
	if (t->have_stats) {
		trace_stats_problem(&t->stats, t->region.phys, err, sizeof(err));
		if (err[0]) {
			char msg[700];

			snprintf(msg, sizeof(msg), "--trace: %s", err);
			cmd_trace_error(t, msg);
		}
		if (t->stats.sink_error[0] && t->session_ok) {
			char msg[700];

			snprintf(msg, sizeof(msg), "--trace: %s", t->stats.sink_error);
			cmd_trace_error(t, msg);
		}
	}
	t->report = (struct trace_report){
		.path = t->session.dir ? t->session.dir : cfg->trace_dir,
		.error = t->error[0] ? t->error : NULL,
		.stats = t->have_stats ? &t->stats : NULL,
	};
}

/* The trace summary lines. */
static void cmd_trace_print(const struct cmd_trace *t, const struct run_config *cfg)
{
	const struct trace_stats *st = &t->stats;

	if (!t->have_stats || cfg->quiet)
		return;
	printf("trace: %llu events", (unsigned long long)st->emitted);
	for (uint32_t i = 1; i < NESTLAB_TRACE_NR; i++)
		if (st->events[i])
			printf(", %s %llu", trace_type_info(i)->name,
			       (unsigned long long)st->events[i]);
	printf("; lost: dropped %llu, rejected %llu\n", (unsigned long long)st->dropped,
	       (unsigned long long)st->rejected);
	if (t->session_ok)
		printf("trace: %s (babeltrace2 %s; nestlab trace-stats %s)\n", t->session.dir,
		       t->session.dir, t->session.dir);
}

static volatile sig_atomic_t cmd_run_stop;

static void cmd_run_on_signal(int sig)
{
	cmd_run_stop = sig;
}

/* Resolves an image: the option's value, or the default beside the binary. */
static char *cmd_run_image(const char *given, const char *rel, const char *what,
			   const char *opt)
{
	char *path = given ? strdup(given) : paths_beside_self(rel);

	if (!path) {
		fprintf(stderr, "nestlab: cannot resolve the %s path\n", what);
		return NULL;
	}
	if (access(path, R_OK)) {
		fprintf(stderr, "nestlab: %s %s not found or unreadable: %s\n"
			"nestlab: build it with 'make'%s%s\n", what, path, strerror(errno),
			given ? "" : ", or pass ", given ? "" : opt);
		free(path);
		return NULL;
	}
	return path;
}

/* Prints the last `lines` lines of `text` to `f`, each indented. */
static void cmd_run_tail(FILE *f, const char *text, size_t len, int lines)
{
	size_t start = len;
	int seen = 0;

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	start = len;
	while (start > 0 && seen < lines) {
		start--;
		if (text[start] == '\n' && ++seen == lines) {
			start++;
			break;
		}
	}
	for (size_t i = start; i < len; i++) {
		if (i == start || text[i - 1] == '\n')
			fputs("  | ", f);
		if (text[i] != '\r')
			fputc(text[i], f);
	}
	if (len > start)
		fputc('\n', f);
}

static void cmd_run_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cmd_run_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int cmd_run(const struct run_config *cfg)
{
	char *l1 = NULL, *l2 = NULL, *kmod = NULL, *rundir = NULL, *p_res = NULL, *p_con = NULL;
	char *p_err = NULL, *res_text = NULL, *err_text = NULL, *con_text = NULL;
	char *json = NULL, why[300], err[512], *kvm_base = NULL, *kvm_initrd = NULL;
	char l2_args[200];
	char l1_args[L0_L1_ARGS_LEN];
	const char *errors[CMD_RUN_ERRORS_MAX];
	static struct results_stream rs;
	struct qemu_argv qa = { 0 };
	struct accel_choice ac;
	struct qemu_result qr;
	struct outcome oc;
	enum results_parse_rc prc;
	size_t res_len = 0, err_len = 0, con_len = 0, nerr = 0;
	char extra[4][400];
	unsigned l2c_skipped = 0;
	double wall = 0;
	int rc = L0_EXIT_CONFIG;
	static struct cmd_trace tr;
	static struct batch_console bc;

	memset(&tr, 0, sizeof(tr));
	tr.on = cfg->trace_dir != NULL;
	if (tr.on && (trace_args_place(cfg->mem_mib, &tr.region) ||
		      trace_args_format(&tr.region, tr.arg, sizeof(tr.arg)))) {
		fprintf(stderr, "nestlab: --trace: no room for the trace region in %u MiB\n",
			cfg->mem_mib);
		goto out;
	}

	if (cfg->level == 2 && cfg->l1 == L0_L1_KVM) {
		if (kvm_l1_images(cfg->l1_image, &l1, &kvm_base, err, sizeof(err))) {
			fprintf(stderr, "nestlab: %s\n", err);
			goto out;
		}
	} else if (cfg->level == 2 &&
		   !(l1 = cmd_run_image(cfg->l1_image, "l1hyp/l1hyp.bin", "L1 image",
					"--l1-image"))) {
		goto out;
	}
	if (!(l2 = cmd_run_image(cfg->l2_image, "guests/l2kernel.bin", "L2 kernel image",
				 "--l2-image")))
		goto out;
	if (cfg->l2_module && access(cfg->l2_module, R_OK)) {
		fprintf(stderr, "nestlab: --l2-module %s not found or unreadable: %s\n",
			cfg->l2_module, strerror(errno));
		goto out;
	}
	if (!cfg->l2_module && cli_interpose_needs_module(cfg) &&
	    !(kmod = cmd_run_image(NULL, L0_INTERPOSE_MODULE, "interposer module",
				   "--l2-module")))
		goto out;
	if (accel_choose(&accel_probe_host, cfg->accel, cfg->level, &ac)) {
		fprintf(stderr, "nestlab: %s\n", ac.reason);
		goto out;
	}
	if (!cfg->quiet)
		printf("accel: %s (%s)\n", l0_accel_name(ac.accel), ac.reason);
	if (!cfg->quiet && cfg->transport_forced)
		printf("transport: backdoor, not vmmcall (--l1 kvm: KVM answers VMMCALL "
		       "itself, only the backdoor port reaches the VMM)\n");

	if (cli_l1_args(cfg, l1_args, sizeof(l1_args))) {
		fprintf(stderr, "nestlab: L1's command line does not fit\n");
		goto out;
	}
	if (cli_l2_args(cfg, l2_args, sizeof(l2_args))) {
		fprintf(stderr, "nestlab: the L2 kernel's command line does not fit\n");
		goto out;
	}

	rc = L0_EXIT_FAIL;
	rundir = paths_rundir_create();
	if (!rundir) {
		fprintf(stderr, "nestlab: cannot create a run directory under %s: %s\n",
			getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(errno));
		goto out;
	}
	p_res = qemu_rundir_file(rundir, L0_RUNDIR_RESULTS);
	p_con = qemu_rundir_file(rundir, L0_RUNDIR_CONSOLE);
	p_err = qemu_rundir_file(rundir, L0_RUNDIR_STDERR);
	if (!p_res || !p_con || !p_err) {
		fprintf(stderr, "nestlab: out of memory\n");
		goto out;
	}
	err[0] = '\0';
	if (kvm_base && !(kvm_initrd = kvm_l1_make_initrd(kvm_base, l2, rundir, err,
							  sizeof(err)))) {
		fprintf(stderr, "nestlab: the run's initramfs: %s\n", err);
		goto out;
	}

	struct qemu_params qp = {
		.qemu = cfg->qemu, .level = cfg->level, .accel = ac.accel,
		.icount = cfg->icount && ac.accel == L0_ACCEL_TCG, .mem_mib = cfg->mem_mib,
		.l2mem_mib = cfg->l2mem_mib, .npt_lazy = cfg->npt_lazy,
		.workload = cfg->workload, .iterations = cfg->iterations,
		.transport = cfg->transport, .l2_args = l2_args, .l1_args = l1_args,
		.l1_image = l1, .l2_image = l2, .l2_module = kmod ? kmod : cfg->l2_module, .rundir = rundir,
		.trace_arg = tr.on ? tr.arg : NULL,
		.l1 = cfg->l1, .kvm_initrd = kvm_initrd, .kvm_append = getenv(KVM_L1_APPEND_ENV),
	};
	if (qemu_cmdline_build(&qp, &qa, err, sizeof(err))) {
		fprintf(stderr, "nestlab: %s\n", err);
		rc = L0_EXIT_CONFIG;
		goto out;
	}
	if (cfg->verbose) {
		char *line = qemu_cmdline_join(&qa);
		printf("run directory: %s\nqemu: %s\n", rundir, line ? line : "?");
		free(line);
	}

	cmd_run_install_signals();
	if (tr.on)
		cmd_trace_start(&tr, cfg, rundir);
	struct run_spawn sp = {
		.argv = qa.argv, .stderr_path = p_err, .console_path = p_con,
		.echo = cfg->verbose ? stdout : NULL, .timeout_s = cfg->timeout_s,
		.grace_ms = 2000, .stop = &cmd_run_stop,
	};
	run_qemu(&sp, &qr, &wall);
	if (tr.on)
		cmd_trace_finish(&tr, cfg);

	res_text = paths_read_file(p_res, CMD_RUN_RESULTS_MAX, 0, &res_len);
	err_text = paths_read_file(p_err, CMD_RUN_STDERR_MAX, 0, &err_len);
	con_text = paths_read_file(p_con, CMD_RUN_CONSOLE_TAIL, 1, &con_len);
	if (!res_text || !err_text || !con_text) {
		fprintf(stderr, "nestlab: out of memory\n");
		goto out;
	}
	prc = results_parse(res_text, res_len, &rs, why, sizeof(why));
	batch_console_parse(con_text, con_len, &bc);
	/* the L2 kernel's counters (its trampoline's) join the phases' */
	if (prc != RESULTS_EMPTY)
		l2_counters_merge(con_text, con_len, &rs, &l2c_skipped);
	outcome_decide(&qr, prc, &rs, why, err_text, cfg->timeout_s,
		       cfg->level == 1 && cfg->l2_image, &oc);

	/* Diagnoses for the JSON file: the verdict, the parser's, the guest's. */
	if (!oc.pass)
		errors[nerr++] = oc.message;
	if (!oc.pass && prc != RESULTS_COMPLETE && !strstr(oc.message, why)) {
		snprintf(extra[0], sizeof(extra[0]), "%s", why);
		errors[nerr++] = extra[0];
	}
	for (unsigned i = 0; i < rs.nerrors; i++)
		errors[nerr++] = rs.errors[i];
	if (rs.errors_dropped) {
		snprintf(extra[1], sizeof(extra[1]), "%u more error lines dropped",
			 rs.errors_dropped);
		errors[nerr++] = extra[1];
	}
	if (l2c_skipped) {
		snprintf(extra[3], sizeof(extra[3]), "%u L2 counter lines skipped (malformed, "
			 "no such phase, repeated or too many)", l2c_skipped);
		errors[nerr++] = extra[3];
	}
	if (!oc.pass && err_len && oc.status != NULL && strcmp(oc.status, OUTCOME_QEMU_FAILED)) {
		const char *last = err_text + err_len;
		while (last > err_text && last[-1] == '\n')
			last--;
		const char *first = last;
		while (first > err_text && first[-1] != '\n')
			first--;
		snprintf(extra[2], sizeof(extra[2]), "qemu stderr: %.*s",
			 (int)(last - first), first);
		errors[nerr++] = extra[2];
	}

	struct run_report rep = {
		.workload = cfg->workload, .iterations = cfg->iterations, .level = cfg->level,
		.l1 = cfg->level == 2 ? l0_l1_name(cfg->l1) : NULL,
		.accel = l0_accel_name(ac.accel), .accel_reason = ac.reason,
		.transport = l0_transport_name(cfg->transport),
		.npt = cfg->l1 == L0_L1_KVM ? NULL : cfg->npt_lazy ? "lazy" : "eager",
		.mbec = cfg->level == 2 && cfg->l1 == L0_L1_NESTLAB ? l0_mbec_name(cfg->mbec) : NULL,
		.retpoline = cfg->retpoline ? "on" : "off",
		.trampoline = cli_ktramp_name(cfg),
		.batch = l0_batch_name(cfg->batch),
		.batch_stats = l0_batch_kernel(cfg->batch) ? &bc : NULL,
		.l1_options = cfg->l1_opts, .nl1_options = cfg->nr_l1_opts,
		.mbec_tlb = cfg->mbec != L0_MBEC_OFF ? l0_mbec_tlb_name(cfg->mbec_tlb) : NULL,
		.mbec_violation = cfg->mbec != L0_MBEC_OFF ?
				  l0_mbec_violation_name(cfg->mbec_violation) : NULL,
		.interpose = cfg->level == 2 && cfg->l1 == L0_L1_NESTLAB ?
			     l0_interpose_name(cfg->interpose) : NULL,
		.interpose_op = cfg->interpose != L0_INTERPOSE_OFF ?
				l0_interpose_op_name(cfg->interpose_op) : NULL,
		.interpose_deny = cfg->interpose_deny,
		.l2mem_mib = cfg->l2mem_mib,
		.icount = qp.icount, .status = oc.status, .status_code = oc.status_code,
		.qemu_exit = qr.how == QEMU_EXITED ? qr.code : -1, .wall_seconds = wall,
		.errors = errors, .nerrors = nerr,
		.results = prc == RESULTS_EMPTY ? NULL : &rs,
		.trace = tr.on ? &tr.report : NULL,
	};

	if (cfg->quiet)
		table_print_result(stdout, &rep);
	else
		table_print(stdout, &rep);
	fflush(stdout);
	if (!oc.pass) {
		fprintf(stderr, "nestlab: FAIL: %s\n", oc.message);
		for (size_t i = 1; i < nerr; i++)
			fprintf(stderr, "nestlab:   %s\n", errors[i]);
		if (err_len) {
			fprintf(stderr, "nestlab: QEMU stderr:\n");
			cmd_run_tail(stderr, err_text, err_len, 20);
		}
		if (!cfg->verbose) {
			fprintf(stderr, "nestlab: last console lines:\n");
			if (con_len)
				cmd_run_tail(stderr, con_text, con_len, CMD_RUN_TAIL_LINES);
			else
				fprintf(stderr, "  | (console empty)\n");
		}
	}
	rc = oc.pass ? L0_EXIT_PASS : L0_EXIT_FAIL;
	if (tr.on) {
		cmd_trace_print(&tr, cfg);
		if (tr.error[0]) {
			fprintf(stderr, "nestlab: FAIL: tracing: %s\n", tr.error);
			rc = L0_EXIT_FAIL;
		}
	}

	if (cfg->json_path) {
		json = results_json_render(&rep);
		if (!json || results_json_write_atomic(cfg->json_path, json, err, sizeof(err))) {
			fprintf(stderr, "nestlab: %s\n", json ? err : "out of memory");
			rc = L0_EXIT_FAIL;
		} else if (!cfg->quiet) {
			printf("results: %s\n", cfg->json_path);
		}
	}

out:
	if (rundir) {
		if (cfg->keep)
			printf("run directory kept: %s\n", rundir);
		else
			paths_rundir_remove(rundir);
	}
	if (tr.child_ok && tr.child.pid > 0) {
		struct trace_stats dummy;
		char e[100];

		trace_child_finish(&tr.child, &dummy, 1000, e, sizeof(e));
	}
	if (tr.session_ok && tr.session.created) {
		char e[100];

		trace_session_end(&tr.session, e, sizeof(e));
	}
	trace_session_free(&tr.session);
	qemu_argv_free(&qa);
	free(l1);
	free(l2);
	free(kmod);
	free(kvm_base);
	free(kvm_initrd);
	free(rundir);
	free(p_res);
	free(p_con);
	free(p_err);
	free(res_text);
	free(err_text);
	free(con_text);
	free(json);
	return rc;
}
