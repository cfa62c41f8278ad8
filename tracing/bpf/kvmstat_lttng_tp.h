/*
 * kvmstat_lttng_tp.h: the LTTng-UST tracepoint provider nestlab_kvm, one
 * event per kvm tracepoint nestlab-kvmstat records. Every event starts with
 *   kvm_ts_ns  when the kvm tracepoint fired (CLOCK_MONOTONIC ns, the clock
 *              of LTTng's default timestamps: the event's own timestamp is
 *              when the tool emitted it, up to one ring-buffer drain later)
 *   pid        the VM process (thread group id)
 *   vcpu_tid   the vCPU thread (most kvm tracepoints do not carry the vCPU
 *              index; the thread identifies the vCPU)
 * followed by what the tool counts the event by (kvmstat.h, struct ks_key).
 * Read several times by lttng/tracepoint-event.h, as LTTng-UST requires.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER nestlab_kvm

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./kvmstat_lttng_tp.h"

#if !defined(NESTLAB_KVMSTAT_LTTNG_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define NESTLAB_KVMSTAT_LTTNG_TP_H

#include <stdint.h>
#include <lttng/tracepoint.h>
#include <linux/types.h>
#include "kvmstat.h"

#define NESTLAB_KVM_COMMON_FIELDS						\
	lttng_ust_field_integer(uint64_t, kvm_ts_ns, r->ts_ns)			\
	lttng_ust_field_integer(uint32_t, pid, r->tgid)				\
	lttng_ust_field_integer(uint32_t, vcpu_tid, r->tid)

/* Events with no detail (nested_vmenter, nested_vmrun). */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(nestlab_kvm, vcpu_event,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r),
	LTTNG_UST_TP_FIELDS(NESTLAB_KVM_COMMON_FIELDS)
)
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(nestlab_kvm, vcpu_event, nestlab_kvm, nested_vmenter,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(nestlab_kvm, vcpu_event, nestlab_kvm, nested_vmrun,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r))

/* Exits by reason: isa 1 VMX, 2 SVM (kvmstat.h KS_ISA_*), reason as the CPU gives it. */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(nestlab_kvm, exit_event,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r, const char *, name),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer(uint32_t, isa, r->arg)
		lttng_ust_field_integer_hex(uint32_t, reason, (uint32_t)r->code)
		lttng_ust_field_string(reason_name, name)
	)
)
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(nestlab_kvm, exit_event, nestlab_kvm, exit,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r, const char *, name))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(nestlab_kvm, exit_event, nestlab_kvm, nested_vmexit,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r, const char *, name))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(nestlab_kvm, exit_event, nestlab_kvm, nested_vmexit_inject,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r, const char *, name))

/* VM entry, with the exit it ends when kvm_exit timed one (else isa 0, exit_ns 0). */
LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, entry,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r, const char *, name),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer(uint32_t, exit_isa, r->arg)
		lttng_ust_field_integer_hex(uint32_t, exit_reason, (uint32_t)r->code)
		lttng_ust_field_string(exit_reason_name, name)
		lttng_ust_field_integer(uint64_t, exit_ns, r->dur_ns)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, pio,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer_hex(uint16_t, port, (uint16_t)r->code)
		lttng_ust_field_integer(uint8_t, write, (uint8_t)(r->arg & 1))
	)
)

/* type: 0 unsatisfied read, 1 read, 2 write (KVM_TRACE_MMIO_*). */
LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, mmio,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer(uint32_t, type, r->arg)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, msr,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer_hex(uint32_t, index, (uint32_t)r->code)
		lttng_ust_field_integer(uint8_t, write, !!(r->arg & KS_MSR_WRITE))
		lttng_ust_field_integer(uint8_t, gp, !!(r->arg & KS_MSR_GP))
	)
)

LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, cpuid,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer_hex(uint32_t, leaf, (uint32_t)r->code)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, hypercall,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer_hex(uint64_t, nr, r->code)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, page_fault,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer_hex(uint64_t, error_code, r->code)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, emulate_insn,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer(uint8_t, failed, (uint8_t)(r->arg & 1))
	)
)

/* KVM_RUN returned: reason KVM_EXIT_* (0 when it failed), errno when it failed (else 0). */
LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, userspace_exit,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r, const char *, name),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer(uint32_t, reason,
					r->arg == KS_UEXIT_ERROR ? 0 : (uint32_t)r->code)
		lttng_ust_field_integer(int32_t, error,
					r->arg == KS_UEXIT_ERROR ? (int32_t)r->code : 0)
		lttng_ust_field_string(reason_name, name)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(nestlab_kvm, inj_exception,
	LTTNG_UST_TP_ARGS(const struct ks_record *, r, const char *, name),
	LTTNG_UST_TP_FIELDS(
		NESTLAB_KVM_COMMON_FIELDS
		lttng_ust_field_integer(uint32_t, vector, (uint32_t)r->code)
		lttng_ust_field_string(vector_name, name)
	)
)

#endif /* NESTLAB_KVMSTAT_LTTNG_TP_H */

#include <lttng/tracepoint-event.h>
