/*
 * L1's IDT (trap.c): vectors 0-31 go to the exception handler; a vector
 * above 31 is present only once something installs a handler for it
 * (an interrupt L1 did not expect then faults as #NP, which the exception
 * handler reports).
 */
#ifndef L1_ARCH_TRAP_H
#define L1_ARCH_TRAP_H

#include <stdint.h>

/* Install handler (an interrupt gate, DPL0) at vector 32..255. */
void l1_idt_set_gate(unsigned vector, uint64_t handler);

#endif
