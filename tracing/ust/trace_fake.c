/*
 * The fake producer, following trace.h's ordering rules on x86-TSO: the
 * record, then a compiler barrier, then head (an aligned 8-byte store);
 * tail read with an 8-byte load; directory entries before nr_rings,
 * headers before their magic.
 */
#include "trace_fake.h"

#include <string.h>

#define fake_barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

void trace_fake_dir_init(void *mem, uint64_t dir_off)
{
	struct nestlab_trace_dir *d = (void *)((uint8_t *)mem + dir_off);

	memset(d, 0, sizeof(*d));
	d->abi = NESTLAB_TRACE_ABI;
	fake_barrier();
	__atomic_store_n(&d->magic, NESTLAB_TRACE_DIR_MAGIC, __ATOMIC_RELEASE);
}

int trace_fake_dir_add(void *mem, uint64_t dir_off, uint32_t producer, uint64_t phys,
		       uint64_t bytes, uint64_t tsc_hz)
{
	struct nestlab_trace_dir *d = (void *)((uint8_t *)mem + dir_off);
	uint32_t n = d->nr_rings;

	if (n >= NESTLAB_TRACE_MAX_RINGS)
		return -1;
	d->ring[n] = (struct nestlab_trace_dir_entry){
		.producer = producer, .phys = phys, .bytes = bytes, .tsc_hz = tsc_hz,
	};
	fake_barrier();
	__atomic_store_n(&d->nr_rings, n + 1, __ATOMIC_RELEASE);
	return 0;
}

struct nestlab_trace_ring *trace_fake_ring_init(void *mem, uint64_t off, uint32_t capacity,
						uint32_t producer)
{
	struct nestlab_trace_ring *r = (void *)((uint8_t *)mem + off);

	memset(r, 0, sizeof(*r));
	r->abi = NESTLAB_TRACE_ABI;
	r->record_size = NESTLAB_TRACE_RECORD_SIZE;
	r->capacity = capacity;
	r->producer = producer;
	fake_barrier();
	__atomic_store_n(&r->magic, NESTLAB_TRACE_RING_MAGIC, __ATOMIC_RELEASE);
	return r;
}

int trace_fake_push(struct nestlab_trace_ring *ring, const struct nestlab_trace_record *rec)
{
	uint64_t head = ring->head; /* only this producer writes it */
	uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
	struct nestlab_trace_record *slot;

	if (head - tail >= ring->capacity) {
		__atomic_store_n(&ring->dropped, ring->dropped + 1, __ATOMIC_RELAXED);
		return 1;
	}
	slot = &ring->rec[head & (ring->capacity - 1)];
	*slot = *rec;
	slot->seq = head;
	fake_barrier();
	__atomic_store_n(&ring->head, head + 1, __ATOMIC_RELEASE);
	return 0;
}

struct nestlab_trace_record trace_fake_record(uint32_t type, uint64_t tsc, uint32_t code,
					      uint8_t flags)
{
	struct nestlab_trace_record r = {
		.tsc = tsc, .type = (uint16_t)type, .cpl = 3, .flags = flags, .code = code,
		.rip = 0x401000 + (tsc & 0xfff),
	};

	switch (type) {
	case NESTLAB_TRACE_L1_EXIT: {
		/* As L1 writes it: a0 the handler's end, l1_cycles after it; a
		 * tsc at the very top of the range gets a shorter handler. */
		uint64_t cycles = 300 + (tsc & 63);

		r.a0 = tsc + (tsc > ~0ull - cycles ? ~0ull - tsc : cycles);
		r.a1 = tsc & 0xff;         /* qual */
		break;
	}
	case NESTLAB_TRACE_L1_HYPERCALL:
		r.a1 = 0;
		r.a2 = 1;
		break;
	case NESTLAB_TRACE_L2_SYSCALL_ENTRY:
		r.a0 = 1;
		r.a1 = 2;
		r.a2 = 3;
		break;
	case NESTLAB_TRACE_L2_SYSCALL_EXIT:
		r.a0 = 0;
		break;
	case NESTLAB_TRACE_L2_PAGE_FAULT:
		r.a0 = 0x7000 + (tsc & 0xfff) * 0x1000;
		break;
	default:
		break;
	}
	if (type >= NESTLAB_TRACE_L1_PHASE_BEGIN && type <= NESTLAB_TRACE_L1_PHASE_END)
		r.cpl = 0;
	return r;
}
