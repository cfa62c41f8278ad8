/*
 * The fuzz guest's page tables (layout.h describes both address spaces)
 * and a software walk of them for the hypercall model: which guest-virtual
 * ranges a caller at a given CPL can read, and the guest-physical address
 * behind them (L1 must refuse anything outside L2 RAM).
 */
#ifndef FUZZ_VM_H
#define FUZZ_VM_H

#include <stdint.h>
#include "layout.h"

struct vm {
	uint64_t ram_top;
	uint64_t kernel_cr3, block_cr3, alt_cr3; /* alt: block's mappings */
	uint64_t area_pa;     /* BLOCK_NPAGES_RW pages from BLOCK_BASE */
	uint64_t ro_pa, super_pa;
};

extern struct vm vm;

void vm_init(uint64_t ram_top);

/* The kernel's pointer to the bytes behind a block-region address in the
 * RW pages, the RO page or the supervisor page; 0 elsewhere. */
void *vm_block_ptr(uint64_t gva);

/* Walks `cr3` (one of ours) for an access to gva (user: CPL3; write). */
int vm_translate(uint64_t cr3, uint64_t gva, int user, int write, uint64_t *gpa);

/* 1 if every byte of [gva, gva+len) is readable at `cpl` through `cr3` and
 * lies in L2 RAM; len 0 is readable. */
int vm_readable(uint64_t cr3, uint64_t gva, uint64_t len, unsigned cpl);

#endif
