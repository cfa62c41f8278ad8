/*
 * Criterion tests of the matrix expansion (bench_matrix.c): the cross
 * product of a case's lists with [matrix]'s defaults, level 1 collapsing
 * NPT mode and L1 kind, cells shared between experiments, KVM-as-L1 cells
 * marked not available without --l1, @passing and @hc, --full iterations,
 * and the plan's command line for a cell (bench_plan.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <nestlab/bootargs.h>
#include "bench_exp.h"
#include "bench_matrix.h"
#include "bench_plan.h"

static char dir[] = "/tmp/nestlab-test-matrix.XXXXXX";
static struct bench_exp xs[2];
static unsigned nx;
static struct bench_matrix m;

static void setup(void)
{
	cr_assert(mkdtemp(dir) != NULL);
}

static void teardown(void)
{
	char p[300];

	bench_matrix_free(&m);
	for (unsigned i = 0; i < nx; i++) {
		snprintf(p, sizeof(p), "%s", xs[i].path);
		bench_exp_free(&xs[i]);
		unlink(p);
	}
	nx = 0;
	rmdir(dir);
}

TestSuite(bench_matrix, .init = setup, .fini = teardown);

/* Parses experiment `name` from `body` (after its [experiment] header). */
static struct bench_exp *load(const char *name, const char *body)
{
	char path[300];
	struct bench_errors err = { 0 };
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.ini", dir, name);
	f = fopen(path, "w");
	cr_assert(f != NULL);
	fprintf(f, "[experiment]\nname = %s\nquestion = Q?\n%s", name, body);
	fclose(f);
	cr_assert(eq(int, bench_exp_parse(path, &xs[nx], &err), 0), "%s", err.text);
	bench_errors_free(&err);
	return &xs[nx++];
}

static void expand(bool full, bool kvm)
{
	struct bench_matrix_opts o = { .full = full, .l1_kvm = kvm };

	for (unsigned i = 0; i < nx; i++)
		cr_assert(eq(int, bench_matrix_add(&m, i, &xs[i], &o), 0));
}

static const struct bench_cell *cell(const char *id)
{
	for (unsigned i = 0; i < m.ncells; i++)
		if (!strcmp(m.cells[i].id, id))
			return &m.cells[i];
	return NULL;
}

Test(bench_matrix, cross_product_and_defaults)
{
	load("a", "[matrix]\nlevel = 2\n[case c]\nworkload = cpuid pio\n"
	     "transport = vmmcall backdoor\nnpt = eager lazy\niterations = 10 20\n");
	expand(false, false);
	cr_assert(eq(u32, m.ncells, 16));
	cr_assert(eq(u32, m.nmembers, 16));
	cr_assert(eq(str, m.cells[0].id, "cpuid-l2-nestlab-vmmcall-eager-n10"));
	cr_assert(eq(str, m.cells[15].id, "pio-l2-nestlab-backdoor-lazy-n20"));
	cr_assert(m.cells[0].available);
}

Test(bench_matrix, level1_collapses_npt_and_l1)
{
	load("a", "[matrix]\nlevel = 1 2\nl1 = nestlab kvm\nnpt = eager lazy\n"
	     "[case c]\nworkload = cpuid\n");
	expand(false, false);
	/* level 1: one cell; level 2: 2 NPT modes x 2 L1 kinds */
	cr_assert(eq(u32, m.ncells, 5));
	cr_assert(cell("cpuid-l1-vmmcall-n1000") != NULL);
	cr_assert(eq(int, cell("cpuid-l1-vmmcall-n1000")->npt, BENCH_NONE));
	cr_assert(eq(int, cell("cpuid-l1-vmmcall-n1000")->l1, BENCH_NONE));
	cr_assert(eq(u32, m.nmembers, 5));
}

