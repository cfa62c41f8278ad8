/*
 * Unit tests for kvmstat_report.c: log2 histogram buckets and percentiles,
 * per-VM aggregation and sorting, and the exact text and JSON output for a
 * small hand-made report (two VMs, threads, an absent tracepoint, losses).
 */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "kvmstat_report.h"

Test(kvmstat_report, hist_slots)
{
	cr_assert(eq(u32, ks_hist_slot(0), 0));
	cr_assert(eq(u32, ks_hist_slot(1), 0));
	cr_assert(eq(u32, ks_hist_slot(2), 1));
	cr_assert(eq(u32, ks_hist_slot(3), 1));
	cr_assert(eq(u32, ks_hist_slot(1024), 10));
	cr_assert(eq(u32, ks_hist_slot(2047), 10));
	cr_assert(eq(u32, ks_hist_slot(1ull << 40), KS_HIST_SLOTS - 1));
}

Test(kvmstat_report, hist_percentiles)
{
	struct ks_hist h;
	memset(&h, 0, sizeof(h));
	cr_assert(eq(u64, ks_hist_percentile(&h, 50), 0));
	h.slots[10] = 98;   /* [1024, 2048) */
	h.slots[12] = 1;    /* [4096, 8192) */
	h.slots[20] = 1;
	cr_assert(eq(u64, ks_hist_percentile(&h, 50), 2047));
	cr_assert(eq(u64, ks_hist_percentile(&h, 98), 2047));
	cr_assert(eq(u64, ks_hist_percentile(&h, 99), 8191));
	cr_assert(eq(u64, ks_hist_percentile(&h, 100), (1ull << 21) - 1));
	memset(&h, 0, sizeof(h));
	h.slots[0] = 1;
	cr_assert(eq(u64, ks_hist_percentile(&h, 1), 1));
}

Test(kvmstat_report, aggregate_and_sort)
{
	struct ks_row rows[] = {
		{ 10, 11, KS_EV_PIO, 1, 0x500, 3 },
		{ 10, 12, KS_EV_PIO, 1, 0x500, 4 },
		{ 10, 11, KS_EV_CPUID, 0, 0, 5 },
		{ 20, 21, KS_EV_PIO, 1, 0x500, 100 },
		{ 10, 12, KS_EV_PIO, 0, 0x500, 7 },
	};
	struct ks_row out[5];
	size_t m = ks_rows_by_vm(rows, 5, 10, out);
	cr_assert(eq(sz, m, 3));
	cr_assert(eq(u64, out[0].count, 7));
	cr_assert(eq(u32, out[0].event, KS_EV_PIO));
	cr_assert(eq(u32, out[0].arg, 0));   /* tie at 7: read (arg 0) before write */
	cr_assert(eq(u64, out[1].count, 7));
	cr_assert(eq(u32, out[1].arg, 1));
	cr_assert(eq(u64, out[2].count, 5));
	cr_assert(eq(u32, out[2].event, KS_EV_CPUID));
	cr_assert(eq(sz, ks_rows_by_vm(rows, 5, 99, out), 0));
}

static struct ks_report sample(struct ks_row *rows, size_t n, struct ks_thread_info *thr, size_t nt)
{
	struct ks_report r;
	memset(&r, 0, sizeof(r));
	r.duration_s = 1.5;
	r.mode = "count";
	r.target = "pid 10";
	for (int e = 0; e < KS_EV_COUNT; e++)
		r.tp_state[e] = KS_TP_NOT_REQUESTED;
	r.tp_state[KS_EV_PIO] = KS_TP_ATTACHED;
	r.tp_state[KS_EV_NESTED_VMRUN] = KS_TP_ABSENT;
	r.stats[KS_STAT_HITS + KS_EV_PIO] = 7;
	r.stats[KS_STAT_COUNTS_FULL] = 2;
	r.rows = rows;
	r.nrows = n;
	r.threads = thr;
	r.nthreads = nt;
	return r;
}

static char *render(const struct ks_report *r, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(ne(ptr, f, NULL));
	if (json)
		ks_report_json(f, r);
	else
		ks_report_text(f, r);
	fclose(f);
	return buf;
}

