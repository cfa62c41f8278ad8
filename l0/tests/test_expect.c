/*
 * Unit tests of the workload exit model (include/nestlab/workload_model.h)
 * and its evaluation (l0/expect.c): every workload has a model; each
 * workload's exits by iterations, transport and NPT mode; statuses and
 * PASS-line counts at both levels; nothing at level 1; the JSON line.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/bootargs.h>
#include <nestlab/workload_model.h>
#include "cli.h"
#include "expect.h"

static struct expect e;

/* Evaluates the model of `name`; returns the number of reasons present. */
static unsigned eval(const char *name, unsigned long n, int level,
		     enum nestlab_transport t, bool lazy)
{
	struct expect_params p = {
		.iterations = n, .level = level, .transport = t, .npt_lazy = lazy,
	};
	int wl = cli_workload_index(name);

	cr_assert(wl >= 0, "workload %s", name);
	p.workload = (unsigned)wl;
	cr_assert(eq(int, expect_compute(&p, &e), 0), "model of %s", name);
	return (unsigned)__builtin_popcountll(e.exits.present);
}

static unsigned long long count(unsigned reason)
{
	return e.exits.c[reason].count;
}

#define VMMCALL  NESTLAB_TRANSPORT_VMMCALL
#define BACKDOOR NESTLAB_TRANSPORT_BACKDOOR

Test(expect, every_workload_has_a_model)
{
	for (unsigned i = 0; i < NESTLAB_WL_NR; i++) {
		const struct nestlab_workload_model *m = nestlab_workload_model(i);

		cr_assert(not(eq(ptr, (void *)m, NULL)));
		cr_assert(eq(int, m->defined, 1), "%s has no model", cli_workload_name(i));
		for (unsigned t = 0; t < NESTLAB_WM_TERMS_MAX; t++) {
			cr_assert(m->exits[t].reason <= NESTLAB_WM_HC);
			cr_assert(m->exits[t].when <= NESTLAB_WM_NPT_LAZY);
		}
	}
	cr_assert(eq(ptr, (void *)nestlab_workload_model(NESTLAB_WL_NR), NULL));
}

Test(expect, unknown_workload_is_refused)
{
	struct expect_params p = { .workload = NESTLAB_WL_NR, .level = 2 };

	cr_assert(eq(int, expect_compute(&p, &e), -1));
}

Test(expect, per_iteration_workloads)
{
	cr_assert(eq(int, eval("cpuid", 1000, 2, VMMCALL, false), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_CPUID), 1000));
	cr_assert(eq(int, eval("cpuid", 1000, 2, BACKDOOR, true), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_CPUID), 1000));
	cr_assert(eq(int, eval("pio", 77, 2, BACKDOOR, false), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_IOIO), 77));
	cr_assert(eq(int, eval("pio", 77, 2, VMMCALL, true), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_IOIO), 77));
}

Test(expect, hypercall_exit_follows_the_transport)
{
	static const char *const wls[] = { "hypercall", "write" };

	for (size_t i = 0; i < 2; i++) {
		cr_assert(eq(int, eval(wls[i], 100, 2, VMMCALL, false), 1));
		cr_assert(eq(u64, count(NESTLAB_EXIT_VMMCALL), 100));
		cr_assert(eq(int, eval(wls[i], 100, 2, BACKDOOR, true), 1));
		cr_assert(eq(u64, count(NESTLAB_EXIT_IOIO), 100));
		cr_assert(eq(int, eval(wls[i], 100, 2, NESTLAB_TRANSPORT_VMCALL, false), 1));
		cr_assert(eq(u64, count(NESTLAB_EXIT_VMCALL), 100));
	}
}

Test(expect, pagefault_exits_only_under_lazy_npt)
{
	cr_assert(eq(int, eval("pagefault", 300, 2, VMMCALL, true), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_NPF), 300));
	cr_assert(eq(int, eval("pagefault", 300, 2, VMMCALL, false), 0));
}

