/* The instruction at L2's RIP: fetched through the guest page walk with
 * the rights of an instruction fetch, decoded by lib/x86dec, checked to be
 * the intercepted instruction; the nRIP path that never touches guest
 * memory; page crossings; 32-bit code with a CS base; 16-bit code refused;
 * the decode cache never stale. The vendor is the fake one. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "fake_vendor.h"
#include "../../l1hyp/core/guest_insn.h"
#include "../../lib/freestanding/x86_regs.h"
#include <nestlab/status.h>

#define RAM (1u << 20)
static uint8_t ram[RAM];
static unsigned nr_reads;
static struct vcpu v;
static struct fake_vendor f;

static int read_phys(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	nr_reads++;
	if (gpa >= RAM || len > RAM - gpa)
		return -1;
	memcpy(dst, ram + gpa, len);
	return 0;
}

/* Long-mode tables: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000;
 * gva 0x400000 -> gpa 0x10000 (present, writable, user), gva 0x401000
 * not present, gva 0x402000 -> gpa 0x11000 supervisor only. */
#define P 1ull
#define W 2ull
#define U 4ull
static void build_tables(void)
{
	uint64_t *pml4 = (uint64_t *)(ram + 0x1000), *pdpt = (uint64_t *)(ram + 0x2000);
	uint64_t *pd = (uint64_t *)(ram + 0x3000), *pt = (uint64_t *)(ram + 0x4000);

	pml4[0] = 0x2000 | P | W | U;
	pdpt[0] = 0x3000 | P | W | U;
	pd[2] = 0x4000 | P | W | U;             /* 0x400000 >> 21 = 2 */
	pt[0] = 0x10000 | P | W | U;
	pt[2] = 0x11000 | P | W;
	f.cr0 = CR0_PE | CR0_PG;
	f.cr3 = 0x1000;
	f.cr4 = CR4_PAE;
	f.efer = EFER_LME | EFER_LMA;
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	fake_vcpu_init(&v, &f);
	v.gm = (struct guest_mem){ .ram_size = RAM, .read_phys = read_phys,
				   .cache = &v.walk_cache };
	nr_reads = 0;
	build_tables();
}

TestSuite(guest_insn, .init = setup);

static void put(uint64_t gpa, const char *bytes, size_t n)
{
	memcpy(ram + gpa, bytes, n);
}

Test(guest_insn, cpuid_vmmcall_msr_hlt_lengths)
{
	unsigned len;

	v.regs.rip = 0x400000;
	put(0x10000, "\x0f\xa2", 2);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), 0));
	cr_assert(eq(u32, len, 2));
	put(0x10000, "\x66\x2e\x0f\xa2", 4);          /* prefixes count */
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), 0));
	cr_assert(eq(u32, len, 4));
	put(0x10000, "\x0f\x01\xd9", 3);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_VMMCALL, &len), 0));
	cr_assert(eq(u32, len, 3));
	put(0x10000, "\x48\x0f\x30", 3);              /* REX.W WRMSR */
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_WRMSR, &len), 0));
	cr_assert(eq(u32, len, 3));
	put(0x10000, "\x0f\x32", 2);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_RDMSR, &len), 0));
	cr_assert(eq(u32, len, 2));
	put(0x10000, "\xf4", 1);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_HLT, &len), 0));
	cr_assert(eq(u32, len, 1));
}

Test(guest_insn, wrong_instruction_is_a_mismatch)
{
	unsigned len = 99;

	v.regs.rip = 0x400000;
	put(0x10000, "\x0f\x01\xd8", 3);              /* VMRUN, not VMMCALL */
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_VMMCALL, &len), GUEST_INSN_E_MISMATCH));
	cr_assert(eq(u32, len, 0));
	put(0x10000, "\x0f\x32", 2);                  /* RDMSR, not WRMSR */
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_WRMSR, &len), GUEST_INSN_E_MISMATCH));
	put(0x10000, "\x0f\x04", 2);                  /* undefined opcode */
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_INVALID));
	put(0x10000, "\xf0\x0f\xa2", 3);              /* LOCK CPUID: #UD */
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_INVALID));
	put(0x10000, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x0f\xa2", 16);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_TOO_LONG));
}

Test(guest_insn, next_rip_from_the_cpu_skips_the_fetch)
{
	unsigned len;

	v.regs.rip = 0x401000;                        /* not even mapped */
	v.exit.insn_len = 3;
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_VMMCALL, &len), 0));
	cr_assert(eq(u32, len, 3));
	cr_assert(eq(u32, nr_reads, 0));
}

