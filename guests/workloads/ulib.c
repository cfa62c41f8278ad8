/*
 * Ring-3 library of the workloads (see ulib.h): formatted output through one
 * write() system call per call, and the phase-marker wrappers.
 */
#include <stdarg.h>
#include <nestlab/mem.h>
#include "ulib.h"
#include "freestanding/format.h"

void u_exit(unsigned status)
{
	for (;;)
		u_syscall(L2_SYS_EXIT, status, 0, 0);
}

void u_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	u_write(buf, n);
}

int64_t u_phase_begin(const struct wl_args *a)
{
	int64_t r = u_syscall(L2_SYS_PHASE_BEGIN, (uint64_t)(uintptr_t)a->name,
			      strlen(a->name), 0);

	if (r < 0)
		u_printf("%s: phase begin failed: %ld\n", a->name, r);
	return r;
}

int64_t u_phase_end(int64_t index)
{
	int64_t r = u_syscall(L2_SYS_PHASE_END, (uint64_t)index, 0, 0);

	if (r < 0)
		u_printf("phase end failed: %ld\n", r);
	return r;
}
