// SPDX-License-Identifier: GPL-2.0
/*
 * kvmstat.bpf.c: nestlab-kvmstat's BPF side. One program per kvm tracepoint
 * counts events in per-CPU hash maps keyed by (VM process, vCPU thread,
 * event, detail); nothing goes to user space per event unless --record asks
 * for a bounded ring-buffer trace. kvm_exit -> kvm_entry pairs on the same
 * thread feed log2 latency histograms. With a process filter, a
 * sched_process_fork program adds each new child process of a traced process
 * to the filter. Tracepoint layouts are declared here with CO-RE
 * (preserve_access_index, "___ks" flavours), so the program relocates against
 * the running kernel's BTF whether KVM is built in or a module.
 *
 * Each event has two programs: ks_kvm_X on the classic tracepoint (the
 * kernel builds a perf trace record before the program runs) and ks_btf_kvm_X
 * on the BTF-enabled raw tracepoint (tp_btf: the program reads the
 * tracepoint's arguments, nothing is built). The loader autoloads one of the
 * two: tp_btf where the kernel's btf_trace_kvm_X prototype matches what the
 * program reads (kvmstat.c: ks_raw_protos), the classic one otherwise or when
 * tp_btf fails to load or attach. kvm_exit and kvm_nested_vmexit stay classic:
 * their exit reason is not a tracepoint argument (it comes from a vendor
 * callback), so only the trace record has it.
 *
 * Hot path: a per-CPU cache slot per (event, arg bit 0) holds the last key
 * counted on this CPU and how many times it was hit since; a hit is one
 * per-CPU array access, no hash lookup, no filter lookup (a cached key was
 * filtered when it entered the cache). A miss flushes the slot into `counts`
 * and checks the filter. User space adds the slots to `counts` at the end.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kvmstat.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load. */
const volatile __u32 ks_filter_on = 0;   /* count only tgids in `tracked` */
const volatile __u32 ks_latency_on = 0;  /* pair kvm_exit with kvm_entry */
const volatile __u64 ks_record_max = 0;  /* ring-buffer records to write (0: none) */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ks_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct ks_thread);
} threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ks_lat_key);
	__type(value, struct ks_hist);
} latency SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct ks_exit_start);
} exit_start SEC(".maps");

/* Per-CPU cache of the last key counted per (event, arg bit 0); see above. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KS_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct ks_cache);
} cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KS_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rec_taken SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);  /* resized by the loader */
} records SEC(".maps");

