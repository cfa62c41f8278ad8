/* INT n, INT3, INTO and INT1 at an INTn-intercept exit (core/swint_insn.c):
 * the instruction decoded at RIP, its IDT gate checked as the instruction
 * checks it (Intel SDM vol.2 "INT n/INTO/INT3/INT1": limit, gate type, DPL
 * for all but INT1, present; AMD APM vol.2 8.9.1: 16-byte long-mode
 * gates), and then either the event queued with the return address past
 * the instruction or the fault (#GP/#NP, error vector * 8 + 2) at the
 * instruction; an unreadable IDT leaves it to the CPU; bytes that are no
 * software interrupt queue nothing. The vendor is the fake one. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "fake_vendor.h"
#include "../../l1hyp/core/swint_insn.h"
#include "../../l1hyp/core/guest_insn.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"

#define RAM (1u << 20)
static uint8_t ram[RAM];
static struct vcpu v;
static struct fake_vendor f;

static int read_phys(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	if (gpa >= RAM || len > RAM - gpa)
		return -1;
	memcpy(dst, ram + gpa, len);
	return 0;
}

/* Long mode; gva 0x400000 -> gpa 0x10000 (user code), gva 0x402000 ->
 * gpa 0x11000 (supervisor only: the IDT, 256 16-byte gates), gva 0x401000
 * not present. */
#define P 1ull
#define W 2ull
#define U 4ull
#define CODE 0x400000ull
#define IDT  0x402000ull
static void setup(void)
{
	uint64_t *pml4 = (uint64_t *)(ram + 0x1000), *pdpt = (uint64_t *)(ram + 0x2000);
	uint64_t *pd = (uint64_t *)(ram + 0x3000), *pt = (uint64_t *)(ram + 0x4000);

	memset(ram, 0, sizeof(ram));
	fake_vcpu_init(&v, &f);
	v.gm = (struct guest_mem){ .ram_size = RAM, .read_phys = read_phys,
				   .cache = &v.walk_cache };
	pml4[0] = 0x2000 | P | W | U;
	pdpt[0] = 0x3000 | P | W | U;
	pd[2] = 0x4000 | P | W | U;
	pt[0] = 0x10000 | P | W | U;
	pt[2] = 0x11000 | P | W;
	f.cr0 = CR0_PE | CR0_PG;
	f.cr3 = 0x1000;
	f.cr4 = CR4_PAE;
	f.efer = EFER_LME | EFER_LMA;
	f.seg[VCPU_SEG_IDTR] = (struct vcpu_segment){ .base = IDT, .limit = 256 * 16 - 1 };
	f.cpl = 3;
	v.exit.cpl = 3;
	v.regs.rip = CODE;
}

TestSuite(swint_insn, .init = setup);

/* A 64-bit gate at vector vec: type (0xE interrupt, 0xF trap), dpl, p. */
static void gate(unsigned vec, unsigned type, unsigned dpl, bool present)
{
	uint8_t *g = ram + 0x11000 + vec * 16;

	memset(g, 0, 16);
	g[2] = 0x08;                            /* selector 0x08 */
	g[5] = (uint8_t)((present ? 0x80 : 0) | dpl << 5 | type);
}

static void code(const char *bytes, size_t n)
{
	memcpy(ram + 0x10000, bytes, n);
}

Test(swint_insn, int_n_to_a_dpl3_gate_is_queued_past_the_instruction)
{
	struct swint_insn s;

	gate(0x80, 0xE, 3, true);
	code("\xcd\x80", 2);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, s.kind, SWINT_INTN));
	cr_assert(eq(u32, s.vector, 0x80));
	cr_assert(eq(u32, s.len, 2));
	cr_assert(eq(int, s.fault, -1));
	cr_assert(s.gate_read);
	cr_assert(eq(int, f.soft_vector, 0x80));
	cr_assert(eq(u32, f.soft_len, 2));
	cr_assert(f.soft_intn);
	cr_assert(eq(u64, v.regs.rip, CODE + 2));
	cr_assert(eq(u32, f.nr_injections, 0));
}

Test(swint_insn, a_dpl0_gate_from_ring3_is_gp_at_the_int)
{
	struct swint_insn s;

	gate(0x20, 0xE, 0, true);
	code("\xcd\x20", 2);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, s.fault, X86_EXC_GP));
	cr_assert(eq(int, f.injected_vector, X86_EXC_GP));
	cr_assert(f.injected_has_error);
	cr_assert(eq(u32, f.injected_error, 0x20 * 8 + 2));
	cr_assert(eq(u64, v.regs.rip, CODE));   /* a fault: at the instruction */
	cr_assert(eq(u32, f.nr_soft, 0));
}

