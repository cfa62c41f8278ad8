/*
 * L1's exit-level batching (issue 14 part 3; docs/batching.md), the parts'
 * shared interface. Three files, one concern each:
 *   batch_l1.c       the mechanism: its switch and batch_max, the post hooks
 *                    on the IOIO, CPUID, VMMCALL and MSR exits, the batch
 *                    loop, the per-phase counters and the console line;
 *   batch_l1_look.c  the look-ahead: L2's code at the next RIP read as L2
 *                    would fetch it (its paging and the NPT's execute right),
 *                    decoded (lib/x86dec, a decode cache), emulated on a copy
 *                    of the registers (x86emu) with loads from and buffered
 *                    stores to L2's memory, up to the next exiting
 *                    instruction; the commit of the buffered stores;
 *   batch_l1_exit.c  which exiting instructions a batch handles and the
 *                    exit information their own exit would have carried.
 * Nothing of this is in the generic exit path: post hooks (exit_table.h)
 * and the phase hook (phase_hook.h) are the whole interface.
 */
#ifndef L1_MECH_BATCH_L1_H
#define L1_MECH_BATCH_L1_H

#include <stdint.h>
#include <stdbool.h>
#include "../core/exit_info.h"
#include "../core/guest_mem.h"
#include "../../lib/x86dec/x86dec.h"
#include <nestlab/batch.h>

struct vcpu;

/* Stores of one look-ahead, buffered until the commit (at most this many;
 * each 1, 2, 4 or 8 bytes). */
#define BATCH_L1_STORES 8

struct batch_l1_store {
	uint64_t gva, gpa;                  /* the store's address, and its frame's */
	uint64_t val;
	unsigned size;
};

/* What a look-ahead found: the exiting instruction at regs.rip (after the
 * glue), its kind, and the glue's stores. */
struct batch_l1_look {
	struct vcpu *v;
	struct guest_paging pg;             /* L2's paging registers */
	unsigned acc_user;                  /* GUEST_ACC_USER at CPL 3, else 0 */
	uint64_t win_frame[2];              /* the window's guest-physical frames */
	unsigned nr_frames;
	struct x86dec_insn insn;            /* the exiting instruction */
	unsigned kind;                      /* enum nestlab_l1_batch_kind */
	unsigned emulated;                  /* glue instructions emulated */
	unsigned nr_stores;
	struct batch_l1_store store[BATCH_L1_STORES];
	unsigned mem_end;                   /* a failed access: MEM, CODE_WRITE or STORES */
	bool stored_before;                 /* an earlier look-ahead of the batch stored (the caller sets it) */
};

/* Emulate from r->rip to the next exiting instruction (batch_l1_exit_kind):
 * true with *r the registers before it and lk filled, false with the
 * reason (enum nestlab_l1_batch_end) in *end; v is not changed. */
bool batch_l1_look_ahead(struct vcpu *v, struct x86emu_regs *r, struct batch_l1_look *lk,
			 unsigned *end);
/* Write the look-ahead's buffered stores to L2's memory, in order. 0, or
 * the GUEST_MEM_E_* of a store that failed after its check passed (L2's
 * tables cannot change under a stopped single vCPU: an L1 error). */
int batch_l1_commit_stores(struct vcpu *v, const struct batch_l1_look *lk);

/* The kind of exiting instruction insn is (enum nestlab_l1_batch_kind),
 * or -1 for none L1 batches. */
int batch_l1_exit_kind(const struct x86dec_insn *insn);
/* May the batch handle the exiting instruction lk found, with registers r,
 * the batch having begun with exit *first? true with *next the exit
 * information its own exit would have had; false with the reason in *end. */
bool batch_l1_exit_permitted(struct vcpu *v, const struct exit_info *first,
			     const struct x86emu_regs *r, const struct batch_l1_look *lk,
			     struct exit_info *next, unsigned *end);
/* May a batch begin after exit *e, which L1 has just handled? */
bool batch_l1_exit_starts(const struct vcpu *v, const struct exit_info *e);

#endif