/* Tracepoint layouts (include/trace/events/kvm.h, arch/x86/kvm/trace.h). */
struct trace_event_raw_kvm_exit___ks {
	unsigned int exit_reason;
	__u32 isa;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_nested_vmexit___ks {
	unsigned int exit_reason;
	__u32 isa;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_nested_vmexit_inject___ks {
	__u32 exit_code;
	__u32 isa;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_pio___ks {
	unsigned int rw;
	unsigned int port;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_mmio___ks {
	__u32 type;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_msr___ks {
	unsigned int write;
	__u32 ecx;
	__u8 exception;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_cpuid___ks {
	unsigned int function;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_hypercall___ks {
	unsigned long nr;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_page_fault___ks {
	__u64 error_code;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_emulate_insn___ks {
	__u8 failed;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_userspace_exit___ks {
	__u32 reason;
	int errno;
} __attribute__((preserve_access_index));
struct trace_event_raw_kvm_inj_exception___ks {
	__u8 exception;
} __attribute__((preserve_access_index));

static __always_inline void ks_stat_inc(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &slot);
	if (v)
		(*v)++;
}

static __always_inline int ks_tracked(__u64 id)
{
	__u32 tgid = id >> 32;
	if (!ks_filter_on)
		return 1;
	return bpf_map_lookup_elem(&tracked, &tgid) != NULL;
}

/* One ring-buffer record of a counted event (--record, --lttng); bounded, drops counted. */
static __always_inline void ks_record(__u64 id, __u32 event, __u32 arg, __u64 code, __u64 dur_ns)
{
	__u32 zero = 0;
	__u64 *taken;
	struct ks_record *r;

	if (!ks_record_max)
		return;
	taken = bpf_map_lookup_elem(&rec_taken, &zero);
	if (!taken)
		return;
	if (__sync_fetch_and_add(taken, 1) >= ks_record_max) {
		ks_stat_inc(KS_STAT_REC_LIMIT);
		return;
	}
	r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
	if (!r) {
		ks_stat_inc(KS_STAT_REC_FULL);
		return;
	}
	r->ts_ns = bpf_ktime_get_ns();
	r->tgid = id >> 32;
	r->tid = (__u32)id;
	r->event = event;
	r->arg = arg;
	r->code = code;
	r->dur_ns = dur_ns;
	/* No wakeup per record: the loader drains the buffer every 10 ms. */
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
}

/* Adds n to key k in `counts`, inserting it (and its thread's name) when new. */
static __always_inline int ks_count_add(const struct ks_key *k, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&counts, k);

	if (v) {
		*v += n;
		return 0;
	}
	if (bpf_map_update_elem(&counts, k, &n, BPF_NOEXIST) == 0) {
		struct ks_thread t = { .tgid = k->tgid };
		bpf_get_current_comm(t.comm, sizeof(t.comm));
		bpf_map_update_elem(&threads, &k->tid, &t, BPF_NOEXIST);
		return 0;
	}
	if ((v = bpf_map_lookup_elem(&counts, k))) {
		*v += n;   /* another CPU inserted the key first */
		return 0;
	}
	return -1;
}

/*
 * Count one event of the current thread, filtering by process: a hit in this
 * CPU's cache slot is one increment; a miss flushes the slot into `counts`,
 * checks the filter and makes the new key the slot's (entering it into
 * `counts` with 0 so that a full map is seen now, and the thread named).
 * Returns 1 when the event was counted (the caller records it then), 0 when
 * it was filtered out or lost to a full map.
 */
static __always_inline int ks_count(__u64 id, __u32 event, __u32 arg, __u64 code)
{
	__u32 slot = event * 2 + (arg & 1);
	struct ks_cache *c = bpf_map_lookup_elem(&cache, &slot);
	struct ks_key k;

	if (!c)
		return 0;
	if (c->n && c->id == id && c->code == code && c->arg == arg) {
		c->n++;
	} else {
		if (!ks_tracked(id))
			return 0;
		if (c->n) {
			struct ks_key old = {
				.tgid = c->id >> 32, .tid = (__u32)c->id, .event = event, .arg = c->arg,
				.code = c->code,
			};
			if (ks_count_add(&old, c->n))
				ks_stat_inc(KS_STAT_COUNTS_FULL);   /* only if removed meanwhile */
			c->n = 0;
		}
		k = (struct ks_key){ .tgid = id >> 32, .tid = (__u32)id, .event = event, .arg = arg, .code = code };
		if (ks_count_add(&k, 0)) {
			ks_stat_inc(KS_STAT_COUNTS_FULL);
			return 0;
		}
		c->id = id;
		c->code = code;
		c->arg = arg;
		c->n = 1;
	}
	/* Per-event hits are summed from `counts` and `cache` by user space. */
	return 1;
}

/* Count, and record when --record or --lttng asks: the common case. */
static __always_inline void ks_count_record(__u64 id, __u32 event, __u32 arg, __u64 code)
{
	if (ks_count(id, event, arg, code))
		ks_record(id, event, arg, code, 0);
}

/* floor(log2(v)) for v > 0, 0 for v == 0, without loops. */
static __always_inline __u32 ks_log2(__u64 v)
{
	__u32 r = 0, s;
	s = (v > 0xffffffffULL) << 5; v >>= s; r |= s;
	s = (v > 0xffff) << 4; v >>= s; r |= s;
	s = (v > 0xff) << 3; v >>= s; r |= s;
	s = (v > 0xf) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	r |= (v >> 1);
	return r;
}

static __always_inline void ks_latency_add(__u64 id, const struct ks_exit_start *s, __u64 now)
{
	struct ks_lat_key lk = { .tgid = id >> 32, .tid = (__u32)id, .isa = s->isa, .reason = s->reason };
	__u64 delta = now - s->ts_ns;
	__u32 slot = ks_log2(delta);
	struct ks_hist *h = bpf_map_lookup_elem(&latency, &lk);

	if (!h) {
		static const struct ks_hist zero;
		bpf_map_update_elem(&latency, &lk, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&latency, &lk);
		if (!h) {
			ks_stat_inc(KS_STAT_LAT_FULL);
			return;
		}
	}
	if (slot >= KS_HIST_SLOTS)
		slot = KS_HIST_SLOTS - 1;
	h->slots[slot & (KS_HIST_SLOTS - 1)]++;
	h->count++;
	h->sum_ns += delta;
	if (delta > h->max_ns)
		h->max_ns = delta;
}

SEC("tp/kvm/kvm_exit")
int ks_kvm_exit(struct trace_event_raw_kvm_exit___ks *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 isa = 0, reason = ctx->exit_reason;

	if (ks_latency_on && !ks_tracked(id))   /* else ks_count filters */
		return 0;
	if (bpf_core_field_exists(ctx->isa))
		isa = ctx->isa;
	ks_count_record(id, KS_EV_EXIT, isa, reason);
	if (ks_latency_on) {
		struct ks_exit_start s = { .ts_ns = bpf_ktime_get_ns(), .isa = isa, .reason = reason };
		__u32 tid = (__u32)id;
		if (bpf_map_update_elem(&exit_start, &tid, &s, BPF_ANY))
			ks_stat_inc(KS_STAT_START_FULL);
	}
	return 0;
}

/*
 * The event bodies, shared by the classic and the tp_btf programs. A
 * kvm_entry's record carries the exit it ends, when kvm_exit timed one on
 * this thread: arg = isa, code = exit reason, dur_ns = exit to entry.
 */
static __always_inline void ks_on_entry(void)
{
	__u64 id = bpf_get_current_pid_tgid(), dur = 0;
	__u32 tid = (__u32)id, isa = 0, reason = 0;
	int counted;

	if (ks_latency_on && !ks_tracked(id))   /* else ks_count filters */
		return;
	counted = ks_count(id, KS_EV_ENTRY, 0, 0);
	if (ks_latency_on) {
		__u64 now = bpf_ktime_get_ns();
		struct ks_exit_start *s = bpf_map_lookup_elem(&exit_start, &tid);

		if (s) {
			isa = s->isa;
			reason = s->reason;
			dur = now - s->ts_ns;
			ks_latency_add(id, s, now);
			bpf_map_delete_elem(&exit_start, &tid);
		}
	}
	if (counted)
		ks_record(id, KS_EV_ENTRY, isa, reason, dur);
}

static __always_inline void ks_on_event(__u32 event, __u32 arg, __u64 code)
{
	ks_count_record(bpf_get_current_pid_tgid(), event, arg, code);
}

static __always_inline void ks_on_msr(__u32 write, __u32 ecx, __u32 exception)
{
	ks_on_event(KS_EV_MSR, (write ? KS_MSR_WRITE : 0) | (exception ? KS_MSR_GP : 0), ecx);
}

static __always_inline void ks_on_userspace_exit(__u32 reason, int err)
{
	if (err < 0)
		ks_on_event(KS_EV_USERSPACE_EXIT, KS_UEXIT_ERROR, (__u64)(__u32)-err);
	else
		ks_on_event(KS_EV_USERSPACE_EXIT, 0, reason);
}

/* Classic tracepoints: the fallback (no kernel BTF, or another prototype). */
SEC("tp/kvm/kvm_entry")
int ks_kvm_entry(void *ctx)
{
	ks_on_entry();
	return 0;
}

SEC("tp/kvm/kvm_nested_vmexit")
int ks_kvm_nested_vmexit(struct trace_event_raw_kvm_nested_vmexit___ks *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 isa = 0;

	if (bpf_core_field_exists(ctx->isa))
		isa = ctx->isa;
	ks_count_record(id, KS_EV_NESTED_VMEXIT, isa, ctx->exit_reason);
	return 0;
}

SEC("tp/kvm/kvm_nested_vmexit_inject")
int ks_kvm_nested_vmexit_inject(struct trace_event_raw_kvm_nested_vmexit_inject___ks *ctx)
{
	__u32 isa = 0;

	if (bpf_core_field_exists(ctx->isa))
		isa = ctx->isa;
	ks_on_event(KS_EV_NESTED_VMEXIT_INJECT, isa, ctx->exit_code);
	return 0;
}

SEC("tp/kvm/kvm_nested_vmenter")
int ks_kvm_nested_vmenter(void *ctx)
{
	ks_on_event(KS_EV_NESTED_VMENTER, 0, 0);
	return 0;
}

SEC("tp/kvm/kvm_nested_vmrun")
int ks_kvm_nested_vmrun(void *ctx)
{
	ks_on_event(KS_EV_NESTED_VMRUN, 0, 0);
	return 0;
}

SEC("tp/kvm/kvm_pio")
int ks_kvm_pio(struct trace_event_raw_kvm_pio___ks *ctx)
{
	ks_on_event(KS_EV_PIO, ctx->rw ? 1 : 0, ctx->port);
	return 0;
}

SEC("tp/kvm/kvm_mmio")
int ks_kvm_mmio(struct trace_event_raw_kvm_mmio___ks *ctx)
{
	ks_on_event(KS_EV_MMIO, ctx->type, 0);
	return 0;
}

SEC("tp/kvm/kvm_msr")
int ks_kvm_msr(struct trace_event_raw_kvm_msr___ks *ctx)
{
	ks_on_msr(ctx->write, ctx->ecx, ctx->exception);
	return 0;
}

SEC("tp/kvm/kvm_cpuid")
int ks_kvm_cpuid(struct trace_event_raw_kvm_cpuid___ks *ctx)
{
	ks_on_event(KS_EV_CPUID, 0, ctx->function);
	return 0;
}

SEC("tp/kvm/kvm_hypercall")
int ks_kvm_hypercall(struct trace_event_raw_kvm_hypercall___ks *ctx)
{
	ks_on_event(KS_EV_HYPERCALL, 0, ctx->nr);
	return 0;
}

SEC("tp/kvm/kvm_page_fault")
int ks_kvm_page_fault(struct trace_event_raw_kvm_page_fault___ks *ctx)
{
	ks_on_event(KS_EV_PAGE_FAULT, 0, ctx->error_code);
	return 0;
}

SEC("tp/kvm/kvm_emulate_insn")
int ks_kvm_emulate_insn(struct trace_event_raw_kvm_emulate_insn___ks *ctx)
{
	ks_on_event(KS_EV_EMULATE_INSN, ctx->failed ? 1 : 0, 0);
	return 0;
}

SEC("tp/kvm/kvm_userspace_exit")
int ks_kvm_userspace_exit(struct trace_event_raw_kvm_userspace_exit___ks *ctx)
{
	ks_on_userspace_exit(ctx->reason, ctx->errno);
	return 0;
}

SEC("tp/kvm/kvm_inj_exception")
int ks_kvm_inj_exception(struct trace_event_raw_kvm_inj_exception___ks *ctx)
{
	ks_on_event(KS_EV_INJ_EXCEPTION, 0, ctx->exception);
	return 0;
}

/*
 * BTF-enabled raw tracepoints: the arguments of TP_PROTO (arch/x86/kvm/trace.h,
 * include/trace/events/kvm.h, Linux 6.18), as kvmstat.c's ks_raw_protos
 * checks them against the running kernel before autoloading these. Pointers
 * are void *: the programs never dereference them.
 */
SEC("tp_btf/kvm_entry")                    /* (vcpu, bool force_immediate_exit) */
int BPF_PROG(ks_btf_kvm_entry)
{
	ks_on_entry();
	return 0;
}

SEC("tp_btf/kvm_nested_vmexit_inject")     /* (exit_code, info1, info2, int_info, int_info_err, isa) */
int BPF_PROG(ks_btf_kvm_nested_vmexit_inject, __u32 exit_code, __u64 info1, __u64 info2,
	     __u32 int_info, __u32 int_info_err, __u32 isa)
{
	ks_on_event(KS_EV_NESTED_VMEXIT_INJECT, isa, exit_code);
	return 0;
}

SEC("tp_btf/kvm_nested_vmenter")
int BPF_PROG(ks_btf_kvm_nested_vmenter)
{
	ks_on_event(KS_EV_NESTED_VMENTER, 0, 0);
	return 0;
}

SEC("tp_btf/kvm_nested_vmrun")
int BPF_PROG(ks_btf_kvm_nested_vmrun)
{
	ks_on_event(KS_EV_NESTED_VMRUN, 0, 0);
	return 0;
}

SEC("tp_btf/kvm_pio")                      /* (rw, port, size, count, data) */
int BPF_PROG(ks_btf_kvm_pio, unsigned int rw, unsigned int port)
{
	ks_on_event(KS_EV_PIO, rw ? 1 : 0, port);
	return 0;
}

SEC("tp_btf/kvm_mmio")                     /* (type, len, gpa, val) */
int BPF_PROG(ks_btf_kvm_mmio, int type)
{
	ks_on_event(KS_EV_MMIO, type, 0);
	return 0;
}

SEC("tp_btf/kvm_msr")                      /* (write, ecx, data, exception) */
int BPF_PROG(ks_btf_kvm_msr, unsigned int write, __u32 ecx, __u64 data, bool exception)
{
	ks_on_msr(write, ecx, exception);
	return 0;
}

SEC("tp_btf/kvm_cpuid")                    /* (function, index, rax, rbx, rcx, rdx, found, used_max_basic) */
int BPF_PROG(ks_btf_kvm_cpuid, unsigned int function)
{
	ks_on_event(KS_EV_CPUID, 0, function);
	return 0;
}

SEC("tp_btf/kvm_hypercall")                /* (nr, a0, a1, a2, a3) */
int BPF_PROG(ks_btf_kvm_hypercall, unsigned long nr)
{
	ks_on_event(KS_EV_HYPERCALL, 0, nr);
	return 0;
}

SEC("tp_btf/kvm_page_fault")               /* (vcpu, fault_address, error_code) */
int BPF_PROG(ks_btf_kvm_page_fault, void *vcpu, __u64 fault_address, __u64 error_code)
{
	ks_on_event(KS_EV_PAGE_FAULT, 0, error_code);
	return 0;
}

SEC("tp_btf/kvm_emulate_insn")             /* (vcpu, failed) */
int BPF_PROG(ks_btf_kvm_emulate_insn, void *vcpu, __u8 failed)
{
	ks_on_event(KS_EV_EMULATE_INSN, failed ? 1 : 0, 0);
	return 0;
}

SEC("tp_btf/kvm_userspace_exit")           /* (reason, errno) */
int BPF_PROG(ks_btf_kvm_userspace_exit, __u32 reason, int err)
{
	ks_on_userspace_exit(reason, err);
	return 0;
}

SEC("tp_btf/kvm_inj_exception")            /* (exception, has_error, error_code, reinjected) */
int BPF_PROG(ks_btf_kvm_inj_exception, unsigned int exception)
{
	ks_on_event(KS_EV_INJ_EXCEPTION, 0, exception);
	return 0;
}

/* A traced process's new child processes are traced too (threads already are). */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(ks_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 one = 1;

	if (ctgid == ptgid || !bpf_map_lookup_elem(&tracked, &ptgid))
		return 0;
	bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY);
	return 0;
}
