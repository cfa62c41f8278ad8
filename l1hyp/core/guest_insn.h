/*
 * The instruction at L2's RIP, for handlers of intercepted instructions:
 * one decoder (lib/x86dec) behind one function. guest_decode_at_rip fetches
 * the bytes at CS:RIP once through L2's page tables (with the access rights
 * of L2's CPL, as an instruction fetch) and decodes them in L2's current
 * mode. guest_insn_len gives the length of the intercepted instruction:
 * from the hardware when it reported it (nRIP, exit_info.insn_len), without
 * touching guest memory; otherwise decoded at RIP and checked to be the
 * instruction the exit says it was (a mismatch means L2 rewrote its code
 * under the exit, or lies). The last decode is cached per vCPU and reused
 * only when the same 16 bytes are read again in the same mode (the
 * decode is a function of exactly those), so it is never stale. Pure C: host-tested with a fake vendor.
 */
#ifndef L1_GUEST_INSN_H
#define L1_GUEST_INSN_H

#include "../../lib/x86dec/x86dec.h"

struct vcpu;

/* Instructions L1 intercepts and must step over. */
enum guest_insn_kind {
	GUEST_INSN_CPUID,       /* 0F A2 */
	GUEST_INSN_VMMCALL,     /* 0F 01 D9 */
	GUEST_INSN_RDMSR,       /* 0F 32 */
	GUEST_INSN_WRMSR,       /* 0F 30 */
	GUEST_INSN_HLT,         /* F4 */
	GUEST_INSN_NR
};

#define GUEST_INSN_E_FETCH    (-20)  /* the bytes at RIP cannot be read (see guest_mem.h) */
#define GUEST_INSN_E_MODE     (-21)  /* L2 runs in a mode the decoder does not handle (16-bit) */
#define GUEST_INSN_E_DECODE   (-22)  /* the bytes at RIP are no valid instruction */
#define GUEST_INSN_E_MISMATCH (-23)  /* valid, but not the intercepted instruction */
#define GUEST_INSN_E_INVALID  (-24)  /* an undefined encoding (e.g. LOCK on CPUID): #UD */
#define GUEST_INSN_E_TOO_LONG (-25)  /* longer than 15 bytes: #GP(0) */

/* Decode the instruction at CS:RIP; *insn points at the decoded form (the
 * vCPU's cache, valid until the next decode). 0 or GUEST_INSN_E_*. */
int guest_decode_at_rip(struct vcpu *v, const struct x86dec_insn **insn);
/* Length of the intercepted instruction of kind at RIP into *len: 0, or
 * GUEST_INSN_E_* (then *len is 0). */
int guest_insn_len(struct vcpu *v, enum guest_insn_kind kind, unsigned *len);
/* The architectural answer when guest_insn_len/guest_decode_at_rip failed
 * with rc for the exit named what: a fault injected into L2, a re-execute,
 * or a stop (guest_insn.c says which when). Returns handler flags. */
unsigned guest_insn_fail(struct vcpu *v, int rc, const char *what);
/* True if insn is an instance of kind (any prefixes). */
int guest_insn_is(const struct x86dec_insn *insn, enum guest_insn_kind kind);
/* Name of a GUEST_INSN_E_* code. */
const char *guest_insn_strerror(int rc);

#endif
