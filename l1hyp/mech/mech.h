/*
 * How a mechanism plugs into L1. A mechanism is a file (or folder) under
 * l1hyp/mech/ that defines a struct mech and registers it with
 * MECH_REGISTER; the linker collects every registered mechanism into one
 * table (section .mech_table, l1hyp.ld), so adding one changes no line of
 * core/. At boot, after the core's exit handlers are installed and before
 * L2 first runs, mech_init_all calls each mechanism's init with its switch
 * from the L1 command line (key = the mechanism's name, e.g. "mbec=on";
 * NULL when the key is absent: the mechanism's default, which is off). An
 * init registers what it handles: exit handlers or hooks (exit_table.h),
 * MSR table entries (msr_table.h), per-vCPU state (vcpu->mech[slot]).
 * A bad switch value is a bad configuration: init returns <0 with a
 * message in err, and the run ends with bad_config.
 *
 * Worked example: mech/examples/cpuid_leaves.c (docs/l1-design.md).
 */
#ifndef L1_MECH_H
#define L1_MECH_H

#include <stddef.h>

struct vcpu;
struct l1_config;

struct mech {
	const char *name;       /* also its command-line key */
	const char *summary;    /* one line, for the boot log */
	/* value/vlen: the switch's value (not NUL-terminated), or NULL/0.
	 * slot: this mechanism's index into vcpu->mech[]. Returns 1 if the
	 * mechanism is on, 0 if off, <0 (message in err) on a bad value. */
	int (*init)(struct vcpu *v, unsigned slot, const char *value, size_t vlen,
		    char *err, size_t errlen);
	/* Optional: print what the mechanism saw, when the run ends (only
	 * if init returned 1). */
	void (*report)(struct vcpu *v);
	/* Optional: the mechanism's further keys ("mbec_tlb", ...), NULL-
	 * terminated; option() gets each one the command line has, before
	 * init. <0 (message in err) on a bad value: bad_config. */
	const char *const *options;
	int (*option)(unsigned slot, const char *key, const char *value, size_t vlen,
		      char *err, size_t errlen);
};

#define MECH_REGISTER(m) \
	static const struct mech *const mech_ptr_##m \
	__attribute__((used, section(".mech_table"), aligned(8))) = &(m)

/* Initialise every registered mechanism for v from cfg (taking their
 * options). Returns 0, or -1 with a message in err. */
int mech_init_all(struct vcpu *v, struct l1_config *cfg, char *err, size_t errlen);

/* Call the report of every mechanism that is on (at the end of the run). */
void mech_report_all(struct vcpu *v);

/* Parse an on/off switch value: 1, 0, or -1 if it is neither. NULL is 0. */
int mech_switch_on(const char *value, size_t vlen);

#endif
