/* A module built as position-independent code (this file gets -fpic): the
 * global's address comes from the GOT (R_X86_64_REX_GOTPCRELX, psABI
 * 4.4.1), a type the loader does not implement: KMOD_E_RELTYPE. */
#include <nestlab/kmod.h>

KMOD_DECLARE("gotpcrel");

int counter;

int mod_init(void)
{
	return ++counter;
}
