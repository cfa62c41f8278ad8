/*
 * Differential decoding against Zydis, shared by the fast Criterion test and
 * the full campaign program: biased random byte strings and real ELF text
 * sections, compared on validity class and length.
 */
#ifndef X86DEC_DIFFCORE_H
#define X86DEC_DIFFCORE_H

#include <stdint.h>
#include <stdio.h>
#include "../x86dec.h"

struct diff_stats {
	uint64_t inputs, both_valid, both_invalid, disagreements;
	uint64_t by_class[4][4]; /* [zydis class][ours], class = enum x86dec_status (fault n/a) */
	uint64_t len_mismatch;
	uint64_t width_mismatch;  /* structured form: first operand's width != Zydis operand_width */
	uint64_t exceptions;      /* deliberate exceptions (MVEX), counted not compared */
};

/* Deterministic biased generator (xorshift state). Fills buf[0..15). */
void diff_gen(uint64_t *state, enum x86dec_mode mode, uint8_t buf[16]);

/* Compare one input of len bytes; returns 1 on disagreement (and counts it). */
int diff_one(enum x86dec_mode mode, const uint8_t *buf, size_t len, struct diff_stats *st, FILE *log);

/* Register-field sweep generator (VEX/EVEX/XOP register fields drawn from a
 * small pool so that equal registers are common; legacy stack operations
 * under 66/REX combinations). Fills buf[0..15). */
void diff_gen_regs(uint64_t *state, enum x86dec_mode mode, uint8_t buf[16]);

/* n register-field sweep inputs from seed. */
void diff_random_regs(enum x86dec_mode mode, uint64_t n, uint64_t seed, struct diff_stats *st, FILE *log);

/* Random campaign: n inputs from seed. */
void diff_random(enum x86dec_mode mode, uint64_t n, uint64_t seed, struct diff_stats *st, FILE *log);

/* Same inputs cut to a random length of 1-14 bytes (truncation classes). */
void diff_random_truncated(enum x86dec_mode mode, uint64_t n, uint64_t seed, struct diff_stats *st, FILE *log);

/* Walk the executable sections of an ELF file instruction by instruction
 * (by Zydis's length where Zydis decodes, resync +1 otherwise). Returns the
 * number of instructions compared, or -1 if the file cannot be read. */
long diff_elf(const char *path, struct diff_stats *st, FILE *log);

#endif
