/*
 * The trampoline's state shared by ktramp.c (learning, publication,
 * regeneration, the phases' counters), ktramp_map.c (where the bytes live:
 * the pages, the per-process tables, W^X) and ktramp_report.c (the console
 * lines at the end of the run). Not for other files: ktramp.h is the
 * kernel's interface.
 */
#ifndef L2_KTRAMP_INT_H
#define L2_KTRAMP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <nestlab/ktramp.h>
#include <nestlab/procs.h>
#include <nestlab/results.h>
#include "kernel.h"
#include "ktramp.h"
#include "../../lib/tramp/tramp_ledger.h"

#define KTRAMP_RECS 8u

struct ktramp_rec {                  /* one generation, printed at the end */
	uint64_t after;                  /* generation 1: after in-phase call N */
	uint64_t phase;                  /* later ones: at the end of phase N */
	uint32_t hot[KTRAMP_HOT];
	unsigned nhot;
	size_t len;
};

struct ktramp_phase_ctr {            /* a phase's results counters */
	uint64_t direct, table, generations;
	int done;
};

_Static_assert(L2_SYS_NR == NESTLAB_KTRAMP_SYS_NR, "the ledger counts NESTLAB_KTRAMP_SYS_NR entries");

struct ktramp_ctx {
	int *state;                      /* its ktramp_state (process i: its frame's) */
	uint64_t *counts;                /* its syscall_counts (likewise) */
	unsigned pid;                    /* process mode: its pid; 0: global */
	uint8_t *bytes;                  /* where its code is written */
	uint64_t *exec_pte;              /* the PTE mapping ktramp_page to it */
	uint64_t root;                   /* process mode: the process's PML4 */
	struct ktramp_ledger lg;         /* its accounting (lib/tramp/tramp_ledger.h) */
	size_t code_len;
	int gen_rc;                      /* tramp_generate's code, if it failed */
	char mbec_why[120];              /* KTRAMP_E_MBEC: the hypercall's failure */
	struct ktramp_rec recs[KTRAMP_RECS];
	struct ktramp_phase_ctr ph[NESTLAB_MAX_PHASES];
};

extern struct ktramp_ctx ktramp_gctx;                   /* trampoline=global */
extern struct ktramp_ctx ktramp_pctx[NESTLAB_PROCS_MAX]; /* trampoline=process */
extern unsigned ktramp_nctx;                            /* processes mapped */

static inline int ktramp_proc_mode(void)
{
	return l2k.cfg.trampoline == NESTLAB_KTRAMP_PROCESS;
}

/* ktramp.c */
struct ktramp_ctx *ktramp_cur_ctx(void);        /* the running process's (or gctx) */
unsigned ktramp_ctx_list(struct ktramp_ctx **list); /* every context; how many */

/* ktramp_map.c */
uint64_t *ktramp_pte_of(uint64_t root, const void *p); /* 4 KiB PTE of p, or NULL */
void ktramp_invlpg(const void *p);
/* Make c's bytes writable and executable nowhere: the PTE to pass to
 * ktramp_page_close, or NULL (no alias to write through). */
uint64_t *ktramp_page_open(struct ktramp_ctx *c);
/* The bytes are written: read-only, executable at ktramp_page only. */
void ktramp_page_close(struct ktramp_ctx *c, uint64_t *w);

#endif
