/*
 * What one `nestlab run` was asked to do: the parsed command line, shared by
 * the argument parser (cli.c), accelerator choice (accel.c), the QEMU command
 * line builder (qemu_cmdline.c) and the run driver (cmd_run.c).
 */
#ifndef L0_RUN_CONFIG_H
#define L0_RUN_CONFIG_H

#include <stdbool.h>
#include <nestlab/hypercall.h>
#include <nestlab/procs.h>

enum l0_accel {
	L0_ACCEL_AUTO = 0,
	L0_ACCEL_KVM  = 1,
	L0_ACCEL_TCG  = 2,
};

/* Which L1 runs the L2 kernel at level 2 (--l1). */
enum l0_l1 {
	L0_L1_NESTLAB = 0,   /* nestlab's own L1 (l1hyp/) */
	L0_L1_KVM     = 1,   /* Linux KVM + experiments/kvm-l1's VMM (docs/kvm-l1.md) */
};

#define L0_TIMEOUT_DEFAULT_S   120u
#define L0_MEM_DEFAULT_L2_MIB  256u /* machine RAM at level 2 (L1 + L2) */
#define L0_MEM_DEFAULT_L1_MIB  128u /* machine RAM at level 1 (L2 kernel alone) */
#define L0_MEM_MAX_MIB         16384u
#define L0_TIMEOUT_MAX_S       86400u
#define L0_MEM_DEFAULT_KVM_MIB 512u /* --l1 kvm: the L1 Linux + L2 */
#define L0_MEM_KVM_LINUX_MIB   192u /* what the L1 Linux keeps of --mem at least */
#define L0_TIMEOUT_MIN_KVM_S   30u  /* --l1 kvm: the Linux boot comes first */

#define L0_L1_OPTS_MAX         8u   /* --l1-option, at most */
#define L0_L1_OPT_LEN_MAX      64u  /* one KEY=VALUE */
/* The MBEC words (" mbec=exec-fault mbec_tlb=flush mbec_violation=report")
 * fit in this; L1's extra words, all of them, in L0_L1_ARGS_LEN bytes. */
#define L0_MBEC_L1_WORDS_LEN   64u
/* The interposition words (" interpose=inguest interpose_op=deny
 * interpose_deny=1,2,..."): --interpose-deny is at most this long. */
#define L0_INTERPOSE_DENY_LEN  128u
#define L0_INTERPOSE_L1_WORDS_LEN (64u + L0_INTERPOSE_DENY_LEN)
#define L0_L1_ARGS_LEN         (L0_L1_OPTS_MAX * (L0_L1_OPT_LEN_MAX + 1) + \
				L0_MBEC_L1_WORDS_LEN + L0_INTERPOSE_L1_WORDS_LEN + 16)

/* --mbec: L1's emulation of mode-based execute control for L2 (docs/mbec.md):
 * off, or the design that catches privilege changes by execute faults. */
enum l0_mbec {
	L0_MBEC_OFF        = 0,
	L0_MBEC_EXEC_FAULT = 1,
	L0_MBEC_INTERCEPT  = 2,
};

/* --mbec-tlb: how L1 switches between the two views (L1's mbec_tlb=). */
enum l0_mbec_tlb {
	L0_MBEC_TLB_ASID  = 0,  /* one ASID per view, no flush (the default) */
	L0_MBEC_TLB_FLUSH = 1,  /* one ASID, a TLB flush on each switch */
};

/* --mbec-violation: what L1 does with a fetch the policy forbids. */
enum l0_mbec_violation {
	L0_MBEC_VIOLATION_STOP   = 0, /* end the run: l2_mbec_violation (default) */
	L0_MBEC_VIOLATION_REPORT = 1, /* count it, let the page execute from then on */
	L0_MBEC_VIOLATION_INJECT = 2, /* #PF into L2 at the fetch */
};

/* --batch: decoded-syscall batching (docs/batching.md) */
enum l0_batch {
	L0_BATCH_OFF    = 0,
	L0_BATCH_KERNEL = 1, /* the L2 kernel batches system calls (batch=kernel) */
	L0_BATCH_L1     = 2, /* L1 batches exits (batch=on, l1hyp/mech/batch_l1.c) */
	L0_BATCH_BOTH   = 3, /* both: the kernel batches calls, L1 the exits */
};

