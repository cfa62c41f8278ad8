/*
 * kvmstat_report.c: turns the counters nestlab-kvmstat read out of its BPF
 * maps into a per-VM table sorted by count (shares are within each
 * tracepoint, since several tracepoints see the same exit) and into JSON;
 * derives p50/p99 from the log2 latency histograms. Every loss the BPF side
 * counted is printed, never dropped silently.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "kvmstat_names.h"
#include "kvmstat_report.h"

unsigned ks_hist_slot(uint64_t ns)
{
	unsigned s = 0;
	while (ns > 1) {
		ns >>= 1;
		s++;
	}
	return s < KS_HIST_SLOTS ? s : KS_HIST_SLOTS - 1;
}

uint64_t ks_hist_percentile(const struct ks_hist *h, unsigned pct)
{
	uint64_t total = 0, need, seen = 0;
	for (unsigned i = 0; i < KS_HIST_SLOTS; i++)
		total += h->slots[i];
	if (!total)
		return 0;
	need = (total * pct + 99) / 100;   /* nearest-rank */
	if (!need)
		need = 1;
	for (unsigned i = 0; i < KS_HIST_SLOTS; i++) {
		seen += h->slots[i];
		if (seen >= need)
			return i == KS_HIST_SLOTS - 1 ? UINT64_MAX : (2ull << i) - 1;
	}
	return UINT64_MAX;
}

static int ks_row_cmp(const void *a, const void *b)
{
	const struct ks_row *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
#define KS_CMP(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
	KS_CMP(event); KS_CMP(arg); KS_CMP(code); KS_CMP(tgid); KS_CMP(tid);
#undef KS_CMP
	return 0;
}

void ks_rows_sort(struct ks_row *rows, size_t n)
{
	qsort(rows, n, sizeof(*rows), ks_row_cmp);
}

size_t ks_rows_by_vm(const struct ks_row *rows, size_t n, uint32_t tgid, struct ks_row *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j;
		if (rows[i].tgid != tgid)
			continue;
		for (j = 0; j < m; j++)
			if (out[j].event == rows[i].event && out[j].arg == rows[i].arg &&
			    out[j].code == rows[i].code)
				break;
		if (j == m) {
			out[m] = rows[i];
			out[m].tid = 0;
			out[m].count = 0;
			m++;
		}
		out[j].count += rows[i].count;
	}
	ks_rows_sort(out, m);
	return m;
}

/* Distinct tgids of the rows, ascending; returns how many. */
static size_t ks_vm_list(const struct ks_report *r, uint32_t *out)
{
	size_t m = 0;
	for (size_t i = 0; i < r->nrows; i++) {
		size_t j = 0;
		while (j < m && out[j] != r->rows[i].tgid)
			j++;
		if (j == m)
			out[m++] = r->rows[i].tgid;
	}
	for (size_t i = 1; i < m; i++)
		for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
			uint32_t t = out[j]; out[j] = out[j - 1]; out[j - 1] = t;
		}
	return m;
}

static const char *ks_comm(const struct ks_report *r, uint32_t tid)
{
	for (size_t i = 0; i < r->nthreads; i++)
		if (r->threads[i].tid == tid)
			return r->threads[i].comm;
	return "?";
}

/* A process's name: its main thread's, else its first counted thread's. */
static const char *ks_vm_comm(const struct ks_report *r, uint32_t tgid)
{
	for (size_t i = 0; i < r->nthreads; i++)
		if (r->threads[i].tid == tgid)
			return r->threads[i].comm;
	for (size_t i = 0; i < r->nthreads; i++)
		if (r->threads[i].tgid == tgid)
			return r->threads[i].comm;
	return "?";
}

static uint64_t ks_event_total(const struct ks_row *rows, size_t n, uint32_t event)
{
	uint64_t t = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].event == event)
			t += rows[i].count;
	return t;
}

