/*
 * The verdict of an MBEC fetch probe (mbec-kexec-user, mbec-uexec-kernel;
 * kernel/mbec_probe.c), shared by both: what the kernel's #PF guard saw
 * against what the run allows.
 */
#ifndef L2_MBEC_CHECK_H
#define L2_MBEC_CHECK_H

#include <stdint.h>
#include "kernel/uapi.h"

/*
 * One PASS or FAIL line for workload `name`. PASS when the call returned
 * without a fault (MBEC off, or L1's `report` policy let the fetch run;
 * the line says "returned"), or, with mbec=on, when exactly one #PF came
 * at the stub with error code want_error and CR2 = RIP = the stub (L1's
 * `inject` policy; the line says "#PF"). Returns the workload's status.
 */
int mbec_probe_verdict(const char *name, const struct l2_mbec_fault *f, uint64_t want_error);

#endif