Test(expect, no_exit_workloads)
{
	static const char *const wls[] = { "null", "getpid", "syscall-mix" };

	for (size_t i = 0; i < 3; i++) {
		cr_assert(eq(int, eval(wls[i], 1000, 2, VMMCALL, false), 0), "%s", wls[i]);
		cr_assert(eq(int, eval(wls[i], 1000, 2, BACKDOOR, true), 0), "%s", wls[i]);
		cr_assert(e.exits_known);
		cr_assert(eq(str, (char *)e.status, "pass"));
	}
}

Test(expect, hcerrors_fixed_counts_by_transport)
{
	/* 8 bad hypercalls, the PHASE_END among them a marker: 7 exits. */
	cr_assert(eq(int, eval("hcerrors", 1, 2, VMMCALL, false), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_VMMCALL), 7));
	/* The wrong-magic one is a raw VMMCALL whatever the transport. */
	cr_assert(eq(int, eval("hcerrors", 1000, 2, BACKDOOR, false), 2));
	cr_assert(eq(u64, count(NESTLAB_EXIT_VMMCALL), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_IOIO), 6));
	cr_assert(eq(u32, e.checks, 8));
	eval("hcerrors", 1, 1, VMMCALL, false);
	cr_assert(eq(u32, e.checks, 0));
	cr_assert(eq(str, (char *)e.status, "pass"));
}

Test(expect, intercepts_one_exit_per_probe)
{
	static const unsigned svm[] = {
		NESTLAB_EXIT_VMRUN, NESTLAB_EXIT_VMLOAD, NESTLAB_EXIT_VMSAVE, NESTLAB_EXIT_STGI,
		NESTLAB_EXIT_CLGI, NESTLAB_EXIT_SKINIT, NESTLAB_EXIT_INVLPGA,
	};

	cr_assert(eq(int, eval("intercepts", 1, 2, VMMCALL, false), 9));
	cr_assert(eq(u64, count(NESTLAB_EXIT_CPUID), 4));
	cr_assert(eq(u64, count(NESTLAB_EXIT_MSR), 5));
	for (size_t i = 0; i < sizeof(svm) / sizeof(svm[0]); i++)
		cr_assert(eq(u64, count(svm[i]), 1));
	cr_assert(eq(u32, e.checks, 15));
	cr_assert(eq(int, eval("intercepts", 1000, 2, BACKDOOR, true), 9));
	cr_assert(eq(u64, count(NESTLAB_EXIT_MSR), 5));
	eval("intercepts", 1, 1, VMMCALL, false);
	cr_assert(eq(u32, e.checks, 7));
}

Test(expect, timer_one_intr_and_one_eoi_npf_per_interrupt)
{
	cr_assert(eq(int, eval("timer", 1000, 2, VMMCALL, false), 2));
	cr_assert(eq(u64, count(NESTLAB_EXIT_INTR), 1000));
	cr_assert(eq(u64, count(NESTLAB_EXIT_NPF), 1000));
	cr_assert(eq(u32, e.checks, 2));
	cr_assert(eq(int, eval("timer", 77, 2, BACKDOOR, true), 2));
	cr_assert(eq(u64, count(NESTLAB_EXIT_NPF), 77));
	cr_assert(eq(int, eval("timer", 1000, 1, VMMCALL, false), 0));
	cr_assert(eq(u32, e.checks, 2));
	cr_assert(eq(str, (char *)e.status, "pass"));
}

/* multi with a procs list: the sum of the programs' models. */
static unsigned eval_multi(const char *procs, unsigned long n, int level,
			   enum nestlab_transport t)
{
	struct expect_params p = {
		.workload = NESTLAB_WL_MULTI, .iterations = n, .level = level, .transport = t,
	};
	char why[96];

	if (procs)
		cr_assert(eq(int, cli_procs_parse(procs, &p.procs, why, sizeof(why)), 0));
	cr_assert(eq(int, expect_compute(&p, &e), 0));
	return (unsigned)__builtin_popcountll(e.exits.present);
}

