/* SYSCALL and SYSRET emulation (l1hyp/core/syscall_emul.c) against the
 * rules of AMD APM vol.3 "SYSCALL" and "SYSRET", each written out next to
 * its check:
 *   SYSCALL: #UD if EFER.SCE = 0. Long mode: RCX = next RIP, R11 = RFLAGS
 *     with RF cleared; RIP = LSTAR (64-bit mode) or CSTAR (compatibility
 *     mode); CS = STAR[47:32] & 0xFFFC, 64-bit code, DPL0, base 0, limit
 *     4G; SS = STAR[47:32] + 8, stack, DPL0; RFLAGS &= ~SFMASK, RF = 0;
 *     CPL 0. Legacy mode: ECX = next EIP, RIP = STAR[31:0], CS 32-bit
 *     code; RFLAGS.VM, IF, RF cleared.
 *   SYSRET: #UD if EFER.SCE = 0; #GP(0) outside protected mode or at
 *     CPL != 0. Long mode, operand size 64: CS = (STAR[63:48] + 16) | 3,
 *     64-bit code DPL3, RIP = RCX (#GP(0) if not canonical); operand size
 *     32: CS = STAR[63:48] | 3, 32-bit code, RIP = ECX. SS selector =
 *     (STAR[63:48] + 8) | 3, its base, limit and attributes unchanged.
 *     RFLAGS = R11 with RF = VM = 0 (long mode); legacy mode: IF = 1.
 *     CPL 3.
 *   Both: a #DB single-step trap follows when TF was set before. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../l1hyp/core/syscall_emul.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"

/* The L2 kernel's layout (guests/kernel/desc.c): kernel CS 0x08, SS 0x10;
 * SYSRET base 0x18: user SS 0x23, 64-bit user CS 0x2B, 32-bit 0x1B. */
#define STAR   ((0x18ull << 48) | (0x08ull << 32) | 0x12345678u)
#define LSTAR  0xFFFFFFFF80001000ull
#define CSTAR  0xFFFFFFFF80002000ull
#define SFMASK (RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC)
#define RF     (1ull << 16)
#define VM     (1ull << 17)

static struct vcpu_segment seg(uint16_t sel, uint16_t attr)
{
	return (struct vcpu_segment){ .selector = sel, .attr = attr, .limit = 0xFFFFFFFFu,
				      .long_mode = attr & VCPU_SEG_ATTR_L,
				      .big = attr & VCPU_SEG_ATTR_DB };
}

/* A 64-bit process at CPL3 about to SYSCALL at 0x401000. */
static struct syscall_emul_cpu user64(void)
{
	return (struct syscall_emul_cpu){
		.rip = 0x401000, .rflags = 0x2 | RFLAGS_IF | RF | 0x1 /* CF */,
		.rcx = 0x1111, .r11 = 0x2222,
		.cs = seg(0x2B, SYSCALL_EMUL_CS64_DPL3), .ss = seg(0x23, 0xCF3), .cpl = 3,
		.cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE,
		.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE,
		.star = STAR, .lstar = LSTAR, .cstar = CSTAR, .sfmask = SFMASK,
	};
}

/* The kernel at CPL0 about to SYSRET to 0x401002 with user RFLAGS in R11. */
static struct syscall_emul_cpu kernel64(void)
{
	struct syscall_emul_cpu c = user64();

	c.rip = LSTAR + 0x40;
	c.rflags = 0x2;
	c.rcx = 0x401002;
	c.r11 = 0x2 | RFLAGS_IF | 0x1;
	c.cs = seg(0x08, SYSCALL_EMUL_CS64_DPL0);
	c.ss = seg(0x10, 0xC93);
	c.cpl = 0;
	return c;
}

static void assert_seg(const struct vcpu_segment *s, uint16_t sel, uint16_t attr)
{
	cr_assert(eq(u16, s->selector, sel));
	cr_assert(eq(u16, s->attr, attr));
	cr_assert(eq(u64, s->base, 0));
	cr_assert(eq(u32, s->limit, 0xFFFFFFFFu));
}

Test(syscall_emul, ud_when_sce_clear)
{
	struct syscall_emul_cpu c = user64(), k = kernel64(), before;
	struct syscall_emul_result r;

	c.efer &= ~EFER_SCE;
	before = c;
	r = syscall_emul(&c, SYSCALL_EMUL_SYSCALL, 2, false);
	cr_assert(eq(int, r.vector, X86_EXC_UD));
	cr_assert(not(r.has_error));
	cr_assert(eq(u64, c.rip, before.rip));                  /* nothing changed */
	cr_assert(eq(u64, c.rcx, before.rcx));
	/* SYSRET checks SCE before CPL: #UD even at CPL3. */
	k.efer &= ~EFER_SCE;
	k.cpl = 3;
	r = syscall_emul(&k, SYSCALL_EMUL_SYSRET, 3, true);
	cr_assert(eq(int, r.vector, X86_EXC_UD));
}

