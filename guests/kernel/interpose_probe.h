/*
 * The kernel's side of the interposition tests (interpose_probe.c).
 */
#ifndef L2K_INTERPOSE_PROBE_H
#define L2K_INTERPOSE_PROBE_H

#include <stdint.h>

/* L2_TEST_INTERPOSE: arg is a struct l2_interpose_test in the caller's
 * memory. 0 (the result in it), or -L2_EFAULT. */
int64_t interpose_test(uint64_t req_va);

#endif
