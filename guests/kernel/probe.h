/*
 * Kernel probes of privileged instructions for the "intercepts" workload:
 * run one instruction at CPL0 under an expected-exception guard and report
 * whether it faulted and with which vector, so a test can check what L1
 * injects (#GP for refused MSRs, #UD for SVM instructions) or returns.
 */
#ifndef L2K_PROBE_H
#define L2K_PROBE_H

#include <stdint.h>
#include "trap.h"

/* Run probe `id` (L2_PROBE_*). Returns the result value (>= 0, e.g. the
 * low 32 bits of an MSR read) or -(L2_EPROBE_BASE + vector) if the probed
 * instruction raised that exception; -L2_EINVAL for an unknown probe. */
int64_t probe_run(uint64_t id);

/* Read the quadword at va under the guard: 0 (*val set), or
 * -(L2_EPROBE_BASE + vector). */
int64_t probe_read64(uint64_t va, uint64_t *val);
/* Write the byte v at va under the guard: 0, or -(L2_EPROBE_BASE + vector). */
int64_t probe_write8(uint64_t va, uint8_t v);
/* WRMSR msr = v under the guard: 0, or -(L2_EPROBE_BASE + vector). */
int64_t probe_wrmsr(uint32_t msr, uint64_t v);

/* Called first by the trap handler: 1 if the exception belonged to an
 * active probe (recorded, instruction skipped), 0 otherwise. */
int probe_catch(struct isr_frame *f);

#endif
