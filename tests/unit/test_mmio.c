/* The MMIO bus (lookup, moving and switching off a range, limits) and the
 * access an instruction makes on MMIO (mmio_insn.c), decoded from real
 * bytes with lib/x86dec in 64-bit and 32-bit mode: stores of registers
 * and immediates, loads with the SDM's register-write rules (32-bit
 * zero-extends, 8/16-bit merge, AH), MOVZX, and the forms refused. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../l1hyp/core/mmio_bus.h"
#include "../../l1hyp/core/mmio_insn.h"

static struct mmio_device apic = { .name = "apic", .base = 0xFEE00000, .size = 4096,
				   .enabled = true };
static struct mmio_device other = { .name = "other", .base = 0xFED00000, .size = 1024,
				    .enabled = true };

TestSuite(mmio_bus, .init = mmio_bus_reset);

Test(mmio_bus, finds_moves_and_switches_off)
{
	cr_assert(eq(int, mmio_bus_register(&apic), 0));
	cr_assert(eq(int, mmio_bus_register(&other), 0));
	cr_assert(eq(ptr, mmio_bus_find(0xFEE00000), &apic));
	cr_assert(eq(ptr, mmio_bus_find(0xFEE00FFF), &apic));
	cr_assert(eq(ptr, mmio_bus_find(0xFEE01000), NULL));
	cr_assert(eq(ptr, mmio_bus_find(0xFEDFFFFF), NULL));
	cr_assert(eq(ptr, mmio_bus_find(0xFED003FF), &other));
	cr_assert(eq(ptr, mmio_bus_find(0xFED00400), NULL));
	apic.base = 0x80000000;                         /* IA32_APIC_BASE moved */
	cr_assert(eq(ptr, mmio_bus_find(0xFEE00000), NULL));
	cr_assert(eq(ptr, mmio_bus_find(0x80000010), &apic));
	apic.enabled = false;                           /* x2APIC mode */
	cr_assert(eq(ptr, mmio_bus_find(0x80000010), NULL));
	apic.base = 0xFEE00000;
	apic.enabled = true;
}

Test(mmio_bus, limits)
{
	struct mmio_device empty = { .name = "e", .base = 0x1000, .size = 0 };
	struct mmio_device wraps = { .name = "w", .base = ~0ull - 10, .size = 4096 };
	struct mmio_device many[MMIO_BUS_MAX_DEVICES + 1];

	cr_assert(eq(int, mmio_bus_register(&empty), MMIO_BUS_E_RANGE));
	cr_assert(eq(int, mmio_bus_register(&wraps), MMIO_BUS_E_RANGE));
	for (unsigned i = 0; i <= MMIO_BUS_MAX_DEVICES; i++) {
		many[i] = (struct mmio_device){ .name = "m", .base = 0x100000 * (i + 1),
						.size = 16, .enabled = true };
		cr_assert(eq(int, mmio_bus_register(&many[i]),
			     i < MMIO_BUS_MAX_DEVICES ? 0 : MMIO_BUS_E_FULL));
	}
	cr_assert(eq(ptr, mmio_bus_find(0x100000 * (MMIO_BUS_MAX_DEVICES + 1)), NULL));
	cr_assert(eq(str, (char *)mmio_bus_strerror(MMIO_BUS_E_FULL),
		     "MMIO_BUS_E_FULL (MMIO_BUS_MAX_DEVICES registered already)"));
}

static struct x86emu_regs regs;

static int access_of(const char *bytes, size_t len, enum x86dec_mode mode,
		     struct mmio_access *a)
{
	struct x86dec_insn insn;

	cr_assert(eq(int, x86dec_decode_buf(&insn, mode, (const uint8_t *)bytes, len),
		     X86DEC_OK));
	return mmio_insn_access(&insn, &regs, a);
}

static void init_regs(void)
{
	for (unsigned i = 0; i < 16; i++)
		regs.gpr[i] = 0x1111111111111111ull * (i + 1);
}

TestSuite(mmio_insn, .init = init_regs);

