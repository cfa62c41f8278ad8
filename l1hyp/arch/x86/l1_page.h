/*
 * Access rights of single pages of L1's own image, for code L1 writes at
 * run time (the exit dispatch slot, core/exit_tramp.c). boot.S maps the
 * first 2 MiB of the identity map, which hold L1's image, with 4 KiB pages
 * (boot_pt0), so each page there can be made writable and not executable
 * while L1 writes it, then executable and read-only (W^X): with CR0.WP set
 * (boot.S) a supervisor write to a read-only page faults (APM vol.2 5.6.2,
 * SDM vol.3A 4.6.1), and with EFER.NXE an instruction fetch from a page
 * with NX set faults (APM vol.2 5.6.1, SDM vol.3A 4.6.2).
 */
#ifndef L1_ARCH_L1_PAGE_H
#define L1_ARCH_L1_PAGE_H

#include <stdbool.h>

/* Whether EFER.NXE is on (boot.S sets it when CPUID says NX exists). */
bool l1_page_nx_on(void);

/* Make the 4 KiB page at page (aligned, below 2 MiB, not page 0)
 * writable or not and executable or not, and drop its TLB entry. 0, or -1
 * for a page outside boot_pt0 or exec=false without EFER.NXE. */
int l1_page_protect(const void *page, bool write, bool exec);

#endif
