/*
 * EFER as L2 sees it: the MSR table's handlers for it (msr_efer.c).
 */
#ifndef L1_MSR_EFER_H
#define L1_MSR_EFER_H

#include <stdint.h>

struct vcpu;

int msr_efer_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int msr_efer_write(struct vcpu *v, uint32_t msr, uint64_t val);

#endif