Test(kvmstat_report, text)
{
	struct ks_row rows[] = {
		{ 10, 10, KS_EV_PIO, 1, 0x500, 4 },
		{ 10, 11, KS_EV_PIO, 0, 0x500, 3 },
	};
	struct ks_thread_info thr[] = { { 10, 10, "vm" }, { 11, 10, "CPU 0/KVM" } };
	struct ks_report r = sample(rows, 2, thr, 2);
	char *t = render(&r, 0);
	cr_assert(ne(ptr, strstr(t, "nestlab-kvmstat: pid 10, 1.500 s, count mode, 1 VM process(es)\n"), NULL));
	cr_assert(ne(ptr, strstr(t, "  kvm_pio                    attached            7 events\n"), NULL));
	cr_assert(ne(ptr, strstr(t, "  kvm_nested_vmrun           not available on this kernel\n"), NULL));
	cr_assert(ne(ptr, strstr(t, "  kvm_exit                   not requested\n"), NULL));
	cr_assert(ne(ptr, strstr(t, "VM pid 10 (vm), 2 thread(s): 10(vm)=4 11(CPU 0/KVM)=3\n"), NULL));
	const char *w = strstr(t, "  pio                port 0x0500 write                         4   57.14%\n");
	const char *rd = strstr(t, "  pio                port 0x0500 read                          3   42.86%\n");
	cr_assert(ne(ptr, (void *)w, NULL));
	cr_assert(ne(ptr, (void *)rd, NULL));
	cr_assert(lt(ptr, (void *)w, (void *)rd));   /* sorted by count */
	cr_assert(ne(ptr, strstr(t, "Lost: 2 events (counts map full)"), NULL));
	free(t);
}

Test(kvmstat_report, json_exact)
{
	struct ks_row rows[] = { { 10, 10, KS_EV_PIO, 1, 0x500, 4 } };
	struct ks_thread_info thr[] = { { 10, 10, "v\"m" } };
	struct ks_report r = sample(rows, 1, thr, 1);
	char *j = render(&r, 1);
	const char *ev = "{\"event\":\"pio\",\"arg\":1,\"code\":1280,\"detail\":\"port 0x0500 write\",\"count\":4}";
	char want[2048];
	snprintf(want, sizeof(want),
		 "\"vms\":[{\"pid\":10,\"comm\":\"v\\\"m\",\"events\":[%s],\"threads\":[{\"tid\":10,"
		 "\"comm\":\"v\\\"m\",\"total\":4,\"events\":[%s]}],\"latency\":[]}],"
		 "\"lost\":{\"counts_map_full\":2,\"latency_map_full\":0,\"pending_map_full\":0}}\n", ev, ev);
	cr_assert(ne(ptr, strstr(j, want), NULL), "got: %s", j);
	cr_assert(eq(int, strncmp(j, "{\"tool\":\"nestlab-kvmstat\",\"format\":1,\"target\":\"pid 10\","
				  "\"mode\":\"count\",\"duration_s\":1.500000,\"latency\":false,", 101), 0), "got: %s", j);
	cr_assert(ne(ptr, strstr(j, "{\"name\":\"kvm_pio\",\"state\":\"attached\",\"events\":7}"), NULL));
	cr_assert(ne(ptr, strstr(j, "{\"name\":\"kvm_nested_vmrun\",\"state\":\"not available on this kernel\"}"), NULL));
	free(j);
}

