/*
 * The exit dispatch slot for host tests: in L1 it is a page of code
 * (l1hyp/arch/x86/exit_slot.S) that by default jumps through the exit
 * table, which is what it does here.
 */
#include "../../l1hyp/core/exit_table.h"

unsigned exit_dispatch_slot(struct vcpu *v, unsigned long reason)
{
	return exit_handlers[reason](v);
}
