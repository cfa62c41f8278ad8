/*
 * kvmstat.h: the structures shared by nestlab-kvmstat's BPF program
 * (kvmstat.bpf.c) and its loader (kvmstat.c): the event kinds (one per kvm
 * tracepoint), the key of the per-thread counters, the exit-latency
 * histogram, the per-event ring-buffer record and the statistics slots that
 * make every loss visible. Types are the kernel's __u32/__u64 so the header
 * compiles against vmlinux.h (BPF side) and <linux/types.h> (user side).
 */
#ifndef NESTLAB_KVMSTAT_H
#define NESTLAB_KVMSTAT_H

/* One event kind per kvm tracepoint; the order is the report's order. */
enum ks_event {
	KS_EV_EXIT,                 /* kvm_exit: hardware VM exit, by reason */
	KS_EV_ENTRY,                /* kvm_entry: VM entry */
	KS_EV_NESTED_VMEXIT,        /* kvm_nested_vmexit: L2 exit seen by L0 */
	KS_EV_NESTED_VMEXIT_INJECT, /* kvm_nested_vmexit_inject: L2 exit reflected to L1 */
	KS_EV_NESTED_VMENTER,       /* kvm_nested_vmenter: L1 enters L2 */
	KS_EV_NESTED_VMRUN,         /* kvm_nested_vmrun: the same on older kernels */
	KS_EV_PIO,                  /* kvm_pio: port I/O, by port and direction */
	KS_EV_MMIO,                 /* kvm_mmio: MMIO, by type */
	KS_EV_MSR,                  /* kvm_msr: MSR access, by MSR and direction */
	KS_EV_CPUID,                /* kvm_cpuid: by leaf */
	KS_EV_HYPERCALL,            /* kvm_hypercall: by number */
	KS_EV_PAGE_FAULT,           /* kvm_page_fault: by error code */
	KS_EV_EMULATE_INSN,         /* kvm_emulate_insn: ok / failed */
	KS_EV_USERSPACE_EXIT,       /* kvm_userspace_exit: KVM_RUN returns, by KVM_EXIT_* */
	KS_EV_INJ_EXCEPTION,        /* kvm_inj_exception: by vector */
	KS_EV_COUNT
};

/* kvm_exit's isa field (arch/x86/kvm/trace.h: KVM_ISA_VMX, KVM_ISA_SVM). */
#define KS_ISA_VMX 1
#define KS_ISA_SVM 2

/* KS_EV_USERSPACE_EXIT: arg is 1 when KVM_RUN failed; code is then -errno. */
#define KS_UEXIT_ERROR 1
/* KS_EV_MSR: arg bit 0 = write, bit 1 = the access raised #GP. */
#define KS_MSR_WRITE 1
#define KS_MSR_GP    2

/*
 * Counter key: one per (VM process, vCPU thread, event, detail). arg and
 * code carry the detail: exits (arg = isa, code = reason), pio (arg = 1 for
 * write, code = port), msr (arg = KS_MSR_*, code = MSR index), cpuid (code =
 * leaf), hypercall (code = nr), mmio (arg = type), page fault (code = error
 * code), emulate_insn (arg = failed), userspace exit (code = KVM_EXIT_*),
 * inj_exception (code = vector). No padding: the BPF side hashes all bytes.
 */
struct ks_key {
	__u32 tgid;
	__u32 tid;
	__u32 event;
	__u32 arg;
	__u64 code;
};

/*
 * Per-CPU cache slot (one per event and arg bit 0): the last key counted on
 * this CPU for that slot, id = tgid << 32 | tid as bpf_get_current_pid_tgid()
 * gives it, and n hits not yet added to its `counts` entry (0: empty). User
 * space adds every slot's n to `counts` when it reads the maps.
 */
#define KS_CACHE_SLOTS (2 * KS_EV_COUNT)
struct ks_cache {
	__u64 id;
	__u64 code;
	__u64 n;
	__u32 arg;
	__u32 pad;
};

/* Thread identity, stored the first time a thread is counted. */
struct ks_thread {
	__u32 tgid;
	char comm[16];
};

/* Exit-to-entry latency: log2 buckets, slot i holds [2^i, 2^(i+1)) ns, slot 0 also 0. */
#define KS_HIST_SLOTS 32
struct ks_lat_key {
	__u32 tgid;
	__u32 tid;
	__u32 isa;
	__u32 reason;
};
struct ks_hist {
	__u64 slots[KS_HIST_SLOTS];
	__u64 count;
	__u64 sum_ns;
	__u64 max_ns;
};

/* A pending exit: kvm_exit's timestamp and reason, per thread, until kvm_entry. */
struct ks_exit_start {
	__u64 ts_ns;
	__u32 isa;
	__u32 reason;
};

/*
 * One ring-buffer record (--record, --lttng): CLOCK_MONOTONIC time, as LTTng
 * uses, and the counter key's fields. A kvm_entry record describes the exit
 * it ends when kvm_exit timed one on the thread: arg = isa, code = exit
 * reason, dur_ns = exit to entry (all 0 otherwise); dur_ns is 0 for the
 * other events.
 */
struct ks_record {
	__u64 ts_ns;
	__u32 tgid;
	__u32 tid;
	__u32 event;
	__u32 arg;
	__u64 code;
	__u64 dur_ns;
};

/* Statistics slots (per-CPU array): losses first, then per-event hits. */
enum ks_stat {
	KS_STAT_COUNTS_FULL,   /* an event not counted: counts map full */
	KS_STAT_LAT_FULL,      /* a latency not recorded: histogram map full */
	KS_STAT_START_FULL,    /* an exit not timed: pending-exit map full */
	KS_STAT_REC_LIMIT,     /* a record not written: --record limit reached */
	KS_STAT_REC_FULL,      /* a record not written: ring buffer full */
	KS_STAT_HITS,          /* KS_STAT_HITS + event: events counted (user space sums them) */
	KS_STAT_COUNT = KS_STAT_HITS + KS_EV_COUNT
};

#endif
