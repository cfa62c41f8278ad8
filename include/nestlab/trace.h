/*
 * Trace records and rings: the contract between the producers (L1, the L2
 * kernel) and the host collector (tracing/ust/) that turns records into
 * LTTng-UST events. One header for every level; nothing re-declares it.
 *
 * Where the rings are. The launcher reserves a region of the top-level
 * guest's physical memory and passes it on that guest's command line,
 *     trace=<physical address>:<bytes>        (both multiples of 4 KiB)
 * (L1's command line at level 2, the L2 kernel's at level 1). The region
 * starts with a directory page (struct nestlab_trace_dir); its owner puts
 * its own ring right after it and lists every ring in the directory. At
 * level 2 the L2 kernel places its ring in L2 RAM and registers it with
 * the NESTLAB_HC_TRACE_REGISTER hypercall; L1 checks it, and adds it to
 * the directory with its machine-physical address. The host maps the
 * run's guest-RAM file (QEMU memory-backend-file, share=on), reads the
 * directory and drains the rings while the run goes and once more at the
 * end. L2 can never map L1's region (it is outside L2's NPT); the L2 ring
 * lives in L2 RAM, so everything in it is hostile input to the host.
 *
 * A ring is single-producer, single-consumer:
 *   - the producer writes record rec[head % capacity], then advances head;
 *     when head - tail == capacity the ring is full and the producer counts
 *     a drop instead (it never blocks, never overwrites an unread record);
 *   - the consumer reads records tail..head-1, then advances tail.
 * head, tail and dropped only ever grow (64-bit: they never wrap). So the
 * producer may go on from the last tail it read until head reaches that
 * tail + capacity, and read tail again only then (trace_producer.h).
 * Memory ordering (x86-TSO, AMD APM vol.2 7.2): stores become visible in
 * program order and loads are not reordered with older loads, so a
 * compiler barrier between writing a record and storing head (producer),
 * and between loading head and reading the records (consumer), is all the
 * ordering needed; head and tail are each written by one side only, with
 * aligned 8-byte stores (single-copy atomic). The host, sharing the
 * memory through the backing file, is one more x86 agent.
 */
#ifndef NESTLAB_TRACE_H
#define NESTLAB_TRACE_H

#include <stdint.h>

#define NESTLAB_TRACE_DIR_MAGIC   0x5249444Cu /* "LDIR" */
#define NESTLAB_TRACE_RING_MAGIC  0x474E524Cu /* "LRNG" */
#define NESTLAB_TRACE_ABI         2u  /* 2: l1_exit's words as below */
#define NESTLAB_TRACE_RECORD_SIZE 64u
#define NESTLAB_TRACE_MAX_RINGS   4u
#define NESTLAB_TRACE_MAX_RECORDS (1u << 20) /* per ring */

/* Who wrote a ring. */
enum nestlab_trace_producer {
	NESTLAB_TRACE_L1 = 1,
	NESTLAB_TRACE_L2 = 2,
};

/*
 * Event types: X(id, "name", "code", "a0", "a1", "a2"): the record's type,
 * the LTTng event name (nestlab:<name>) and what code and the payload
 * words hold for it in the event ("" = unused). The collector and
 * trace-stats are generated from this list.
 *
 * Every type's record holds its event's values, except l1_exit, which L1
 * writes at every exit and so in the form that costs it the fewest
 * instructions; the collector turns it into the event's values:
 *   a0  the TSC when the exit's handler returned; the event's l1_cycles is
 *       a0 - tsc (a record with a0 < tsc is corrupt);
 *   a1, a2  the event's qual and qual2, raw: per reason, only these bits
 *       are defined, the rest are whatever L1's words held and the
 *       collector clears them:
 *         cpuid    a1 = RAX, a2 = RCX before the handler: the leaf and
 *                  subleaf in bits 0-31 of each
 *         msr      a1 bits 0-31 the MSR index, bit 32 set for a WRMSR;
 *                  a2 = EDX:EAX (the value written, or read), all 64 bits
 *         ioio     a1 bits 0-15 the port, bits 16-23 the access's flags
 *                  (docs/tracing.md); a2 bits 0-31 = EAX after the access
 *         excp_*   a1 bits 0-7 the vector, bits 32-63 the error code;
 *                  a2 = CR2, all 64 bits
 *         others   every bit as written (npf: GPA, flags; vmmcall: RCX,
 *                  the command, and 0; the rest 0 and 0).
 */
