/*
 * Exit counts of the L2 guest as Linux KVM sees them, for the KVM-as-L1
 * reference (docs/kvm-l1.md). Most of L2's exits (CPUID, MSR, CR4 writes,
 * NPF) are handled inside KVM and never reach the VMM, so the VMM reads
 * them from a tracefs histogram on the kvm:kvm_exit tracepoint keyed by the
 * raw SVM exit code (Documentation/trace/histogram.rst), taking a snapshot
 * at each phase marker. This file is the pure part: the SVM exit code ->
 * nestlab reason map (AMD APM vol.2 appendix C "SVM Intercept Exit Codes",
 * names of include/nestlab/exit_reason.h), the parser of the histogram's
 * text, and snapshot arithmetic. Host-tested.
 */
#ifndef KVM_L1_KVM_EXITS_H
#define KVM_L1_KVM_EXITS_H

#include <stddef.h>
#include <stdint.h>
#include <nestlab/exit_reason.h>

/* SVM exit codes that nestlab names (APM vol.2 appendix C). */
#define KVMX_SVM_CR0_WRITE     0x010u
#define KVMX_SVM_CR4_WRITE     0x014u
#define KVMX_SVM_EXCP_BASE     0x040u
#define KVMX_SVM_INTR          0x060u
#define KVMX_SVM_NMI           0x061u
#define KVMX_SVM_SMI           0x062u
#define KVMX_SVM_INIT          0x063u
#define KVMX_SVM_VINTR         0x064u
#define KVMX_SVM_CR0_SEL_WRITE 0x065u
#define KVMX_SVM_TR_WRITE      0x06Du
#define KVMX_SVM_CPUID         0x072u
#define KVMX_SVM_IRET          0x074u
#define KVMX_SVM_INVD          0x076u
#define KVMX_SVM_PAUSE         0x077u
#define KVMX_SVM_HLT           0x078u
#define KVMX_SVM_INVLPGA       0x07Au
#define KVMX_SVM_IOIO          0x07Bu
#define KVMX_SVM_MSR           0x07Cu
#define KVMX_SVM_TASK_SWITCH   0x07Du
#define KVMX_SVM_SHUTDOWN      0x07Fu
#define KVMX_SVM_VMRUN         0x080u
#define KVMX_SVM_VMMCALL       0x081u
#define KVMX_SVM_VMLOAD        0x082u
#define KVMX_SVM_VMSAVE        0x083u
#define KVMX_SVM_STGI          0x084u
#define KVMX_SVM_CLGI          0x085u
#define KVMX_SVM_SKINIT        0x086u
#define KVMX_SVM_RDTSCP        0x087u
#define KVMX_SVM_MONITOR       0x08Au
#define KVMX_SVM_MWAIT         0x08Bu
#define KVMX_SVM_MWAIT_COND    0x08Cu
#define KVMX_SVM_XSETBV        0x08Du
#define KVMX_SVM_NPF           0x400u
#define KVMX_SVM_INVALID       0xFFFFFFFFu

/* Codes nestlab has no name for are kept raw (counted as "unknown"). */
#define KVMX_OTHER_MAX 32

struct kvmx_other {
	uint32_t code;
	uint64_t hits;
};

/* Cumulative exit counts since the histogram was created. */
struct kvmx_snapshot {
	uint64_t count[NESTLAB_EXIT_NR];
	unsigned nr_other;
	struct kvmx_other other[KVMX_OTHER_MAX];
	uint64_t dropped;          /* the histogram's "Dropped:" total */
};

#define KVMX_E_FORMAT  (-70)   /* a line of the histogram is not understood */
#define KVMX_E_FULL    (-71)   /* more than KVMX_OTHER_MAX unnamed codes */
#define KVMX_E_DROPPED (-72)   /* the histogram dropped hits: counts not exact */

/* The nestlab reason of an SVM exit code (NESTLAB_EXIT_UNKNOWN if unnamed). */
unsigned kvmx_svm_reason(uint32_t code);

/*
 * Parses the text of events/kvm/kvm_exit/hist for a trigger
 * "hist:keys=exit_reason" into *out (zeroed first): lines
 * "{ exit_reason: <decimal> } hitcount: <decimal>", comments ('#'), blank
 * lines and the "Totals:" block ("Hits:", "Entries:", "Dropped:").
 * 0, KVMX_E_FORMAT (err names the line), KVMX_E_FULL or KVMX_E_DROPPED.
 */
int kvmx_hist_parse(const char *text, struct kvmx_snapshot *out, char *err,
		    size_t errlen);

/* out[r] = now.count[r] - then.count[r] for every reason (0 if negative). */
void kvmx_delta(const struct kvmx_snapshot *now, const struct kvmx_snapshot *then,
		uint64_t out[NESTLAB_EXIT_NR]);

/* Hits of raw code `code` among now's unnamed codes minus then's. */
uint64_t kvmx_other_delta(const struct kvmx_snapshot *now,
			  const struct kvmx_snapshot *then, uint32_t code);

/* The name and meaning of a KVMX_E_* code ("unknown error" otherwise). */
const char *kvmx_strerror(int rc);

#endif
