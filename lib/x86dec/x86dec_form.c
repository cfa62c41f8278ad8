/*
 * Structured form for the documented subset (placeholder, filled below).
 */
#include "x86dec_internal.h"

void x86dec_form(struct x86dec_insn *insn)
{
	(void)insn;
}
