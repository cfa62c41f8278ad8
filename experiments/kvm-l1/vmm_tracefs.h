/*
 * The kvm:kvm_exit histogram in tracefs, the VMM's source of exact exit
 * counts (Documentation/trace/histogram.rst): a trigger
 * "hist:keys=exit_reason" on events/kvm/kvm_exit counts every exit KVM
 * takes, keyed by the raw SVM exit code, in the kernel, without the event
 * being enabled (a trigger arms the tracepoint in "soft" mode: nothing goes
 * to the ring buffer). Reading events/kvm/kvm_exit/hist gives the counts
 * since the trigger was set.
 */
#ifndef KVM_L1_VMM_TRACEFS_H
#define KVM_L1_VMM_TRACEFS_H

#include <stddef.h>
#include "kvm_exits.h"

#define VMM_TRACEFS_DEFAULT "/sys/kernel/tracing"

struct vmm_tracefs {
	char hist_path[256];
	char *buf;            /* the last read of the hist file */
	size_t cap;
};

/* Sets the trigger (tracefs mounted at root). 0, or -1 with err. */
int vmm_tracefs_open(struct vmm_tracefs *t, const char *root, char *err, size_t errlen);

/* A struct vmm_counter_ops snapshot function; ctx is the vmm_tracefs. */
int vmm_tracefs_snapshot(void *ctx, struct kvmx_snapshot *out, char *err, size_t errlen);

#endif
