/*
 * The L2 kernel's hardware access: the inline wrappers shared with L1
 * (lib/freestanding/x86.h: port I/O, MSRs, control registers, CPUID, RDTSC,
 * descriptor-table loads) plus the RFLAGS bits its SYSCALL setup masks.
 */
#ifndef L2_ARCH_H
#define L2_ARCH_H

#include <stdint.h>
#include "freestanding/x86.h"

#define RFLAGS_TF  (1ull << 8)
#define RFLAGS_IF  (1ull << 9)
#define RFLAGS_DF  (1ull << 10)
#define RFLAGS_AC  (1ull << 18)

#endif
