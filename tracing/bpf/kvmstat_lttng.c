/*
 * kvmstat_lttng.c: nestlab-kvmstat's LTTng-UST plugin (see kvmstat_lttng.h).
 * Its tracepoint call sites are defined here (the probes are in
 * kvmstat_lttng_tp.c); both end up in nestlab-kvmstat-lttng.so, linked with
 * liblttng-ust, which registers with a session daemon when there is one.
 */
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "kvmstat_lttng_tp.h"
#include "kvmstat_lttng.h"
#include "kvmstat_names.h"

/* Returns 0 from the caller when no session enables nestlab_kvm:ev. */
#define KS_IF_ENABLED(ev)						\
	do {								\
		if (!lttng_ust_tracepoint_enabled(nestlab_kvm, ev))	\
			return 0;					\
	} while (0)

static int ks_lttng_listening(void)
{
	return lttng_ust_tracepoint_enabled(nestlab_kvm, exit) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, entry) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, nested_vmexit) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, nested_vmexit_inject) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, nested_vmenter) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, nested_vmrun) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, pio) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, mmio) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, msr) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, cpuid) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, hypercall) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, page_fault) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, emulate_insn) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, userspace_exit) ||
	       lttng_ust_tracepoint_enabled(nestlab_kvm, inj_exception);
}

static int ks_lttng_emit(const struct ks_record *r)
{
	char name[64];

	switch (r->event) {
	case KS_EV_EXIT:
		KS_IF_ENABLED(exit);
		ks_exit_label(name, sizeof(name), r->arg, (uint32_t)r->code);
		lttng_ust_do_tracepoint(nestlab_kvm, exit, r, name);
		return 1;
	case KS_EV_ENTRY:
		KS_IF_ENABLED(entry);
		if (r->arg)
			ks_exit_label(name, sizeof(name), r->arg, (uint32_t)r->code);
		else
			name[0] = 0;   /* no timed exit before it */
		lttng_ust_do_tracepoint(nestlab_kvm, entry, r, name);
		return 1;
	case KS_EV_NESTED_VMEXIT:
		KS_IF_ENABLED(nested_vmexit);
		ks_exit_label(name, sizeof(name), r->arg, (uint32_t)r->code);
		lttng_ust_do_tracepoint(nestlab_kvm, nested_vmexit, r, name);
		return 1;
	case KS_EV_NESTED_VMEXIT_INJECT:
		KS_IF_ENABLED(nested_vmexit_inject);
		ks_exit_label(name, sizeof(name), r->arg, (uint32_t)r->code);
		lttng_ust_do_tracepoint(nestlab_kvm, nested_vmexit_inject, r, name);
		return 1;
	case KS_EV_NESTED_VMENTER:
		KS_IF_ENABLED(nested_vmenter);
		lttng_ust_do_tracepoint(nestlab_kvm, nested_vmenter, r);
		return 1;
	case KS_EV_NESTED_VMRUN:
		KS_IF_ENABLED(nested_vmrun);
		lttng_ust_do_tracepoint(nestlab_kvm, nested_vmrun, r);
		return 1;
	case KS_EV_PIO:
		KS_IF_ENABLED(pio);
		lttng_ust_do_tracepoint(nestlab_kvm, pio, r);
		return 1;
	case KS_EV_MMIO:
		KS_IF_ENABLED(mmio);
		lttng_ust_do_tracepoint(nestlab_kvm, mmio, r);
		return 1;
	case KS_EV_MSR:
		KS_IF_ENABLED(msr);
		lttng_ust_do_tracepoint(nestlab_kvm, msr, r);
		return 1;
	case KS_EV_CPUID:
		KS_IF_ENABLED(cpuid);
		lttng_ust_do_tracepoint(nestlab_kvm, cpuid, r);
		return 1;
	case KS_EV_HYPERCALL:
		KS_IF_ENABLED(hypercall);
		lttng_ust_do_tracepoint(nestlab_kvm, hypercall, r);
		return 1;
	case KS_EV_PAGE_FAULT:
		KS_IF_ENABLED(page_fault);
		lttng_ust_do_tracepoint(nestlab_kvm, page_fault, r);
		return 1;
	case KS_EV_EMULATE_INSN:
		KS_IF_ENABLED(emulate_insn);
		lttng_ust_do_tracepoint(nestlab_kvm, emulate_insn, r);
		return 1;
	case KS_EV_USERSPACE_EXIT:
		KS_IF_ENABLED(userspace_exit);
		ks_detail_label(name, sizeof(name), r->event, r->arg, r->code);
		lttng_ust_do_tracepoint(nestlab_kvm, userspace_exit, r, name);
		return 1;
	case KS_EV_INJ_EXCEPTION:
		KS_IF_ENABLED(inj_exception);
		ks_detail_label(name, sizeof(name), r->event, r->arg, r->code);
		lttng_ust_do_tracepoint(nestlab_kvm, inj_exception, r, name);
		return 1;
	}
	return 0;
}

static const struct ks_lttng_ops ks_lttng_ops = {
	.abi = KS_LTTNG_ABI,
	.listening = ks_lttng_listening,
	.emit = ks_lttng_emit,
};

/* The one symbol the plugin exports (built with -fvisibility=hidden). */
__attribute__((visibility("default"))) const struct ks_lttng_ops *ks_lttng_plugin(void);

const struct ks_lttng_ops *ks_lttng_plugin(void)
{
	return &ks_lttng_ops;
}
