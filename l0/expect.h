/*
 * What one run of a workload must show, evaluated from its declared model
 * (include/nestlab/workload_model.h) for a given iteration count, level,
 * transport and NPT mode (and L1's MBEC emulation): the phase's exits, the
 * run status (as the launcher names it), QEMU's exit code and the number of
 * PASS lines. Pure; rendered as the JSON object `nestlab expect` prints.
 */
#ifndef L0_EXPECT_H
#define L0_EXPECT_H

#include <stdbool.h>
#include <stdio.h>
#include <nestlab/hypercall.h>
#include <nestlab/procs.h>
#include "results_parse.h"
#include "run_config.h"
#include "expect_batch.h"
#include "expect_ktramp.h"
#include "expect_l1_batch.h"

struct expect_params {
	unsigned workload;              /* enum nestlab_workload */
	unsigned long iterations;
	int level;                      /* 1 or 2 */
	enum nestlab_transport transport;
	bool npt_lazy;                  /* level 2 only */
	struct nestlab_procs procs;     /* multi's programs; n = 0: NESTLAB_PROCS_DEFAULT */
	enum l0_mbec mbec;              /* level 2: L1's MBEC emulation */
	enum l0_mbec_violation mbec_violation; /* with it: L1's violation policy */
	enum l0_batch batch;            /* --batch: kernel adds the "batch" object */
	unsigned batch_max;             /* --batch-max; 0: NESTLAB_BATCH_MAX_DEFAULT */
	enum l0_interpose interpose;    /* level 2: L1's system-call interposition */
	bool other_module;              /* --l2-module is not the interposer */
	unsigned trampoline;            /* --trampoline: enum nestlab_ktramp_mode */
	unsigned trampoline_window;     /* --trampoline-window; 0: the default */
};

struct expect {
	bool exits_known;               /* the phase ends (status pass) */
	struct results_exits exits;     /* counts only; cycles stay 0 */
	int status_code;                /* enum nestlab_status, -1: none */
	const char *status;             /* "pass", ..., "no_status" */
	int qemu_exit;                  /* (status << 1) | 1, or 0 without one */
	unsigned checks;                /* "PASS: <workload>:" lines */
	unsigned long long mbec_switches; /* under MBEC: view switches per iteration */
	struct results_exits mbec_exits;  /* under MBEC: the exits they add per iteration */
	struct expect_batch batch;      /* --batch kernel|both: the kernel's batching */
	struct expect_l1_batch l1_batch; /* --batch l1|both: L1's batching */
	unsigned long long interpose_calls; /* under interposition: calls per iteration */
	struct expect_ktramp ktramp;    /* --trampoline: phase 0's counters */
	/* under interposition: the phase's interpose.total (calls, or with
	 * the kernel's batching kernel entries, + the fixed PHASE_END call);
	 * not known under batching without the workload's batching model */
	unsigned long long interpose_seen;
	bool interpose_seen_known;
};

/* Fills `e` from the model; -1 if the workload is unknown or has no model. */
int expect_compute(const struct expect_params *p, struct expect *e);

/* One line of JSON: the parameters, then status, status_code, qemu_exit,
 * exits (as a results phase's "exits", null when not known: the run does not
 * pass, or runs under MBEC) and checks; under MBEC the parameters include
 * "mbec" and "mbec_violation" and the line ends with
 * "mbec_switches_per_iter" and "mbec_exits_per_iter" (the exits the
 * design adds per iteration, by reason); under interposition also
 * "interpose", "interpose_calls_per_iter" and "interpose_calls_fixed"
 * (without the kernel's batching the phase's interpose.total is
 * calls_per_iter * N + calls_fixed) and "interpose_total" (interpose.total
 * itself: under --batch kernel|both the kernel entries + calls_fixed, null
 * when the workload has no batching model);
 * with --batch kernel or both "batch" (expect_batch_render); with --batch
 * l1 or both "l1_counters" (the phase's counters from L1's batching,
 * expect_l1_batch_render; null when the workload declares no runs); with
 * --trampoline global|process "counters", the phase's trampoline counters
 * as the results JSON's phase "counters" shows them
 * (results_json_counter_map; null for a workload whose calls are not
 * modelled). */
void expect_render(FILE *f, const struct expect_params *p, const struct expect *e);

#endif