/* Does --batch b include the kernel's batching, or L1's? */
static inline int l0_batch_kernel(enum l0_batch b)
{
	return b == L0_BATCH_KERNEL || b == L0_BATCH_BOTH;
}

static inline int l0_batch_l1(enum l0_batch b)
{
	return b == L0_BATCH_L1 || b == L0_BATCH_BOTH;
}

/* --interpose: system-call interposition by L1 (docs/interpose.md); the
 * values are enum nestlab_interpose_variant's (include/nestlab/interpose.h). */
enum l0_interpose {
	L0_INTERPOSE_OFF       = 0,
	L0_INTERPOSE_INGUEST   = 1,
	L0_INTERPOSE_HYPERCALL = 2,
	L0_INTERPOSE_TRAP      = 3,
	L0_INTERPOSE_BREAKPOINT = 4,
};

/* --interpose-op, as enum nestlab_interpose_op. */
enum l0_interpose_op {
	L0_INTERPOSE_OP_COUNT = 0,
	L0_INTERPOSE_OP_TRACE = 1,
	L0_INTERPOSE_OP_DENY  = 2,
};

struct run_config {
	const char *workload;          /* validated against NESTLAB_WORKLOADS */
	unsigned long iterations;      /* 1..NESTLAB_ITERATIONS_MAX */
	int level;                     /* 1: L2 kernel on QEMU; 2: under L1 */
	enum l0_accel accel;
	enum nestlab_transport transport;
	bool npt_lazy;                 /* level 2: L1's npt=lazy */
	enum l0_l1 l1;                 /* level 2: which L1 */
	bool transport_forced;         /* --l1 kvm turned a --transport vmmcall into backdoor */
	const char *json_path;         /* NULL: no JSON file */
	unsigned timeout_s;
	unsigned l2mem_mib;            /* level 2: L2 RAM given to L1 */
	unsigned mem_mib;              /* machine RAM; 0 until cli fills the default */
	const char *qemu;              /* QEMU binary */
	bool icount;                   /* TCG: -icount shift=0,sleep=off */
	bool retpoline;                /* --retpoline on|off: the L2 kernel's
					* indirect branches through retpolines */
	unsigned trampoline;           /* --trampoline (enum nestlab_ktramp_mode): the
					* L2 kernel's system-call table through a
					* trampoline, one or one per process */
	unsigned trampoline_window;    /* --trampoline-window; 0: not given */
	enum l0_batch batch;           /* --batch */
	unsigned batch_max;            /* --batch-max; 0: not given (the kernel's default) */
	bool keep;                     /* keep the run directory */
	bool verbose;
	bool quiet;
	const char *trace_dir;         /* --trace: LTTng trace output; NULL: no tracing */
	struct nestlab_procs procs;    /* --procs (multi only); n = 0: not given */
	unsigned timer_hz;             /* --timer-hz (timer only); 0: not given */
	const char *l1_opts[L0_L1_OPTS_MAX]; /* --l1-option KEY=VALUE, as given */
	unsigned nr_l1_opts;
	enum l0_mbec mbec;             /* --mbec (level 2, nestlab's L1) */
	enum l0_mbec_tlb mbec_tlb;     /* --mbec-tlb (with --mbec exec-fault) */
	enum l0_mbec_violation mbec_violation; /* --mbec-violation (likewise) */
	enum l0_interpose interpose;   /* --interpose (level 2, nestlab's L1) */
	enum l0_interpose_op interpose_op; /* --interpose-op */
	const char *interpose_deny;    /* --interpose-deny NR,NR,... (checked), or NULL */
	const char *l1_image;          /* NULL: next to the nestlab binary */
	const char *l2_image;
	const char *l2_module;         /* --l2-module: the L2 kernel's module, or NULL */
};

/* Names as written on the command line and in the JSON file. */
const char *l0_accel_name(enum l0_accel a);
const char *l0_transport_name(enum nestlab_transport t);
const char *l0_l1_name(enum l0_l1 l1);
const char *l0_mbec_name(enum l0_mbec m);
const char *l0_interpose_name(enum l0_interpose i);
const char *l0_interpose_op_name(enum l0_interpose_op op);
const char *l0_mbec_tlb_name(enum l0_mbec_tlb t);
const char *l0_mbec_violation_name(enum l0_mbec_violation v);

#endif