Test(bench_matrix, kvm_cells_not_available_without_l1_option)
{
	const struct bench_cell *k;

	load("a", "[case c]\nworkload = cpuid\nl1 = nestlab kvm\n");
	expand(false, false);
	k = cell("cpuid-l2-kvm-vmmcall-eager-n1000");
	cr_assert(k != NULL);
	cr_assert(not(k->available));
	cr_assert(eq(str, (char *)k->why, "not available (--l1 kvm not built)"));
	cr_assert(cell("cpuid-l2-nestlab-vmmcall-eager-n1000")->available);
}

Test(bench_matrix, kvm_cells_available_with_l1_option)
{
	load("a", "[case c]\nworkload = cpuid\nl1 = kvm\n");
	expand(false, true);
	cr_assert(eq(u32, m.ncells, 1));
	cr_assert(m.cells[0].available);
}

Test(bench_matrix, kvm_cells_not_applicable_for_lazy_npt_and_policy_workloads)
{
	load("a", "[case c]\nworkload = pagefault intercepts hcerrors cpuid\nnpt = eager lazy\n"
	     "l1 = kvm\n");
	expand(false, true);
	cr_assert(eq(u32, m.ncells, 8));
	cr_assert(cell("cpuid-l2-kvm-vmmcall-eager-n1000")->available);
	cr_assert(cell("pagefault-l2-kvm-vmmcall-eager-n1000")->available);
	cr_assert(not(cell("pagefault-l2-kvm-vmmcall-lazy-n1000")->available));
	cr_assert(eq(str, (char *)cell("pagefault-l2-kvm-vmmcall-lazy-n1000")->why,
		     "not applicable (--l1 kvm: KVM keeps its own nested page tables)"));
	cr_assert(not(cell("intercepts-l2-kvm-vmmcall-eager-n1000")->available));
	cr_assert(eq(str, (char *)cell("hcerrors-l2-kvm-vmmcall-eager-n1000")->why,
		     "not applicable (--l1 kvm: the workload checks nestlab L1's own answers)"));
}

Test(bench_matrix, kvm_vmmcall_hypercall_cell_not_applicable)
{
	load("a", "[case c]\nworkload = hypercall\ntransport = vmmcall backdoor\nl1 = kvm\n");
	expand(false, true);
	cr_assert(eq(u32, m.ncells, 2));
	cr_assert(not(cell("hypercall-l2-kvm-vmmcall-eager-n1000")->available));
	cr_assert(cell("hypercall-l2-kvm-backdoor-eager-n1000")->available);
}

Test(bench_matrix, cells_shared_between_experiments)
{
	load("a", "[case c]\nworkload = cpuid\n");
	load("b", "[case x]\nworkload = cpuid pio\n");
	expand(false, false);
	cr_assert(eq(u32, m.ncells, 2));
	cr_assert(eq(u32, m.nmembers, 3));
	cr_assert(eq(u32, bench_matrix_cells_of(&m, 0), 1));
	cr_assert(eq(u32, bench_matrix_cells_of(&m, 1), 2));
	cr_assert(eq(u32, m.members[1].cell, m.members[0].cell));
	cr_assert(eq(str, (char *)m.members[1].case_name, "x"));
}

Test(bench_matrix, passing_workloads_per_level)
{
	unsigned l1 = 0, l2 = 0;

	load("a", "[matrix]\nlevel = 1 2\n[case all]\nworkload = @passing\n");
	expand(false, false);
	for (unsigned i = 0; i < m.ncells; i++) {
		cr_assert(ne(int, strncmp(m.cells[i].id, "triplefault", 11), 0));
		cr_assert(ne(int, strncmp(m.cells[i].id, "badaccess", 9), 0));
		cr_assert(ne(int, strncmp(m.cells[i].id, "batch-fault", 11), 0));
		if (m.cells[i].level == 1)
			l1++;
		else
			l2++;
	}
	/* every workload but the three negative tests, at each level */
	cr_assert(eq(u32, l1, NESTLAB_WL_NR - 3));
	cr_assert(eq(u32, l2, NESTLAB_WL_NR - 3));
}

