/*
 * L1's hypercall dispatcher: one entry point for every transport (VMMCALL,
 * the backdoor port, later VMCALL), implementing include/nestlab/hypercall.h.
 * Pure C: the caller hands in the guest registers (already copied out of the
 * VMCB / GPR save area, so each is read once), the caller's CPL and the
 * services it may use; guest memory is reached only through copy_from_guest,
 * which must be fault-safe. Host-tested.
 */
#ifndef L1_HYPERCALL_H
#define L1_HYPERCALL_H

#include <stdint.h>
#include <stddef.h>
#include <nestlab/hypercall.h>

struct exit_stats;

struct hc_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi;
};

struct hc_env {
	unsigned cpl;               /* caller's privilege level, 0..3 */
	uint32_t features;          /* NESTLAB_FEAT_* */
	uint64_t tsc;               /* now, for phase markers */
	struct exit_stats *stats;
	char *scratch;              /* >= NESTLAB_HC_CONSOLE_MAX bytes */
	/* Copy len bytes at guest-virtual gva, as an access at env->cpl.
	 * Returns 0, or a negative value if any byte cannot be read. */
	int  (*copy_from_guest)(void *ctx, uint64_t gva, void *dst, size_t len);
	void (*console_write)(void *ctx, const char *buf, size_t len);
	void (*request_exit)(void *ctx, unsigned status);
	/* List L2's trace ring at guest-physical gpa, bytes long (alignment
	 * and size already checked). Returns an enum nestlab_hc_status. */
	uint32_t (*trace_register)(void *ctx, uint64_t gpa, uint64_t bytes);
	void *ctx;
};

/*
 * Commands a mechanism serves (NESTLAB_HC_MBEC_* ...): from
 * HC_EXT_FIRST_CMD up. A mechanism that is on registers its handler at
 * init; a command nobody registered answers NESTLAB_HC_E_STATE (the
 * command exists, the mechanism is off). CPL0 only. ctx is env->ctx;
 * args are RBX, RSI, RDI; the handler returns an enum nestlab_hc_status
 * and, for OK, the two results.
 */
#define HC_EXT_FIRST_CMD NESTLAB_HC_MBEC_ENABLE
typedef uint32_t (*hc_ext_fn)(void *ctx, const uint64_t args[3], uint64_t *ret0,
			      uint64_t *ret1);
/* 0, or -1 if cmd is not a mechanism command or has a handler already. */
int hc_ext_register(unsigned cmd, hc_ext_fn fn);
/* Forget every registration (tests). */
void hc_ext_reset(void);

/* Result flags of hc_dispatch */
#define HC_MARKER  (1u << 0)   /* a phase marker: not counted in phases */

/* Runs the hypercall in *r and writes its outputs (RAX = status, RBX, RSI)
 * back into *r. Never fails: every error is a status code for the guest. */
unsigned hc_dispatch(struct hc_regs *r, const struct hc_env *env);

/* True if (gva, len) is a plausible guest buffer: canonical at both ends
 * (48-bit), no wrap-around. len 0 is always plausible. */
int hc_buffer_plausible(uint64_t gva, uint64_t len);

#endif
