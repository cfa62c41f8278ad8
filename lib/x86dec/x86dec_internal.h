/*
 * Internals shared by lib/x86dec's source files: the byte cursor that turns
 * the fetch callback (or a plain buffer) into bounded, in-order reads with the
 * 15-byte rule applied first (Intel SDM vol. 2 2.3.11, AMD APM vol. 3 1.1),
 * and the entry points between decoder passes. Not part of the public API.
 */
#ifndef X86DEC_INTERNAL_H
#define X86DEC_INTERNAL_H

#include "x86dec.h"

struct x86dec_cursor {
	const uint8_t *p;      /* bytes [0, have) are readable */
	unsigned have;
	x86dec_fetch_fn fetch; /* NULL: buffer mode, input ends at have */
	void *ctx;
	uint8_t local[X86DEC_MAX_LEN];
};

/* Decode prefixes, opcode, ModRM/SIB/displacement/immediates; no structured form. */
int x86dec_decode_raw(struct x86dec_insn *insn, enum x86dec_mode mode, struct x86dec_cursor *c);

/* Fill mnemonic/operands for the documented subset (insn->status == X86DEC_OK). */
void x86dec_form(struct x86dec_insn *insn);

#endif
