/*
 * Decoded-syscall batching in the L2 kernel (batch=kernel; batch.c,
 * docs/batching.md, docs/mechanisms.md section 5). After a system call the
 * kernel decodes the user instructions at the return RIP (lib/x86dec) and
 * emulates them (x86emu) on a copy of the user's registers; if they reach
 * another SYSCALL within the look-ahead bound it makes that call in the
 * same kernel entry, up to batch_max calls, and returns to ring 3 once,
 * with the state the unbatched program would have had after its last call.
 * The entry's frame is all 16 GPRs, RIP and RFLAGS (entry.S), laid out as
 * struct x86emu_regs: gpr[RCX] = rip = the RIP after the SYSCALL, gpr[R11]
 * = rflags = the RFLAGS it saved (AMD APM vol.2 6.1.1 SYSCALL).
 */
#ifndef L2_BATCH_H
#define L2_BATCH_H

#include <stdint.h>
#include "x86dec/x86dec.h"
#include "kernel.h"

#include <nestlab/batch.h>

#define BATCH_LOOKAHEAD_INSNS NESTLAB_BATCH_LOOKAHEAD_INSNS
#define BATCH_LOOKAHEAD_BYTES NESTLAB_BATCH_LOOKAHEAD_BYTES
/* Bytes of user stores one gap may buffer until its SYSCALL commits them. */
#define BATCH_STORE_BYTES     64u

/* Why a kernel entry returned to ring 3 (include/nestlab/batch.h). */
#define BATCH_ENDS NESTLAB_BATCH_ENDS
#define BATCH_END_NR NESTLAB_BATCH_END_NR
enum {
#define BATCH_END_ENUM_(id, name, what) BATCH_END_##id = NESTLAB_BATCH_END_##id,
	BATCH_ENDS(BATCH_END_ENUM_)
#undef BATCH_END_ENUM_
};

const char *batch_end_name(unsigned end);

/* One kernel entry by SYSCALL under batch=kernel: make the call in f, then
 * as many more as the look-ahead allows; f ends as the state to return. */
void batch_entry(struct x86emu_regs *f);

/* The entry's work in parts (batch.c), exposed for batch_stats.c. Make
 * the call in f (f->gpr[RAX] = its result). */
void batch_syscall(struct x86emu_regs *f);

/* batch_stats.c: count one entry of `size` calls, `insns` emulated
 * instructions, ended by `end` (skipped: its last look-ahead was skipped
 * by the negative cache), in the phase open throughout it. */
struct batch_phase_mark {
	int open;
	uint64_t index;
};
/* The open phase as user space sees it (struct l2_kinfo: two loads). */
static inline void batch_phase_mark(struct batch_phase_mark *m)
{
	m->open = l2_kinfo->phase_open != 0;
	m->index = l2_kinfo->phase_index;
}
void batch_stats_entry(const struct batch_phase_mark *start, unsigned size, unsigned insns,
		       unsigned end, unsigned skipped);
/* The fast path's counter (batch.c, batch_entry): entries of one call
 * whose look-ahead the negative cache skipped, by end, in the phase open
 * now: points into that phase's counters, or at a discard array while no
 * phase (or one past NESTLAB_MAX_PHASES) is open. batch_report folds them
 * into entries, syscalls, skipped, sizes and ends. */
extern uint64_t *batch_stats_skip_sink;
/* Registered (kphase_hook_add) under batch=kernel: whenever l2_kinfo's
 * phase_open or phase_index changes, batch_stats_skip_sink is pointed at
 * the phase now open. */
extern const struct kphase_hook batch_phase_hook;
/* The boot line (mode, limits) and, at the end of the run, one line per
 * phase with entries (docs/batching.md). No-ops with batch=off. */
void batch_report_config(void);
void batch_report(void);

#endif