Test(expect, multi_sums_its_programs)
{
	/* default procs: cpuid,getpid */
	cr_assert(eq(int, eval_multi(NULL, 1000, 2, VMMCALL), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_CPUID), 1000));
	cr_assert(eq(u32, e.checks, 2));
	cr_assert(eq(int, eval_multi("cpuid,pio,cpuid,write,null", 300, 2, BACKDOOR), 2));
	cr_assert(eq(u64, count(NESTLAB_EXIT_CPUID), 600));
	cr_assert(eq(u64, count(NESTLAB_EXIT_IOIO), 600));  /* pio + backdoor write */
	cr_assert(eq(u32, e.checks, 5));
	cr_assert(eq(int, eval_multi("hypercall,getpid", 10, 2, VMMCALL), 1));
	cr_assert(eq(u64, count(NESTLAB_EXIT_VMMCALL), 10));
	cr_assert(eq(int, eval_multi("getpid,null,getpid", 10, 2, VMMCALL), 0));
	cr_assert(eq(int, eval_multi("cpuid,pio", 10, 1, VMMCALL), 0));
	cr_assert(eq(u32, e.checks, 2));
}

Test(expect, negative_tests_statuses)
{
	eval("triplefault", 1, 2, VMMCALL, false);
	cr_assert(eq(str, (char *)e.status, "l2_shutdown"));
	cr_assert(eq(int, e.status_code, 2));
	cr_assert(eq(int, e.qemu_exit, 5));
	cr_assert(not(e.exits_known));
	eval("triplefault", 1, 1, VMMCALL, false);
	cr_assert(eq(str, (char *)e.status, "no_status"));
	cr_assert(eq(int, e.status_code, -1));
	cr_assert(eq(int, e.qemu_exit, 0));
	eval("badaccess", 1, 2, VMMCALL, true);
	cr_assert(eq(str, (char *)e.status, "l2_bad_access"));
	cr_assert(eq(int, e.qemu_exit, 7));
	cr_assert(not(e.exits_known));
	eval("badaccess", 1, 1, VMMCALL, false);
	cr_assert(eq(str, (char *)e.status, "workload_fail"));
	cr_assert(eq(int, e.qemu_exit, 3));
}

Test(expect, level1_shows_no_exits)
{
	for (unsigned i = 0; i < NESTLAB_WL_NR; i++) {
		cr_assert(eq(int, eval(cli_workload_name(i), 1000, 1, BACKDOOR, false), 0));
		if (e.status_code == 0)
			cr_assert(e.exits_known);
	}
}

Test(expect, zero_iterations)
{
	cr_assert(eq(int, eval("cpuid", 0, 2, VMMCALL, false), 0));
	cr_assert(eq(int, eval("pagefault", 0, 2, VMMCALL, true), 0));
	cr_assert(eq(int, eval("hcerrors", 0, 2, VMMCALL, false), 1));
}

Test(expect, large_iterations_do_not_wrap)
{
	eval("cpuid", NESTLAB_ITERATIONS_MAX, 2, VMMCALL, false);
	cr_assert(eq(u64, count(NESTLAB_EXIT_CPUID), NESTLAB_ITERATIONS_MAX));
}

