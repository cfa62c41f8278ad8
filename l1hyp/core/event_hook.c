/*
 * The before-injection hooks (event_hook.h): a short list, run in order.
 */
#include "event_hook.h"

static event_hook_fn hooks[EVENT_HOOKS_MAX];
static unsigned nr_hooks;

int event_hook_add(event_hook_fn fn)
{
	if (!fn || nr_hooks == EVENT_HOOKS_MAX)
		return -1;
	hooks[nr_hooks++] = fn;
	return 0;
}

void event_hooks_run(struct vcpu *v, enum event_kind kind, unsigned vector)
{
	for (unsigned i = 0; i < nr_hooks; i++)
		hooks[i](v, kind, vector);
}