/* Threads of one process with their event totals, ascending tid. */
static size_t ks_vm_threads(const struct ks_report *r, uint32_t tgid, uint32_t *tids, uint64_t *totals)
{
	size_t m = 0;
	for (size_t i = 0; i < r->nrows; i++) {
		size_t j = 0;
		if (r->rows[i].tgid != tgid)
			continue;
		while (j < m && tids[j] != r->rows[i].tid)
			j++;
		if (j == m) {
			tids[m] = r->rows[i].tid;
			totals[m++] = 0;
		}
		totals[j] += r->rows[i].count;
	}
	for (size_t i = 1; i < m; i++)
		for (size_t j = i; j > 0 && tids[j - 1] > tids[j]; j--) {
			uint32_t t = tids[j]; tids[j] = tids[j - 1]; tids[j - 1] = t;
			uint64_t u = totals[j]; totals[j] = totals[j - 1]; totals[j - 1] = u;
		}
	return m;
}

static const char *ks_tp_state_name(enum ks_tp_state s)
{
	return s == KS_TP_ATTACHED ? "attached" : s == KS_TP_ABSENT ?
		"not available on this kernel" : "not requested";
}

const char *ks_tp_attach_name(enum ks_tp_attach a)
{
	return a == KS_ATTACH_RAW ? "tp_btf" : a == KS_ATTACH_CLASSIC ? "tracepoint" : NULL;
}

static const char *ks_isa_name(uint32_t isa)
{
	return isa == KS_ISA_SVM ? "svm" : isa == KS_ISA_VMX ? "vmx" : "unknown";
}

void ks_report_text(FILE *f, const struct ks_report *r)
{
	size_t n = r->nrows ? r->nrows : 1;
	uint32_t *vms = calloc(n, sizeof(*vms)), *tids = calloc(n, sizeof(*tids));
	uint64_t *totals = calloc(n, sizeof(*totals));
	struct ks_row *agg = calloc(n, sizeof(*agg));
	char label[64];

	if (!vms || !tids || !totals || !agg) {
		fprintf(f, "nestlab-kvmstat: out of memory while writing the report\n");
		goto out;
	}
	size_t nvm = ks_vm_list(r, vms);
	fprintf(f, "nestlab-kvmstat: %s, %.3f s, %s mode, %zu VM process(es)\n",
		r->target, r->duration_s, r->mode, nvm);
	fprintf(f, "\nTracepoints:\n");
	for (unsigned e = 0; e < KS_EV_COUNT; e++) {
		if (r->tp_state[e] == KS_TP_ATTACHED) {
			const char *how = ks_tp_attach_name(r->tp_attach[e]);
			fprintf(f, "  %-26s attached %12" PRIu64 " events%s%s\n", ks_event_tracepoint(e),
				r->stats[KS_STAT_HITS + e], how ? " via " : "", how ? how : "");
		} else
			fprintf(f, "  %-26s %s\n", ks_event_tracepoint(e), ks_tp_state_name(r->tp_state[e]));
	}
	for (size_t v = 0; v < nvm; v++) {
		size_t m = ks_rows_by_vm(r->rows, r->nrows, vms[v], agg);
		size_t nt = ks_vm_threads(r, vms[v], tids, totals);
		uint64_t total = 0;
		fprintf(f, "\nVM pid %u (%s), %zu thread(s):", vms[v], ks_vm_comm(r, vms[v]), nt);
		for (size_t t = 0; t < nt; t++)
			fprintf(f, " %u(%s)=%" PRIu64, tids[t], ks_comm(r, tids[t]), totals[t]);
		fprintf(f, "\n  %-18s %-30s %12s %8s\n", "Event", "Detail", "Count", "Share");
		for (size_t i = 0; i < m; i++) {
			uint64_t et = ks_event_total(agg, m, agg[i].event);
			ks_detail_label(label, sizeof(label), agg[i].event, agg[i].arg, agg[i].code);
			fprintf(f, "  %-18s %-30s %12" PRIu64 " %7.2f%%\n", ks_event_short(agg[i].event),
				label, agg[i].count, et ? 100.0 * (double)agg[i].count / (double)et : 0.0);
			total += agg[i].count;
		}
		fprintf(f, "  %-18s %-30s %12" PRIu64 "\n", "total", "(all tracepoints)", total);
		int header = 0;
		for (size_t i = 0; i < r->nlat; i++) {
			const struct ks_hist *h = &r->lat[i].hist;
			if (r->lat[i].tgid != vms[v] || !h->count)
				continue;
			if (!header) {
				fprintf(f, "  Exit-to-entry latency (log2 buckets; p50/p99 are bucket upper bounds):\n");
				fprintf(f, "  %-8s %-26s %10s %10s %10s %10s %10s\n", "Thread", "Reason",
					"Count", "Avg ns", "p50 ns", "p99 ns", "Max ns");
				header = 1;
			}
			ks_exit_label(label, sizeof(label), r->lat[i].isa, r->lat[i].reason);
			fprintf(f, "  %-8u %-26s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
				" %10" PRIu64 "\n", r->lat[i].tid, label, (uint64_t)h->count,
				(uint64_t)(h->sum_ns / h->count), ks_hist_percentile(h, 50),
				ks_hist_percentile(h, 99), (uint64_t)h->max_ns);
		}
	}
	if (!r->latency_on)
		fprintf(f, "\nLatency: off (needs both kvm_exit and kvm_entry)\n");
	else if (!r->stats[KS_STAT_HITS + KS_EV_EXIT])
		fprintf(f, "\nLatency: on, but kvm_exit never fired for the traced processes "
			"(this host's KVM handles their exits without it)\n");
	fprintf(f, "\nLost: %" PRIu64 " events (counts map full), %" PRIu64 " latencies (histogram map full), %"
		PRIu64 " exits untimed (pending map full)\n", r->stats[KS_STAT_COUNTS_FULL],
		r->stats[KS_STAT_LAT_FULL], r->stats[KS_STAT_START_FULL]);
	if (r->record_file)
		fprintf(f, "Records: %" PRIu64 " written to %s, %" PRIu64 " dropped at the --record limit, %"
			PRIu64 " dropped (ring buffer full)\n", r->records_written, r->record_file,
			r->stats[KS_STAT_REC_LIMIT], r->stats[KS_STAT_REC_FULL]);
	if (r->lttng_on)
		fprintf(f, "LTTng: %" PRIu64 " events emitted as nestlab_kvm:*, %" PRIu64 " of them while "
			"no session enabled them, %" PRIu64 " dropped at the --record limit, %" PRIu64
			" dropped (ring buffer full)\n", r->lttng_emitted, r->lttng_no_session,
			r->stats[KS_STAT_REC_LIMIT], r->stats[KS_STAT_REC_FULL]);
out:
	free(vms); free(tids); free(totals); free(agg);
}

