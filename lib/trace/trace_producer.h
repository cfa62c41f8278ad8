/*
 * The producer side of a trace ring (include/nestlab/trace.h), for L1 and
 * the L2 kernel: set up a directory and rings in a region, and append
 * records. Freestanding, inline: a record costs a few stores and no call.
 * The producer keeps its own copy of the ring's geometry (struct
 * trace_producer) and never re-reads it from shared memory; the only shared
 * field it reads is tail, which the host's collector advances, and only
 * when its head reaches the limit the last tail it read allows (tail only
 * grows, so the ring cannot be full before then): a record's fast path
 * reads no shared memory at all.
 */
#ifndef NESTLAB_TRACE_PRODUCER_H
#define NESTLAB_TRACE_PRODUCER_H

#include <stdint.h>
#include <stddef.h>
#include <nestlab/trace.h>

struct trace_producer {
	struct nestlab_trace_ring *ring;    /* NULL: tracing off */
	uint64_t mask;                      /* capacity - 1 */
	uint64_t slot_mask;                 /* mask * NESTLAB_TRACE_RECORD_SIZE */
	uint64_t head;                      /* the producer's own head */
	uint64_t limit;                     /* tail + capacity, the tail last read:
					     * head < limit means a free slot */
};

/* The largest power-of-two number of records a ring of bytes holds (header
 * included), capped at NESTLAB_TRACE_MAX_RECORDS; 0 if not even one. */
static inline uint32_t trace_ring_capacity_for(uint64_t bytes)
{
	uint64_t n, cap = 1;

	if (bytes < NESTLAB_TRACE_RING_BYTES(1))
		return 0;
	n = (bytes - sizeof(struct nestlab_trace_ring)) / NESTLAB_TRACE_RECORD_SIZE;
	while (cap * 2 <= n && cap * 2 <= NESTLAB_TRACE_MAX_RECORDS)
		cap *= 2;
	return (uint32_t)cap;
}

/* Initialise the ring at mem (bytes long, zeroed by the caller) for
 * producer, and p to write it. Returns its capacity, 0 if too small. */
static inline uint32_t trace_ring_init(struct trace_producer *p, void *mem, uint64_t bytes,
				       uint32_t producer)
{
	struct nestlab_trace_ring *r = mem;
	uint32_t cap = trace_ring_capacity_for(bytes);

	p->ring = 0;
	if (!cap)
		return 0;
	r->abi = NESTLAB_TRACE_ABI;
	r->record_size = NESTLAB_TRACE_RECORD_SIZE;
	r->capacity = cap;
	r->producer = producer;
	r->head = r->tail = r->dropped = 0;
	for (uint32_t i = 0; i < cap; i++)
		r->rec[i].reserved = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	r->magic = NESTLAB_TRACE_RING_MAGIC;   /* valid from here on */
	p->mask = cap - 1;
	p->slot_mask = (uint64_t)(cap - 1) * NESTLAB_TRACE_RECORD_SIZE;
	p->head = 0;
	p->limit = cap;
	p->ring = r;
	return cap;
}

/* Initialise the directory at the start of a trace region (zeroed). */
static inline void trace_dir_init(struct nestlab_trace_dir *d)
{
	d->abi = NESTLAB_TRACE_ABI;
	d->nr_rings = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	d->magic = NESTLAB_TRACE_DIR_MAGIC;
}

/* List a ring in the directory: the entry first, then the count that
 * publishes it. Returns 0, or -1 if the directory is full. */
static inline int trace_dir_add(struct nestlab_trace_dir *d, uint32_t producer,
				uint64_t phys, uint64_t bytes, uint64_t tsc_hz)
{
	uint32_t n = d->nr_rings;

	if (n >= NESTLAB_TRACE_MAX_RINGS)
		return -1;
	d->ring[n] = (struct nestlab_trace_dir_entry){
		.producer = producer, .phys = phys, .bytes = bytes, .tsc_hz = tsc_hz,
	};
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&d->nr_rings, n + 1, __ATOMIC_RELAXED);
	return 0;
}

