/*
 * System-call interposition (docs/interpose.md): the contract between L1's
 * mechanism (l1hyp/mech/interpose*.c) and the L2 kernel's interposer module
 * (guests/modules/interpose/), and the names both give to variants and
 * operations.
 *
 * L1 hooks L2's system-call vector: the guest's LSTAR (AMD APM vol.2 6.1.1,
 * "SYSCALL and SYSRET"; Intel SDM vol.3 5.8.8 IA32_LSTAR) keeps the value
 * L2 wrote, as L2 reads it, while the CPU's LSTAR holds the module's entry
 * (the hooked vector). SYSCALL lands in the module with every register as
 * the instruction left it; the module performs the hooked operation and
 * jumps to L2's real handler (the value L2 wrote, which L1 keeps in the
 * control page) as if SYSCALL had gone there directly, or, for a denied
 * number, returns -NESTLAB_INTERPOSE_DENY_ERRNO with SYSRET itself.
 *
 * Two pages of the module, both 4 KiB-aligned in its image:
 *   - the control page (struct nestlab_interpose_ctl): the module fills the
 *     first part and registers it (NESTLAB_HC_INTERPOSE_REGISTER); from
 *     then on L1 owns it: L1 writes the second part (L2's own LSTAR, the
 *     variant, the operation, the deny set) and maps the page, like the
 *     module's code, read-only in L2's nested page tables, so a guest
 *     kernel that turned hostile can neither unhook nor redirect it;
 *   - the counter page (struct nestlab_interpose_counters), which the
 *     module writes at every system call under variant inguest and L1
 *     reads, as untrusted input, at each phase's begin and end.
 */
#ifndef NESTLAB_INTERPOSE_H
#define NESTLAB_INTERPOSE_H

#include <stdint.h>

#define NESTLAB_INTERPOSE_MAGIC          0x50525449u /* "ITRP" in memory order */
#define NESTLAB_INTERPOSE_VERSION        1u
/* System-call numbers counted one by one; larger ones count in `other`
 * and cannot be denied. */
#define NESTLAB_INTERPOSE_NRS            256u
/* At most this many pages of module code (the range L1 protects). */
#define NESTLAB_INTERPOSE_CODE_PAGES_MAX 16u
/* A denied system call returns -1 (EPERM, as the L2 kernel numbers it). */
#define NESTLAB_INTERPOSE_DENY_ERRNO     1

/* NESTLAB_HC_INTERPOSE_QUERY's arg0: what to answer. */
#define NESTLAB_INTERPOSE_Q_COUNTS 0u /* ret0 = calls interposed, ret1 = writes refused */
#define NESTLAB_INTERPOSE_Q_CONFIG 1u /* ret0 = variant | op << 8, ret1 = 1 if registered */

/* Where the hooked operation runs (the launcher's --interpose). */
enum nestlab_interpose_variant {
	NESTLAB_INTERPOSE_OFF        = 0,
	NESTLAB_INTERPOSE_INGUEST    = 1, /* in the module: no exit */
	NESTLAB_INTERPOSE_HYPERCALL  = 2, /* the module asks L1: one VMMCALL */
	NESTLAB_INTERPOSE_TRAP       = 3, /* no module: SYSCALL/SYSRET #UD to L1 */
	NESTLAB_INTERPOSE_BREAKPOINT = 4, /* no module: an INT3 at L2's handler */
};

/* The variants' and operations' names, in enum order, as L1's command line
 * (interpose=, interpose_op=), the launcher and the bench take them. */
#define NESTLAB_INTERPOSE_VARIANT_WORDS "off", "inguest", "hypercall", "trap", "breakpoint"
#define NESTLAB_INTERPOSE_NR_VARIANTS   5u
#define NESTLAB_INTERPOSE_OP_WORDS      "count", "trace", "deny"
#define NESTLAB_INTERPOSE_NR_OPS        3u

/* What is done at each system call (the launcher's --interpose-op). Every
 * operation counts the call; trace also writes a trace record, deny also
 * refuses the numbers of the deny set. */
enum nestlab_interpose_op {
	NESTLAB_INTERPOSE_OP_COUNT = 0,
	NESTLAB_INTERPOSE_OP_TRACE = 1,
	NESTLAB_INTERPOSE_OP_DENY  = 2,
};

struct nestlab_interpose_ctl {
	/* Filled by the module before it registers: virtual addresses in the
	 * kernel's address space. */
	uint32_t magic;                 /* NESTLAB_INTERPOSE_MAGIC */
	uint32_t version;               /* NESTLAB_INTERPOSE_VERSION */
	uint64_t entry;                 /* the hooked vector, in [code_start, code_end) */
	uint64_t code_start, code_end;  /* the module's code, 4 KiB-aligned */
	uint64_t counters;              /* its counter page, 4 KiB-aligned */
	/* Written by L1 only (read-only to L2 once registered). */
	uint64_t real_target;           /* L2's own LSTAR: where SYSCALL would go */
	uint32_t variant;               /* enum nestlab_interpose_variant */
	uint32_t op;                    /* enum nestlab_interpose_op */
	uint64_t deny[NESTLAB_INTERPOSE_NRS / 64]; /* bit per number, op deny */
};

struct nestlab_interpose_counters {
	uint64_t total;                 /* system calls seen */
	uint64_t denied;                /* of which refused */
	uint64_t other;                 /* numbers >= NESTLAB_INTERPOSE_NRS */
	uint64_t reserved;
	uint64_t nr[NESTLAB_INTERPOSE_NRS];
};

/* The two pages as a module (or a test) declares them: a whole page each,
 * so that nothing else shares the control page L1 makes read-only. */
union nestlab_interpose_ctl_page {
	struct nestlab_interpose_ctl ctl;
	uint8_t page[4096];
} __attribute__((aligned(4096)));
union nestlab_interpose_counters_page {
	struct nestlab_interpose_counters c;
	uint8_t page[4096];
} __attribute__((aligned(4096)));

_Static_assert(NESTLAB_INTERPOSE_BREAKPOINT + 1 == NESTLAB_INTERPOSE_NR_VARIANTS &&
	       NESTLAB_INTERPOSE_OP_DENY + 1 == NESTLAB_INTERPOSE_NR_OPS, "the names' tables");
_Static_assert(sizeof(struct nestlab_interpose_ctl) <= 4096, "control page");
_Static_assert(sizeof(struct nestlab_interpose_counters) <= 4096, "counter page");

#endif
