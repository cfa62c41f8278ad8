/* A module calling a kernel function the kernel does not export: the
 * loader refuses it with KMOD_E_UNDEF naming the symbol. */
#include <nestlab/kmod.h>

KMOD_DECLARE("undef");

void *kmalloc(unsigned long bytes);

int mod_init(void)
{
	return kmalloc(16) != 0;
}
