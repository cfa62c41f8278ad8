/*
 * Decoded-syscall batching (docs/batching.md): why a batch ends, shared by
 * the L2 kernel (guests/kernel/batch.c, which counts and traces it: the
 * l2_batch event's `why`, include/nestlab/trace.h), the workloads' model
 * (workload_model.h) and the launcher (`nestlab expect`, the results
 * JSON's per-phase "batch" object, keyed by these names).
 *
 * X(id, "name", "meaning"), in the order the kernel checks them after each
 * call: EFFECT, LIMIT, FLAGS, then what the look-ahead met.
 */
#ifndef NESTLAB_BATCH_H
#define NESTLAB_BATCH_H

#define NESTLAB_BATCH_ENDS(X)                                                  \
	X(EFFECT,   "effect",   "the last call may change what follows (not getpid, getppid, getuid, level, write)") \
	X(LIMIT,    "limit",    "batch_max calls made in this entry")              \
	X(FLAGS,    "flags",    "user RFLAGS.TF or IF set (single step, interrupts)") \
	X(FETCH,    "fetch",    "an instruction byte is not readable (unmapped page, outside user space)") \
	X(INVALID,  "invalid",  "the bytes are no valid instruction (#UD, over 15 bytes)") \
	X(NOT_EMULABLE, "not_emulable", "a valid instruction outside the emulated subset") \
	X(BRANCH,   "branch",   "a branch (never followed)")                      \
	X(MEM,      "mem",      "a load or store would fault")                    \
	X(CODE_WRITE, "code_write", "a store into a frame of the look-ahead window (code)") \
	X(STORES,   "stores",   "more bytes stored in one gap than the buffer holds") \
	X(BOUND,    "bound",    "no SYSCALL within the look-ahead bound")         \
	X(NEXT,     "next",     "the next SYSCALL is a phase marker (a batch never spans a phase boundary)")

enum nestlab_batch_end {
#define NESTLAB_BATCH_END_ENUM_(id, name, what) NESTLAB_BATCH_END_##id,
	NESTLAB_BATCH_ENDS(NESTLAB_BATCH_END_ENUM_)
#undef NESTLAB_BATCH_END_ENUM_
	NESTLAB_BATCH_END_NR
};

/*
 * The kernel's negative cache (guests/kernel/batch_neg.h): after f
 * look-aheads in a row failed at the same return RIP on the same code (the
 * window's first 8 bytes), the next nestlab_batch_backoff(f) entries there
 * do not look ahead: 0 after the first failure, then 1, 3, 7, ..., at most
 * NESTLAB_BATCH_BACKOFF_MAX (exponential backoff, once a gap failed twice
 * in a row), so a gap that never batches costs one look-ahead per 256
 * entries; a committed gap, or other code there, starts over. Skipping
 * only means not batching: the entry returns after its call, as an
 * unbatched one. An entry whose look-ahead was skipped counts under the
 * end the last look-ahead there gave, and in the phase's `skipped`. The
 * model (l0/expect_batch.c) uses the same rule.
 */
#define NESTLAB_BATCH_BACKOFF_MAX 255u

static inline unsigned nestlab_batch_backoff(unsigned fails)
{
	if (fails <= 1)
		return 0;
	return fails >= 9 ? NESTLAB_BATCH_BACKOFF_MAX : (1u << (fails - 1)) - 1u;
}

/* Look-ahead bound per gap between two system calls: instructions decoded,
 * and bytes from the return RIP (no byte past them is ever read). */
#define NESTLAB_BATCH_LOOKAHEAD_INSNS 16u
#define NESTLAB_BATCH_LOOKAHEAD_BYTES 64u

/*
 * L1's exit-level batching (--batch l1, l1hyp/mech/batch_l1*.c): why a
 * batch ends, in the order L1 checks them before each look-ahead (EVENT,
 * FLAGS, MODE, LIMIT), then what the look-ahead met, then what the next
 * exiting instruction's own rule refused (PORT, HYPERCALL, MSR). Shared by
 * L1 (its per-phase counters "l1batch.end.<name>", its console line), the
 * model and `nestlab expect`.
 */
#define NESTLAB_L1_BATCH_ENDS(X)                                               \
	X(EVENT,   "event",   "an event L1 must deliver, an interrupt window, or a stop") \
	X(FLAGS,   "flags",   "RFLAGS.TF (single step)")                       \
	X(MODE,    "mode",    "L2 is not in 64-bit mode")                      \
	X(LIMIT,   "limit",   "batch_max exiting instructions handled in this exit") \
	X(FETCH,   "fetch",   "an instruction byte not fetchable (L2 paging, NPT execute right)") \
	X(INVALID, "invalid", "no valid instruction")                          \
	X(NOT_EMULABLE, "not_emulable", "outside x86emu's subset, an FS/GS override, or an exiting instruction L1 does not batch") \
	X(BRANCH,  "branch",  "a branch or SYSCALL (never followed)")           \
	X(MEM,     "mem",     "a load or store would fault (L2 paging, NPT), lies outside RAM, or partly overlaps a buffered store") \
	X(CODE_WRITE, "code_write", "a store into a frame of the look-ahead window") \
	X(STORES,  "stores",  "more stores than the buffer holds")              \
	X(BOUND,   "bound",   "no exiting instruction within the look-ahead bound") \
	X(PORT,    "port",    "an IN/OUT whose permission is not known to pass, the backdoor port, or a string/REP form") \
	X(HYPERCALL, "hypercall", "a VMMCALL whose command is not batched (markers, exit, MBEC, ...)") \
	X(MSR,     "msr",     "an RDMSR/WRMSR that would not exit (passed through) or not at CPL 0")

enum nestlab_l1_batch_end {
#define NESTLAB_L1_BATCH_END_ENUM_(id, name, what) NESTLAB_L1_BATCH_END_##id,
	NESTLAB_L1_BATCH_ENDS(NESTLAB_L1_BATCH_END_ENUM_)
#undef NESTLAB_L1_BATCH_END_ENUM_
	NESTLAB_L1_BATCH_END_NR
};

/* The exiting instructions L1 handles in a batch, by kind (the per-phase
 * counters "l1batch.<name>": events handled without a VM exit of their own). */
#define NESTLAB_L1_BATCH_KINDS(X) \
	X(IOIO, "ioio") X(CPUID, "cpuid") X(VMMCALL, "vmmcall") X(MSR, "msr")

enum nestlab_l1_batch_kind {
#define NESTLAB_L1_BATCH_KIND_ENUM_(id, name) NESTLAB_L1_BATCH_KIND_##id,
	NESTLAB_L1_BATCH_KINDS(NESTLAB_L1_BATCH_KIND_ENUM_)
#undef NESTLAB_L1_BATCH_KIND_ENUM_
	NESTLAB_L1_BATCH_KIND_NR
};

#endif
