/*
 * L1's exit record (l1hyp/core/trace_l1.h) end to end with the collector's
 * side of the contract (tracing/ust/trace_record.c): for each reason with
 * qualifiers, the record exactly as L1 writes it (raw words, the handler's
 * end TSC in a0, the in-phase flag from exit_tag, seq, reserved 0), that
 * it passes the collector's check, and the event values it decodes to. The
 * exit_info qualifier structs are filled over 0xa5 bytes, so their padding
 * shows in the raw words and must be gone after decoding. Also: the
 * in-phase flag of a marker exit, a full ring (a drop, nothing written).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../../l1hyp/core/trace_l1.h"
#include "../../tracing/ust/trace_record.h"

#define CAP 8

static _Alignas(64) unsigned char mem[NESTLAB_TRACE_RING_BYTES(CAP)];
static struct l1_trace t;
static struct vcpu v;
static struct nestlab_trace_ring *ring;

static void setup(void)
{
	memset(&t, 0, sizeof(t));
	memset(mem, 0, sizeof(mem));
	cr_assert(eq(u32, trace_ring_init(&t.p, mem, sizeof(mem), NESTLAB_TRACE_L1), CAP));
	trace_l1_set_phase(&t, true);
	t.on = true;
	ring = (void *)mem;
	memset(&v, 0xa5, sizeof(v));   /* padding and unused words: junk */
	v.exit.cpl = 3;
	v.regs.rip = 0x401234;
	v.exit_tsc = 1000;
}

TestSuite(trace_l1, .init = setup);

