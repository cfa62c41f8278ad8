/*
 * Workload "pagefault": first touch of N fresh 4 KiB pages. Before the
 * phase, mmap() reserves N pages; the kernel builds their page tables then,
 * so in the phase each first write costs one #PF, which maps a frame never
 * touched before: under L1's lazy NPT, exactly one NPF exit per page.
 * Check after the phase: each page holds the value written to it and reads
 * zero elsewhere (a fresh, zeroed frame). N pages more than free RAM can back:
 * NESTLAB_STATUS_BAD_CONFIG.
 */
#include "ulib.h"

#define PAGE 4096ull

int wl_pagefault(const struct wl_args *a)
{
	uint64_t n = a->iterations, i, bad = 0;
	volatile uint64_t *p;
	int64_t base = 0, ph;

	if (n) {
		base = u_syscall(L2_SYS_MMAP, n * PAGE, 0, 0);
		if (base == -L2_ENOMEM || base == -L2_EINVAL) {
			/* more pages than RAM: the command line asks too much */
			u_printf("pagefault: %lu pages do not fit in free RAM\n", n);
			return NESTLAB_STATUS_BAD_CONFIG;
		}
		if (base < 0) {
			u_printf("pagefault: mmap of %lu pages failed: %ld\n", n, base);
			return NESTLAB_STATUS_WORKLOAD_FAIL;
		}
	}
	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < n; i++) {
		p = (volatile uint64_t *)(uintptr_t)(base + i * PAGE);
		*p = i + 1;
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (i = 0; i < n; i++) {
		p = (volatile uint64_t *)(uintptr_t)(base + i * PAGE);
		if (p[0] != i + 1 || p[1] != 0 || p[PAGE / 8 - 1] != 0)
			bad++;
	}
	if (bad) {
		u_printf("pagefault: %lu of %lu pages read back wrong\n", bad, n);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
