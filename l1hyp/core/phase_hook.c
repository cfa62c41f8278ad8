/*
 * The phase hooks (phase_hook.h): a short list, run in order.
 */
#include "phase_hook.h"

static phase_hook_fn hooks[PHASE_HOOKS_MAX];
static unsigned nr_hooks;

int phase_hook_add(phase_hook_fn fn)
{
	if (!fn || nr_hooks == PHASE_HOOKS_MAX)
		return -1;
	hooks[nr_hooks++] = fn;
	return 0;
}

void phase_hooks_run(struct vcpu *v, unsigned phase, bool begin)
{
	for (unsigned i = 0; i < nr_hooks; i++)
		hooks[i](v, phase, begin);
}