/* The slow path of trace_ring_reserve, taken when head reached the limit:
 * read tail again. Returns 1 with a new limit when there is room, else 0
 * and counts a drop; the limit then stays at head, so the next record
 * reads tail again. A tail that is not within capacity behind head (a
 * consumer that wrote nonsense) counts as full as well. */
static inline int trace_ring_refresh(struct trace_producer *p)
{
	struct nestlab_trace_ring *r = p->ring;
	uint64_t tail = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);

	if (p->head - tail > p->mask) {
		__atomic_store_n(&r->dropped, r->dropped + 1, __ATOMIC_RELAXED);
		return 0;
	}
	p->limit = tail + p->mask + 1;
	return 1;
}

/* Whether the next record has a slot (else a drop is counted): the fast
 * path is one comparison of the producer's own fields. */
static inline int trace_ring_room(struct trace_producer *p)
{
	return __builtin_expect(p->head != p->limit, 1) || trace_ring_refresh(p);
}

/* The slot of record index head in ring r (p's): its byte offset is
 * head * size masked, one instruction fewer than (head & mask) * size. */
static inline struct nestlab_trace_record *trace_ring_slot(const struct trace_producer *p,
							  struct nestlab_trace_ring *r,
							  uint64_t head)
{
	return (struct nestlab_trace_record *)((char *)r->rec +
		((head * NESTLAB_TRACE_RECORD_SIZE) & p->slot_mask));
}

/* The slot for the next record, or NULL (a drop is counted) when the ring
 * is full; fill it, then trace_ring_commit. */
static inline struct nestlab_trace_record *trace_ring_reserve(struct trace_producer *p)
{
	if (!trace_ring_room(p))
		return 0;
	return trace_ring_slot(p, p->ring, p->head);
}

/* Publish records up to head (the new head): their contents become
 * visible before it (x86-TSO keeps stores in order; the fence keeps the
 * compiler from moving them). */
static inline void trace_ring_publish(struct trace_producer *p, struct nestlab_trace_ring *r,
				      uint64_t head)
{
	p->head = head;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&r->head, head, __ATOMIC_RELAXED);
}

/* Publish the record trace_ring_reserve returned. */
static inline void trace_ring_commit(struct trace_producer *p)
{
	trace_ring_publish(p, p->ring, p->head + 1);
}

/* Fill a reserved slot: every field but reserved, which stays zero from
 * the ring's initialisation (type, cpl, flags and code are adjacent, one
 * 8-byte store). */
static inline void trace_record_fill(struct nestlab_trace_record *rec, uint64_t seq,
				     uint64_t tsc, uint16_t type, uint8_t cpl,
				     uint8_t flags, uint32_t code, uint64_t rip,
				     uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t tag = type | (uint64_t)cpl << 16 | (uint64_t)flags << 24 |
		       (uint64_t)code << 32;

	_Static_assert(__builtin_offsetof(struct nestlab_trace_record, code) ==
		       __builtin_offsetof(struct nestlab_trace_record, type) + 4,
		       "type, cpl, flags and code form one quadword");
	rec->tsc = tsc;
	__builtin_memcpy(&rec->type, &tag, sizeof(tag));
	rec->rip = rip;
	rec->a0 = a0;
	rec->a1 = a1;
	rec->a2 = a2;
	rec->seq = seq;
}

/* Append one record (or count a drop). */
static inline void trace_emit(struct trace_producer *p, uint64_t tsc, uint16_t type,
			      uint8_t cpl, uint8_t flags, uint32_t code, uint64_t rip,
			      uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct nestlab_trace_record *rec = trace_ring_reserve(p);

	if (!rec)
		return;
	trace_record_fill(rec, p->head, tsc, type, cpl, flags, code, rip, a0, a1, a2);
	trace_ring_commit(p);
}

#endif
