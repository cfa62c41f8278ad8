/*
 * The end of every run, good or bad: the diagnosis on L1's console, the
 * results stream on the results channel (results.h), then the status to
 * QEMU's isa-debug-exit (status.h), which ends QEMU. A second failure while
 * ending skips straight to the exit so nothing can loop.
 */
#include "l1.h"
#include "../arch/x86/console.h"
#include "../arch/x86/cpu.h"
#include "../../lib/results/results_writer.h"
#include "../../lib/freestanding/format.h"
#include <nestlab/platform.h>
#include <nestlab/status.h>

static void debug_exit(unsigned status)
{
	outl(NESTLAB_DEBUG_EXIT_PORT, status);
	halt_forever();
}

void l1_end_run(unsigned status, const char *fmt, ...)
{
	static int ending;
	static char diag[512];
	struct results_writer w = { l1_results_putc, 0 };

	if (ending++)
		debug_exit(NESTLAB_STATUS_L1_ERROR);
	diag[0] = '\0';
	if (fmt) {
		va_list ap;

		va_start(ap, fmt);
		format_vsnprintf(diag, sizeof(diag), fmt, ap);
		va_end(ap);
		l1_printf("nestlab-l1: %s\n", diag);
	}
	results_begin(&w, "l1");
	exit_stats_emit(&l1.stats, &w, rdtsc());
	if (diag[0])
		results_error(&w, diag);
	results_status(&w, status);
	results_end(&w);
	l1_printf("nestlab-l1: run ended with status %u\n", status);
	debug_exit(status);
	__builtin_unreachable();
}