Test(bench_matrix, hc_exit_follows_transport)
{
	load("a", "[case h]\nworkload = hypercall\ntransport = vmmcall backdoor\nexit = @hc\n");
	expand(false, false);
	cr_assert(eq(str, (char *)m.members[0].exit, "vmmcall"));
	cr_assert(eq(str, (char *)m.members[1].exit, "ioio"));
}

Test(bench_matrix, full_iterations_and_per_iteration)
{
	load("a", "[matrix]\niterations_full = 100000\n[case c]\nworkload = cpuid\n"
	     "[case f]\nworkload = intercepts\niterations = 1\niterations_full = 1\n"
	     "per_iteration = no\n");
	expand(true, false);
	cr_assert(cell("cpuid-l2-nestlab-vmmcall-eager-n100000") != NULL);
	cr_assert(cell("intercepts-l2-nestlab-vmmcall-eager-n1") != NULL);
	cr_assert(m.members[0].per_iteration);
	cr_assert(not(m.members[1].per_iteration));
}

Test(bench_matrix, memory_in_id_and_command)
{
	struct bench_opts o = {
		.launcher = "/x/nestlab", .out = "/r", .repeat = 1, .timeout_s = 300,
	};
	char *cmd;

	load("a", "[matrix]\nlevel = 1 2\n[case p]\nworkload = pagefault\nnpt = lazy\n"
	     "l2mem = 512\nmem = 640\n");
	expand(false, false);
	cr_assert(cell("pagefault-l1-vmmcall-n1000-mem640") != NULL);
	cr_assert(cell("pagefault-l2-nestlab-vmmcall-lazy-n1000-l2mem512-mem640") != NULL);
	cmd = bench_cell_command(cell("pagefault-l2-nestlab-vmmcall-lazy-n1000-l2mem512-mem640"),
				 2, &o);
	cr_assert(strstr(cmd, "cd '/r/runs/pagefault-l2-nestlab-vmmcall-lazy-n1000-l2mem512-"
			 "mem640/r2'") != NULL, "%s", cmd);
	cr_assert(strstr(cmd, "'/x/nestlab' run --workload pagefault --iterations 1000 "
			 "--level 2 --transport vmmcall --npt-lazy --l2mem 512 --mem 640 "
			 "--timeout 300 --quiet --json result.json") != NULL, "%s", cmd);
	cr_assert(strstr(cmd, "echo $? >rc.tmp; mv rc.tmp rc;") != NULL);
	free(cmd);
	cmd = bench_cell_command(cell("pagefault-l1-vmmcall-n1000-mem640"), 1, &o);
	cr_assert(strstr(cmd, "--npt-lazy") == NULL);
	cr_assert(strstr(cmd, "--l2mem") == NULL);
	free(cmd);
}

/* mbec and mbec_tlb: level 2 with nestlab's L1 only; in the id and the
 * command; the level-1 twin and a KVM cell have none (KVM: not
 * applicable); off is the default, named in nothing. */
