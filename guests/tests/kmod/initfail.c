/* A well-formed module whose mod_init fails (-5: the kernel ends the run
 * WORKLOAD_FAIL) and which has the optional syscall entry (the loader
 * reports its address). */
#include <nestlab/kmod.h>

KMOD_DECLARE("initfail");

void syscall_entry(void);

void syscall_entry(void)
{
	kputs("initfail: syscall_entry\n");
}

int mod_init(void)
{
	kputs("initfail: failing\n");
	return -5;
}