static char *render(const char *name, unsigned long n, int level,
		    enum nestlab_transport t, bool lazy)
{
	struct expect_params p = {
		.workload = (unsigned)cli_workload_index(name), .iterations = n,
		.level = level, .transport = t, .npt_lazy = lazy,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(eq(int, expect_compute(&p, &e), 0));
	expect_render(f, &p, &e);
	fclose(f);
	return buf;
}

Test(expect, json_line_exact)
{
	char *s = render("hcerrors", 1, 2, BACKDOOR, true);

	cr_assert(eq(str, s, "{\"workload\": \"hcerrors\", \"iterations\": 1, \"level\": 2, "
		     "\"transport\": \"backdoor\", \"npt\": \"lazy\", \"status\": \"pass\", "
		     "\"status_code\": 0, \"qemu_exit\": 1, "
		     "\"exits\": {\"vmmcall\": 1, \"ioio\": 6}, \"checks\": 8}\n"));
	free(s);
	s = render("triplefault", 1, 1, VMMCALL, false);
	cr_assert(eq(str, s, "{\"workload\": \"triplefault\", \"iterations\": 1, \"level\": 1, "
		     "\"transport\": \"vmmcall\", \"npt\": null, \"status\": \"no_status\", "
		     "\"status_code\": null, \"qemu_exit\": 0, \"exits\": null, \"checks\": 0}\n"));
	free(s);
	s = render("null", 5, 2, VMMCALL, false);
	cr_assert(not(eq(ptr, strstr(s, "\"exits\": {}, "), NULL)));
	free(s);
}

/* The MBEC design eval_mbec evaluates under. */
static enum l0_mbec p_mbec = L0_MBEC_EXEC_FAULT;

/* Evaluates `name` at level 2 under L1's MBEC emulation (design p_mbec)
 * with policy `v`. */
static void eval_mbec(const char *name, unsigned long n, enum l0_mbec_violation v,
		      const char *procs)
{
	struct expect_params p = {
		.workload = (unsigned)cli_workload_index(name), .iterations = n, .level = 2,
		.transport = VMMCALL, .mbec = p_mbec, .mbec_violation = v,
	};

	if (procs)
		cr_assert(eq(int, nestlab_procs_parse(procs, strlen(procs), &p.procs, NULL,
						      NULL), 0));
	cr_assert(eq(int, expect_compute(&p, &e), 0), "model of %s", name);
}

/* Two view switches per system call round trip or interrupt from ring 3;
 * the phase's exact exits are not modelled under MBEC. */
Test(expect, mbec_view_switches)
{
	eval_mbec("getpid", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_switches, 2));
	cr_assert(not(e.exits_known));
	cr_assert(eq(str, (char *)e.status, "pass"));
	eval_mbec("syscall-mix", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_switches, 8));
	eval_mbec("timer", 1000, L0_MBEC_VIOLATION_REPORT, NULL);
	cr_assert(eq(u64, e.mbec_switches, 2));
	cr_assert(eq(u32, e.checks, NESTLAB_WM_TIMER_CHECKS));
	eval_mbec("cpuid", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_switches, 0));
	/* multi: each process's program and its yield */
	eval_mbec("multi", 10, L0_MBEC_VIOLATION_STOP, "getpid,cpuid,write");
	cr_assert(eq(u64, e.mbec_switches, 2 + 2 + 0 + 2 + 2 + 2));
	cr_assert(eq(u32, e.checks, 3));
	/* the designs' exits: exec-fault one npf per switch; intercept 2
	 * excp_ud per system call, per #PF or interrupt one iret and one
	 * excp_db (and the #PF's excp_pf) */
	eval_mbec("getpid", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_NPF].count, 2));
	p_mbec = L0_MBEC_INTERCEPT;
	eval_mbec("getpid", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_switches, 2));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_NPF].count, 0));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_UD].count, 2));
	eval_mbec("syscall-mix", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_UD].count, 8));
	eval_mbec("pagefault", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_switches, 2));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_PF].count, 1));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_IRET].count, 1));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_DB].count, 1));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_UD].count, 0));
	eval_mbec("timer", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_PF].count, 0));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_IRET].count, 1));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_DB].count, 1));
	eval_mbec("multi", 10, L0_MBEC_VIOLATION_STOP, "getpid,cpuid,write");
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_UD].count, 2 * (1 + 0 + 1 + 3)));
	/* intn: per INT n from ring 3 one swint, then its IRET's iret and
	 * excp_db; no #UD (no system call) */
	eval_mbec("intn", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_switches, 2));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_SWINT].count, 1));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_IRET].count, 1));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_DB].count, 1));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_UD].count, 0));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_NPF].count, 0));
	/* domain: its checks under MBEC too, one round trip per call */
	eval_mbec("domain", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u32, e.checks, NESTLAB_WM_DOMAIN_CHECKS));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_EXCP_UD].count, 2));
	p_mbec = L0_MBEC_EXEC_FAULT;
	eval_mbec("domain", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u32, e.checks, NESTLAB_WM_DOMAIN_CHECKS));
	cr_assert(eq(u64, e.mbec_switches, 2));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_NPF].count, 2));
	eval_mbec("intn", 1000, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u64, e.mbec_switches, 2));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_NPF].count, 2));
	cr_assert(eq(u64, e.mbec_exits.c[NESTLAB_EXIT_SWINT].count, 0));
	/* MBEC off: the model as before */
	eval("getpid", 1000, 2, VMMCALL, false);
	cr_assert(e.exits_known);
	cr_assert(eq(u64, e.mbec_switches, 0));
	eval("intn", 1000, 2, VMMCALL, false);
	cr_assert(e.exits_known);
	cr_assert(eq(u64, e.exits.c[NESTLAB_EXIT_SWINT].count, 0));
	cr_assert(eq(u32, e.checks, 3));
}

