/*
 * Ring draining. Ordering (x86-TSO, as include/nestlab/trace.h sets out):
 * load head, compiler barrier, copy the records; then compiler barrier and
 * store tail, so the copies are complete before the producer may reuse
 * the slots. Records are copied in chunks (at most up to the wrap, at most
 * what the caller's window holds) and checked after the copy, never in
 * place, so what is checked is what is emitted (a valid copy is decoded
 * into its event's values there, trace_record_decode). Every drain writes tail, even when there is nothing to read,
 * so a tail overwritten by anyone else is put right. head, dropped and tail are accessed with 8-byte atomic loads
 * and stores (the header is TRACE_RING_ALIGN aligned).
 */
#include "trace_ring.h"

#include <string.h>

#define trace_barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

enum trace_ring_rc trace_ring_accept(struct trace_ring *r, const struct trace_map *m,
				     const struct nestlab_trace_dir_entry *e)
{
	const struct nestlab_trace_ring *src = trace_map_ptr(m, e->phys, e->bytes);
	struct nestlab_trace_ring h;

	memset(r, 0, sizeof(*r));
	if (!src || e->bytes < sizeof(h))
		return TRACE_RING_OUTSIDE;
	memcpy(&h, src, sizeof(h));
	if (h.magic != NESTLAB_TRACE_RING_MAGIC)
		return TRACE_RING_BAD_MAGIC;
	if (h.abi != NESTLAB_TRACE_ABI)
		return TRACE_RING_BAD_ABI;
	if (h.record_size != NESTLAB_TRACE_RECORD_SIZE)
		return TRACE_RING_BAD_RECSIZE;
	if (!h.capacity || (h.capacity & (h.capacity - 1)) ||
	    h.capacity > NESTLAB_TRACE_MAX_RECORDS)
		return TRACE_RING_BAD_CAP;
	if (NESTLAB_TRACE_RING_BYTES(h.capacity) > e->bytes)
		return TRACE_RING_TOO_BIG;
	if (h.producer != e->producer)
		return TRACE_RING_BAD_PRODUCER;
	r->producer = h.producer;
	r->capacity = h.capacity;
	r->off = e->phys;
	r->tsc_hz = e->tsc_hz;
	return TRACE_RING_OK;
}

const char *trace_ring_rc_name(enum trace_ring_rc rc)
{
	switch (rc) {
	case TRACE_RING_OK:           return "ok";
	case TRACE_RING_OUTSIDE:      return "ring outside the guest RAM file";
	case TRACE_RING_BAD_MAGIC:    return "bad ring magic";
	case TRACE_RING_BAD_ABI:      return "unknown ring abi";
	case TRACE_RING_BAD_RECSIZE:  return "record_size is not 64";
	case TRACE_RING_BAD_CAP:      return "bad capacity";
	case TRACE_RING_TOO_BIG:      return "capacity does not fit the entry";
	case TRACE_RING_BAD_PRODUCER: return "producer differs from the directory's";
	}
	return "?";
}

static void trace_ring_store_tail(struct nestlab_trace_ring *h, uint64_t tail)
{
	trace_barrier();
	__atomic_store_n(&h->tail, tail, __ATOMIC_RELEASE);
}

static struct nestlab_trace_ring *trace_ring_hdr(const struct trace_ring *r,
					       const struct trace_map *m)
{
	return trace_map_ptr(m, r->off, NESTLAB_TRACE_RING_BYTES(r->capacity));
}

uint64_t trace_ring_begin(struct trace_ring *r, const struct trace_map *m)
{
	struct nestlab_trace_ring *h = trace_ring_hdr(r, m);
	uint64_t head, dropped, n;

	r->end = r->tail;
	if (!h)
		return 0;
	head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
	dropped = __atomic_load_n(&h->dropped, __ATOMIC_RELAXED);
	trace_barrier();

	if (dropped > r->dropped)
		r->dropped = dropped;
	else if (dropped < r->dropped)
		r->resyncs++;

	if (head < r->tail) {
		/* Ran backwards: nothing to read; follow the producer. */
		r->resyncs++;
		r->tail = r->end = head;
		trace_ring_store_tail(h, r->tail);
		return 0;
	}
	n = head - r->tail;
	if (n > r->capacity) {
		/* Claims more than the ring holds: unread records were overwritten. */
		r->resyncs++;
		r->rejected += n;
		r->reject[TRACE_REJECT_OVERRUN] += n;
		r->tail = r->end = head;
		trace_ring_store_tail(h, r->tail);
		return 0;
	}
	if (!n)
		/* Nothing new; the tail is rewritten anyway, in case something else wrote it. */
		trace_ring_store_tail(h, r->tail);
	r->end = head;
	return n;
}

size_t trace_ring_read(struct trace_ring *r, const struct trace_map *m,
		       struct nestlab_trace_record *out, size_t max)
{
	struct nestlab_trace_ring *h = trace_ring_hdr(r, m);
	uint64_t mask = r->capacity - 1;
	size_t kept = 0;

	while (!kept && r->tail < r->end && h) {
		uint64_t n = r->end - r->tail, first = r->tail & mask;

		if (n > max)
			n = max;
		if (n > r->capacity - first)
			n = r->capacity - first;        /* up to the wrap; the rest next time */
		memcpy(out, &h->rec[first], n * sizeof(*out));
		trace_ring_store_tail(h, r->tail + n);
		for (uint64_t i = 0; i < n; i++) {
			int why = trace_record_check(&out[i], r->producer, r->tail + i);

			if (why >= 0) {
				r->rejected++;
				r->reject[why]++;
				continue;
			}
			trace_record_decode(&out[i]);
			if (kept != i)
				out[kept] = out[i];
			kept++;
		}
		r->tail += n;
		r->emitted += kept;
	}
	return kept;
}

size_t trace_ring_drain(struct trace_ring *r, const struct trace_map *m,
			struct nestlab_trace_record *out)
{
	size_t kept = 0, k;

	trace_ring_begin(r, m);
	while ((k = trace_ring_read(r, m, out + kept, r->capacity - kept)))
		kept += k;
	return kept;
}
