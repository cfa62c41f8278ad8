/*
 * L1's trace producer (include/nestlab/trace.h): the trace region the
 * launcher reserved (trace=<addr>:<bytes> on L1's command line) holds the
 * directory and L1's ring; L1 records every exit (reason, the TSC at its
 * handler's end, its qualifiers), every hypercall, the phase markers, and
 * the events mechanisms report; the L2 kernel's ring, in L2 RAM, is listed
 * in the directory when L2 registers it. Off (no region) costs one test per
 * exit.
 */
#ifndef L1_TRACE_L1_H
#define L1_TRACE_L1_H

#include <stdint.h>
#include <stdbool.h>
#include "../../lib/trace/trace_producer.h"

struct vcpu;

struct l1_trace {
	bool on;
	struct trace_producer p;
	/* The first four bytes of an l1_exit record (type, cpl 0, flags),
	 * precomputed: [0] for an exit that counts in the open phase, if one
	 * is open (NESTLAB_TRACE_F_IN_PHASE), [1] for one that never does
	 * (EXIT_NOT_IN_PHASE, the phase markers). Indexed by the handler's
	 * EXIT_NOT_IN_PHASE bit; set again by every phase marker, the only
	 * way a phase opens or closes (trace_l1_hypercall). */
	uint32_t exit_tag[2];
	struct nestlab_trace_dir *dir;
	uint64_t region_pa, region_bytes;
	bool l2_registered;
	uint64_t tsc_hz;
};

/* What an exit record needs from before the handler ran: RIP, and RAX and
 * RCX (CPUID's leaf and subleaf, a hypercall's command), which handlers
 * overwrite. */
struct trace_exit_ctx {
	uint64_t rip, rax, rcx;
};

/* Set up the region [pa, pa + bytes) (reserved, identity-mapped, zeroed):
 * the directory and L1's ring. Returns the ring's capacity, 0 if too small. */
uint32_t trace_l1_init(struct l1_trace *t, uint64_t pa, uint64_t bytes);

static inline void trace_l1_capture(const struct vcpu *v, struct trace_exit_ctx *c);
/* The exit record, right after the handler returned exit_flags (its
 * EXIT_NOT_IN_PHASE bit decides the record's in-phase flag). Inline
 * (below): it runs at every exit of a traced run, and its cost is what
 * tracing adds. */
static inline void trace_l1_exit(struct l1_trace *t, const struct vcpu *v,
				 const struct trace_exit_ctx *c, unsigned exit_flags);
/* A hypercall that ran (transport: enum nestlab_transport), and the phase
 * markers among them. */
void trace_l1_hypercall(struct vcpu *v, uint64_t cmd, uint64_t arg0, uint32_t status,
			uint64_t ret0, unsigned transport);
/* An event of mechanism mech (its slot), for mechanisms' own use. */
void trace_l1_mech(struct vcpu *v, uint32_t mech, uint64_t what, uint64_t arg,
		   uint64_t arg2);
/* L1 injected external interrupt vector into L2, whose TPR was tpr. */
void trace_l1_irq(struct vcpu *v, unsigned vector, unsigned tpr);
/* The TSC rate of every ring's producer (L1 and L2 share the TSC), once
 * it is known; rings registered later get it too. */
void trace_l1_set_tsc_hz(struct l1_trace *t, uint64_t hz);
/* NESTLAB_HC_TRACE_REGISTER: list L2's ring, at guest-physical gpa. */
uint32_t trace_l1_register_l2(struct l1_trace *t, uint64_t gpa, uint64_t bytes,
			      uint64_t l2_ram_hpa, uint64_t l2_ram_size);

#include "vcpu.h"
#include "exit_table.h"

/* exit_tag for a phase open or not (NESTLAB_TRACE_F_IN_PHASE sits in the
 * flags byte, bits 24-31 of the record's first four tag bytes). */
static inline void trace_l1_set_phase(struct l1_trace *t, bool open)
{
	_Static_assert(__builtin_offsetof(struct nestlab_trace_record, flags) ==
		       __builtin_offsetof(struct nestlab_trace_record, type) + 3,
		       "flags is the tag's fourth byte");
	t->exit_tag[0] = NESTLAB_TRACE_L1_EXIT | (open ? NESTLAB_TRACE_F_IN_PHASE << 24 : 0);
	t->exit_tag[1] = NESTLAB_TRACE_L1_EXIT;
}

static inline void trace_l1_capture(const struct vcpu *v, struct trace_exit_ctx *c)
{
	c->rip = v->regs.rip;
	c->rax = v->regs.gpr[X86_RAX];
	c->rcx = v->regs.gpr[X86_RCX];
}

typedef uint32_t __attribute__((may_alias)) trace_u32_alias;
typedef uint64_t __attribute__((may_alias)) trace_u64_alias;

/* The first quadword of a qualifier struct of the exit_info union, padding
 * and all: the record carries it raw and the collector keeps only the
 * bits the reason defines (include/nestlab/trace.h, l1_exit). */