Test(guest_insn, page_crossing)
{
	unsigned len;

	/* CPUID in the last two bytes of the mapped page: the next page is
	 * not mapped, but the instruction does not need it. */
	v.regs.rip = 0x400FFE;
	put(0x10FFE, "\x0f\xa2", 2);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), 0));
	cr_assert(eq(u32, len, 2));
	/* VMMCALL whose last byte is on the unmapped page. */
	v.regs.rip = 0x400FFF;
	put(0x10FFF, "\x0f", 1);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_VMMCALL, &len), GUEST_INSN_E_FETCH));
	/* ... and with the next page mapped, it decodes across the boundary. */
	((uint64_t *)(ram + 0x4000))[1] = 0x12000 | P | W | U;
	put(0x12000, "\x01\xd9", 2);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_VMMCALL, &len), 0));
	cr_assert(eq(u32, len, 3));
}

Test(guest_insn, fetch_uses_the_cpl_s_rights)
{
	unsigned len;

	v.regs.rip = 0x402000;                        /* supervisor page */
	put(0x11000, "\x0f\xa2", 2);
	v.exit.cpl = 0;
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), 0));
	v.exit.cpl = 3;
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_FETCH));
	v.regs.rip = 0x401000;                        /* not present */
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_FETCH));
}

Test(guest_insn, protected_mode_with_cs_base)
{
	unsigned len;

	f.cr0 = CR0_PE;                               /* paging off */
	f.cr4 = 0;
	f.efer = 0;
	f.long_mode = false;
	v.exit.long_mode = false;
	f.seg[VCPU_SEG_CS] = (struct vcpu_segment){ .base = 0x20000, .big = true };
	v.regs.rip = 0x10;
	put(0x20010, "\x0f\xa2", 2);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), 0));
	cr_assert(eq(u32, len, 2));
	/* In 32-bit mode 0x48 is DEC EAX, not REX: 48 0F A2 is not CPUID. */
	put(0x20010, "\x48\x0f\xa2", 3);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_MISMATCH));
	/* 16-bit code is not decoded. */
	f.seg[VCPU_SEG_CS].big = false;
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_MODE));
}

Test(guest_insn, the_decode_cache_is_never_stale)
{
	const struct x86dec_insn *insn;
	unsigned len;

	v.regs.rip = 0x400000;
	put(0x10000, "\x0f\xa2", 2);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), 0));
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), 0));
	/* L2 rewrites its code: same RIP, new bytes. */
	put(0x10000, "\x0f\x01\xd9", 3);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_MISMATCH));
	cr_assert(eq(int, guest_decode_at_rip(&v, &insn), 0));
	cr_assert(eq(u32, insn->length, 3));
	/* A byte beyond the instruction changes: decoded again, same result. */
	ram[0x10005] = 0x90;
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_VMMCALL, &len), 0));
	cr_assert(eq(u32, len, 3));
	/* The same bytes in another mode decode again. */
	put(0x10000, "\x48\x0f\xa2", 3);
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), 0));
	cr_assert(eq(u32, len, 3));
	f.cr0 = CR0_PE;
	f.cr4 = 0;
	f.efer = 0;
	v.exit.long_mode = false;
	f.seg[VCPU_SEG_CS] = (struct vcpu_segment){ .base = 0, .big = true };
	v.regs.rip = 0x10000;
	cr_assert(eq(int, guest_insn_len(&v, GUEST_INSN_CPUID, &len), GUEST_INSN_E_MISMATCH));
}

/* Two instructions taking turns at two RIPs (SYSCALL and SYSRET): after
 * one decode of each, each hit comes from the cache, the last decode is
 * always the one at RIP, and a rewrite of either is still seen. */
Test(guest_insn, two_instructions_taking_turns_both_hit)
{
	const struct x86dec_insn *insn;

	put(0x10000, "\x0f\x05", 2);                         /* syscall at 0x400000 */
	put(0x10040, "\x48\x0f\x07", 3);                     /* sysretq at 0x400040 */
	for (int round = 0; round < 3; round++) {
		v.regs.rip = 0x400000;
		cr_assert(eq(int, guest_decode_at_rip(&v, &insn), 0));
		cr_assert(eq(u32, insn->length, 2));
		cr_assert(eq(u32, insn->opcode, 0x05));
		v.regs.rip = 0x400040;
		cr_assert(eq(int, guest_decode_at_rip(&v, &insn), 0));
		cr_assert(eq(u32, insn->length, 3));
		cr_assert(eq(u32, insn->opcode, 0x07));
		if (round) {
			cr_assert(v.insn_cache_prev.valid);
			cr_assert(eq(u32, v.insn_cache_prev.insn.opcode, 0x05));
		}
	}
	put(0x10000, "\x0f\xa2", 2);                         /* syscall becomes cpuid */
	v.regs.rip = 0x400000;
	cr_assert(eq(int, guest_decode_at_rip(&v, &insn), 0));
	cr_assert(eq(u32, insn->opcode, 0xA2));
	cr_assert(eq(u32, v.insn_cache_prev.insn.opcode, 0x07));
}

Test(guest_insn, error_names)
{
	cr_assert(eq(str, (char *)guest_insn_strerror(GUEST_INSN_E_FETCH),
		     "instruction bytes not readable at L2 RIP"));
	cr_assert(eq(str, (char *)guest_insn_strerror(-999), "unknown error"));
}

