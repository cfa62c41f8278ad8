/*
 * L1's TSC rate (tsc.c), measured against the PIT at boot: Hz, or 0 if
 * there is no PIT to measure against.
 */
#ifndef L1_ARCH_TSC_H
#define L1_ARCH_TSC_H

#include <stdint.h>

uint64_t tsc_calibrate_hz(void);

#endif
