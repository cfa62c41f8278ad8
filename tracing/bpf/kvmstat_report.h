/*
 * kvmstat_report.h: what nestlab-kvmstat collected, as plain arrays read out
 * of the BPF maps, and the two ways it is written out: a per-VM text table
 * sorted by count (like `perf kvm stat report`) and a JSON document for
 * analysis. Pure formatting over the arrays, so tests feed them directly.
 */
#ifndef NESTLAB_KVMSTAT_REPORT_H
#define NESTLAB_KVMSTAT_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "kvmstat.h"

/* One counter: a (process, thread, event, detail) key and its total over CPUs. */
struct ks_row {
	uint32_t tgid, tid, event, arg;
	uint64_t code;
	uint64_t count;
};

/* One latency histogram: (process, thread, isa, exit reason), summed over CPUs. */
struct ks_lat_row {
	uint32_t tgid, tid, isa, reason;
	struct ks_hist hist;
};

struct ks_thread_info {
	uint32_t tid, tgid;
	char comm[16];
};

enum ks_tp_state {
	KS_TP_NOT_REQUESTED,  /* left out by --events */
	KS_TP_ATTACHED,
	KS_TP_ABSENT,         /* not available on this kernel */
};

/* How an attached tracepoint is attached (the report says it when known). */
enum ks_tp_attach {
	KS_ATTACH_UNKNOWN,    /* not said */
	KS_ATTACH_RAW,        /* BTF-enabled raw tracepoint (tp_btf): no trace record built */
	KS_ATTACH_CLASSIC,    /* classic tracepoint: the program reads the trace record */
};

struct ks_report {
	double duration_s;
	const char *mode;            /* "count" or "record" */
	const char *target;          /* "pid 42", "command ./x", "all KVM processes" */
	enum ks_tp_state tp_state[KS_EV_COUNT];
	enum ks_tp_attach tp_attach[KS_EV_COUNT];   /* for KS_TP_ATTACHED ones */
	uint64_t stats[KS_STAT_COUNT];   /* losses and per-event hits */
	int latency_on;              /* kvm_exit and kvm_entry both attached */
	uint64_t records_written;    /* ring-buffer records received */
	const char *record_file;     /* --record's file (NULL: none) */
	int lttng_on;                /* --lttng */
	uint64_t lttng_emitted;      /* records emitted as LTTng-UST events */
	uint64_t lttng_no_session;   /* of those, emitted while no session enabled them */
	const struct ks_row *rows;
	size_t nrows;
	const struct ks_lat_row *lat;
	size_t nlat;
	const struct ks_thread_info *threads;
	size_t nthreads;
};

/* Upper bound (ns) of the log2 bucket holding the pct-th percentile; 0 if empty. */
uint64_t ks_hist_percentile(const struct ks_hist *h, unsigned pct);
/* Log2 bucket of a latency in ns (the BPF side's rule). */
unsigned ks_hist_slot(uint64_t ns);

/* Sort rows by count (descending), then event, arg, code, tgid, tid. */
void ks_rows_sort(struct ks_row *rows, size_t n);
/* Sum a process's rows over its threads into out (capacity n); returns how many. */
size_t ks_rows_by_vm(const struct ks_row *rows, size_t n, uint32_t tgid, struct ks_row *out);

/* "tp_btf", "tracepoint", or NULL for KS_ATTACH_UNKNOWN. */
const char *ks_tp_attach_name(enum ks_tp_attach a);

void ks_report_text(FILE *f, const struct ks_report *r);
void ks_report_json(FILE *f, const struct ks_report *r);
/* Write s as a JSON string literal (quotes included). */
void ks_json_string(FILE *f, const char *s);

#endif