Test(syscall_emul, syscall_64bit_mode)
{
	struct syscall_emul_cpu c = user64();
	uint64_t rflags = c.rflags;
	struct syscall_emul_result r = syscall_emul(&c, SYSCALL_EMUL_SYSCALL, 2, false);

	cr_assert(eq(int, r.vector, -1));
	cr_assert(not(r.single_step));
	cr_assert(eq(u64, c.rcx, 0x401002));                    /* next RIP */
	cr_assert(eq(u64, c.r11, rflags & ~RF));                /* RFLAGS, RF cleared */
	cr_assert(eq(u64, c.rip, LSTAR));
	assert_seg(&c.cs, 0x08, SYSCALL_EMUL_CS64_DPL0);
	cr_assert(c.cs.long_mode);
	cr_assert(not(c.cs.big));
	assert_seg(&c.ss, 0x10, SYSCALL_EMUL_SS_DPL0);
	cr_assert(eq(u64, c.rflags, (rflags & ~SFMASK & ~RF) | 0x2));  /* CF kept, IF gone */
	cr_assert(eq(uint, c.cpl, 0));
}

Test(syscall_emul, syscall_selector_rpl_masked)
{
	struct syscall_emul_cpu c = user64();

	/* CS = STAR.SYSCALL_CS AND 0xFFFC; SS = STAR.SYSCALL_CS + 8 as is. */
	c.star = (0x18ull << 48) | (0x0Bull << 32);
	syscall_emul(&c, SYSCALL_EMUL_SYSCALL, 2, false);
	cr_assert(eq(u16, c.cs.selector, 0x08));
	cr_assert(eq(u16, c.ss.selector, 0x13));
}

Test(syscall_emul, syscall_compat_mode_uses_cstar)
{
	struct syscall_emul_cpu c = user64();

	c.cs = seg(0x1B, SYSCALL_EMUL_CS32_DPL3);
	c.rip = 0xFFFFFFFF;                                     /* next EIP wraps */
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSCALL, 2, false).vector, -1));
	cr_assert(eq(u64, c.rip, CSTAR));
	cr_assert(eq(u64, c.rcx, 1));
	assert_seg(&c.cs, 0x08, SYSCALL_EMUL_CS64_DPL0);        /* always to 64-bit mode */
}

Test(syscall_emul, syscall_legacy_mode)
{
	struct syscall_emul_cpu c = user64();

	c.efer = EFER_SCE;
	c.cs = seg(0x1B, SYSCALL_EMUL_CS32_DPL3);
	c.rcx = 0xAAAABBBBCCCCDDDDull;
	c.rflags = 0x2 | RFLAGS_IF | RF | VM | RFLAGS_DF;
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSCALL, 2, false).vector, -1));
	cr_assert(eq(u64, c.rcx, 0x401002));                    /* ECX = next EIP */
	cr_assert(eq(u64, c.r11, 0x2222));                      /* R11 untouched */
	cr_assert(eq(u64, c.rip, 0x12345678));                  /* STAR[31:0] */
	assert_seg(&c.cs, 0x08, SYSCALL_EMUL_CS32_DPL0);
	assert_seg(&c.ss, 0x10, SYSCALL_EMUL_SS_DPL0);
	cr_assert(eq(u64, c.rflags, 0x2 | RFLAGS_DF));          /* VM, IF, RF cleared; no SFMASK */
	cr_assert(eq(uint, c.cpl, 0));
}

Test(syscall_emul, syscall_tf_traps_after)
{
	struct syscall_emul_cpu c = user64();
	struct syscall_emul_result r;

	c.rflags |= RFLAGS_TF;
	r = syscall_emul(&c, SYSCALL_EMUL_SYSCALL, 2, false);
	cr_assert(r.single_step);                               /* TF before: #DB after */
	cr_assert(eq(u64, c.rflags & RFLAGS_TF, 0));                   /* SFMASK cleared it */
	cr_assert(ne(u64, c.r11 & RFLAGS_TF, 0));
}

