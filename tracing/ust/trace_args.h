/*
 * Placement of the trace region in the top-level guest's physical memory
 * and the command-line arguments that announce it (pure: numbers in,
 * strings out). The launcher calls it; the collector gets the same numbers.
 */
#ifndef NESTLAB_TRACE_ARGS_H
#define NESTLAB_TRACE_ARGS_H

#include <stddef.h>
#include <stdint.h>

struct trace_region {
	uint64_t phys;  /* guest-physical start == guest-RAM file offset */
	uint64_t bytes;
};

/* TRACE_REGION_BYTES ending TRACE_TOP_GAP below mem_mib MiB. -1 when mem_mib is too
 * small to hold it or too large for file offset == physical address. */
int trace_args_place(unsigned mem_mib, struct trace_region *r);

/* "trace=0x<phys>:0x<bytes>" into buf; -1 if it does not fit. */
int trace_args_format(const struct trace_region *r, char *buf, size_t len);

/* Parses "trace=0x<phys>:0x<bytes>" back (for tests and tools); 0 on success. */
int trace_args_parse(const char *arg, struct trace_region *r);

#endif
