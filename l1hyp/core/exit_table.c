/*
 * Exit table and hooks (exit_table.h). The dispatch (inline in the header)
 * is a bit test and a direct call into the dispatch slot when no hook is
 * registered for the reason, the common case on the hot path; hooks cost
 * only the reasons that have them. The hooked path calls the handler
 * through the slot too, so the handler runs the same way either way.
 */
#include "exit_table.h"
#include "vcpu.h"
#include <nestlab/status.h>

struct exit_hooks {
	exit_handler_fn pre[EXIT_MAX_HOOKS], post[EXIT_MAX_HOOKS];
	unsigned nr_pre, nr_post;
};

_Static_assert(NESTLAB_EXIT_NR <= 64, "hooked is a 64-bit mask");

exit_handler_fn exit_handlers[NESTLAB_EXIT_NR] = {
	[0 ... NESTLAB_EXIT_NR - 1] = exit_unexpected,
};
static struct exit_hooks hooks[NESTLAB_EXIT_NR];
uint64_t exit_hooked_mask;
static bool frozen;

int exit_claim(unsigned reason, exit_handler_fn handler, exit_handler_fn *previous)
{
	if (reason >= NESTLAB_EXIT_NR || !handler)
		return EXIT_TABLE_E_REASON;
	if (frozen)
		return EXIT_TABLE_E_FROZEN;
	if (previous)
		*previous = exit_handlers[reason];
	exit_handlers[reason] = handler;
	return 0;
}

int exit_hook_add(unsigned reason, enum exit_hook_when when, exit_handler_fn hook)
{
	struct exit_hooks *h;

	if (reason >= NESTLAB_EXIT_NR || !hook)
		return EXIT_TABLE_E_REASON;
	h = &hooks[reason];
	if (when == EXIT_HOOK_PRE) {
		if (h->nr_pre == EXIT_MAX_HOOKS)
			return EXIT_TABLE_E_FULL;
		h->pre[h->nr_pre++] = hook;
	} else {
		if (h->nr_post == EXIT_MAX_HOOKS)
			return EXIT_TABLE_E_FULL;
		h->post[h->nr_post++] = hook;
	}
	exit_hooked_mask |= 1ull << reason;
	return 0;
}

void exit_table_reset(void)
{
	for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++) {
		exit_handlers[r] = exit_unexpected;
		hooks[r] = (struct exit_hooks){ 0 };
	}
	exit_hooked_mask = 0;
	frozen = false;
}

void exit_table_freeze(void)
{
	frozen = true;
}

unsigned exit_dispatch_hooked(struct vcpu *v, unsigned reason)
{
	const struct exit_hooks *h = &hooks[reason];
	unsigned flags;

	for (unsigned i = 0; i < h->nr_pre; i++) {
		flags = h->pre[i](v);
		if (flags & EXIT_HANDLED)
			return flags & ~EXIT_HANDLED;
	}
	flags = exit_dispatch_slot(v, reason);
	for (unsigned i = 0; i < h->nr_post; i++)
		flags |= h->post[i](v) & ~EXIT_HANDLED;
	return flags;
}

unsigned exit_unexpected(struct vcpu *v)
{
	return vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true,
			 "unexpected exit %s (vendor code %lx): not intercepted on purpose",
			 nestlab_exit_reason_name(v->exit.reason), v->exit.raw_code);
}

const char *exit_table_strerror(int rc)
{
	switch (rc) {
	case EXIT_TABLE_E_REASON: return "EXIT_TABLE_E_REASON (reason out of range)";
	case EXIT_TABLE_E_FULL: return "EXIT_TABLE_E_FULL (EXIT_MAX_HOOKS hooks already)";
	case EXIT_TABLE_E_FROZEN:
		return "EXIT_TABLE_E_FROZEN (the table is frozen: the dispatch is generated)";
	}
	return "unknown error";
}