Test(kvmstat_report, attach_method)
{
	struct ks_row rows[] = { { 10, 10, KS_EV_PIO, 1, 0x500, 4 } };
	struct ks_thread_info thr[] = { { 10, 10, "vm" } };
	struct ks_report r = sample(rows, 1, thr, 1);
	r.tp_state[KS_EV_EXIT] = KS_TP_ATTACHED;
	r.tp_attach[KS_EV_EXIT] = KS_ATTACH_CLASSIC;
	r.tp_attach[KS_EV_PIO] = KS_ATTACH_RAW;
	r.stats[KS_STAT_HITS + KS_EV_EXIT] = 3;
	char *t = render(&r, 0);
	cr_assert(ne(ptr, strstr(t, "  kvm_pio                    attached            7 events via tp_btf\n"), NULL), "got: %s", t);
	cr_assert(ne(ptr, strstr(t, "  kvm_exit                   attached            3 events via tracepoint\n"), NULL), "got: %s", t);
	free(t);
	char *j = render(&r, 1);
	cr_assert(ne(ptr, strstr(j, "{\"name\":\"kvm_pio\",\"state\":\"attached\",\"events\":7,\"attach\":\"tp_btf\"}"), NULL), "got: %s", j);
	cr_assert(ne(ptr, strstr(j, "{\"name\":\"kvm_exit\",\"state\":\"attached\",\"events\":3,\"attach\":\"tracepoint\"}"), NULL), "got: %s", j);
	cr_assert(ne(ptr, strstr(j, "{\"name\":\"kvm_nested_vmrun\",\"state\":\"not available on this kernel\"}"), NULL));
	free(j);
	cr_assert(eq(str, (char *)ks_tp_attach_name(KS_ATTACH_RAW), "tp_btf"));
	cr_assert(eq(ptr, (void *)ks_tp_attach_name(KS_ATTACH_UNKNOWN), NULL));
}

Test(kvmstat_report, json_latency)
{
	struct ks_row rows[] = { { 10, 10, KS_EV_EXIT, KS_ISA_SVM, 0x72, 2 } };
	struct ks_lat_row lat = { 10, 10, KS_ISA_SVM, 0x72, { .count = 2, .sum_ns = 3000, .max_ns = 2000 } };
	lat.hist.slots[9] = 1;
	lat.hist.slots[10] = 1;
	struct ks_report r = sample(rows, 1, NULL, 0);
	r.lat = &lat;
	r.nlat = 1;
	r.latency_on = 1;
	char *j = render(&r, 1);
	cr_assert(ne(ptr, strstr(j, "\"latency\":[{\"tid\":10,\"isa\":\"svm\",\"reason\":114,\"name\":\"VMEXIT_CPUID\","
				 "\"count\":2,\"sum_ns\":3000,\"max_ns\":2000,\"p50_ns\":1023,\"p99_ns\":2047,"
				 "\"log2_buckets\":[0,0,0,0,0,0,0,0,0,1,1,0,"), NULL), "got: %s", j);
	free(j);
	char *t = render(&r, 0);
	cr_assert(ne(ptr, strstr(t, "  10       VMEXIT_CPUID                        2       1500       1023       2047       2000\n"), NULL), "got: %s", t);
	free(t);
}

Test(kvmstat_report, json_escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ks_json_string(f, "a\"b\\c\n\x01");
	fclose(f);
	cr_assert(eq(str, buf, "\"a\\\"b\\\\c\\u000a\\u0001\""));
	free(buf);
}

Test(kvmstat_report, lttng)
{
	struct ks_row rows[] = { { 10, 10, KS_EV_PIO, 1, 0x500, 4 } };
	struct ks_thread_info thr[] = { { 10, 10, "vm" } };
	struct ks_report r = sample(rows, 1, thr, 1);
	char *t = render(&r, 0), *j = render(&r, 1);

	cr_assert(eq(ptr, strstr(t, "LTTng:"), NULL), "no LTTng line without --lttng");
	cr_assert(eq(ptr, strstr(j, "\"lttng\""), NULL));
	free(t);
	free(j);
	r.mode = "record";
	r.lttng_on = 1;
	r.lttng_emitted = 9;
	r.lttng_no_session = 2;
	r.stats[KS_STAT_REC_FULL] = 3;
	t = render(&r, 0);
	j = render(&r, 1);
	cr_assert(ne(ptr, strstr(t, "LTTng: 9 events emitted as nestlab_kvm:*, 2 of them while no session "
				 "enabled them, 0 dropped at the --record limit, 3 dropped (ring buffer full)\n"),
		     NULL), "got: %s", t);
	cr_assert(eq(ptr, strstr(t, "Records:"), NULL), "no record file, no Records line");
	cr_assert(ne(ptr, strstr(j, ",\"lttng\":{\"emitted\":9,\"no_session\":2,\"dropped_limit\":0,"
				 "\"dropped_full\":3}}\n"), NULL), "got: %s", j);
	free(t);
	free(j);
}
