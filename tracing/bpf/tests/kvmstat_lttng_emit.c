/*
 * kvmstat-lttng-emit: a test driver for nestlab-kvmstat's LTTng-UST plugin.
 * Loads the plugin given as argument, as the tool does, and emits one
 * made-up record per event kind with known field values, including those
 * this host's KVM never produces (kvm_exit/kvm_entry with an exit duration,
 * MSR, MMIO, nested events, a failed KVM_RUN), so that kvmstat_test.sh can
 * check every event's fields in a real trace. Prints "listening N" (the
 * plugin's view of the sessions) and "emitted N" (events a session took).
 *
 *   kvmstat-lttng-emit PLUGIN.so
 */
#include <dlfcn.h>
#include <stdio.h>
#include <linux/types.h>
#include "kvmstat_lttng.h"

#define TEST_PID 4242
#define TEST_TID 4243

static const struct ks_record recs[] = {
	{ .event = KS_EV_EXIT, .arg = KS_ISA_SVM, .code = 0x7b },
	{ .event = KS_EV_ENTRY, .arg = KS_ISA_SVM, .code = 0x7b, .dur_ns = 1234 },
	{ .event = KS_EV_ENTRY },                           /* no timed exit before it */
	{ .event = KS_EV_NESTED_VMEXIT, .arg = KS_ISA_VMX, .code = 30 },
	{ .event = KS_EV_NESTED_VMEXIT_INJECT, .arg = KS_ISA_SVM, .code = 0x72 },
	{ .event = KS_EV_NESTED_VMENTER },
	{ .event = KS_EV_NESTED_VMRUN },
	{ .event = KS_EV_PIO, .arg = 1, .code = 0x3f8 },
	{ .event = KS_EV_MMIO, .arg = 2 },
	{ .event = KS_EV_MSR, .arg = KS_MSR_WRITE | KS_MSR_GP, .code = 0xc0000080 },
	{ .event = KS_EV_CPUID, .code = 0x80000001 },
	{ .event = KS_EV_HYPERCALL, .code = 0x6e6c },
	{ .event = KS_EV_PAGE_FAULT, .code = 6 },
	{ .event = KS_EV_EMULATE_INSN, .arg = 1 },
	{ .event = KS_EV_USERSPACE_EXIT, .code = 2 },      /* KVM_EXIT_IO */
	{ .event = KS_EV_USERSPACE_EXIT, .arg = KS_UEXIT_ERROR, .code = 4 },   /* EINTR */
	{ .event = KS_EV_INJ_EXCEPTION, .code = 6 },
};

int main(int argc, char **argv)
{
	void *h;
	ks_lttng_plugin_fn get;
	const struct ks_lttng_ops *ops;
	int emitted = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: kvmstat-lttng-emit PLUGIN.so\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "kvmstat-lttng-emit: %s\n", dlerror());
		return 1;
	}
	get = (ks_lttng_plugin_fn)dlsym(h, KS_LTTNG_SYMBOL);
	ops = get ? get() : NULL;
	if (!ops || ops->abi != KS_LTTNG_ABI) {
		fprintf(stderr, "kvmstat-lttng-emit: %s: no plugin of ABI %d\n", argv[1], KS_LTTNG_ABI);
		return 1;
	}
	printf("listening %d\n", ops->listening());
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		struct ks_record r = recs[i];

		r.ts_ns = 1000 + i;
		r.tgid = TEST_PID;
		r.tid = TEST_TID;
		emitted += ops->emit(&r);
	}
	printf("emitted %d\n", emitted);
	return 0;
}
