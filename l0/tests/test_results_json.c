/*
 * Unit tests of the JSON results file (l0/results_json.c): exact text for a
 * known level-2 pass, a level-1 run and a failure without a stream; string
 * escaping; and the atomic write (complete file, no temporary left behind,
 * an unwritable directory fails and leaves the old file untouched).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "results_json.h"

static struct results_stream rs;

static void parse_ok(const char *text)
{
	char why[256];

	cr_assert(eq(int, results_parse(text, strlen(text), &rs, why, sizeof(why)),
		     RESULTS_COMPLETE), "%s", why);
}

Test(results_json, level2_pass_exact)
{
	const char *errors[] = { "guest said \"hi\"\tthere\\" };
	parse_ok("nestlab-results 1 producer=l1\n"
		 "phase 0 cpuid tsc=2770000\n"
		 "exit 0 cpuid 1000 85000\n"
		 "exit 0 vmmcall 2 170\n"
		 "counter 0 interpose.total 1001\n"
		 "counter 0 interpose.nr.2 1000\n"
		 "phase 1 other tsc=9\n"
		 "exit total vmmcall 9 900\n"
		 "exit total cpuid 1010 86000\n"
		 "status 0\nend\n");
	struct run_report r = {
		.workload = "cpuid", .iterations = 1000, .level = 2, .accel = "tcg",
		.accel_reason = "no nested SVM: /sys/module/kvm_amd/parameters/nested missing",
		.transport = "vmmcall", .npt = "eager", .retpoline = "on", .mbec = "exec-fault", .mbec_tlb = "flush",
		.mbec_violation = "inject", .interpose = "inguest", .interpose_op = "deny",
		.interpose_deny = "2,39", .l2mem_mib = 64, .icount = true,
		.l1_options = (const char *const[]){ "l1_trampoline=on", "lapic=full" },
		.nl1_options = 2,
		.status = "pass", .status_code = 0, .qemu_exit = 1, .wall_seconds = 1.23456,
		.errors = errors, .nerrors = 1, .results = &rs,
	};
	char *j = results_json_render(&r);

	cr_assert(eq(str, j,
		"{\n"
		"  \"workload\": \"cpuid\",\n"
		"  \"iterations\": 1000,\n"
		"  \"level\": 2,\n"
		"  \"l1\": \"nestlab\",\n"
		"  \"accel\": \"tcg\",\n"
		"  \"accel_reason\": \"no nested SVM: /sys/module/kvm_amd/parameters/nested missing\",\n"
		"  \"transport\": \"vmmcall\",\n"
		"  \"npt\": \"eager\",\n"
		"  \"retpoline\": \"on\",\n"
		"  \"mbec\": \"exec-fault\",\n"
		"  \"mbec_tlb\": \"flush\",\n"
		"  \"mbec_violation\": \"inject\",\n"
		"  \"interpose\": \"inguest\",\n"
		"  \"interpose_op\": \"deny\",\n"
		"  \"interpose_deny\": [2, 39],\n"
		"  \"l1_options\": [\"l1_trampoline=on\", \"lapic=full\"],\n"
		"  \"l2mem_mib\": 64,\n"
		"  \"icount\": true,\n"
		"  \"status\": \"pass\",\n"
		"  \"status_code\": 0,\n"
		"  \"qemu_exit\": 1,\n"
		"  \"wall_seconds\": 1.235,\n"
		"  \"producer\": \"l1\",\n"
		"  \"errors\": [\n"
		"    \"guest said \\\"hi\\\"\\tthere\\\\\"\n"
		"  ],\n"
		"  \"phases\": [\n"
		"    {\"name\": \"cpuid\",\n"
		"     \"exits\": {\"cpuid\": 1000, \"vmmcall\": 2},\n"
		"     \"l1_cycles\": {\"cpuid\": 85000, \"vmmcall\": 170},\n"
		"     \"tsc\": 2770000,\n"
		"     \"counters\": {\"interpose.total\": 1001, \"interpose.nr.2\": 1000}},\n"
		"    {\"name\": \"other\",\n"
		"     \"exits\": {},\n"
		"     \"l1_cycles\": {},\n"
		"     \"tsc\": 9}\n"
		"  ],\n"
		"  \"totals\": {\"exits\": {\"cpuid\": 1010, \"vmmcall\": 9}, "
		"\"l1_cycles\": {\"cpuid\": 86000, \"vmmcall\": 900}},\n"
		"  \"trace\": null\n"
		"}\n"));
	free(j);
}

Test(results_json, level1_run_exact)
{
	parse_ok("nestlab-results 1 producer=l2\nphase 0 getpid tsc=777\nstatus 0\nend\n");
	struct run_report r = {
		.workload = "getpid", .iterations = 5, .level = 1, .accel = "kvm",
		.accel_reason = "/dev/kvm usable", .transport = "backdoor",
		.npt = "lazy", .retpoline = "off", .mbec = "off", .l2mem_mib = 64, .icount = false, .status = "pass",
		.status_code = 0, .qemu_exit = 1, .wall_seconds = 4.5, .results = &rs,
	};
	char *j = results_json_render(&r);

	cr_assert(eq(str, j,
		"{\n"
		"  \"workload\": \"getpid\",\n"
		"  \"iterations\": 5,\n"
		"  \"level\": 1,\n"
		"  \"l1\": null,\n"
		"  \"accel\": \"kvm\",\n"
		"  \"accel_reason\": \"/dev/kvm usable\",\n"
		"  \"transport\": \"backdoor\",\n"
		"  \"npt\": null,\n"
		"  \"retpoline\": \"off\",\n"
		"  \"mbec\": null,\n"
		"  \"mbec_tlb\": null,\n"
		"  \"mbec_violation\": null,\n"
		"  \"interpose\": null,\n"
		"  \"interpose_op\": null,\n"
		"  \"interpose_deny\": null,\n"
		"  \"l1_options\": null,\n"
		"  \"l2mem_mib\": null,\n"
		"  \"icount\": false,\n"
		"  \"status\": \"pass\",\n"
		"  \"status_code\": 0,\n"
		"  \"qemu_exit\": 1,\n"
		"  \"wall_seconds\": 4.500,\n"
		"  \"producer\": \"l2\",\n"
		"  \"errors\": [],\n"
		"  \"phases\": [\n"
		"    {\"name\": \"getpid\",\n"
		"     \"exits\": {},\n"
		"     \"l1_cycles\": {},\n"
		"     \"tsc\": 777}\n"
		"  ],\n"
		"  \"totals\": {\"exits\": {}, \"l1_cycles\": {}},\n"
		"  \"trace\": null\n"
		"}\n"));
	free(j);
}

Test(results_json, failure_without_stream_exact)
{
	const char *errors[] = { "no result after 120 s: guest hung?", "ctl\x01" };
	struct run_report r = {
		.workload = "null", .iterations = 1, .level = 2, .accel = "tcg",
		.accel_reason = "requested", .transport = "vmmcall", .npt = "lazy", .mbec = "off",
		.l2mem_mib = 32, .icount = true, .status = "timeout", .status_code = -1,
		.qemu_exit = -1, .wall_seconds = 120.0049, .errors = errors, .nerrors = 2,
		.results = NULL,
	};
	char *j = results_json_render(&r);

	cr_assert(eq(str, j,
		"{\n"
		"  \"workload\": \"null\",\n"
		"  \"iterations\": 1,\n"
		"  \"level\": 2,\n"
		"  \"l1\": \"nestlab\",\n"
		"  \"accel\": \"tcg\",\n"
		"  \"accel_reason\": \"requested\",\n"
		"  \"transport\": \"vmmcall\",\n"
		"  \"npt\": \"lazy\",\n"
		"  \"retpoline\": null,\n"
		"  \"mbec\": \"off\",\n"
		"  \"mbec_tlb\": null,\n"
		"  \"mbec_violation\": null,\n"
		"  \"interpose\": null,\n"
		"  \"interpose_op\": null,\n"
		"  \"interpose_deny\": null,\n"
		"  \"l1_options\": [],\n"
		"  \"l2mem_mib\": 32,\n"
		"  \"icount\": true,\n"
		"  \"status\": \"timeout\",\n"
		"  \"status_code\": null,\n"
		"  \"qemu_exit\": null,\n"
		"  \"wall_seconds\": 120.005,\n"
		"  \"producer\": null,\n"
		"  \"errors\": [\n"
		"    \"no result after 120 s: guest hung?\",\n"
		"    \"ctl\\u0001\"\n"
		"  ],\n"
		"  \"phases\": [],\n"
		"  \"totals\": {\"exits\": {}, \"l1_cycles\": {}},\n"
		"  \"trace\": null\n"
		"}\n"));
	free(j);
}

/* Per-test scratch directory. */
static char dir[64];

