/*
 * Accelerator choice for a run: KVM when the host can serve the requested
 * level, else TCG. The host facts are read from files whose paths come in a
 * struct accel_probe, so tests can point them at fake files.
 */
#ifndef L0_ACCEL_H
#define L0_ACCEL_H

#include <stddef.h>
#include "run_config.h"

struct accel_probe {
	const char *kvm_dev;        /* /dev/kvm: must open read-write */
	const char *kvm_amd_nested; /* /sys/module/kvm_amd/parameters/nested: 1 or Y */
	const char *cpuinfo;        /* /proc/cpuinfo: "svm" in a flags line */
};

extern const struct accel_probe accel_probe_host;

struct accel_choice {
	enum l0_accel accel;        /* L0_ACCEL_KVM or L0_ACCEL_TCG */
	char reason[256];           /* why; on error, the error message */
};

/*
 * Picks the accelerator for `requested` (auto/kvm/tcg) at `level`. Returns 0
 * and fills `out`, or -1 when KVM was requested but cannot serve the level
 * (out->reason says why).
 */
int accel_choose(const struct accel_probe *p, enum l0_accel requested, int level,
		 struct accel_choice *out);

/*
 * Can KVM serve `level`? 0 yes (why = what was found), -1 no (why = what is
 * missing, e.g. "no nested SVM: <path> missing").
 */
int accel_kvm_usable(const struct accel_probe *p, int level, char *why, size_t whylen);

#endif