Test(swint_insn, a_dpl0_gate_from_ring0_is_queued)
{
	struct swint_insn s;

	f.cpl = 0;
	v.exit.cpl = 0;
	gate(0x20, 0xF, 0, true);               /* a trap gate */
	code("\xcd\x20", 2);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, s.fault, -1));
	cr_assert(eq(int, f.soft_vector, 0x20));
}

Test(swint_insn, not_present_is_np_wrong_type_and_past_the_limit_are_gp)
{
	struct swint_insn s;

	gate(0x81, 0xE, 3, false);
	code("\xcd\x81", 2);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, f.injected_vector, X86_EXC_NP));
	cr_assert(eq(u32, f.injected_error, 0x81 * 8 + 2));

	gate(0x82, 0xC, 3, true);               /* a call gate: not in an IDT */
	code("\xcd\x82", 2);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, f.injected_vector, X86_EXC_GP));
	cr_assert(eq(u32, f.injected_error, 0x82 * 8 + 2));

	/* The type check comes before the DPL check, as QEMU's does: an empty
	 * entry with DPL 0 is #GP for its type either way. */
	f.seg[VCPU_SEG_IDTR].limit = 0x90 * 16 - 1;   /* 0x90 past it */
	gate(0x90, 0xE, 3, true);
	code("\xcd\x90", 2);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, f.injected_vector, X86_EXC_GP));
	cr_assert(eq(u32, f.injected_error, 0x90 * 8 + 2));
	cr_assert(eq(u32, f.nr_soft, 0));
	cr_assert(eq(u64, v.regs.rip, CODE));
}

Test(swint_insn, int3_into_int1_are_trap_exceptions_int1_skips_the_dpl_check)
{
	struct swint_insn s;

	gate(X86_EXC_BP, 0xE, 3, true);
	code("\xcc", 1);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, s.kind, SWINT_INT3));
	cr_assert(eq(int, f.soft_vector, X86_EXC_BP));
	cr_assert(eq(u32, f.soft_len, 1));
	cr_assert(not(f.soft_intn));

	v.regs.rip = CODE;
	gate(X86_EXC_BP, 0xE, 0, true);         /* INT3 checks the DPL */
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, f.injected_vector, X86_EXC_GP));
	cr_assert(eq(u32, f.injected_error, X86_EXC_BP * 8 + 2));

	v.regs.rip = CODE;
	gate(X86_EXC_DB, 0xE, 0, true);         /* INT1 does not */
	code("\xf1", 1);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, s.kind, SWINT_INT1));
	cr_assert(eq(int, s.fault, -1));
	cr_assert(eq(int, f.soft_vector, X86_EXC_DB));
	cr_assert(eq(u64, v.regs.rip, CODE + 1));
}

Test(swint_insn, into_in_32_bit_code)
{
	struct swint_insn s;

	/* Compatibility mode (LMA, CS.L = 0, D = 1): INTO exists there. */
	f.long_mode = false;
	v.exit.long_mode = false;
	f.seg[VCPU_SEG_CS].long_mode = false;
	f.seg[VCPU_SEG_CS].big = true;
	gate(X86_EXC_OF, 0xE, 3, true);
	code("\xce", 1);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(int, s.kind, SWINT_INTO));
	cr_assert(eq(int, f.soft_vector, X86_EXC_OF));
	cr_assert(not(f.soft_intn));
}

Test(swint_insn, prefixes_count_in_the_length)
{
	struct swint_insn s;

	gate(0x80, 0xE, 3, true);
	code("\x66\xcd\x80", 3);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(eq(u32, s.len, 3));
	cr_assert(eq(u64, v.regs.rip, CODE + 3));
}

Test(swint_insn, an_unreadable_idt_leaves_the_checks_to_the_cpu)
{
	struct swint_insn s;

	f.seg[VCPU_SEG_IDTR].base = 0x401000;   /* not present */
	code("\xcd\x80", 2);
	cr_assert(eq(int, swint_insn_run(&v, &s), 0));
	cr_assert(not(s.gate_read));
	cr_assert(eq(int, s.fault, -1));
	cr_assert(eq(int, f.soft_vector, 0x80));
}

Test(swint_insn, other_bytes_queue_nothing)
{
	struct swint_insn s;

	code("\x0f\xa2", 2);                    /* CPUID */
	cr_assert(eq(int, swint_insn_run(&v, &s), GUEST_INSN_E_MISMATCH));
	cr_assert(eq(u32, f.nr_soft, 0));
	cr_assert(eq(u32, f.nr_injections, 0));
	cr_assert(eq(u64, v.regs.rip, CODE));

	v.regs.rip = 0x401000;                  /* the code page is absent */
	cr_assert(eq(int, swint_insn_run(&v, &s), GUEST_INSN_E_FETCH));
	cr_assert(eq(u32, f.nr_soft, 0));
}