static void mkscratch(void)
{
	strcpy(dir, "/tmp/l0-json-XXXXXX");
	cr_assert(ne(ptr, mkdtemp(dir), NULL));
}

static void rmscratch(void)
{
	char cmd[128];

	if (getuid() != geteuid() || geteuid() == 65534)
		(void)!setresuid(0, 0, 0); /* back from the unwritable-directory test */
	chmod(dir, 0755);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
}

static int count_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	cr_assert(ne(ptr, dp, NULL));
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert(ne(ptr, f, NULL));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(results_json, atomic_write_replaces_and_leaves_no_temp,
     .init = mkscratch, .fini = rmscratch)
{
	char path[128], err[256] = "";
	struct stat st;

	snprintf(path, sizeof(path), "%s/out.json", dir);
	cr_assert(eq(int, results_json_write_atomic(path, "{\"a\": 1}\n", err, sizeof(err)), 0),
		  "%s", err);
	cr_assert(eq(str, slurp(path), "{\"a\": 1}\n"));
	cr_assert(eq(int, results_json_write_atomic(path, "{\"b\": 2}\n", err, sizeof(err)), 0));
	cr_assert(eq(str, slurp(path), "{\"b\": 2}\n"));
	cr_assert(eq(int, count_entries(dir), 1));
	cr_assert(eq(int, stat(path, &st), 0));
	cr_assert(eq(u32, st.st_mode & 0777, 0644));
}

