/*
 * L1's trace records (trace_l1.h). The exit record is written inline
 * there, in the raw form of include/nestlab/trace.h (ABI 2); once the
 * collector has decoded it, l1_exit's payloads per reason are:
 *   cpuid       qual = leaf (EAX), qual2 = subleaf (ECX)
 *   msr         qual = index | write << 32, qual2 = the value written or read
 *   ioio        qual = port | EXIT_IO_* << 16, qual2 = EAX after the exit
 *   npf         qual = guest-physical address, qual2 = EXIT_NPF_* flags
 *   excp_*      qual = vector | error << 32, qual2 = CR2 (#PF)
 *   vmmcall     qual = command (RCX); the hypercall has its own record
 * and 0 elsewhere. A record is in phase (NESTLAB_TRACE_F_IN_PHASE) exactly
 * when the exit counts in the open phase, so per-phase counts of l1_exit
 * records equal the run's per-phase exit counters.
 */
#include "l1.h"
#include "trace_l1.h"
#include "exit_table.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/cpu.h"
#include <nestlab/hypercall.h>

uint32_t trace_l1_init(struct l1_trace *t, uint64_t pa, uint64_t bytes)
{
	uint32_t cap;

	t->dir = (struct nestlab_trace_dir *)pa;
	trace_dir_init(t->dir);
	cap = trace_ring_init(&t->p, (void *)(pa + 0x1000), bytes - 0x1000, NESTLAB_TRACE_L1);
	if (!cap)
		return 0;
	trace_dir_add(t->dir, NESTLAB_TRACE_L1, pa + 0x1000, bytes - 0x1000, 0);
	trace_l1_set_phase(t, false);
	t->region_pa = pa;
	t->region_bytes = bytes;
	t->on = true;
	return cap;
}

/* A phase marker that succeeded: its record, and the exit records from
 * the next exit on follow the phase (a marker's own exit record takes
 * exit_tag[1]); markers are the only way a phase opens or closes. Out of
 * line, so that an ordinary hypercall's record saves no registers for it. */
static __attribute__((noinline)) void trace_l1_phase(struct vcpu *v, uint16_t type,
						      uint32_t phase)
{
	trace_l1_set_phase(&l1.trace, l1.stats.open_counts != 0);
	trace_emit(&l1.trace.p, v->exit_tsc, type, v->exit.cpl, 0, phase, v->regs.rip,
		   0, 0, 0);
}

/* The record is written as trace_l1_exit writes its own (trace_l1.h):
 * the slot first, then each field as it is read, which keeps few values
 * live and no register to save; the type, cpl and flags bytes as one. */
void trace_l1_hypercall(struct vcpu *v, uint64_t cmd, uint64_t arg0, uint32_t status,
			uint64_t ret0, unsigned transport)
{
	struct trace_producer *p = &l1.trace.p;
	struct nestlab_trace_ring *r = p->ring;
	uint64_t head = p->head;
	struct nestlab_trace_record *rec;

	if (trace_ring_room(p)) {
		rec = trace_ring_slot(p, r, head);
		__asm__("" : "+r"(rec));
		rec->tsc = v->exit_tsc;
		*(trace_u32_alias *)&rec->type = NESTLAB_TRACE_L1_HYPERCALL |
						 (uint32_t)v->exit.cpl << 16;
		rec->code = (uint32_t)cmd;
		rec->rip = v->regs.rip;
		rec->a0 = status;
		rec->a1 = ret0;
		rec->a2 = transport;
		rec->seq = head;
		trace_ring_publish(p, r, head + 1);
	}
	if (__builtin_expect(status != NESTLAB_HC_OK, 0))
		return;
	if (cmd == NESTLAB_HC_PHASE_BEGIN)
		trace_l1_phase(v, NESTLAB_TRACE_L1_PHASE_BEGIN, (uint32_t)ret0);
	else if (cmd == NESTLAB_HC_PHASE_END)
		trace_l1_phase(v, NESTLAB_TRACE_L1_PHASE_END, (uint32_t)arg0);
}

void trace_l1_mech(struct vcpu *v, uint32_t mech, uint64_t what, uint64_t arg,
		   uint64_t arg2)
{
	if (l1.trace.on)
		trace_emit(&l1.trace.p, v->exit_tsc, NESTLAB_TRACE_L1_MECH, v->exit.cpl,
			   l1.stats.open_counts ? NESTLAB_TRACE_F_IN_PHASE : 0, mech,
			   v->regs.rip, what, arg, arg2);
}

void trace_l1_irq(struct vcpu *v, unsigned vector, unsigned tpr)
{
	if (l1.trace.on)
		trace_emit(&l1.trace.p, rdtsc(), NESTLAB_TRACE_L1_IRQ_INJECT, vendor_cpl(v),
			   l1.stats.open_counts ? NESTLAB_TRACE_F_IN_PHASE : 0, vector,
			   v->regs.rip, tpr, 0, 0);
}

void trace_l1_set_tsc_hz(struct l1_trace *t, uint64_t hz)
{
	t->tsc_hz = hz;
	for (unsigned i = 0; i < t->dir->nr_rings; i++)
		t->dir->ring[i].tsc_hz = hz;
}

uint32_t trace_l1_register_l2(struct l1_trace *t, uint64_t gpa, uint64_t bytes,
			      uint64_t l2_ram_hpa, uint64_t l2_ram_size)
{
	if (!t->on || t->l2_registered)
		return NESTLAB_HC_E_STATE;
	if (gpa >= l2_ram_size || bytes > l2_ram_size - gpa)
		return NESTLAB_HC_E_FAULT;
	if (trace_dir_add(t->dir, NESTLAB_TRACE_L2, l2_ram_hpa + gpa, bytes, t->tsc_hz))
		return NESTLAB_HC_E_STATE;
	t->l2_registered = true;
	return NESTLAB_HC_OK;
}
