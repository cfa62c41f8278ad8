/*
 * L1's MSR policy, in one table: for each MSR L1 knows, what a guest read
 * and a guest write do.
 *   MSR_PASS     no exit: the CPU reads/writes the guest's own value (the
 *                vendor switches it with the guest state);
 *   MSR_EMULATE  exit, and the entry's handler runs;
 *   MSR_SHADOW   exit; L1 keeps the guest-visible value in the vCPU
 *                (vcpu->msr_shadow[slot]): reads return it, writes store it
 *                (then the handler, if any, runs);
 *   MSR_REFUSE   exit, #GP(0), as for an MSR the CPU does not have.
 * An entry may cover a block of consecutive MSRs (count). An MSR not in
 * the table is refused both ways. msr_table_apply generates
 * the vendor's MSR intercepts (the MSRPM on SVM) from the table, and the
 * MSR exit handler dispatches through the same table, so the two can never
 * disagree. Mechanisms change entries with msr_table_set (e.g. a hooked
 * LSTAR becomes MSR_SHADOW). Pure C: host-tested with a fake vendor.
 */
#ifndef L1_MSR_TABLE_H
#define L1_MSR_TABLE_H

#include <stdint.h>
#include <stdbool.h>

struct vcpu;

enum msr_access { MSR_REFUSE = 0, MSR_PASS, MSR_EMULATE, MSR_SHADOW };

/* Handlers: 0 on success, <0 to raise #GP(0). A read handler stores the
 * value in *val; a write handler gets the value L2 wrote. */
typedef int (*msr_read_fn)(struct vcpu *v, uint32_t msr, uint64_t *val);
typedef int (*msr_write_fn)(struct vcpu *v, uint32_t msr, uint64_t val);

struct msr_entry {
	uint32_t index;
	uint32_t count;             /* MSRs index..index+count-1 (0 means 1):
				     * one entry for a block such as x2APIC's */
	uint8_t read, write;        /* enum msr_access */
	uint8_t shadow_slot;        /* MSR_SHADOW: index into vcpu->msr_shadow */
	msr_read_fn on_read;        /* MSR_EMULATE reads */
	msr_write_fn on_write;      /* MSR_EMULATE writes; optional for MSR_SHADOW */
	const char *name;
};

#define MSR_TABLE_MAX      32
#define MSR_TABLE_E_FULL   (-30)  /* MSR_TABLE_MAX entries already */
#define MSR_TABLE_E_INVAL  (-31)  /* handler missing, or shadow slot out of range */

/* The name and meaning of a MSR_TABLE_E_* code ("unknown error" otherwise). */
const char *msr_table_strerror(int rc);

/* The core's policy (msr_table.c's list); a fresh table for tests too. */
void msr_table_init(void);
/* Add or replace the entry for e->index, and apply it to v if not NULL. */
int  msr_table_set(struct vcpu *v, const struct msr_entry *e);
/* The entry for msr, or NULL (refused). */
const struct msr_entry *msr_table_find(uint32_t msr);
/* Intercept every MSR, then pass through the PASS directions of the
 * table's entries. */
void msr_table_apply(struct vcpu *v);
/* Number of entries, and entry i (for listings and tests). */
unsigned msr_table_count(void);
const struct msr_entry *msr_table_entry(unsigned i);

/* Carry out an intercepted access: 0, or <0 if L2 must get #GP(0). */
int msr_table_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int msr_table_write(struct vcpu *v, uint32_t msr, uint64_t val);

#endif
