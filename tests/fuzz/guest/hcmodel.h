/*
 * A model of the hypercall ABI (include/nestlab/hypercall.h,
 * docs/hypercall-abi.md) as an L2 sees it: for one call (transport, CPL,
 * registers, and what the caller knows about its buffer), the status and
 * return values L1 must give, and which registers it may change. Checks
 * in the ABI's order: magic, command number, CPL allowlist, then the
 * command's arguments (length bounds before the pointer, the pointer before
 * the phase state). The model keeps the phase table's state (how many
 * phases began, which is open), updated from each call's real outcome.
 * Pure C, host-tested.
 */
#ifndef FUZZ_HCMODEL_H
#define FUZZ_HCMODEL_H

#include <stdint.h>

enum hc_transport { HC_VMMCALL, HC_BACKDOOR };

struct hc_model {
	uint64_t features;      /* CPUID 0x40000001 EBX, as the guest read it */
	unsigned nr_phases;
	int open;               /* index of the open phase, or -1 */
};

struct hc_call {
	enum hc_transport transport;
	unsigned cpl;
	unsigned size;          /* backdoor: the IN's operand size, 1, 2 or 4 */
	uint64_t rax, rcx, rbx, rsi, rdi;
	int readable;           /* [rbx, rbx+rsi) readable at cpl, inside L2 RAM */
	int name_ok;            /* those bytes are a valid phase name */
};

struct hc_expect {
	int hypercall;          /* 0: a plain port read (no device: all ones) */
	uint64_t rax;           /* status (zero-extended), or the port read's RAX */
	int check_ret0, check_ret1;
	uint64_t ret0, ret1;
	int ends_run;           /* an EXIT L1 would honour (never issued) */
};

void hc_model_init(struct hc_model *m, uint64_t features);
void hc_model_predict(const struct hc_model *m, const struct hc_call *c,
		      struct hc_expect *e);
/* After the call: status and ret0 as L1 returned them. */
void hc_model_update(struct hc_model *m, const struct hc_call *c, uint64_t status,
		     uint64_t ret0);

#endif
