/*
 * EFER as L2 sees it: the MSR table's handlers for it (msr_efer.c), and
 * bits L1 hides: L2 reads and writes its own value of a hidden bit, which
 * L1 keeps (vcpu->efer_hidden_val), while the CPU runs L2 with the bit
 * clear. Only EFER.SCE may be hidden: SYSCALL and SYSRET then raise #UD
 * (APM vol.3 SYSCALL, SYSRET), for L1 to intercept and emulate
 * (syscall_insn.h); every other bit changes how L2's memory is accessed.
 */
#ifndef L1_MSR_EFER_H
#define L1_MSR_EFER_H

#include <stdint.h>

struct vcpu;

int msr_efer_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int msr_efer_write(struct vcpu *v, uint32_t msr, uint64_t val);

/* Hide EFER.SCE from the CPU from now on (its current value becomes L2's
 * own). 0, or -1 for any other bit, or when it is hidden already: one
 * mechanism at a time emulates SYSCALL/SYSRET (MBEC's intercept design,
 * interposition's trap variant), the other's init fails. */
int msr_efer_hide(struct vcpu *v, uint64_t bits);
/* EFER as L2 sees it: the CPU's, with L2's own value of hidden bits. */
uint64_t msr_efer_guest(const struct vcpu *v);

#endif