Test(bench_matrix, mbec_in_id_and_command)
{
	struct bench_opts o = {
		.launcher = "/x/nestlab", .out = "/r", .repeat = 1, .timeout_s = 300,
	};
	char *cmd;

	load("a", "[matrix]\nlevel = 1 2\nworkload = getpid\n[case off]\nmbec = off\n"
	     "[case asid]\nmbec = exec-fault\n[case flush]\nmbec = exec-fault\n"
	     "mbec_tlb = flush\n[case kvm]\nl1 = kvm\nmbec = exec-fault\nlevel = 2\n"
	     "[case icpt]\nmbec = intercept\n[case icptf]\nmbec = intercept\nmbec_tlb = flush\n");
	expand(false, true);
	cr_assert(cell("getpid-l1-vmmcall-n1000") != NULL);
	cr_assert(cell("getpid-l2-nestlab-vmmcall-eager-n1000") != NULL);
	cr_assert(cell("getpid-l2-nestlab-vmmcall-eager-n1000-mbec") != NULL);
	cr_assert(cell("getpid-l2-nestlab-vmmcall-eager-n1000-mbec-flush") != NULL);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000-mbec-flush"), 1, &o);
	cr_assert(strstr(cmd, " --mbec exec-fault --mbec-tlb flush ") != NULL, "%s", cmd);
	free(cmd);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000-mbec"), 1, &o);
	cr_assert(strstr(cmd, " --mbec exec-fault ") != NULL, "%s", cmd);
	cr_assert(strstr(cmd, "--mbec-tlb") == NULL, "%s", cmd);
	free(cmd);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000-mbec-intercept"), 1,
				 &o);
	cr_assert(strstr(cmd, " --mbec intercept ") != NULL, "%s", cmd);
	free(cmd);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000-mbec-intercept-flush"),
				 1, &o);
	cr_assert(strstr(cmd, " --mbec intercept --mbec-tlb flush ") != NULL, "%s", cmd);
	free(cmd);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000"), 1, &o);
	cr_assert(strstr(cmd, "--mbec") == NULL, "%s", cmd);
	free(cmd);
	cr_assert(not(cell("getpid-l2-kvm-vmmcall-eager-n1000-mbec")->available));
	cr_assert(strstr(cell("getpid-l2-kvm-vmmcall-eager-n1000-mbec")->why,
			 "not applicable (--mbec is nestlab L1's mechanism)") != NULL);
}

/* interpose: level 2 with nestlab's L1 only; in the id and the command;
 * off is the default, named in nothing; KVM: not applicable; a bad value
 * names every word. */
Test(bench_matrix, interpose_in_id_and_command)
{
	struct bench_opts o = {
		.launcher = "/x/nestlab", .out = "/r", .repeat = 1, .timeout_s = 300,
	};
	char *cmd;

	load("a", "[matrix]\nlevel = 2\nworkload = getpid\n[case off]\ninterpose = off\n"
	     "[case in]\ninterpose = inguest\n[case hc]\ninterpose = hypercall\n"
	     "[case trap]\ninterpose = trap\n[case kvm]\nl1 = kvm\ninterpose = trap\n");
	expand(false, true);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000"), 1, &o);
	cr_assert(strstr(cmd, "--interpose") == NULL, "%s", cmd);
	free(cmd);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000-interpose-inguest"),
				 1, &o);
	cr_assert(strstr(cmd, " --interpose inguest ") != NULL, "%s", cmd);
	free(cmd);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000-interpose-hypercall"),
				 1, &o);
	cr_assert(strstr(cmd, " --interpose hypercall ") != NULL, "%s", cmd);
	free(cmd);
	cmd = bench_cell_command(cell("getpid-l2-nestlab-vmmcall-eager-n1000-interpose-trap"), 1,
				 &o);
	cr_assert(strstr(cmd, " --interpose trap ") != NULL, "%s", cmd);
	free(cmd);
	cr_assert(not(cell("getpid-l2-kvm-vmmcall-eager-n1000-interpose-trap")->available));
	cr_assert(strstr(cell("getpid-l2-kvm-vmmcall-eager-n1000-interpose-trap")->why,
			 "not applicable (--interpose is nestlab L1's mechanism)") != NULL);
}

/* l1_option: each word an --l1-option of the cell's command, in the id as
 * -l1opt-KEY-VALUE..., a case's own list replacing [matrix]'s; level 1
 * takes none (the cell is the plain level-1 run); KVM: not applicable. */
