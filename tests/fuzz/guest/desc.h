/*
 * The fuzz guest's descriptor tables, TSS and system MSRs, and putting
 * them back after a unit: whatever a block changed (GDTR, IDTR and the
 * segment registers come back in entry.S's block_resume), desc_restore()
 * reloads TR and LDTR, repairs the tables from pristine copies, rewrites
 * the MSRs, debug registers and FPU state the guest relies on, and checks
 * that everything reads back as the guest set it.
 */
#ifndef FUZZ_DESC_H
#define FUZZ_DESC_H

#include <stddef.h>
#include <stdint.h>
#include "freestanding/x86.h"

/* The guest's own values, captured once set up. */
struct cpu_state {
	uint64_t cr0, cr4, efer;
	uint64_t star, lstar, cstar, sfmask, fs_base, gs_base, kgs_base, pat;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
};

extern struct cpu_state cpu0;
extern struct desc_ptr fuzz_gdtr, fuzz_idtr;

/* GDT, TSS (RSP0, IST1-3, I/O bitmap), IDT, SYSCALL MSRs; CR0.AM|NE. */
void desc_init(void);

/* After a unit. Returns 0, or -1 with what is wrong in why. *svme is set
 * when EFER as L2 reads it shows SVME (L1 must hide it). */
int desc_restore(int *svme, char *why, size_t whylen);

/* 1 when the CPL3 I/O bitmap lets all `size` bytes from `port` through. */
int desc_io_allowed(unsigned port, unsigned size);

#endif
