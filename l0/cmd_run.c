/*
 * The run driver: checks the images, picks the accelerator, makes the run
 * directory, builds the QEMU command line, runs QEMU under the timeout, parses
 * the results stream, decides the verdict, prints the table (and on failure
 * the console's last lines), and writes the JSON file. Everything printed for
 * the user starts here; the pieces it calls only return data.
 */
#include "cmd_run.h"

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
#include "run.h"
#include "table.h"

#define CMD_RUN_RESULTS_MAX  (1u << 20)
#define CMD_RUN_STDERR_MAX   (64u << 10)
#define CMD_RUN_CONSOLE_TAIL (64u << 10)
#define CMD_RUN_TAIL_LINES   30
#define CMD_RUN_ERRORS_MAX   (RESULTS_ERRORS_MAX + 8)

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
	char *l1 = NULL, *l2 = NULL, *rundir = NULL, *p_res = NULL, *p_con = NULL;
	char *p_err = NULL, *res_text = NULL, *err_text = NULL, *con_text = NULL;
	char *json = NULL, why[300], err[512], *kvm_base = NULL, *kvm_initrd = NULL;
	const char *errors[CMD_RUN_ERRORS_MAX];
	static struct results_stream rs;
	struct qemu_argv qa = { 0 };
	struct accel_choice ac;
	struct qemu_result qr;
	struct outcome oc;
	enum results_parse_rc prc;
	size_t res_len = 0, err_len = 0, con_len = 0, nerr = 0;
	char extra[3][400];
	double wall = 0;
	int rc = L0_EXIT_CONFIG;

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
	if (accel_choose(&accel_probe_host, cfg->accel, cfg->level, &ac)) {
		fprintf(stderr, "nestlab: %s\n", ac.reason);
		goto out;
	}
	if (!cfg->quiet)
		printf("accel: %s (%s)\n", l0_accel_name(ac.accel), ac.reason);
	if (!cfg->quiet && cfg->transport_forced)
		printf("transport: backdoor, not vmmcall (--l1 kvm: KVM answers VMMCALL "
		       "itself, only the backdoor port reaches the VMM)\n");

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
		.transport = cfg->transport, .l1_image = l1, .l2_image = l2, .rundir = rundir,
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
	struct run_spawn sp = {
		.argv = qa.argv, .stderr_path = p_err, .console_path = p_con,
		.echo = cfg->verbose ? stdout : NULL, .timeout_s = cfg->timeout_s,
		.grace_ms = 2000, .stop = &cmd_run_stop,
	};
	run_qemu(&sp, &qr, &wall);

	res_text = paths_read_file(p_res, CMD_RUN_RESULTS_MAX, 0, &res_len);
	err_text = paths_read_file(p_err, CMD_RUN_STDERR_MAX, 0, &err_len);
	con_text = paths_read_file(p_con, CMD_RUN_CONSOLE_TAIL, 1, &con_len);
	if (!res_text || !err_text || !con_text) {
		fprintf(stderr, "nestlab: out of memory\n");
		goto out;
	}
	prc = results_parse(res_text, res_len, &rs, why, sizeof(why));
	outcome_decide(&qr, prc, &rs, why, err_text, cfg->timeout_s, &oc);

	/* Diagnoses for the JSON file: the verdict, the parser's, the guest's. */
	if (!oc.pass)
		errors[nerr++] = oc.message;
	if (prc != RESULTS_COMPLETE && !strstr(oc.message, why)) {
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
		.l2mem_mib = cfg->l2mem_mib,
		.icount = qp.icount, .status = oc.status, .status_code = oc.status_code,
		.qemu_exit = qr.how == QEMU_EXITED ? qr.code : -1, .wall_seconds = wall,
		.errors = errors, .nerrors = nerr,
		.results = prc == RESULTS_EMPTY ? NULL : &rs,
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
	qemu_argv_free(&qa);
	free(l1);
	free(l2);
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
