/*
 * The C side of syscall_entry (entry.S): the entry saves every user GPR,
 * the RIP and RFLAGS SYSCALL left in RCX and R11 (AMD APM vol.2 6.1.1) in a
 * frame laid out as struct x86emu_regs and passes it here; SYSRET returns
 * with the frame's registers, RCX <- its rip and R11 <- its rflags. Without
 * batching one call is made; with batch=kernel the batch loop may make
 * more (batch.c).
 */
#include "batch.h"
#include "kernel.h"

void syscall_entry_frame(struct x86emu_regs *f);

void syscall_entry_frame(struct x86emu_regs *f)
{
	if (__builtin_expect(l2k.cfg.batch, 0))
		batch_entry(f);
	else
		batch_syscall(f);
}
