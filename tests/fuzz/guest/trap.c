/*
 * Where every trap of the fuzz guest lands (entry.S calls fuzz_trap on an
 * IST stack, under the kernel CR3). During a unit: a #DB of a stepped
 * block goes to step.c and usually resumes it; anything else ends the
 * unit (unit_finish: the frame is kept, block_resume() returns to the loop
 * that started it). Outside a unit a trap is the guest's own failure: it
 * prints what it knows and ends the run with FUZZ_STATUS_LOST, so that the
 * host can tell it from anything L1 does.
 */
#include <stdarg.h>
#include "../fuzz_abi.h"
#include "freestanding/x86.h"
#include "freestanding/format.h"
#include "console.h"
#include "crumb.h"
#include "unit.h"
#include "step.h"

struct unit unit;
unsigned fuzz_findings[CHECK_NR + 1];

static int in_trap;
static char pending[2048];
static size_t pending_len;

__attribute__((noreturn)) void unit_finish(struct trap_frame *f, enum unit_end k)
{
	unit.f = *f;
	if (unit.end == END_NONE)
		unit.end = k;
	in_trap = 0;
	block_resume();
}

void unit_finding(unsigned cls, const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	if (cls >= CHECK_NR || !(unit.checks & (1ull << cls)) ||
	    (unit.found_classes & (1u << cls)))
		return;
	unit.found_classes |= 1u << cls;
	unit.findings++;
	fuzz_findings[cls]++;
	crumb->findings++;
	crumb->found[cls]++;
	va_start(ap, fmt);
	format_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* Printed once the guest's UART is its own again (unit_flush). */
	pending_len += format_snprintf(pending + pending_len, sizeof(pending) - pending_len,
				       "FINDING seed=%lu block=%lu class=%s cpl=%u %s\n",
				       unit.seed, unit.index, check_names[cls], unit.cpl, detail);
	if (pending_len >= sizeof(pending))
		pending_len = sizeof(pending) - 1;
}

void unit_flush(void)
{
	if (pending_len)
		con_puts(pending);
	pending_len = 0;
	pending[0] = 0;
}

__attribute__((noreturn)) void fuzz_lost(const char *what, const struct trap_frame *f)
{
	con_reset();
	con_printf("\nFUZZ-LOST seed=%lu %s=%lu: %s", unit.seed,
		   unit.stepping ? "block" : "index", unit.index, what);
	if (f)
		con_printf(": vector %lu error %lx rip %lx cs %lx rflags %lx rsp %lx cr2 %lx",
			   f->vector, f->error, f->rip, f->cs, f->rflags, f->rsp, read_cr2());
	con_puts("\n");
	crumb_exit(FUZZ_STATUS_LOST);
}

void fuzz_trap(struct trap_frame *f)
{
	if (!unit.active) {
		uint64_t dr6;

		__asm__ __volatile__("mov %%dr6, %0" : "=r"(dr6));
		if (f->vector == 1 && (dr6 & (1ull << 13))) {   /* general detect */
			__asm__ __volatile__("mov %0, %%dr6" : : "r"(0xFFFF0FF0ull));
			return;
		}
		fuzz_lost("trap outside a unit", f);
	}
	if (in_trap)
		fuzz_lost("trap inside the trap handler", f);
	if (f->vector == 1 && unit.stepping) {
		if (step_db(f))
			return;
		in_trap = 1;
		unit_finish(f, END_EXC);
	}
	in_trap = 1;
	if (f->vector == 1)
		__asm__ __volatile__("mov %%dr6, %0" : "=r"(unit.end_dr6));
	if (unit.oracle.armed)
		oracle_check_exc(f);
	unit_finish(f, f->vector >= FUZZ_VEC_SYSCALL ? END_SYSCALL : END_EXC);
}
