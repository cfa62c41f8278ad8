/*
 * The stop request every handler may make (vcpu.h). Pure C: host-tested
 * with a fake vendor.
 */
#include "vcpu.h"
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
