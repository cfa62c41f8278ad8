/*
 * L1's trace producer (include/nestlab/trace.h): the trace region the
 * launcher reserved (trace=<addr>:<bytes> on L1's command line) holds the
 * directory and L1's ring; L1 records every exit (reason, the L1 cycles of
 * its handler, its qualifiers), every hypercall, the phase markers, and
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
/* The exit record: handler_cycles from the exit to the handler's end;
 * in_phase: NESTLAB_TRACE_F_IN_PHASE or 0. Inline (below): it runs at
 * every exit of a traced run, and its cost is what tracing adds. */
static inline void trace_l1_exit(struct l1_trace *t, const struct vcpu *v,
				 const struct trace_exit_ctx *c, uint64_t handler_cycles,
				 uint8_t in_phase);
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

static inline void trace_l1_capture(const struct vcpu *v, struct trace_exit_ctx *c)
{
	c->rip = v->regs.rip;
	c->rax = v->regs.gpr[X86_RAX];
	c->rcx = v->regs.gpr[X86_RCX];
}

/* The qualifiers per reason (docs/tracing.md): CPUID leaf and subleaf; MSR
 * index | write << 32 and EDX:EAX (a WRMSR's value, a RDMSR's result: the
 * handler leaves them as written, or sets them); IOIO port | flags << 16
 * and EAX after the access; NPF GPA and flags; VMMCALL the command;
 * exceptions vector | error << 32 and CR2. */
static inline void trace_l1_exit(struct l1_trace *t, const struct vcpu *v,
				 const struct trace_exit_ctx *c, uint64_t handler_cycles,
				 uint8_t in_phase)
{
	const struct exit_info *e = &v->exit;
	struct trace_producer *p = &t->p;
	struct nestlab_trace_record *rec = trace_ring_reserve(p);
	uint64_t qual = 0, qual2 = 0;

	if (!rec)
		return;
	switch (e->reason) {
	case NESTLAB_EXIT_CPUID:
		qual = (uint32_t)c->rax;
		qual2 = (uint32_t)c->rcx;
		break;
	case NESTLAB_EXIT_MSR:
		qual = e->msr.index | (uint64_t)e->msr.write << 32;
		qual2 = (v->regs.gpr[X86_RDX] << 32) | (uint32_t)v->regs.gpr[X86_RAX];
		break;
	case NESTLAB_EXIT_IOIO:
		qual = e->io.port | (uint64_t)e->io.flags << 16;
		qual2 = (uint32_t)v->regs.gpr[X86_RAX];
		break;
	case NESTLAB_EXIT_NPF:
		qual = e->npf.gpa;
		qual2 = e->npf.flags;
		break;
	case NESTLAB_EXIT_VMMCALL:
		qual = c->rcx;
		break;
	case NESTLAB_EXIT_EXCP_DE ... NESTLAB_EXIT_EXCP_OTHER:
		qual = e->exc.vector | (uint64_t)e->exc.error << 32;
		qual2 = e->exc.cr2;
		break;
	default:
		break;
	}
	trace_record_fill(rec, p->head, v->exit_tsc, NESTLAB_TRACE_L1_EXIT, e->cpl,
			  in_phase, e->reason, c->rip, handler_cycles, qual, qual2);
	trace_ring_commit(p);
}

#endif
