/*
 * The matrix of `nestlab bench`: every experiment's cases expanded into
 * cells, one cell per distinct launcher run (workload, transport, NPT mode,
 * iterations, level, L1 kind, memory), shared between experiments that ask
 * for the same run, and the members that say which experiment and case use
 * which cell. At level 1 there is no L1: NPT mode and L1 kind are "-" there,
 * so the level-1 twin of a nestlab and a KVM cell is one cell. A cell the
 * launcher cannot run (L1 kind kvm without --l1 support) is kept, marked
 * not available with the reason, and never run.
 */
#ifndef L0_BENCH_MATRIX_H
#define L0_BENCH_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <nestlab/hypercall.h>
#include "bench_exp.h"

#define BENCH_NONE (-1) /* npt and l1 at level 1 */

enum bench_npt { BENCH_NPT_EAGER = 0, BENCH_NPT_LAZY = 1 };
enum bench_l1 { BENCH_L1_NESTLAB = 0, BENCH_L1_KVM = 1 };

struct bench_cell {
	char id[192];                 /* cpuid-l2-nestlab-vmmcall-eager-n1000 */
	unsigned workload;            /* enum nestlab_workload */
	enum nestlab_transport transport;
	int npt;                      /* enum bench_npt or BENCH_NONE */
	unsigned long iterations;
	int level;
	int l1;                       /* enum bench_l1 or BENCH_NONE */
	unsigned long l2mem, mem;     /* 0: the launcher's default */
	int mbec;                     /* enum bench_mbec: --mbec (nestlab's L1) */
	int mbec_tlb;                 /* 0 asid, 1 flush: --mbec-tlb */
	int batch;                    /* 0 off, 1 kernel, 2 l1: --batch */
	int interpose;                /* enum l0_interpose: --interpose (nestlab's L1) */
	char l1_options[160];         /* --l1-option words, space-separated, or "" */
	int trampoline;               /* enum nestlab_ktramp_mode: --trampoline */
	int retpoline;                /* 1 on (the default), 0 off: --retpoline */
	char procs[96];               /* multi: --procs, or "" (the default) */
	bool available;
	char why[96];                 /* why not available */
};

struct bench_member {
	unsigned exp;                 /* index into the experiments given */
	unsigned cell;
	const char *case_name;        /* the case's name (owned by the experiment) */
	const char *exit;             /* the exit reason it measures, or NULL
				       * (@hc: the cell's transport's, resolved) */
	bool per_iteration;
};

struct bench_matrix {
	unsigned ncells, nmembers;
	struct bench_cell *cells;
	struct bench_member *members;
	size_t cells_cap, members_cap;
};

struct bench_matrix_opts {
	bool full;                    /* iterations_full instead of iterations */
	bool l1_kvm;                  /* the launcher has --l1 kvm */
};

/* Adds experiment `x` (index `exp`) to `m`. 0, or -1 out of memory. */
int bench_matrix_add(struct bench_matrix *m, unsigned exp, const struct bench_exp *x,
		     const struct bench_matrix_opts *o);
void bench_matrix_free(struct bench_matrix *m);

/* How many cells (available or not) experiment `exp` uses. */
unsigned bench_matrix_cells_of(const struct bench_matrix *m, unsigned exp);

const char *bench_npt_name(int npt);   /* eager, lazy, "-" */
const char *bench_l1_name(int l1);     /* nestlab, kvm, "-" */

/* The cell's id, as bench_matrix_add names it. */
void bench_cell_id(const struct bench_cell *c, char *buf, size_t n);

#endif
