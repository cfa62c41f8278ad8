/*
 * The stop request every handler may make and the single-step trap of
 * emulated instructions (vcpu.h). Pure C: host-tested with a fake vendor.
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

void vcpu_single_step_trap(struct vcpu *v)
{
	vendor_inject_debug_trap(v, X86_DR6_BS);
}
