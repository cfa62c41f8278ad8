/*
 * A host-side trace producer that lays out a trace region exactly as
 * include/nestlab/trace.h specifies (directory page, rings, records,
 * the producer's side of the ring protocol), in any memory: a malloc'd
 * image for unit tests, a shared file for end-to-end tests of the
 * collector, LTTng and trace-stats without QEMU.
 */
#ifndef NESTLAB_TRACE_FAKE_H
#define NESTLAB_TRACE_FAKE_H

#include <stdint.h>
#include <nestlab/trace.h>

/* Writes an empty directory (magic last) at mem + dir_off. */
void trace_fake_dir_init(void *mem, uint64_t dir_off);
/* Lists a ring: the entry first, then nr_rings (so a reader never sees half an entry). */
int trace_fake_dir_add(void *mem, uint64_t dir_off, uint32_t producer, uint64_t phys,
		       uint64_t bytes, uint64_t tsc_hz);
/* Initialises a ring header of `capacity` records at mem + off (magic last). */
struct nestlab_trace_ring *trace_fake_ring_init(void *mem, uint64_t off, uint32_t capacity,
						uint32_t producer);
/*
 * The producer's write: if the ring is full counts a drop and returns 1;
 * else writes *rec with seq = head into rec[head % capacity], compiler
 * barrier, head + 1, returns 0.
 */
int trace_fake_push(struct nestlab_trace_ring *ring, const struct nestlab_trace_record *rec);
/* A valid record of `type` (producer-appropriate fields, unused words 0),
 * as its producer writes it: an l1_exit's a0 is its handler's end, which
 * the consumer turns into l1_cycles = 300 + (tsc & 63). */
struct nestlab_trace_record trace_fake_record(uint32_t type, uint64_t tsc, uint32_t code,
					      uint8_t flags);

#endif
