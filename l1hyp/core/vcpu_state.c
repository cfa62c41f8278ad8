/*
 * The stop request every handler may make, the work deferred past an exit
 * and the single-step trap of emulated instructions (vcpu.h). Pure C: host-tested with a fake vendor.
 */
#include "vcpu.h"
#include "../arch/vcpu_vendor.h"
#include "../../lib/freestanding/format.h"

unsigned vcpu_stop(struct vcpu *v, unsigned status, bool dump, const char *fmt, ...)
{
	/* The first request wins: a later one must not hide the cause. */
	if (v->stop)
		return 0;
	v->stop = true;
	v->stop_dump = dump;
	v->stop_status = status;
	v->stop_diag[0] = '\0';
	if (fmt) {
		va_list ap;

		va_start(ap, fmt);
		format_vsnprintf(v->stop_diag, sizeof(v->stop_diag), fmt, ap);
		va_end(ap);
	}
	return 0;
}

int vcpu_defer(struct vcpu *v, void (*fn)(struct vcpu *v))
{
	for (unsigned i = 0; i < v->nr_defer; i++)
		if (v->defer_fn[i] == fn)
			return 0;
	if (v->nr_defer == VCPU_DEFER_MAX)
		return -1;
	v->defer_fn[v->nr_defer++] = fn;
	v->deferred = true;
	return 0;
}

void vcpu_run_deferred(struct vcpu *v)
{
	void (*fn[VCPU_DEFER_MAX])(struct vcpu *v);
	unsigned n = v->nr_defer;

	for (unsigned i = 0; i < n; i++)
		fn[i] = v->defer_fn[i];
	v->nr_defer = 0;
	v->deferred = false;
	for (unsigned i = 0; i < n; i++)
		fn[i](v);
}

void vcpu_single_step_trap(struct vcpu *v)
{
	vendor_inject_debug_trap(v, X86_DR6_BS);
}
