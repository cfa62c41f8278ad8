/*
 * The L2 kernel's trace ring (trace.h). Its pages are touched when the
 * ring is made, at boot, so writing records never causes an exit (under
 * L1's lazy NPT the first touch of a page is one): a traced run has the
 * same exit counts in its phases as an untraced one.
 */
#include <nestlab/hypercall_guest.h>
#include <nestlab/mem.h>
#include "kernel.h"
#include "trace.h"
#include "arch.h"

#define L2_TRACE_HC_PAGES 1024          /* 4 MiB: a ring of 32768 records */

struct trace_producer l2_trace;

void trace_event_slow(uint16_t type, uint8_t cpl, uint32_t code, uint64_t rip,
		      uint64_t a0, uint64_t a1, uint64_t a2)
{
	trace_emit(&l2_trace, rdtsc(), type, cpl,
		   phase_is_open() ? NESTLAB_TRACE_F_IN_PHASE : 0, code, rip, a0, a1, a2);
}

/* Level 1: the launcher's region, identity-mapped (it is below the direct
 * map's end, and kmain kept it from the frame allocator). */
static void trace_in_region(void)
{
	struct nestlab_trace_dir *dir = (void *)(uintptr_t)l2k.cfg.trace_pa;
	uint64_t bytes = l2k.cfg.trace_bytes - 0x1000;
	uint32_t cap;

	memset(dir, 0, (size_t)l2k.cfg.trace_bytes);
	trace_dir_init(dir);
	cap = trace_ring_init(&l2_trace, (char *)dir + 0x1000, bytes, NESTLAB_TRACE_L2);
	if (!cap) {
		kprintf("nestlab-l2: trace region too small for a ring: not tracing\n");
		return;
	}
	trace_dir_add(dir, NESTLAB_TRACE_L2, l2k.cfg.trace_pa + 0x1000, bytes, 0);
	kprintf("nestlab-l2: trace: ring of %u records in the region at %lx\n", cap,
		l2k.cfg.trace_pa);
}

/* Level 2: contiguous fresh frames (the bump allocator hands them out in
 * order), zeroed, registered with L1. */
static void trace_with_l1(void)
{
	uint64_t first = pmm_alloc(&l2k.pmm), pa = first, bytes;
	struct nestlab_hc_ret r;
	uint32_t cap;

	for (unsigned i = 1; i < L2_TRACE_HC_PAGES && pa; i++) {
		uint64_t next = pmm_alloc(&l2k.pmm);

		pa = next == pa + PMM_PAGE ? next : 0;
	}
	if (!first || !pa) {
		kprintf("nestlab-l2: no contiguous RAM for the trace ring: not tracing\n");
		return;
	}
	bytes = (uint64_t)L2_TRACE_HC_PAGES * PMM_PAGE;
	memset((void *)(uintptr_t)first, 0, (size_t)bytes);
	cap = trace_ring_init(&l2_trace, (void *)(uintptr_t)first, bytes, NESTLAB_TRACE_L2);
	r = nestlab_hc_call(l2k.transport, NESTLAB_HC_TRACE_REGISTER, first, bytes, 0);
	if (r.status != NESTLAB_HC_OK) {
		kprintf("nestlab-l2: L1 refused the trace ring (status %lu): not tracing\n",
			(unsigned long)r.status);
		l2_trace.ring = 0;
		return;
	}
	kprintf("nestlab-l2: trace: ring of %u records at %lx, registered with L1\n",
		cap, first);
}

void trace_init(void)
{
	if (l2k.cfg.trace == L2_TRACE_REGION && l2k.level == 1)
		trace_in_region();
	else if (l2k.cfg.trace == L2_TRACE_HC && l2k.level == 2)
		trace_with_l1();
	else if (l2k.cfg.trace != L2_TRACE_OFF)
		kprintf("nestlab-l2: trace=%s does not apply at level %u: not tracing\n",
			l2k.cfg.trace == L2_TRACE_HC ? "hc" : "<region>", l2k.level);
}
