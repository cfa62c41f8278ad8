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

/* Look-ahead bound per gap between two system calls: instructions decoded,
 * and bytes from the return RIP (no byte past them is ever read). */
#define NESTLAB_BATCH_LOOKAHEAD_INSNS 16u
#define NESTLAB_BATCH_LOOKAHEAD_BYTES 64u

#endif
