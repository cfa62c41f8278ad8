/*
 * The phase's edges for the kernel's mechanisms (phase_hook.h): a fixed
 * table filled at boot; one CPU, and phases change only in system calls
 * with IF = 0, so no locking.
 */
#include <stddef.h>
#include "phase_hook.h"

static const struct kphase_hook *hooks[KPHASE_HOOKS_MAX];
static unsigned nhooks;

int kphase_hook_add(const struct kphase_hook *h)
{
	if (nhooks >= KPHASE_HOOKS_MAX)
		return -1;
	hooks[nhooks++] = h;
	return 0;
}

void kphase_before_begin(void)
{
	for (unsigned i = 0; i < nhooks; i++)
		if (hooks[i]->before_begin)
			hooks[i]->before_begin();
}

void kphase_open_changed(void)
{
	for (unsigned i = 0; i < nhooks; i++)
		if (hooks[i]->open_changed)
			hooks[i]->open_changed();
}

void kphase_after_end(uint64_t index)
{
	for (unsigned i = 0; i < nhooks; i++)
		if (hooks[i]->after_end)
			hooks[i]->after_end(index);
}