static uint64_t tsc_now(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The exit at the current state: captured, "handled" by handler(), traced
 * with flags. Returns the slot written (the ring's head - 1). */
static const struct nestlab_trace_record *exit_once(void (*handler)(void), unsigned flags)
{
	struct trace_exit_ctx c;
	uint64_t before, after;

	v.exit_tsc = tsc_now();
	trace_l1_capture(&v, &c);
	if (handler)
		handler();
	before = tsc_now();
	trace_l1_exit(&t, &v, &c, flags);
	after = tsc_now();
	cr_assert(eq(u64, ring->head, t.p.head));
	{
		const struct nestlab_trace_record *r = &ring->rec[(ring->head - 1) & (CAP - 1)];

		/* a0: the TSC the record read, between the two around it */
		cr_assert(ge(u64, r->a0, before));
		cr_assert(le(u64, r->a0, after));
		return r;
	}
}

/* Checks the common fields, then check and decode as the collector does. */
static struct nestlab_trace_record decoded(const struct nestlab_trace_record *r,
					   uint32_t reason, uint8_t flags)
{
	struct nestlab_trace_record d = *r;

	cr_assert(eq(u64, r->tsc, v.exit_tsc));
	cr_assert(eq(u16, r->type, NESTLAB_TRACE_L1_EXIT));
	cr_assert(eq(u8, r->cpl, 3));
	cr_assert(eq(u8, r->flags, flags));
	cr_assert(eq(u32, r->code, reason));
	cr_assert(eq(u64, r->rip, 0x401234));
	cr_assert(eq(u64, r->seq, ring->head - 1));
	cr_assert(eq(u64, r->reserved, 0));
	cr_assert(eq(int, trace_record_check(r, NESTLAB_TRACE_L1, r->seq), -1));
	trace_record_decode(&d);
	cr_assert(eq(u64, d.a0, r->a0 - r->tsc));
	return d;
}

static void cpuid_handler(void)
{
	v.regs.gpr[X86_RAX] = 0x756e6547;       /* what CPUID returns */
	v.regs.gpr[X86_RCX] = 0x6c65746e;
	v.regs.rip += 2;
}

Test(trace_l1, cpuid_leaf_and_subleaf_from_before_the_handler)
{
	const struct nestlab_trace_record *r;
	struct nestlab_trace_record d;

	v.exit.reason = NESTLAB_EXIT_CPUID;
	v.regs.gpr[X86_RAX] = 0xffffffff00000007ull;   /* upper half: junk */
	v.regs.gpr[X86_RCX] = 0x1234567800000001ull;
	r = exit_once(cpuid_handler, 0);
	cr_assert(eq(u64, r->a1, 0xffffffff00000007ull));
	cr_assert(eq(u64, r->a2, 0x1234567800000001ull));
	v.regs.rip = 0x401234;
	d = decoded(r, NESTLAB_EXIT_CPUID, NESTLAB_TRACE_F_IN_PHASE);
	cr_assert(eq(u64, d.a1, 7));
	cr_assert(eq(u64, d.a2, 1));
}

static void in_handler(void)
{
	v.regs.gpr[X86_RAX] = 0xa5a5a5a5a5a5a5abull;   /* IN AL: only AL changed */
}

Test(trace_l1, ioio_port_flags_and_eax_after)
{
	const struct nestlab_trace_record *r;
	struct nestlab_trace_record d;

	v.exit.reason = NESTLAB_EXIT_IOIO;
	v.exit.io.port = 0x3f8;
	v.exit.io.flags = EXIT_IO_IN | EXIT_IO_SZ8;
	r = exit_once(in_handler, 0);
	cr_assert(eq(u64, r->a1, 0xa5a5a5a5a5000000ull | (uint64_t)(EXIT_IO_IN | EXIT_IO_SZ8) << 16 |
		     0x3f8));
	cr_assert(eq(u64, r->a2, 0xa5a5a5a5a5a5a5abull));
	d = decoded(r, NESTLAB_EXIT_IOIO, NESTLAB_TRACE_F_IN_PHASE);
	cr_assert(eq(u64, d.a1, (uint64_t)(EXIT_IO_IN | EXIT_IO_SZ8) << 16 | 0x3f8));
	cr_assert(eq(u64, d.a2, 0xa5a5a5abull));
}

static void rdmsr_handler(void)
{
	v.regs.gpr[X86_RAX] = 0xffffffff00000d01ull;
	v.regs.gpr[X86_RDX] = 0x11223344;
}

Test(trace_l1, msr_index_write_bit_and_the_value)
{
	const struct nestlab_trace_record *r;
	struct nestlab_trace_record d;

	v.exit.reason = NESTLAB_EXIT_MSR;
	v.exit.msr.index = 0xc0000080;
	v.exit.msr.write = false;
	r = exit_once(rdmsr_handler, 0);
	cr_assert(eq(u64, r->a1, 0xa5a5a50000000000ull | 0xc0000080u));
	cr_assert(eq(u64, r->a2, 0x1122334400000d01ull));
	d = decoded(r, NESTLAB_EXIT_MSR, NESTLAB_TRACE_F_IN_PHASE);
	cr_assert(eq(u64, d.a1, 0xc0000080u));
	cr_assert(eq(u64, d.a2, 0x1122334400000d01ull));

	v.exit.msr.write = true;
	d = decoded(exit_once(NULL, 0), NESTLAB_EXIT_MSR, NESTLAB_TRACE_F_IN_PHASE);
	cr_assert(eq(u64, d.a1, 1ull << 32 | 0xc0000080u));
}

Test(trace_l1, npf_gpa_and_flags)
{
	struct nestlab_trace_record d;

	v.exit.reason = NESTLAB_EXIT_NPF;
	v.exit.npf.gpa = 0x7fff1234;
	v.exit.npf.flags = EXIT_NPF_WRITE | EXIT_NPF_PRESENT;
	d = decoded(exit_once(NULL, 0), NESTLAB_EXIT_NPF, NESTLAB_TRACE_F_IN_PHASE);
	cr_assert(eq(u64, d.a1, 0x7fff1234));
	cr_assert(eq(u64, d.a2, EXIT_NPF_WRITE | EXIT_NPF_PRESENT));
}

Test(trace_l1, exception_vector_error_and_cr2)
{
	const struct nestlab_trace_record *r;
	struct nestlab_trace_record d;

	v.exit.reason = NESTLAB_EXIT_EXCP_PF;
	v.exit.exc.vector = 14;
	v.exit.exc.has_error = true;
	v.exit.exc.error = 6;
	v.exit.exc.cr2 = 0xffff800000001000ull;
	r = exit_once(NULL, 0);
	cr_assert(eq(u64, r->a1, 0x000000060000010eull | 0xa5a50000ull));
	d = decoded(r, NESTLAB_EXIT_EXCP_PF, NESTLAB_TRACE_F_IN_PHASE);
	cr_assert(eq(u64, d.a1, 6ull << 32 | 14));
	cr_assert(eq(u64, d.a2, 0xffff800000001000ull));
}

static void hypercall_handler(void)
{
	v.regs.gpr[X86_RCX] = 0;        /* the hypercall's results */
	v.regs.rip += 3;
}

Test(trace_l1, vmmcall_command_and_a_marker_out_of_phase)
{
	const struct nestlab_trace_record *r;
	struct nestlab_trace_record d;

	v.exit.reason = NESTLAB_EXIT_VMMCALL;
	v.regs.gpr[X86_RCX] = 0x10001;
	r = exit_once(hypercall_handler, EXIT_NOT_IN_PHASE);
	v.regs.rip = 0x401234;
	d = decoded(r, NESTLAB_EXIT_VMMCALL, 0);        /* a marker: never in phase */
	cr_assert(eq(u64, d.a1, 0x10001));
	cr_assert(eq(u64, d.a2, 0));
}

Test(trace_l1, other_reasons_carry_zeros_and_the_phase_flag_follows)
{
	struct nestlab_trace_record d;

	v.exit.reason = NESTLAB_EXIT_HLT;
	trace_l1_set_phase(&t, false);
	d = decoded(exit_once(NULL, 0), NESTLAB_EXIT_HLT, 0);
	cr_assert(eq(u64, d.a1, 0));
	cr_assert(eq(u64, d.a2, 0));
	trace_l1_set_phase(&t, true);
	d = decoded(exit_once(NULL, 0), NESTLAB_EXIT_HLT, NESTLAB_TRACE_F_IN_PHASE);
	/* flags other than EXIT_NOT_IN_PHASE do not matter */
	d = decoded(exit_once(NULL, EXIT_HANDLED), NESTLAB_EXIT_HLT, NESTLAB_TRACE_F_IN_PHASE);
	d = decoded(exit_once(NULL, EXIT_HANDLED | EXIT_NOT_IN_PHASE), NESTLAB_EXIT_HLT, 0);
	cr_assert(eq(u64, ring->head, 4));
}

Test(trace_l1, a_full_ring_counts_a_drop_and_writes_nothing)
{
	struct trace_exit_ctx c;
	unsigned char before[sizeof(mem)];

	v.exit.reason = NESTLAB_EXIT_CPUID;
	for (unsigned i = 0; i < CAP; i++)
		exit_once(NULL, 0);
	cr_assert(eq(u64, ring->head, CAP));
	memcpy(before, mem, sizeof(mem));
	trace_l1_capture(&v, &c);
	trace_l1_exit(&t, &v, &c, 0);
	cr_assert(eq(u64, ring->dropped, 1));
	ring->dropped = 0;
	cr_assert(eq(int, memcmp(before, mem, sizeof(mem)), 0));
	cr_assert(eq(u64, t.p.head, CAP));
	/* the consumer takes two: the next record goes to slot 0 */
	ring->tail = 2;
	exit_once(NULL, 0);
	cr_assert(eq(u64, ring->rec[0].seq, CAP));
	cr_assert(eq(u64, ring->dropped, 0));
}