Test(bench_matrix, l1_option_in_id_and_command)
{
	struct bench_opts o = {
		.launcher = "/x/nestlab", .out = "/r", .repeat = 1, .timeout_s = 300,
	};
	const struct bench_cell *c;
	char *cmd;

	load("a", "[matrix]\nworkload = cpuid\nl1_option = l1_retpoline=on\n"
	     "[case rp]\nl1 = nestlab\n[case both]\nl1_option = l1_retpoline=on l1_trampoline=on\n"
	     "[case l1]\nlevel = 1\n[case kvm]\nl1 = kvm\n");
	expand(false, true);
	c = cell("cpuid-l2-nestlab-vmmcall-eager-n1000-l1opt-l1_retpoline-on");
	cr_assert(c != NULL, "%u cells, first %s", m.ncells, m.ncells ? m.cells[0].id : "-");
	cr_assert(eq(str, (char *)c->l1_options, "l1_retpoline=on"));
	cmd = bench_cell_command(c, 1, &o);
	cr_assert(strstr(cmd, " --l1-option 'l1_retpoline=on' ") != NULL, "%s", cmd);
	cr_assert(strstr(cmd, "l1_trampoline") == NULL, "%s", cmd);
	free(cmd);
	c = cell("cpuid-l2-nestlab-vmmcall-eager-n1000-l1opt-l1_retpoline-on-l1_trampoline-on");
	cr_assert(c != NULL);
	cmd = bench_cell_command(c, 1, &o);
	cr_assert(strstr(cmd, " --l1-option 'l1_retpoline=on' --l1-option 'l1_trampoline=on' ")
		  != NULL, "%s", cmd);
	free(cmd);
	c = cell("cpuid-l1-vmmcall-n1000");
	cr_assert(c != NULL);
	cr_assert(eq(str, (char *)c->l1_options, ""));
	cmd = bench_cell_command(c, 1, &o);
	cr_assert(strstr(cmd, "--l1-option") == NULL, "%s", cmd);
	free(cmd);
	c = cell("cpuid-l2-kvm-vmmcall-eager-n1000-l1opt-l1_retpoline-on");
	cr_assert(c != NULL);
	cr_assert(not(c->available));
	cr_assert(eq(str, (char *)c->why, "not applicable (l1_option is for nestlab's L1)"));
	/* no l1_option at all: no suffix, no flag */
	load("b", "[matrix]\nworkload = pio\n[case plain]\nl1 = nestlab\n");
	expand(false, true);
	cmd = bench_cell_command(cell("pio-l2-nestlab-vmmcall-eager-n1000"), 1, &o);
	cr_assert(strstr(cmd, "--l1-option") == NULL, "%s", cmd);
	free(cmd);
}

/* Each word is quoted for the shell (a value the shell would read stays
 * as written); characters a file name should
 * not hold become '_' in the id. */
Test(bench_matrix, l1_option_quoted_in_command)
{
	struct bench_opts o = {
		.launcher = "/x/nestlab", .out = "/r", .repeat = 1, .timeout_s = 300,
	};
	char *cmd;

	load("a", "[matrix]\nworkload = cpuid\n[case q]\nl1_option = k=a$b\n");
	expand(false, false);
	cmd = bench_cell_command(cell("cpuid-l2-nestlab-vmmcall-eager-n1000-l1opt-k-a_b"), 1, &o);
	cr_assert(cmd != NULL);
	cr_assert(strstr(cmd, " --l1-option 'k=a$b' ") != NULL, "%s", cmd);
	free(cmd);
}

/* The trampoline keys: in the cell and its id; procs only on multi's cells. */
Test(bench_matrix, trampoline_cells)
{
	load("a", "[matrix]\nlevel = 1\nprocs = dispatch-skewed,write\n"
	     "[case t]\nworkload = multi getpid\ntrampoline = process\nretpoline = off\n"
	     "[case d]\nworkload = getpid\n");
	expand(false, false);
	cr_assert(eq(u32, m.ncells, 3));
	cr_assert(cell("multi-l1-vmmcall-n1000-tramp-process-rpoff-procs-dispatch-skewed,write")
		  != NULL);
	cr_assert(eq(str, (char *)cell("getpid-l1-vmmcall-n1000-tramp-process-rpoff")->procs, ""));
	cr_assert(eq(int, cell("getpid-l1-vmmcall-n1000")->trampoline, 0));
	cr_assert(eq(int, cell("getpid-l1-vmmcall-n1000")->retpoline, 1));
}
