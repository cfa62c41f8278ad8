/*
 * Host tests for l1hyp/arch/x86/copy_safe.S, L1's fault-safe accesses to
 * guest memory. The very assembly L1 links runs here; its .extable section
 * is renamed l1_extable (module.mk) so the linker's __start_/__stop_
 * symbols find it, and a SIGSEGV/SIGBUS handler does what L1's isr_dispatch
 * does on #PF/#GP: look the faulting RIP up and resume at its fixup. Faults
 * come from PROT_NONE and read-only pages next to ordinary ones.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

int l1_copy_safe(void *dst, const void *src, uint64_t len);
int l1_read_u64_safe(const uint64_t *src, uint64_t *val);
int l1_write_safe(void *dst, const void *src, uint64_t len);
int l1_cmpxchg_u64_safe(uint64_t *p, uint64_t old, uint64_t new_);
int l1_entries_equal_safe(uint64_t base, const uint64_t *off, const uint64_t *val,
			  unsigned n);

extern const uint64_t __start_l1_extable[], __stop_l1_extable[];

static unsigned char *area;     /* [rw page][PROT_NONE page][read-only page] */
static size_t pagesz;
static unsigned fixups;

static void on_fault(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	greg_t *rip = &uc->uc_mcontext.gregs[REG_RIP];

	for (const uint64_t *e = __start_l1_extable; e < __stop_l1_extable; e += 2) {
		if (e[0] == (uint64_t)*rip) {
			*rip = (greg_t)e[1];
			fixups++;
			return;
		}
	}
	/* Not an expected fault: die as the test's crash. */
	signal(sig, SIG_DFL);
}

static void setup(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };

	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	area = mmap(NULL, 3 * pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	cr_assert(ne(ptr, area, MAP_FAILED));
	memset(area, 0x11, 3 * pagesz);
	cr_assert(eq(int, mprotect(area + pagesz, pagesz, PROT_NONE), 0));
	cr_assert(eq(int, mprotect(area + 2 * pagesz, pagesz, PROT_READ), 0));
	sigemptyset(&sa.sa_mask);
	cr_assert(eq(int, sigaction(SIGSEGV, &sa, NULL), 0));
	cr_assert(eq(int, sigaction(SIGBUS, &sa, NULL), 0));
	fixups = 0;
}

static void teardown(void)
{
	munmap(area, 3 * pagesz);
}

TestSuite(copy_safe, .init = setup, .fini = teardown);

static unsigned char *guard(void) { return area + pagesz; }
static unsigned char *rdonly(void) { return area + 2 * pagesz; }

Test(copy_safe, extable_has_an_entry_per_faulting_instruction)
{
	/* copy: 2 REPs, read_u64: 1 load, write: 2 REPs, cmpxchg: 1,
	 * entries_equal: 1 load. */
	cr_assert(eq(u64, (uint64_t)(__stop_l1_extable - __start_l1_extable), 2 * 7));
}

Test(copy_safe, write_copies_every_length)
{
	static const size_t lens[] = { 0, 1, 7, 8, 9, 15, 16, 100, 4096 - 3 };
	unsigned char src[4096];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 13 + 5);
	for (unsigned k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		memset(area, 0x11, pagesz);
		/* Odd destination: the quadwords need not be aligned. */
		cr_assert(eq(int, l1_write_safe(area + 3, src, lens[k]), 0));
		cr_assert(eq(int, memcmp(area + 3, src, lens[k]), 0), "len %zu", lens[k]);
		cr_assert(eq(u8, area[2], 0x11));
		if (3 + lens[k] < pagesz)
			cr_assert(eq(u8, area[3 + lens[k]], 0x11), "wrote past len %zu", lens[k]);
	}
	cr_assert(eq(uint, fixups, 0));
}

