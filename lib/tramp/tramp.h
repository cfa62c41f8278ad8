/*
 * lib/tramp: inlined call trampolines (docs/mechanisms.md section 6, issue
 * 15; the idea of JumpSwitches, Amit et al., USENIX ATC 2019, and of the
 * patents in seed 004). A call through a table, `call *table(,%idx,8)`,
 * costs a retpoline under Spectre-v2 mitigations; the trampoline that
 * replaces it compares the index with the hottest entries and jumps
 * straight to their targets, and only a cold index takes the table and the
 * retpoline thunk:
 *
 *     cmp  $i0, %idx ; je target0     one pair per hot entry, hottest first
 *     cmp  $i1, %idx ; je target1
 *     ...
 *     movabs $table, %r11             the fallback: the table's entry,
 *     mov  (%r11,%idx,8), %r11        then the thunk (or, with no thunk,
 *     jmp  thunk                      a plain jmp *%r11)
 *
 * The call site calls the trampoline instead of the table (`call tramp`
 * with the index in idx), so every jump is a tail call: the target returns
 * to the call site, with every argument register as the call site left it
 * (the trampoline writes only RFLAGS and R11, which the SysV ABI makes
 * caller-saved and scratch). The caller checks the index against the
 * table's size first, exactly as for the indirect call.
 *
 * Pure and freestanding: no globals, no allocation; runs in L1, in the L2
 * kernel and in host tests and benchmarks unchanged. Instruction encodings:
 * Intel SDM vol.2 / AMD APM vol.3 (CMP 81 /7 and 83 /7, Jcc 0F 84, MOV B8+r
 * and 8B, JMP E9 and FF /4).
 */
#ifndef LIB_TRAMP_H
#define LIB_TRAMP_H

#include <stdint.h>
#include <stddef.h>

#define TRAMP_MAX_HOT      64u      /* hot entries a trampoline compares */
#define TRAMP_MAX_INDEX    0x7FFFFFFFu /* an index must fit CMP's imm32 */
#define TRAMP_SCRATCH_REG  11u      /* R11: the fallback's only scratch register */

/* Error codes (negative) */
#define TRAMP_E_INVAL  (-150)       /* bad spec: index register, duplicate or
				     * out-of-range index, too many hot entries */
#define TRAMP_E_SPACE  (-151)       /* the code does not fit the buffer */
#define TRAMP_E_RANGE  (-152)       /* a target beyond rel32 reach of the code */

struct tramp_hot {
	uint32_t index;             /* table index, <= TRAMP_MAX_INDEX */
	uint64_t target;            /* the table's entry for it */
};

struct tramp_spec {
	const struct tramp_hot *hot; /* compared in this order */
	unsigned nhot;               /* 0..TRAMP_MAX_HOT */
	unsigned index_reg;          /* GPR number (REX order), not RSP or R11 */
	uint64_t table;              /* address of the call table (8-byte entries) */
	uint64_t thunk;              /* retpoline thunk jumping to *R11, or 0:
				      * a plain indirect jump */
	uint64_t load_addr;          /* where the code will run (rel32 base) */
};

/* Bytes tramp_generate writes for spec (without generating). */
size_t tramp_size(const struct tramp_spec *spec);

/* Write the trampoline for spec into buf (cap bytes): 0 and *len, or a
 * TRAMP_E_* code with nothing promised about buf. */
int tramp_generate(const struct tramp_spec *spec, uint8_t *buf, size_t cap, size_t *len);

/*
 * The hot set from call counts: the at most k indexes with the highest
 * non-zero counts, hottest first; equal counts in index order (so the
 * choice is deterministic). out[] receives the indexes; returns how many.
 */
unsigned tramp_select(const uint64_t *counts, unsigned n, unsigned k, uint32_t *out);

/*
 * The regeneration policy. A hot list's modelled cost on counts[0..n) is the
 * compare-and-branch pairs its dispatches execute: the entry at position i
 * (from 0) costs i + 1, an entry not in the list every compare plus
 * TRAMP_MISS_COST pairs for the fallback. tramp_decide's candidate is
 * tramp_select's (at most k, into out[], *nout); it replaces live[0..nlive)
 * (returns 1) only when it differs and the live list costs more than
 * 1 + 1/TRAMP_HYST_DIV times the candidate (exact integer arithmetic), so
 * a wobbling hot set keeps its trampoline; all-zero counts return 0.
 */
#define TRAMP_MISS_COST  2u
#define TRAMP_HYST_DIV   8u

uint64_t tramp_cost(const uint64_t *counts, unsigned n, const uint32_t *hot, unsigned nhot);
int tramp_decide(const uint64_t *counts, unsigned n, unsigned k, const uint32_t *live,
		 unsigned nlive, uint32_t *out, unsigned *nout);

/* The name and meaning of a TRAMP_E_* code ("unknown error" otherwise). */
const char *tramp_strerror(int rc);

#endif