/* The probes break the policy: stop ends the run, report and inject pass;
 * mbec-errors checks only under MBEC. */
Test(expect, mbec_statuses_and_checks)
{
	static const char *const probes[] = { "mbec-kexec-user", "mbec-uexec-kernel" };

	for (unsigned i = 0; i < 2; i++) {
		eval_mbec(probes[i], 1, L0_MBEC_VIOLATION_STOP, NULL);
		cr_assert(eq(str, (char *)e.status, "l2_mbec_violation"));
		cr_assert(eq(int, e.status_code, NESTLAB_STATUS_L2_MBEC_VIOLATION));
		cr_assert(eq(int, e.qemu_exit, NESTLAB_STATUS_L2_MBEC_VIOLATION * 2 + 1));
		cr_assert(eq(u32, e.checks, 0));
		eval_mbec(probes[i], 1, L0_MBEC_VIOLATION_INJECT, NULL);
		cr_assert(eq(str, (char *)e.status, "pass"));
		cr_assert(eq(u32, e.checks, 1));
		eval_mbec(probes[i], 1, L0_MBEC_VIOLATION_REPORT, NULL);
		cr_assert(eq(str, (char *)e.status, "pass"));
		eval(probes[i], 1, 2, VMMCALL, false);
		cr_assert(eq(str, (char *)e.status, "pass"));
		cr_assert(eq(u32, e.checks, 1));
		cr_assert(eq(int, eval(probes[i], 1, 1, VMMCALL, false), 0));
		cr_assert(eq(str, (char *)e.status, "pass"));
	}
	eval_mbec("mbec-errors", 1, L0_MBEC_VIOLATION_STOP, NULL);
	cr_assert(eq(u32, e.checks, NESTLAB_WM_MBEC_ERRORS_CHECKS));
	cr_assert(eq(str, (char *)e.status, "pass"));
	eval("mbec-errors", 1, 2, VMMCALL, false);
	cr_assert(eq(u32, e.checks, 0));
	cr_assert(e.exits_known);
}

Test(expect, mbec_json_line_exact)
{
	struct expect_params p = {
		.workload = (unsigned)cli_workload_index("getpid"), .iterations = 5, .level = 2,
		.transport = VMMCALL, .mbec = L0_MBEC_EXEC_FAULT,
		.mbec_violation = L0_MBEC_VIOLATION_INJECT,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(eq(int, expect_compute(&p, &e), 0));
	expect_render(f, &p, &e);
	fclose(f);
	cr_assert(eq(str, buf, "{\"workload\": \"getpid\", \"iterations\": 5, \"level\": 2, "
		     "\"transport\": \"vmmcall\", \"npt\": \"eager\", \"mbec\": \"exec-fault\", "
		     "\"mbec_violation\": \"inject\", \"status\": \"pass\", \"status_code\": 0, "
		     "\"qemu_exit\": 1, \"exits\": null, \"checks\": 0, "
		     "\"mbec_switches_per_iter\": 2, \"mbec_exits_per_iter\": {\"npf\": 2}}\n"));
	free(buf);
}