Test(mmio_insn, stores)
{
	struct mmio_access a;

	/* mov %eax, 0xb0(%rdx) */
	cr_assert(eq(int, access_of("\x89\x82\xb0\x00\x00\x00", 6, X86DEC_MODE_64, &a), 0));
	cr_assert(a.write);
	cr_assert(eq(u32, a.size, 4));
	cr_assert(eq(u64, a.value, 0x11111111));
	/* movl $0x1ff, 0xf0(%rax) */
	cr_assert(eq(int, access_of("\xc7\x80\xf0\x00\x00\x00\xff\x01\x00\x00", 10,
				    X86DEC_MODE_64, &a), 0));
	cr_assert(eq(u64, a.value, 0x1ff));
	cr_assert(eq(u32, a.size, 4));
	/* mov %r9, (%rax): 8 bytes */
	cr_assert(eq(int, access_of("\x4c\x89\x08", 3, X86DEC_MODE_64, &a), 0));
	cr_assert(eq(u32, a.size, 8));
	cr_assert(eq(u64, a.value, regs.gpr[9]));
	/* mov %ah, (%rbx): the high byte */
	cr_assert(eq(int, access_of("\x88\x23", 2, X86DEC_MODE_64, &a), 0));
	cr_assert(eq(u32, a.size, 1));
	cr_assert(eq(u64, a.value, 0x11));
	/* 32-bit mode: mov %ecx, 0xfee00080 */
	cr_assert(eq(int, access_of("\x89\x0d\x80\x00\xe0\xfe", 6, X86DEC_MODE_32, &a), 0));
	cr_assert(eq(u32, a.size, 4));
	cr_assert(eq(u64, a.value, 0x22222222));
	/* 32-bit mode: mov %eax, 0xfee000b0 (A3 moffs) */
	cr_assert(eq(int, access_of("\xa3\xb0\x00\xe0\xfe", 5, X86DEC_MODE_32, &a), 0));
	cr_assert(a.write);
	cr_assert(eq(u32, a.size, 4));
	cr_assert(eq(u64, a.value, 0x11111111));
}

Test(mmio_insn, loads_write_the_register_as_the_cpu_does)
{
	struct mmio_access a;

	/* mov 0x30(%rax), %ecx: zero-extends into RCX */
	cr_assert(eq(int, access_of("\x8b\x48\x30", 3, X86DEC_MODE_64, &a), 0));
	cr_assert(not(a.write));
	cr_assert(eq(u32, a.size, 4));
	mmio_insn_complete_read(&a, &regs, 0xAABBCCDDEEFF0011ull);
	cr_assert(eq(u64, regs.gpr[1], 0xEEFF0011ull));
	/* mov (%rax), %dx: merges */
	cr_assert(eq(int, access_of("\x66\x8b\x10", 3, X86DEC_MODE_64, &a), 0));
	mmio_insn_complete_read(&a, &regs, 0xBEEF);
	cr_assert(eq(u64, regs.gpr[2], 0x333333333333BEEFull));
	/* mov (%rax), %bh */
	cr_assert(eq(int, access_of("\x8a\x38", 2, X86DEC_MODE_64, &a), 0));
	mmio_insn_complete_read(&a, &regs, 0x5A);
	cr_assert(eq(u64, regs.gpr[3], 0x4444444444445A44ull));
	/* movzbl (%rax), %esi */
	cr_assert(eq(int, access_of("\x0f\xb6\x30", 3, X86DEC_MODE_64, &a), 0));
	cr_assert(eq(u32, a.size, 1));
	mmio_insn_complete_read(&a, &regs, 0x1FF);
	cr_assert(eq(u64, regs.gpr[6], 0xFF));
	/* mov (%rax), %rdi */
	cr_assert(eq(int, access_of("\x48\x8b\x38", 3, X86DEC_MODE_64, &a), 0));
	cr_assert(eq(u32, a.size, 8));
	mmio_insn_complete_read(&a, &regs, 0x0123456789ABCDEFull);
	cr_assert(eq(u64, regs.gpr[7], 0x0123456789ABCDEFull));
	/* 32-bit mode: mov 0xfee00220, %eax (A1 moffs) */
	cr_assert(eq(int, access_of("\xa1\x20\x02\xe0\xfe", 5, X86DEC_MODE_32, &a), 0));
	cr_assert(not(a.write));
	cr_assert(eq(u32, a.size, 4));
	mmio_insn_complete_read(&a, &regs, 0x20);
	cr_assert(eq(u64, regs.gpr[0], 0x20));
	/* mov 0xfee00020, %al (A0) */
	cr_assert(eq(int, access_of("\xa0\x20\x00\xe0\xfe", 5, X86DEC_MODE_32, &a), 0));
	cr_assert(eq(u32, a.size, 1));
}

Test(mmio_insn, other_forms_are_refused)
{
	struct mmio_access a;

	cr_assert(eq(int, access_of("\x01\x08", 2, X86DEC_MODE_64, &a), -1));      /* add %ecx,(%rax) */
	cr_assert(eq(int, access_of("\x83\x08\x01", 3, X86DEC_MODE_64, &a), -1));  /* orl $1,(%rax) */
	cr_assert(eq(int, access_of("\xf0\x87\x08", 3, X86DEC_MODE_64, &a), -1));  /* lock xchg */
	cr_assert(eq(int, access_of("\xf3\xa5", 2, X86DEC_MODE_64, &a), -1));      /* rep movsl */
	cr_assert(eq(int, access_of("\x89\xc8", 2, X86DEC_MODE_64, &a), -1));      /* mov %ecx,%eax */
}
