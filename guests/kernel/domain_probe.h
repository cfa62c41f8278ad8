/*
 * The kernel's side of the protection-domain workload (domain_probe.c).
 */
#ifndef L2K_DOMAIN_PROBE_H
#define L2K_DOMAIN_PROBE_H

#include <stdint.h>
#include "trap.h"

/* L2_TEST_DOMAIN: arg is a struct l2_domain_test in the caller's memory.
 * 0 (the result in it), or -L2_EFAULT. */
int64_t domain_test(uint64_t req_va);

/* Called by the trap handler for a #PF: 1 if it was the guarded call into
 * the domain's code (recorded, completed as a return), 0 otherwise. */
int domain_probe_catch(struct isr_frame *f, uint64_t cr2);

#endif
