/*
 * Random instruction sequences between system calls (or, in exit mode,
 * between L1's exiting instructions), for batching's differential
 * workloads (batch_random.c, exit_random.c; docs/batching.md, "Random
 * differential"). A sequence is machine code, generated into a buffer and
 * called: it loads every register but RSP and R15 (the block pointer) from
 * the block and RFLAGS' arithmetic flags from a random word, then 1..5
 * times some random glue and a system call (getpid, getuid, getppid, level
 * or yield: RAX loaded right before), some glue, stores every register and
 * RFLAGS into the block's output and returns.
 *
 * The glue is drawn from the emulated subset (register and immediate ALU
 * in 8/16/32/64 bits, AH..BH, LEA with SIB, MOV/MOVZX/MOVSX/MOVSXD, XCHG,
 * INC/DEC/NEG/NOT, shifts and rotates, PUSH/POP pairs, loads, stores and
 * read-modify-writes of the block through R15) and from outside it (IMUL,
 * BSWAP, CMOVcc, SETcc, BT, PAUSE, an FS override, JMP/Jcc +0, loads from
 * a demand-paged region whose pages may not be present yet). Every
 * instruction that leaves a flag undefined (AND/OR/XOR/TEST: AF; shifts and
 * rotates; IMUL; BT) is followed by a CMP, which defines all six, so no
 * undefined flag is ever observed: the run is the same on any correct x86
 * and under any correct emulation. Pure C, freestanding.
 */
#ifndef L2_BATCH_GEN_H
#define L2_BATCH_GEN_H

#include <stdint.h>
#include <stddef.h>
#include <nestlab/batch.h>

/* The block R15 points into: [-128, 128) scratch that glue loads and
 * stores, the input registers and flags, the output registers and flags. */
#define BATCH_GEN_SCRATCH   (-128)
#define BATCH_GEN_IN        128    /* 16 x 8: RAX..R15 (RSP, R15 unused) */
#define BATCH_GEN_IN_FLAGS  256
#define BATCH_GEN_OUT       264    /* 16 x 8 */
#define BATCH_GEN_OUT_FLAGS 392
#define BATCH_GEN_BLOCK     512    /* bytes, R15 = block + 128 */
#define BATCH_GEN_CODE_MAX  2048

struct batch_gen {
	uint64_t rng;                  /* xorshift64* state, never 0 */
	int64_t demand_disp;           /* R15-relative start of the demand region */
	unsigned demand_pages;
	unsigned calls;                /* system calls the last sequence makes */
	/* Exit mode (exit-random, L1's batching): in place of each system
	 * call one of L1's exiting instructions that ring 3 may execute: an
	 * OUT or IN of AL to port `port` (DX loaded right before; the TSS
	 * bitmap must give ring 3 that one port), a CPUID of leaf 0, 1,
	 * 0x40000000 or 0x40000001 (EAX loaded), a VMMCALL NOP or VERSION
	 * (EAX = NESTLAB_HC_MAGIC, ECX the command); `calls` counts them and
	 * kinds[] by enum nestlab_l1_batch_kind. */
	int exits;
	uint16_t port;
	unsigned kinds[NESTLAB_L1_BATCH_KIND_NR];
};

/* Write one sequence into code (BATCH_GEN_CODE_MAX bytes); returns its
 * length. Fills the input registers and flags of block + 128. */
size_t batch_gen_sequence(struct batch_gen *g, uint8_t *code, uint8_t *block_r15);

/* A random 64-bit number (xorshift64*, Vigna). */
uint64_t batch_gen_rand(struct batch_gen *g);

#endif
