/*
 * Workload "intercepts": L1's intercept policy as L2 sees it, one check each
 * (iterations ignored). Inside one phase:
 *   kernel probes (L2_TEST_PROBE): RDMSR of a non-existent MSR -> #GP,
 *   WRMSR TSC -> #GP, RDMSR EFER -> SVME hidden (LME, LMA, SCE shown),
 *   WRMSR EFER with SVME -> #GP, and VMRUN, VMLOAD, VMSAVE, STGI, CLGI,
 *   SKINIT, INVLPGA -> #UD each (L2 has no SVM);
 *   ring-3 CPUID: leaf 0x40000000 = "NestLabL1Hyp", 0x40000001.EAX = ABI
 *   version, leaf 1 ECX.hypervisor set, leaf 0x80000001 ECX.SVM clear.
 * At level 2 that is exactly 5 msr, 4 cpuid and one exit per SVM
 * instruction. At level 1 (no L1) only the #UD checks run (EFER.SVME = 0
 * makes SVM instructions #UD, AMD APM vol.2 15.4); the MSR probes are not
 * run and the CPUID checks print SKIP.
 */
#include "ulib.h"
#include <nestlab/hypercall.h>
#include <nestlab/platform.h>

#define VEC_UD 6
#define VEC_GP 13

struct icheck {
	const char *what;
	int64_t got;
	int ok;
	int level2_only;
};

static void cpuid2(uint32_t leaf, uint32_t r[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(leaf), "c"(0));
}

static int64_t probe(uint64_t id)
{
	return u_syscall(L2_SYS_TEST, L2_TEST_PROBE, id, 0);
}

static int faulted_with(int64_t r, int vector)
{
	return r == -(L2_EPROBE_BASE + vector);
}

int wl_intercepts(const struct wl_args *a)
{
	static const struct { uint64_t id; const char *name; } svm[] = {
		{ L2_PROBE_VMRUN, "VMRUN -> #UD" },   { L2_PROBE_VMLOAD, "VMLOAD -> #UD" },
		{ L2_PROBE_VMSAVE, "VMSAVE -> #UD" }, { L2_PROBE_STGI, "STGI -> #UD" },
		{ L2_PROBE_CLGI, "CLGI -> #UD" },     { L2_PROBE_SKINIT, "SKINIT -> #UD" },
		{ L2_PROBE_INVLPGA, "INVLPGA -> #UD" },
	};
	struct icheck c[16];
	uint32_t sig[4], info[4], l1[4], ext[4];
	unsigned n = 0, failed = 0;
	int64_t ph, r;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	/* The MSR probes only mean something under L1; at level 1 they would
	 * touch the real (emulated) CPU: setting EFER.SVME there would make the
	 * VMRUN probe below really enter a guest. */
	if (a->level != 2)
		goto svm_instructions;
	r = probe(L2_PROBE_RDMSR_UNKNOWN);
	c[n++] = (struct icheck){ "RDMSR of a non-existent MSR -> #GP", r, faulted_with(r, VEC_GP), 1 };
	r = probe(L2_PROBE_WRMSR_TSC);
	c[n++] = (struct icheck){ "WRMSR TSC -> #GP", r, faulted_with(r, VEC_GP), 1 };
	r = probe(L2_PROBE_RDMSR_EFER);
	c[n++] = (struct icheck){ "RDMSR EFER: SVME hidden, SCE|LME|LMA shown", r,
				  r >= 0 && !(r & (1 << 12)) && (r & 0x501) == 0x501, 1 };
	r = probe(L2_PROBE_WRMSR_EFER_SVME);
	c[n++] = (struct icheck){ "WRMSR EFER with SVME -> #GP", r, faulted_with(r, VEC_GP), 1 };
svm_instructions:
	for (unsigned i = 0; i < sizeof(svm) / sizeof(svm[0]); i++) {
		r = probe(svm[i].id);
		c[n++] = (struct icheck){ svm[i].name, r, faulted_with(r, VEC_UD), 0 };
	}
	cpuid2(NESTLAB_CPUID_LEAF_BASE, sig);
	cpuid2(NESTLAB_CPUID_LEAF_INFO, info);
	cpuid2(1, l1);
	cpuid2(0x80000001u, ext);
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;

	c[n++] = (struct icheck){ "CPUID 0x40000000 signature NestLabL1Hyp", sig[1],
				  sig[0] == NESTLAB_CPUID_LEAF_MAX && sig[1] == NESTLAB_CPUID_SIG_EBX &&
				  sig[2] == NESTLAB_CPUID_SIG_ECX && sig[3] == NESTLAB_CPUID_SIG_EDX, 1 };
	c[n++] = (struct icheck){ "CPUID 0x40000001 ABI version", info[0],
				  info[0] == NESTLAB_HC_ABI_VERSION, 1 };
	c[n++] = (struct icheck){ "CPUID 1 ECX.hypervisor set", l1[2], (l1[2] >> 31) & 1, 1 };
	c[n++] = (struct icheck){ "CPUID 0x80000001 ECX.SVM clear", ext[2], !((ext[2] >> 2) & 1), 1 };

	for (unsigned i = 0; i < n; i++) {
		if (c[i].level2_only && a->level != 2) {   /* only CPUID ones here */
			u_printf("SKIP: intercepts: %s (needs L1)\n", c[i].what);
			continue;
		}
		if (c[i].ok)
			u_printf("PASS: intercepts: %s\n", c[i].what);
		else
			u_printf("FAIL: intercepts: %s (got %ld)\n", c[i].what, c[i].got);
		failed += !c[i].ok;
	}
	return failed ? NESTLAB_STATUS_WORKLOAD_FAIL : NESTLAB_STATUS_PASS;
}