#define NESTLAB_TRACE_EVENTS(X)                                               \
	/* L1 */                                                                \
	X(L1_EXIT,        "l1_exit",        "reason", "l1_cycles", "qual", "qual2") \
	X(L1_HYPERCALL,   "l1_hypercall",   "cmd",    "status",    "ret0", "transport") \
	X(L1_PHASE_BEGIN, "l1_phase_begin", "phase",  "",          "",     "")   \
	X(L1_PHASE_END,   "l1_phase_end",   "phase",  "",          "",     "")   \
	X(L1_MECH,        "l1_mech",        "mech",   "what",      "arg",  "arg2") \
	X(L1_IRQ_INJECT,  "l1_irq_inject",  "vector", "tpr",       "",     "")   \
	/* L2 */                                                                \
	X(L2_SYSCALL_ENTRY, "l2_syscall_entry", "nr", "arg0",     "arg1", "arg2") \
	X(L2_SYSCALL_EXIT,  "l2_syscall_exit",  "nr", "result",   "",     "")   \
	X(L2_PAGE_FAULT,    "l2_page_fault",    "error", "address", "",   "")   \
	X(L2_PHASE_BEGIN,   "l2_phase_begin",   "phase", "",       "",     "")   \
	X(L2_PHASE_END,     "l2_phase_end",     "phase", "",       "",     "")   \
	X(L2_CONTEXT_SWITCH, "l2_context_switch", "to_pid", "from_pid", "why", "") \
	X(L2_BATCH,         "l2_batch",         "size", "why",     "emulated", "") \
	X(L2_INTERPOSE,     "l2_interpose",     "nr",    "denied", "",     "")

enum nestlab_trace_event {
	NESTLAB_TRACE_NONE = 0,
#define NESTLAB_TRACE_ENUM_(id, name, code, a0, a1, a2) NESTLAB_TRACE_##id,
	NESTLAB_TRACE_EVENTS(NESTLAB_TRACE_ENUM_)
#undef NESTLAB_TRACE_ENUM_
	NESTLAB_TRACE_NR
};

/* Why the L2 kernel switched process (l2_context_switch's `why`). */
enum nestlab_trace_switch_why {
	NESTLAB_TRACE_SWITCH_YIELD = 0, /* the yield system call */
	NESTLAB_TRACE_SWITCH_EXIT  = 1, /* the running process exited */
	NESTLAB_TRACE_SWITCH_TIMER = 2, /* preempted by the timer interrupt */
};

/* Record flags */
#define NESTLAB_TRACE_F_IN_PHASE (1u << 0) /* inside a workload phase */

struct nestlab_trace_record {
	uint64_t tsc;           /* the producer's TSC (guest TSC under icount) */
	uint16_t type;          /* enum nestlab_trace_event */
	uint8_t cpl;            /* L2's CPL at the event */
	uint8_t flags;          /* NESTLAB_TRACE_F_* */
	uint32_t code;          /* exit reason, syscall number, command ... */
	uint64_t rip;           /* L2's RIP at the event (0 if none) */
	uint64_t a0, a1, a2;    /* payload, per type (NESTLAB_TRACE_EVENTS) */
	uint64_t seq;           /* the record's index in its ring: head before it */
	uint64_t reserved;
};
_Static_assert(sizeof(struct nestlab_trace_record) == NESTLAB_TRACE_RECORD_SIZE,
	       "trace record size");

struct nestlab_trace_ring {
	uint32_t magic;         /* NESTLAB_TRACE_RING_MAGIC */
	uint32_t abi;           /* NESTLAB_TRACE_ABI */
	uint32_t record_size;   /* NESTLAB_TRACE_RECORD_SIZE */
	uint32_t capacity;      /* records, a power of two <= NESTLAB_TRACE_MAX_RECORDS */
	uint32_t producer;      /* enum nestlab_trace_producer */
	uint32_t reserved0;
	uint64_t head;          /* producer: records written */
	uint64_t tail;          /* consumer: records read */
	uint64_t dropped;       /* producer: records not written, ring full */
	uint64_t reserved1[2];
	struct nestlab_trace_record rec[];
};
_Static_assert(sizeof(struct nestlab_trace_ring) == 64, "trace ring header size");

/* Bytes a ring of capacity records takes. */
#define NESTLAB_TRACE_RING_BYTES(capacity) \
	(sizeof(struct nestlab_trace_ring) + (uint64_t)(capacity) * NESTLAB_TRACE_RECORD_SIZE)

struct nestlab_trace_dir_entry {
	uint32_t producer;      /* enum nestlab_trace_producer; 0 = free slot */
	uint32_t reserved;
	uint64_t phys;          /* machine-physical address of the ring header */
	uint64_t bytes;         /* bytes of the ring, header included */
	uint64_t tsc_hz;        /* the producer's TSC rate, 0 if unknown */
};

struct nestlab_trace_dir {
	uint32_t magic;         /* NESTLAB_TRACE_DIR_MAGIC */
	uint32_t abi;           /* NESTLAB_TRACE_ABI */
	uint32_t nr_rings;      /* entries in use, <= NESTLAB_TRACE_MAX_RINGS */
	uint32_t reserved;
	struct nestlab_trace_dir_entry ring[NESTLAB_TRACE_MAX_RINGS];
};

#endif