Test(results_json, missing_directory_is_an_error, .init = mkscratch, .fini = rmscratch)
{
	char path[128], err[256] = "";

	snprintf(path, sizeof(path), "%s/nodir/out.json", dir);
	cr_assert(eq(int, results_json_write_atomic(path, "{}\n", err, sizeof(err)), -1));
	cr_assert(not(eq(ptr, strstr(err, "No such file or directory"), NULL)), "%s", err);
	cr_assert(eq(int, count_entries(dir), 0));
}

Test(results_json, unwritable_directory_keeps_old_file, .init = mkscratch, .fini = rmscratch)
{
	char path[128], err[256] = "";

	snprintf(path, sizeof(path), "%s/out.json", dir);
	cr_assert(eq(int, results_json_write_atomic(path, "old\n", err, sizeof(err)), 0));
	cr_assert(eq(int, chmod(dir, 0555), 0));
	/* Root ignores directory permissions: act as an unprivileged user,
	 * keeping root as the saved ID so the cleanup can return to it. */
	if (geteuid() == 0 && setresuid(65534, 65534, 0))
		cr_skip_test("cannot drop root privileges");
	cr_assert(eq(int, results_json_write_atomic(path, "new\n", err, sizeof(err)), -1));
	cr_assert(not(eq(ptr, strstr(err, "Permission denied"), NULL)), "%s", err);
	cr_assert(eq(str, slurp(path), "old\n"));
	cr_assert(eq(int, count_entries(dir), 1));
}

Test(results_json, trace_object)
{
	static struct trace_stats st;
	struct trace_report t = { .path = "/tmp/tr", .error = NULL, .stats = &st };
	struct run_report r = {
		.workload = "cpuid", .iterations = 1, .level = 2, .accel = "tcg",
		.accel_reason = "x", .transport = "vmmcall", .npt = "eager", .l2mem_mib = 64,
		.status = "pass", .status_code = 0, .qemu_exit = 1, .trace = &t,
	};
	char *j;

	st.dir_rc = TRACE_DIR_OK;
	st.events[NESTLAB_TRACE_L1_EXIT] = 1000;
	st.emitted = 1003;
	st.dropped = 2;
	st.rejected = 1;
	st.nrings = 1;
	st.ring[0] = (struct trace_ring_stats){ .producer = NESTLAB_TRACE_L1, .capacity = 65536,
						.phys = 0xf701000, .bytes = 4096, .emitted = 1003,
						.dropped = 2, .rejected = 1 };
	st.ring[0].reject[TRACE_REJECT_SEQ] = 1;
	j = results_json_render(&r);
	cr_assert(not(eq(ptr, j, NULL)));
	cr_assert(not(eq(ptr, strstr(j, "\"trace\": {\"path\": \"/tmp/tr\",\n"
				     "            \"directory\": true, \"error\": null,\n"
				     "            \"events\": {\"l1_exit\": 1000, \"l1_hypercall\": 0"),
			 NULL)), "%s", j);
	cr_assert(not(eq(ptr, strstr(j, "\"emitted\": 1003, \"dropped\": 2, \"rejected\": 1, "
				     "\"resyncs\": 0, \"lost_events\": 0"), NULL)), "%s", j);
	cr_assert(not(eq(ptr, strstr(j, "{\"producer\": \"l1\", \"phys\": \"0xf701000\", "
				     "\"bytes\": 4096, \"capacity\": 65536"), NULL)), "%s", j);
	cr_assert(not(eq(ptr, strstr(j, "\"rejects\": {\"bad_seq\": 1, \"bad_type\": 0"), NULL)),
		  "%s", j);
	free(j);
	t.error = "no trace directory";
	t.stats = NULL;
	j = results_json_render(&r);
	cr_assert(not(eq(ptr, strstr(j, "\"directory\": false, \"error\": \"no trace directory\""),
			 NULL)), "%s", j);
	cr_assert(not(eq(ptr, strstr(j, "\"rings\": []}\n}\n"), NULL)), "%s", j);
	free(j);
}
