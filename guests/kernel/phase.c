/*
 * Workload phase markers. Ring-3 programs mark phases with system calls; the
 * kernel turns them into NESTLAB_HC_PHASE_BEGIN/END hypercalls at level 2
 * (L1 counts the exits in between) or, at level 1, records the TSC itself at
 * begin and end and reports the phases in the results stream at the end of
 * the run. Phases do not nest (hypercall.h); one phase may span several
 * processes (multi: one process opens it, another closes it), and the open
 * phase is published in the kernel's counters page (struct l2_kinfo).
 * Nothing here exits to L1 at level 2 except the marker hypercall itself:
 * the name is already checked and copied, and the kernel pages it touches
 * were touched at boot.
 */
#include <nestlab/hypercall_guest.h>
#include <nestlab/results.h>
#include <nestlab/mem.h>
#include <results/results_writer.h>
#include "uapi.h"
#include "kernel.h"
#include "arch.h"
#include "trace.h"
#include "phase_hook.h"

struct phase_rec {
	char name[NESTLAB_PHASE_NAME_MAX + 1];
	uint64_t begin, tsc;
	int done;
};

static struct phase_rec phases[NESTLAB_MAX_PHASES];
static unsigned nphases;
static int open_index = -1;
static int hc_phase_open;               /* level 2: L1 keeps the phases */

int phase_is_open(void)
{
	return l2k.level == 2 ? hc_phase_open : open_index >= 0;
}
static char hc_name[NESTLAB_PHASE_NAME_MAX + 1];

/* What user space sees of the open phase (struct l2_kinfo). */
static void kinfo_phase_begin(uint64_t index)
{
	l2_kinfo->phase_index = index;
	l2_kinfo->phase_ticks = l2_kinfo->ticks;
	l2_kinfo->phases++;
	l2_kinfo->phase_open = 1;
	kphase_open_changed();
}

static void kinfo_phase_end(void)
{
	l2_kinfo->phase_open = 0;
	kphase_open_changed();
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

int64_t phase_begin(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > NESTLAB_PHASE_NAME_MAX)
		return -L2_EINVAL;
	if (!process_user_range_ok((uint64_t)(uintptr_t)name, len))
		return -L2_EFAULT;
	memcpy(hc_name, name, len);
	hc_name[len] = '\0';
	for (i = 0; i < len; i++)
		if (!name_char_ok(hc_name[i]))
			return -L2_EINVAL;
	kphase_before_begin();   /* before the phase begins: not in its ticks */

	if (l2k.level == 2) {
		struct nestlab_hc_ret r = nestlab_hc_call(l2k.transport, NESTLAB_HC_PHASE_BEGIN,
							  (uint64_t)(uintptr_t)hc_name, len, 0);

		if (r.status != NESTLAB_HC_OK)
			return -(int64_t)(L2_EHC_BASE + r.status);
		hc_phase_open = 1;
		kinfo_phase_begin(r.ret0);
		trace_event(NESTLAB_TRACE_L2_PHASE_BEGIN, 0, (uint32_t)r.ret0, 0, 0, 0, 0);
		return (int64_t)r.ret0;
	}
	if (open_index >= 0)
		return -(int64_t)(L2_EHC_BASE + NESTLAB_HC_E_STATE);
	if (nphases == NESTLAB_MAX_PHASES)
		return -(int64_t)(L2_EHC_BASE + NESTLAB_HC_E_RANGE);
	memcpy(phases[nphases].name, hc_name, len + 1);
	open_index = (int)nphases++;
	kinfo_phase_begin((uint64_t)open_index);
	trace_event(NESTLAB_TRACE_L2_PHASE_BEGIN, 0, (uint32_t)open_index, 0, 0, 0, 0);
	phases[open_index].begin = rdtsc(); /* last thing before returning */
	return open_index;
}

int64_t phase_end(uint64_t index)
{
	uint64_t now;

	if (l2k.level == 2) {
		struct nestlab_hc_ret r = nestlab_hc_call(l2k.transport, NESTLAB_HC_PHASE_END,
							  index, 0, 0);

		if (r.status != NESTLAB_HC_OK)
			return -(int64_t)(L2_EHC_BASE + r.status);
		hc_phase_open = 0;
		kinfo_phase_end();
		trace_event(NESTLAB_TRACE_L2_PHASE_END, 0, (uint32_t)index, 0, 0, 0, 0);
		kphase_after_end(index);   /* after the phase's end */
		return 0;
	}
	now = rdtsc();  /* first thing */
	if (index >= nphases)
		return -(int64_t)(L2_EHC_BASE + NESTLAB_HC_E_INVAL);
	if (open_index != (int)index)
		return -(int64_t)(L2_EHC_BASE + NESTLAB_HC_E_STATE);
	phases[index].tsc = now - phases[index].begin;
	phases[index].done = 1;
	open_index = -1;
	kinfo_phase_end();
	trace_event(NESTLAB_TRACE_L2_PHASE_END, 0, (uint32_t)index, 0, 0, 0, 0);
	kphase_after_end(index);
	return 0;
}

void phase_write_results(const struct results_writer *w)
{
	unsigned i;

	for (i = 0; i < nphases; i++)
		if (phases[i].done)
			results_phase(w, i, phases[i].name, phases[i].tsc);
}
