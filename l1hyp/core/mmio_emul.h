/*
 * Emulating L2's access to a device's MMIO range (mmio_bus.h): the nested
 * page fault names the guest-physical address; the instruction at RIP,
 * decoded once (guest_insn.h), says the direction, size and register
 * (mmio_insn.h); the device does the access; RIP moves past the
 * instruction. An instruction L1 does not emulate on MMIO, an access
 * crossing the end of the range, or a device error ends the run with a
 * diagnosis (never a guess at what the access meant).
 */
#ifndef L1_MMIO_EMUL_H
#define L1_MMIO_EMUL_H

#include <stdint.h>
#include "mmio_bus.h"

struct vcpu;

/* Handler flags (exit_table.h). */
unsigned mmio_emulate(struct vcpu *v, struct mmio_device *dev, uint64_t gpa);

#endif