Test(syscall_emul, sysret_64bit)
{
	struct syscall_emul_cpu c = kernel64();
	struct vcpu_segment ss = c.ss;
	struct syscall_emul_result r = syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true);

	cr_assert(eq(int, r.vector, -1));
	cr_assert(eq(u64, c.rip, 0x401002));
	assert_seg(&c.cs, 0x2B, SYSCALL_EMUL_CS64_DPL3);        /* SYSRET_CS + 16, RPL 3 */
	cr_assert(c.cs.long_mode);
	cr_assert(eq(u16, c.ss.selector, 0x23));                /* SYSRET_CS + 8, RPL 3 */
	cr_assert(eq(u16, c.ss.attr, ss.attr));                 /* attributes unchanged */
	cr_assert(eq(u32, c.ss.limit, ss.limit));
	cr_assert(eq(u64, c.rflags, 0x2 | RFLAGS_IF | 0x1));    /* = R11 */
	cr_assert(eq(uint, c.cpl, 3));
	cr_assert(eq(u64, c.rcx, 0x401002));                    /* RCX, R11 kept */
	cr_assert(eq(u64, c.r11, 0x2 | RFLAGS_IF | 0x1));
}

Test(syscall_emul, sysret_rflags_from_r11_rf_vm_cleared)
{
	struct syscall_emul_cpu c = kernel64();

	c.r11 = ~0ull;
	syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true);
	/* every defined flag but RF and VM; reserved bits at their fixed values */
	cr_assert(eq(u64, c.rflags, (0x3F7FD5ull & ~(RF | VM)) | 0x2));
}

Test(syscall_emul, sysret_32bit_operand_to_compat_mode)
{
	struct syscall_emul_cpu c = kernel64();

	c.rcx = 0xDEAD00000800F000ull;                          /* RIP = ECX */
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 2, false).vector, -1));
	cr_assert(eq(u64, c.rip, 0x0800F000));
	assert_seg(&c.cs, 0x1B, SYSCALL_EMUL_CS32_DPL3);        /* SYSRET_CS | 3 */
	cr_assert(not(c.cs.long_mode));
	cr_assert(c.cs.big);
	cr_assert(eq(u16, c.ss.selector, 0x23));
}

Test(syscall_emul, sysret_gp_at_cpl3_or_real_mode)
{
	struct syscall_emul_cpu c = kernel64(), before;
	struct syscall_emul_result r;

	c.cpl = 3;
	before = c;
	r = syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true);
	cr_assert(eq(int, r.vector, X86_EXC_GP));
	cr_assert(r.has_error);
	cr_assert(eq(u32, r.error, 0));
	cr_assert(eq(u64, c.rip, before.rip));
	cr_assert(eq(u16, c.cs.selector, before.cs.selector));
	c = kernel64();
	c.cpl = 1;
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true).vector, X86_EXC_GP));
	c = kernel64();
	c.cr0 = 0;
	c.efer = EFER_SCE;
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 2, false).vector, X86_EXC_GP));
}

Test(syscall_emul, sysret_gp_non_canonical_rcx)
{
	struct syscall_emul_cpu c = kernel64();

	c.rcx = 0x0000800000000000ull;                          /* bit 47 set, 63:48 clear */
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true).vector, X86_EXC_GP));
	cr_assert(eq(uint, c.cpl, 0));                          /* at CPL0, nothing changed */
	c.rcx = 0xFFFF800000000000ull;                          /* canonical */
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true).vector, -1));
	/* 5-level paging: 57-bit canonical */
	c = kernel64();
	c.cr4 |= CR4_LA57;
	c.rcx = 0x0000800000000000ull;
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true).vector, -1));
	c = kernel64();
	c.cr4 |= CR4_LA57;
	c.rcx = 0x0100000000000000ull;
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true).vector, X86_EXC_GP));
	/* operand size 32: ECX, never non-canonical */
	c = kernel64();
	c.rcx = 0x0000800000000000ull;
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 2, false).vector, -1));
}

Test(syscall_emul, sysret_legacy_mode_sets_if)
{
	struct syscall_emul_cpu c = kernel64();

	c.efer = EFER_SCE;
	c.cs = seg(0x08, SYSCALL_EMUL_CS32_DPL0);
	c.rflags = 0x2 | RFLAGS_DF;
	c.r11 = 0;
	cr_assert(eq(int, syscall_emul(&c, SYSCALL_EMUL_SYSRET, 2, true).vector, -1));
	cr_assert(eq(u64, c.rflags, 0x2 | RFLAGS_DF | RFLAGS_IF));  /* R11 not used */
	assert_seg(&c.cs, 0x1B, SYSCALL_EMUL_CS32_DPL3);
	cr_assert(eq(u64, c.rip, 0x401002));
	cr_assert(eq(uint, c.cpl, 3));
}

Test(syscall_emul, sysret_tf_in_r11_does_not_trap_it)
{
	struct syscall_emul_cpu c = kernel64();

	c.r11 |= RFLAGS_TF;
	cr_assert(not(syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true).single_step));
	cr_assert(ne(u64, c.rflags & RFLAGS_TF, 0));
	c = kernel64();
	c.rflags |= RFLAGS_TF;                                  /* the kernel's TF */
	cr_assert(syscall_emul(&c, SYSCALL_EMUL_SYSRET, 3, true).single_step);
}
