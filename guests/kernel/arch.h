/*
 * The L2 kernel's hardware access: the inline wrappers shared with L1
 * (lib/freestanding/x86.h: port I/O, MSRs, control registers, CPUID, RDTSC,
 * descriptor-table loads, and the register bits of x86_regs.h).
 */
#ifndef L2_ARCH_H
#define L2_ARCH_H

#include <stdint.h>
#include "freestanding/x86.h"

#endif
