/*
 * Parsing of the L2 kernel's command line (bootargs.h): "workload=<name>
 * iterations=<N> transport=vmmcall|backdoor [trace=hc|<addr>:<bytes>]
 * [l1=nestlab|kvm] [procs=<program>,...] [timer_hz=<N>] [mbec=on|off]
 * [retpoline=on|off] [batch=off|kernel] [batch_max=<N>]
 * [trampoline=off|global|process] [trampoline_window=<N>]", keys
 * in any order, separated by spaces. mbec=on: the kernel declares its
 * execute policy to L1's MBEC emulation (mbec.c, docs/mbec.md). procs= (include/nestlab/procs.h) are the programs of
 * workload multi's processes; timer_hz= the timer workload's interrupt rate. l1= names the L1
 * the kernel expects at level 2 (docs/kvm-l1.md): "kvm" is nestlab's KVM-based
 * VMM under Linux KVM, where KVM answers VMMCALL itself, so only the backdoor
 * transport reaches the VMM. A first word without '=' is the image name QEMU and L1 put in front
 * of the arguments, and is skipped. Pure C, host-tested.
 */
#ifndef L2_CMDLINE_H
#define L2_CMDLINE_H

#include <stddef.h>
#include <stdint.h>
#include <nestlab/procs.h>
#include <nestlab/ktramp.h>

/* trace=: where the kernel's trace ring goes (include/nestlab/trace.h). */
enum l2_trace_mode {
	L2_TRACE_OFF = 0,
	L2_TRACE_HC,         /* trace=hc: in L2 RAM, registered with L1 by hypercall */
	L2_TRACE_REGION,     /* trace=<addr>:<bytes>: the launcher's region (level 1) */
};

/* l1=: which L1 serves the hypercall ABI at level 2. */
enum l2_l1_kind {
	L2_L1_NESTLAB = 0,   /* nestlab's own L1 (l1hyp/), the default */
	L2_L1_KVM,           /* Linux KVM + experiments/kvm-l1's VMM */
};

struct l2_config {
	unsigned workload;   /* enum nestlab_workload */
	uint64_t iterations; /* 0..NESTLAB_ITERATIONS_MAX */
	unsigned transport;  /* enum nestlab_transport */
	unsigned trace;      /* enum l2_trace_mode */
	uint64_t trace_pa, trace_bytes;
	unsigned l1;         /* enum l2_l1_kind */
	struct nestlab_procs procs;  /* multi's programs */
	uint32_t timer_hz;   /* NESTLAB_TIMER_HZ_MIN..MAX */
	int mbec;            /* mbec=on: declare the execute policy (default off) */
	int retpoline;       /* retpoline=on|off: indirect branches through
			      * retpoline thunks (default on) */
	int batch;           /* batch=kernel|off: decoded-syscall batching
			      * (batch.c, docs/batching.md; default off) */
	unsigned batch_max;  /* batch_max=1..NESTLAB_BATCH_MAX_LIMIT: system calls
			      * per kernel entry (default NESTLAB_BATCH_MAX_DEFAULT) */
	int trampoline;      /* trampoline=off|global|process (enum nestlab_ktramp_mode):
			      * the system-call table through a learned trampoline, one
			      * or one per process (ktramp.c, docs/tramp.md; default off) */
	uint32_t trampoline_window; /* trampoline_window=1..L2_KTRAMP_WINDOW_MAX:
				     * in-phase calls learned (default 256) */
};

#define L2_KTRAMP_WINDOW_DEFAULT NESTLAB_KTRAMP_WINDOW_DEFAULT
#define L2_KTRAMP_WINDOW_MAX     NESTLAB_KTRAMP_WINDOW_MAX

/* Defaults: workload cpuid, NESTLAB_ITERATIONS_DEFAULT, vmmcall,
 * NESTLAB_PROCS_DEFAULT, NESTLAB_TIMER_HZ_DEFAULT. */
void l2_config_default(struct l2_config *cfg);

/* Parse s into cfg (starting from the defaults). Returns 0, or -1 with a
 * NUL-terminated reason in err (errlen bytes, truncated to fit). */
int l2_cmdline_parse(const char *s, struct l2_config *cfg, char *err, size_t errlen);

/* With l1=kvm the kernel must find itself at level 2 (the VMM's CPUID
 * signature) and use transport=backdoor; mbec=on needs nestlab's L1 at level
 * 2 (only it serves the MBEC hypercalls). Returns 0, or -1 with the reason
 * in err. Anything else goes. */
int l2_config_check_l1(const struct l2_config *cfg, unsigned level, char *err,
		       size_t errlen);

/* Name of a workload id, or NULL when out of range. */
const char *l2_workload_name(unsigned id);

/* "vmmcall", "vmcall", "backdoor", or "?" */
const char *l2_transport_name(unsigned transport);

#endif