/* What L2 gets when the fetch at RIP fails: the #PF the fetch raises, with
 * the error code of APM vol.2 8.4.2 (here: not present, CPL3 = U, no I/D
 * bit since neither EFER.NXE nor CR4.SMEP is set) and CR2 = RIP. */
Test(guest_insn, a_fetch_fault_becomes_the_architectural_pf)
{
	unsigned len;
	int rc;

	v.regs.rip = 0x401000;                        /* PTE not present */
	v.exit.cpl = 3;
	rc = guest_insn_len(&v, GUEST_INSN_CPUID, &len);
	cr_assert(eq(int, rc, GUEST_INSN_E_FETCH));
	cr_assert(eq(u32, guest_insn_fail(&v, rc, "CPUID"), 0));
	cr_assert(eq(int, f.injected_vector, 14));
	cr_assert(eq(int, f.injected_has_error, 1));
	cr_assert(eq(u32, f.injected_error, X86_PF_U));
	cr_assert(eq(u64, f.injected_cr2, 0x401000));
	cr_assert(eq(int, v.stop, 0));
	cr_assert(eq(u64, v.regs.rip, 0x401000));     /* not advanced */
	/* With EFER.NXE the fetch also says I/D; a supervisor page at CPL3 is
	 * a protection fault (P = 1). */
	f.efer |= EFER_NXE;
	v.regs.rip = 0x402000;
	rc = guest_insn_len(&v, GUEST_INSN_CPUID, &len);
	guest_insn_fail(&v, rc, "CPUID");
	cr_assert(eq(u32, f.injected_error, X86_PF_P | X86_PF_U | X86_PF_ID));
	cr_assert(eq(u64, f.injected_cr2, 0x402000));
}

Test(guest_insn, a_non_canonical_rip_is_gp)
{
	unsigned len;
	int rc;

	v.regs.rip = 0x0000800000000000ull;
	rc = guest_insn_len(&v, GUEST_INSN_CPUID, &len);
	cr_assert(eq(int, rc, GUEST_INSN_E_FETCH));
	guest_insn_fail(&v, rc, "CPUID");
	cr_assert(eq(int, f.injected_vector, 13));
	cr_assert(eq(u32, f.injected_error, 0));
}

Test(guest_insn, a_fetch_outside_ram_is_l2_bad_access)
{
	unsigned len;
	int rc;

	((uint64_t *)(ram + 0x4000))[3] = (RAM + 0x1000) | P | W | U;
	v.regs.rip = 0x403000;
	rc = guest_insn_len(&v, GUEST_INSN_CPUID, &len);
	cr_assert(eq(int, rc, GUEST_INSN_E_FETCH));
	guest_insn_fail(&v, rc, "CPUID");
	cr_assert(eq(int, v.stop, 1));
	cr_assert(eq(u32, v.stop_status, NESTLAB_STATUS_L2_BAD_ACCESS));
	cr_assert(eq(int, f.nr_injections, 0));
}

/* Other bytes than the intercepted instruction at RIP (a stale translation
 * L2 ran through): L2 re-executes what is there now; many retries at the
 * same RIP without progress stop the run instead of hanging. */
Test(guest_insn, a_mismatch_reexecutes_then_gives_up)
{
	unsigned len, i;
	int rc;

	v.regs.rip = 0x400000;
	put(0x10000, "\x90\x90", 2);
	for (i = 0; i < 8; i++) {
		rc = guest_insn_len(&v, GUEST_INSN_CPUID, &len);
		cr_assert(eq(int, rc, GUEST_INSN_E_MISMATCH));
		cr_assert(eq(u32, guest_insn_fail(&v, rc, "CPUID"), 0));
		cr_assert(eq(int, v.stop, 0), "retry %u", i);
	}
	rc = guest_insn_len(&v, GUEST_INSN_CPUID, &len);
	guest_insn_fail(&v, rc, "CPUID");
	cr_assert(eq(int, v.stop, 1));
	cr_assert(eq(u32, v.stop_status, NESTLAB_STATUS_L1_ERROR));
	cr_assert(eq(u64, v.regs.rip, 0x400000));
	cr_assert(eq(int, f.nr_injections, 0));
}

/* An emulated instruction completing with TF set raises the single-step
 * #DB (DR6.BS) right after it. */
Test(guest_insn, single_step_trap_after_an_emulated_instruction)
{
	v.regs.rip = 0x400000;
	v.regs.rflags = 0x2;
	vcpu_advance_rip(&v, 2);
	cr_assert(eq(u32, f.nr_injections, 0));
	v.regs.rflags = 0x2 | RFLAGS_TF;
	vcpu_advance_rip(&v, 2);
	cr_assert(eq(u64, v.regs.rip, 0x400004));
	cr_assert(eq(u32, f.nr_injections, 1));
	cr_assert(eq(int, f.injected_vector, 1));
	cr_assert(eq(int, f.injected_has_error, 0));
	cr_assert(eq(u64, f.dr6 & X86_DR6_BS, X86_DR6_BS));
}