static inline uint64_t trace_l1_raw_word(const void *qual)
{
	return *(const trace_u64_alias *)qual;
}

/*
 * The l1_exit record in the form of include/nestlab/trace.h (ABI 2): a0
 * is the TSC at the handler's end as RDTSC returns it, EDX:EAX stored as
 * two halves (the collector subtracts tsc), and a1/a2 are raw words:
 *   cpuid    a1 = RAX, a2 = RCX, as they were before the handler
 *   msr      a1 = struct exit_msr's first word (index, write), a2 = EDX:EAX
 *            after the handler (a WRMSR's value, a RDMSR's result)
 *   ioio     a1 = struct exit_io's first word (port, EXIT_IO_* flags),
 *            a2 = RAX after the handler (an IN's result)
 *   npf      a1 = the GPA, a2 = EXIT_NPF_* flags
 *   vmmcall  a1 = RCX (the command); the hypercall has its own record
 *   excp_*   a1 = struct exit_exception's first word (vector, error),
 *            a2 = CR2
 * and 0 elsewhere. Nothing is masked or shifted into place here but MSR's
 * EDX:EAX (a2 needs all 64 bits of it): what a traced exit costs L1 is
 * what this function costs, and the collector has time to spare.
 * The common fields are stored before the per-reason ones, and the first
 * four bytes (type, cpl 0, flags) come precomputed from exit_tag with cpl
 * and code stored over them.
 */
static inline void trace_l1_exit(struct l1_trace *t, const struct vcpu *v,
				 const struct trace_exit_ctx *c, unsigned exit_flags)
{
	uint32_t end_lo, end_hi;
	const struct exit_info *e = &v->exit;
	struct trace_producer *p = &t->p;
	struct nestlab_trace_ring *r;
	uint64_t head, tsc;
	uint32_t tag, reason;
	struct nestlab_trace_record *rec;

	_Static_assert(EXIT_NOT_IN_PHASE == 1, "exit_tag is indexed by the flag");
	_Static_assert(__builtin_offsetof(struct exit_msr, index) == 0 &&
		       __builtin_offsetof(struct exit_msr, write) == 4 &&
		       __builtin_offsetof(struct exit_io, port) == 0 &&
		       __builtin_offsetof(struct exit_io, flags) == 2 &&
		       __builtin_offsetof(struct exit_exception, vector) == 0 &&
		       __builtin_offsetof(struct exit_exception, error) == 4 &&
		       sizeof(struct exit_msr) >= 8 && sizeof(struct exit_io) >= 8 &&
		       sizeof(struct exit_exception) >= 8,
		       "the raw qualifier words of include/nestlab/trace.h");
	/* RDTSC first: the handler's end. It clears the upper halves of RAX
	 * and RDX (SDM vol.2B RDTSC; APM vol.3 RDTSC). */
	__asm__ __volatile__("rdtsc" : "=a"(end_lo), "=d"(end_hi));
	/* What is read from memory is read before the first store, which
	 * may alias it as far as the compiler knows (cpl, read between two
	 * stores, is read once all the same). */
	r = p->ring;
	head = p->head;
	tsc = v->exit_tsc;
	tag = t->exit_tag[exit_flags & EXIT_NOT_IN_PHASE];
	reason = e->reason;
	if (!trace_ring_room(p))
		return;
	rec = trace_ring_slot(p, r, head);
	/* One register holds the slot from here on: without this GCC
	 * recomputes base + index for some of the stores. */
	__asm__("" : "+r"(rec));
	rec->tsc = tsc;
	*(trace_u32_alias *)&rec->type = tag;
	rec->cpl = e->cpl;
	rec->code = reason;
	rec->rip = c->rip;
	((trace_u32_alias *)&rec->a0)[0] = end_lo;
	((trace_u32_alias *)&rec->a0)[1] = end_hi;
	rec->seq = head;
	switch (reason) {
	case NESTLAB_EXIT_CPUID:
		rec->a1 = c->rax;
		rec->a2 = c->rcx;
		break;
	case NESTLAB_EXIT_MSR:
		rec->a1 = trace_l1_raw_word(&e->msr);
		rec->a2 = (v->regs.gpr[X86_RDX] << 32) | (uint32_t)v->regs.gpr[X86_RAX];
		break;
	case NESTLAB_EXIT_IOIO:
		rec->a1 = trace_l1_raw_word(&e->io);
		rec->a2 = v->regs.gpr[X86_RAX];
		break;
	case NESTLAB_EXIT_NPF:
		rec->a1 = e->npf.gpa;
		rec->a2 = e->npf.flags;
		break;
	case NESTLAB_EXIT_VMMCALL:
		rec->a1 = c->rcx;
		rec->a2 = 0;
		break;
	case NESTLAB_EXIT_EXCP_DE ... NESTLAB_EXIT_EXCP_OTHER:
		rec->a1 = trace_l1_raw_word(&e->exc);
		rec->a2 = e->exc.cr2;
		break;
	default:
		rec->a1 = 0;
		rec->a2 = 0;
		break;
	}
	trace_ring_publish(p, r, head + 1);
}

#endif
