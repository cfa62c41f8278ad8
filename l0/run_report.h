/*
 * Everything known about a finished (or failed) run, as handed to the human
 * table (table.c) and the JSON writer (results_json.c).
 */
#ifndef L0_RUN_REPORT_H
#define L0_RUN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "results_parse.h"
#include "trace_stats.h"

/* The "trace" object of a --trace run (docs/tracing.md). */
struct trace_report {
	const char *path;             /* the trace directory */
	const char *error;            /* what went wrong with tracing; NULL: nothing */
	const struct trace_stats *stats; /* the collector's report; NULL: none */
};

struct batch_console;

struct run_report {
	const char *workload;
	unsigned long iterations;
	int level;
	const char *l1;               /* "nestlab" / "kvm"; NULL at level 1 */
	const char *accel;            /* "kvm" / "tcg" */
	const char *accel_reason;
	const char *transport;
	const char *npt;              /* "eager"/"lazy"; NULL at level 1 */
	const char *mbec;             /* "off"/"exec-fault"; NULL at level 1 and under --l1 kvm */
	const char *retpoline;        /* the L2 kernel's "on"/"off" */
	const char *trampoline;       /* the L2 kernel's "off"/"global"; NULL: not recorded */
	const char *batch;            /* --batch: "off"/"kernel"/"l1"; NULL: not recorded */
	const struct batch_console *batch_stats; /* the kernel's batching lines, or NULL */
	const char *mbec_tlb;         /* "asid"/"flush" with MBEC on; else NULL */
	const char *mbec_violation;   /* "report"/"inject"/"stop" with MBEC on; else NULL */
	const char *interpose;        /* "off"/"inguest"/...; NULL at level 1 and under --l1 kvm */
	const char *interpose_op;     /* "count"/"trace"/"deny" with interposition on; else NULL */
	const char *interpose_deny;   /* the --interpose-deny list, or NULL */
	const char *const *l1_options; /* --l1-option words as given (nestlab's L1) */
	unsigned nl1_options;
	unsigned l2mem_mib;           /* level 2; ignored at level 1 */
	bool icount;
	const char *status;           /* outcome name: "pass", "l2_shutdown", "timeout", ... */
	int status_code;              /* enum nestlab_status, -1: none (JSON null) */
	int qemu_exit;                /* QEMU exit code, -1: none (JSON null) */
	double wall_seconds;
	const char *const *errors;    /* launcher and stream diagnoses */
	size_t nerrors;
	const struct results_stream *results; /* NULL: no stream parsed */
	const struct trace_report *trace;     /* NULL: no --trace (JSON null) */
};

#endif
