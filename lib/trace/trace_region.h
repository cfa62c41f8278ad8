/*
 * The trace region argument both kernels take, "trace=<addr>:<bytes>"
 * (include/nestlab/trace.h): two hexadecimal numbers (optional 0x), both
 * multiples of 4 KiB, at least 8 KiB (the directory page and a ring), not
 * wrapping. Pure C, shared by L1 and the L2 kernel, host-tested.
 */
#ifndef NESTLAB_TRACE_REGION_H
#define NESTLAB_TRACE_REGION_H

#include <stdint.h>
#include <stddef.h>

#define TRACE_REGION_MIN_BYTES 0x2000u

/* Parse s[0..len) into *pa and *bytes: 0, or -1 if malformed. */
int trace_region_parse(const char *s, size_t len, uint64_t *pa, uint64_t *bytes);

#endif