Test(copy_safe, write_fault_returns_minus_one)
{
	unsigned char src[64];

	memset(src, 0xA5, sizeof(src));
	/* Entirely in the PROT_NONE page, then in the read-only one. */
	cr_assert(eq(int, l1_write_safe(guard() + 8, src, 16), -1));
	cr_assert(eq(int, l1_write_safe(rdonly(), src, 3), -1));
	cr_assert(eq(u8, rdonly()[0], 0x11));
	/* Straddling into the guard page, quadword part and byte tail: what
	 * lies before the fault may be written, nothing after it is. */
	cr_assert(eq(int, l1_write_safe(guard() - 16, src, 32), -1));
	cr_assert(eq(int, memcmp(guard() - 16, src, 16), 0));
	cr_assert(eq(int, l1_write_safe(guard() - 3, src, 5), -1));
	cr_assert(eq(uint, fixups, 4));
	/* The source side faulting is caught too. */
	cr_assert(eq(int, l1_write_safe(area, guard(), 8), -1));
	cr_assert(eq(uint, fixups, 5));
}

Test(copy_safe, cmpxchg_swaps_only_on_match)
{
	uint64_t *p = (uint64_t *)area;

	*p = 0x8000000000000023ull;
	cr_assert(eq(int, l1_cmpxchg_u64_safe(p, 0x8000000000000003ull, 0x63), 1));
	cr_assert(eq(u64, *p, 0x8000000000000023ull));
	cr_assert(eq(int, l1_cmpxchg_u64_safe(p, 0x8000000000000023ull, 0x8000000000000063ull), 0));
	cr_assert(eq(u64, *p, 0x8000000000000063ull));
	cr_assert(eq(int, l1_cmpxchg_u64_safe(p, 0x8000000000000023ull, 0), 1));
	cr_assert(eq(u64, *p, 0x8000000000000063ull));
	cr_assert(eq(uint, fixups, 0));
}

Test(copy_safe, cmpxchg_fault_returns_minus_one)
{
	uint64_t ro = *(uint64_t *)rdonly();

	cr_assert(eq(int, l1_cmpxchg_u64_safe((uint64_t *)guard(), 0, 1), -1));
	/* A locked CMPXCHG writes even when it does not swap: a read-only
	 * page faults for a match and a mismatch alike. */
	cr_assert(eq(int, l1_cmpxchg_u64_safe((uint64_t *)rdonly(), ro, ro | 0x20), -1));
	cr_assert(eq(int, l1_cmpxchg_u64_safe((uint64_t *)rdonly(), ~ro, 0), -1));
	cr_assert(eq(u64, *(uint64_t *)rdonly(), ro));
	cr_assert(eq(uint, fixups, 3));
}

Test(copy_safe, reads_still_fault_safe)
{
	uint64_t v = 7;
	unsigned char buf[32];

	cr_assert(eq(int, l1_read_u64_safe((const uint64_t *)area, &v), 0));
	cr_assert(eq(u64, v, 0x1111111111111111ull));
	cr_assert(eq(int, l1_read_u64_safe((const uint64_t *)guard(), &v), -1));
	cr_assert(eq(int, l1_copy_safe(buf, area + 5, sizeof(buf)), 0));
	cr_assert(eq(int, l1_copy_safe(buf, guard() - 8, sizeof(buf)), -1));
	cr_assert(eq(uint, fixups, 2));
}

Test(copy_safe, entries_equal_compares_every_entry)
{
	uint64_t *q = (uint64_t *)area;
	const uint64_t off[4] = { 0, 8, 64, 4088 };
	uint64_t val[4];

	for (unsigned i = 0; i < 4; i++) {
		q[off[i] / 8] = 0x1000 * (i + 1) | 0x27;
		val[i] = q[off[i] / 8];
	}
	cr_assert(eq(int, l1_entries_equal_safe((uint64_t)area, off, val, 4), 1));
	cr_assert(eq(int, l1_entries_equal_safe((uint64_t)area, off, val, 0), 1));
	/* One changed bit in any entry, the last included, is a difference. */
	for (unsigned i = 0; i < 4; i++) {
		q[off[i] / 8] ^= 0x40;
		cr_assert(eq(int, l1_entries_equal_safe((uint64_t)area, off, val, 4), 0), "entry %u", i);
		q[off[i] / 8] ^= 0x40;
	}
	cr_assert(eq(uint, fixups, 0));
	/* An entry in the PROT_NONE page faults: -1, never a crash. */
	{
		const uint64_t bad[2] = { 0, pagesz + 16 };

		cr_assert(eq(int, l1_entries_equal_safe((uint64_t)area, bad, val, 2), -1));
		cr_assert(eq(uint, fixups, 1));
	}
}