void ks_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void ks_json_rows(FILE *f, const struct ks_row *rows, size_t n)
{
	char label[64];
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		ks_detail_label(label, sizeof(label), rows[i].event, rows[i].arg, rows[i].code);
		fprintf(f, "%s{\"event\":", i ? "," : "");
		ks_json_string(f, ks_event_short(rows[i].event));
		fprintf(f, ",\"arg\":%u,\"code\":%" PRIu64 ",\"detail\":", rows[i].arg, rows[i].code);
		ks_json_string(f, label);
		fprintf(f, ",\"count\":%" PRIu64 "}", rows[i].count);
	}
	fputc(']', f);
}

void ks_report_json(FILE *f, const struct ks_report *r)
{
	size_t n = r->nrows ? r->nrows : 1;
	uint32_t *vms = calloc(n, sizeof(*vms)), *tids = calloc(n, sizeof(*tids));
	uint64_t *totals = calloc(n, sizeof(*totals));
	struct ks_row *agg = calloc(n, sizeof(*agg)), *trows = calloc(n, sizeof(*trows));
	char label[64];

	if (!vms || !tids || !totals || !agg || !trows)
		goto out;
	size_t nvm = ks_vm_list(r, vms);
	fprintf(f, "{\"tool\":\"nestlab-kvmstat\",\"format\":1,\"target\":");
	ks_json_string(f, r->target);
	fprintf(f, ",\"mode\":");
	ks_json_string(f, r->mode);
	fprintf(f, ",\"duration_s\":%.6f,\"latency\":%s,\"tracepoints\":[", r->duration_s,
		r->latency_on ? "true" : "false");
	for (unsigned e = 0; e < KS_EV_COUNT; e++) {
		fprintf(f, "%s{\"name\":\"%s\",\"state\":\"%s\"", e ? "," : "", ks_event_tracepoint(e),
			ks_tp_state_name(r->tp_state[e]));
		if (r->tp_state[e] == KS_TP_ATTACHED) {
			const char *how = ks_tp_attach_name(r->tp_attach[e]);
			fprintf(f, ",\"events\":%" PRIu64, r->stats[KS_STAT_HITS + e]);
			if (how)
				fprintf(f, ",\"attach\":\"%s\"", how);
		}
		fputc('}', f);
	}
	fprintf(f, "],\"vms\":[");
	for (size_t v = 0; v < nvm; v++) {
		size_t m = ks_rows_by_vm(r->rows, r->nrows, vms[v], agg);
		size_t nt = ks_vm_threads(r, vms[v], tids, totals);
		fprintf(f, "%s{\"pid\":%u,\"comm\":", v ? "," : "", vms[v]);
		ks_json_string(f, ks_vm_comm(r, vms[v]));
		fprintf(f, ",\"events\":");
		ks_json_rows(f, agg, m);
		fprintf(f, ",\"threads\":[");
		for (size_t t = 0; t < nt; t++) {
			size_t k = 0;
			for (size_t i = 0; i < r->nrows; i++)
				if (r->rows[i].tgid == vms[v] && r->rows[i].tid == tids[t])
					trows[k++] = r->rows[i];
			ks_rows_sort(trows, k);
			fprintf(f, "%s{\"tid\":%u,\"comm\":", t ? "," : "", tids[t]);
			ks_json_string(f, ks_comm(r, tids[t]));
			fprintf(f, ",\"total\":%" PRIu64 ",\"events\":", totals[t]);
			ks_json_rows(f, trows, k);
			fputc('}', f);
		}
		fprintf(f, "],\"latency\":[");
		int first = 1;
		for (size_t i = 0; i < r->nlat; i++) {
			const struct ks_hist *h = &r->lat[i].hist;
			if (r->lat[i].tgid != vms[v] || !h->count)
				continue;
			ks_exit_label(label, sizeof(label), r->lat[i].isa, r->lat[i].reason);
			fprintf(f, "%s{\"tid\":%u,\"isa\":\"%s\",\"reason\":%u,\"name\":", first ? "" : ",",
				r->lat[i].tid, ks_isa_name(r->lat[i].isa), r->lat[i].reason);
			ks_json_string(f, label);
			fprintf(f, ",\"count\":%" PRIu64 ",\"sum_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64
				",\"p50_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64 ",\"log2_buckets\":[",
				(uint64_t)h->count, (uint64_t)h->sum_ns, (uint64_t)h->max_ns,
				ks_hist_percentile(h, 50), ks_hist_percentile(h, 99));
			for (unsigned s = 0; s < KS_HIST_SLOTS; s++)
				fprintf(f, "%s%" PRIu64, s ? "," : "", (uint64_t)h->slots[s]);
			fprintf(f, "]}");
			first = 0;
		}
		fprintf(f, "]}");
	}
	fprintf(f, "],\"lost\":{\"counts_map_full\":%" PRIu64 ",\"latency_map_full\":%" PRIu64
		",\"pending_map_full\":%" PRIu64 "}", r->stats[KS_STAT_COUNTS_FULL],
		r->stats[KS_STAT_LAT_FULL], r->stats[KS_STAT_START_FULL]);
	if (r->record_file) {
		fprintf(f, ",\"records\":{\"file\":");
		ks_json_string(f, r->record_file);
		fprintf(f, ",\"written\":%" PRIu64 ",\"dropped_limit\":%" PRIu64 ",\"dropped_full\":%" PRIu64 "}",
			r->records_written, r->stats[KS_STAT_REC_LIMIT], r->stats[KS_STAT_REC_FULL]);
	}
	if (r->lttng_on)
		fprintf(f, ",\"lttng\":{\"emitted\":%" PRIu64 ",\"no_session\":%" PRIu64
			",\"dropped_limit\":%" PRIu64 ",\"dropped_full\":%" PRIu64 "}", r->lttng_emitted,
			r->lttng_no_session, r->stats[KS_STAT_REC_LIMIT], r->stats[KS_STAT_REC_FULL]);
	fprintf(f, "}\n");
out:
	free(vms); free(tids); free(totals); free(agg); free(trows);
}
