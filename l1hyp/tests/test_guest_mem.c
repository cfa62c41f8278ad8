/*
 * Host tests for l1hyp/core/guest_mem.c. A host buffer stands for L2 RAM;
 * the tests build real page tables in it for every paging mode (AMD APM
 * vol.2 5.2 32-bit legacy with and without PSE, PAE legacy, 5.3 long mode
 * with 4 and 5 levels) and check translation, rights (5.6, with SMEP, SMAP
 * and protection keys), reserved bits, the #PF error code of every fault
 * path (8.4.2, computed here from the APM's rules by apm_pf_error, not
 * copied from a run), A/D updates (5.4.2) through a compare-and-exchange
 * that can simulate a concurrent change, writes, range checks, page-by-page
 * copies and the walk cache. The simulated callbacks log every call, check
 * their contract (inside RAM, never crossing a page, aligned qwords) and
 * fail on request. Architectural numbers are spelled out here as literals,
 * independently of x86_paging.h, which one test checks against them.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/guest_mem.h"

#define RAM_SIZE   (4ull << 20)
#define TABLE_BASE 0x100000ull      /* page tables are allocated from here */

/* Entry bits (APM vol.2 5.4, figs. 5-18 on). */
#define P   (1ull << 0)
#define RW  (1ull << 1)
#define US  (1ull << 2)
#define A   (1ull << 5)
#define D   (1ull << 6)
#define PS  (1ull << 7)
#define NX  (1ull << 63)
#define ADDR 0x000FFFFFFFFFF000ull

/* Registers (APM vol.2 3.1). */
#define L_CR0_PE   (1ull << 0)
#define L_CR0_WP   (1ull << 16)
#define L_CR0_PG   (1ull << 31)
#define L_CR4_PSE  (1ull << 4)
#define L_CR4_PAE  (1ull << 5)
#define L_CR4_LA57 (1ull << 12)
#define L_CR4_SMEP (1ull << 20)
#define L_CR4_SMAP (1ull << 21)
#define L_CR4_PKE  (1ull << 22)
#define L_EFER_LME (1ull << 8)
#define L_EFER_LMA (1ull << 10)
#define L_EFER_NXE (1ull << 11)
#define L_RFLAGS_AC (1ull << 18)

struct io_log { uint64_t gpa; size_t len; };

struct ram {
	unsigned char *mem;
	uint64_t next_table;
	uint64_t fail_gpa;          /* a read covering this byte fails; ~0: none */
	uint64_t fail_write_gpa;    /* a write covering this byte fails */
	uint64_t fail_cmpxchg_gpa;  /* cmpxchg of this qword faults */
	struct io_log log[4096];
	unsigned nr_reads;
	unsigned char *byte_reads;  /* reads per byte */
	struct io_log wlog[1024];
	unsigned nr_writes;
	unsigned char *byte_writes; /* writes per byte */
	uint64_t xlog[64];          /* cmpxchg addresses */
	unsigned nr_cmpxchg;
	/* Another CPU writing: before each of the next race_left cmpxchgs of
	 * the qword at race_gpa, XOR race_bits into it (once per cmpxchg). */
	uint64_t race_gpa, race_bits;
	unsigned race_left;
	/* ... or right after the next race_read_left reads covering the qword
	 * at race_read_gpa (between L1's walk and its cmpxchg). */
	uint64_t race_read_gpa, race_read_bits;
	unsigned race_read_left;
};

static struct ram ram;
static struct guest_mem gm;
static struct guest_paging pg;

static int sim_read_phys(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	struct ram *r = ctx;

	cr_assert(len > 0 && gpa < gm.ram_size && len <= gm.ram_size - gpa,
		  "read_phys(%#lx, %zu) outside RAM", (unsigned long)gpa, len);
	cr_assert(gpa + len <= RAM_SIZE, "read beyond the simulated RAM");
	cr_assert(eq(u64, gpa >> 12, (gpa + len - 1) >> 12), "read_phys crosses a page");
	cr_assert(r->nr_reads < 4096);
	r->log[r->nr_reads++] = (struct io_log){ gpa, len };
	if (r->fail_gpa >= gpa && r->fail_gpa < gpa + len)
		return 1;
	for (size_t i = 0; i < len; i++)
		r->byte_reads[gpa + i]++;
	memcpy(dst, r->mem + gpa, len);
	if (r->race_read_left && r->race_read_gpa < gpa + len && gpa < r->race_read_gpa + 8) {
		r->race_read_left--;
		*(uint64_t *)(r->mem + r->race_read_gpa) ^= r->race_read_bits;
	}
	return 0;
}

static int sim_write_phys(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	struct ram *r = ctx;

	cr_assert(len > 0 && gpa < gm.ram_size && len <= gm.ram_size - gpa,
		  "write_phys(%#lx, %zu) outside RAM", (unsigned long)gpa, len);
	cr_assert(gpa + len <= RAM_SIZE, "write beyond the simulated RAM");
	cr_assert(eq(u64, gpa >> 12, (gpa + len - 1) >> 12), "write_phys crosses a page");
	cr_assert(r->nr_writes < 1024);
	r->wlog[r->nr_writes++] = (struct io_log){ gpa, len };
	if (r->fail_write_gpa >= gpa && r->fail_write_gpa < gpa + len)
		return 1;
	for (size_t i = 0; i < len; i++)
		r->byte_writes[gpa + i]++;
	memcpy(r->mem + gpa, src, len);
	return 0;
}

static int sim_cmpxchg(void *ctx, uint64_t gpa, uint64_t old, uint64_t new_)
{
	struct ram *r = ctx;
	uint64_t *q = (uint64_t *)(r->mem + gpa);

	cr_assert(eq(u64, gpa & 7, 0), "cmpxchg_u64 not aligned");
	cr_assert(gpa < gm.ram_size && gm.ram_size - gpa >= 8 && gpa + 8 <= RAM_SIZE);
	cr_assert(r->nr_cmpxchg < 64);
	r->xlog[r->nr_cmpxchg++] = gpa;
	if (gpa == r->fail_cmpxchg_gpa)
		return -1;
	if (r->race_left && gpa == r->race_gpa) {
		r->race_left--;
		*q ^= r->race_bits;
	}
	if (*q != old)
		return 1;
	*q = new_;
	return 0;
}

static void setup(void)
{
	ram.mem = calloc(1, RAM_SIZE);
	ram.byte_reads = calloc(1, RAM_SIZE);
	ram.byte_writes = calloc(1, RAM_SIZE);
	cr_assert(ne(ptr, ram.mem, NULL));
	cr_assert(ne(ptr, ram.byte_reads, NULL));
	cr_assert(ne(ptr, ram.byte_writes, NULL));
	ram.next_table = TABLE_BASE;
	ram.fail_gpa = ram.fail_write_gpa = ram.fail_cmpxchg_gpa = ~0ull;
	ram.nr_reads = ram.nr_writes = ram.nr_cmpxchg = 0;
	ram.race_left = ram.race_read_left = 0;
	gm = (struct guest_mem){ .ram_size = RAM_SIZE, .read_phys = sim_read_phys,
				 .write_phys = sim_write_phys, .ctx = &ram };
	pg = (struct guest_paging){
		.cr0 = L_CR0_PE | L_CR0_WP | L_CR0_PG,
		.cr4 = L_CR4_PAE,
		.efer = L_EFER_LME | L_EFER_LMA | L_EFER_NXE,
	};
	/* Root table. */
	pg.cr3 = ram.next_table;
	ram.next_table += 0x1000;
}

static void teardown(void)
{
	free(ram.mem);
	free(ram.byte_reads);
	free(ram.byte_writes);
}

TestSuite(guest_mem, .init = setup, .fini = teardown);

static uint64_t new_table(void)
{
	uint64_t t = ram.next_table;

	cr_assert(t < RAM_SIZE);
	ram.next_table += 0x1000;
	return t;
}

static uint64_t gpa_of(const void *p)
{
	return (uint64_t)((const unsigned char *)p - ram.mem);
}

static void enable_ad(void)
{
	gm.flags = GUEST_MEM_F_AD;
	gm.cmpxchg_u64 = sim_cmpxchg;
}

/* ---- long mode tables (APM 5.3) ------------------------------------- */

static int lm_top(void)
{
	return (pg.cr4 & L_CR4_LA57) ? 5 : 4;
}

static uint64_t *entry_at(uint64_t table_gpa, uint64_t va, int level)
{
	return (uint64_t *)(ram.mem + table_gpa) + ((va >> (12 + 9 * (level - 1))) & 511);
}

/*
 * Map va to pa with a leaf at leaf_level (1: 4K, 2: 2M, 3: 1G) and the given
 * leaf flags. Upper entries are created P|RW|US (or reused). Returns the
 * entry pointers on the path so tests can edit any level.
 */
struct path { uint64_t *e[6]; };   /* e[5] = PML5E, e[4] = PML4E ... e[leaf] = leaf */

static struct path map_at(uint64_t va, uint64_t pa, int leaf_level, uint64_t leaf_flags)
{
	struct path p = { { 0 } };
	uint64_t table = pg.cr3;

	for (int level = lm_top(); level > leaf_level; level--) {
		uint64_t *e = entry_at(table, va, level);

		if (!(*e & P))
			*e = new_table() | P | RW | US;
		p.e[level] = e;
		table = *e & ADDR;
	}
	p.e[leaf_level] = entry_at(table, va, leaf_level);
	*p.e[leaf_level] = pa | leaf_flags | (leaf_level > 1 ? PS : 0);
	return p;
}

static int xlate(uint64_t va, unsigned acc, uint64_t *gpa)
{
	*gpa = 0xDEAD;
	return guest_translate(&gm, &pg, va, acc, gpa);
}

static void assert_xlate(uint64_t va, unsigned acc, uint64_t expect)
{
	uint64_t gpa;

	cr_assert(eq(int, xlate(va, acc, &gpa), 0), "translate %#lx acc %u", (unsigned long)va, acc);
	cr_assert(eq(u64, gpa, expect));
}

static void assert_xlate_err(uint64_t va, unsigned acc, int err)
{
	uint64_t gpa;

	cr_assert(eq(int, xlate(va, acc, &gpa), err), "translate %#lx acc %u", (unsigned long)va, acc);
	cr_assert(eq(u64, gpa, 0xDEAD), "gpa written on error");
}

/* ---- the #PF error code, from the APM's rules (vol.2 8.4.2) ------------ */

enum pf_kind { PF_NOT_PRESENT, PF_PROTECTION, PF_RESERVED, PF_PKEY };

static uint32_t apm_pf_error(enum pf_kind kind, unsigned acc)
{
	uint32_t e = 0;
	bool user = (acc & GUEST_ACC_USER) && !(acc & GUEST_ACC_IMPLICIT);
	bool nx_on = (pg.cr4 & L_CR4_PAE) && (pg.efer & L_EFER_NXE);

	if (kind != PF_NOT_PRESENT)
		e |= 1u << 0;       /* P: the entry was present */
	if (acc & GUEST_ACC_WRITE)
		e |= 1u << 1;       /* W/R */
	if (user)
		e |= 1u << 2;       /* U/S */
	if (kind == PF_RESERVED)
		e |= 1u << 3;       /* RSV */
	if ((acc & GUEST_ACC_EXEC) && (nx_on || (pg.cr4 & L_CR4_SMEP)))
		e |= 1u << 4;       /* I/D */
	if (kind == PF_PKEY)
		e |= 1u << 5;       /* PK */
	return e;
}

/*
 * Translate and check the fault descriptor: a #PF of the given kind, CR2 =
 * va, and (level != 0) the failing entry, which is *entry at that level.
 */
static void assert_pf(uint64_t va, unsigned acc, int rc, enum pf_kind kind, int level,
		      const void *entry, bool entry32)
{
	struct guest_fault f;
	uint64_t gpa = 0xDEAD;

	memset(&f, 0x5A, sizeof(f));
	cr_assert(eq(int, guest_translate_ex(&gm, &pg, va, acc, &gpa, &f), rc),
		  "translate %#lx acc %#x", (unsigned long)va, acc);
	cr_assert(eq(u64, gpa, 0xDEAD));
	cr_assert(eq(int, f.vector, 14), "vector for %#lx acc %#x", (unsigned long)va, acc);
	cr_assert(eq(u32, f.pf_error, apm_pf_error(kind, acc)),
		  "error code for %#lx acc %#x", (unsigned long)va, acc);
	cr_assert(eq(u64, f.addr, va));
	cr_assert(eq(int, f.reason, rc));
	cr_assert(eq(int, f.level, level));
	cr_assert(guest_mem_l2_fault(rc));
	if (level) {
		cr_assert(eq(u64, f.entry_gpa, gpa_of(entry)));
		cr_assert(eq(u64, f.entry, entry32 ? *(const uint32_t *)entry
						   : *(const uint64_t *)entry));
	}
}

/* An error that is not L2's: nothing to inject. */
static void assert_l1_error(uint64_t va, unsigned acc, int rc)
{
	struct guest_fault f;
	uint64_t gpa = 0xDEAD;

	cr_assert(eq(int, guest_translate_ex(&gm, &pg, va, acc, &gpa, &f), rc));
	cr_assert(eq(int, f.vector, GUEST_FAULT_NONE));
	cr_assert(eq(u32, f.pf_error, 0));
	cr_assert(eq(int, f.reason, rc));
	cr_assert(eq(u64, f.addr, va));
	cr_assert(not(guest_mem_l2_fault(rc)));
}

Test(guest_mem, paging_off_is_identity)
{
	unsigned char buf[0x20];
	size_t done = 99;

	pg.cr0 = CR0_PE;
	pg.efer = 0;
	assert_xlate(0x1234, GUEST_ACC_WRITE | GUEST_ACC_USER | GUEST_ACC_EXEC, 0x1234);
	assert_xlate(RAM_SIZE - 1, 0, RAM_SIZE - 1);
	assert_xlate_err(RAM_SIZE, 0, GUEST_MEM_E_OUTSIDE);
	assert_xlate_err(1ull << 40, 0, GUEST_MEM_E_OUTSIDE);
	for (unsigned i = 0; i < sizeof(buf); i++)
		ram.mem[0x2FF0 + i] = (unsigned char)(i + 1);
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x2FF0, buf, sizeof(buf), 0, &done), 0));
	cr_assert(eq(u64, done, sizeof(buf)));
	cr_assert(eq(int, memcmp(buf, ram.mem + 0x2FF0, sizeof(buf)), 0));
	cr_assert(eq(uint, ram.nr_reads, 2));     /* split at the page boundary */
	cr_assert(eq(u64, ram.log[0].gpa, 0x2FF0));
	cr_assert(eq(u64, ram.log[0].len, 0x10));
	cr_assert(eq(u64, ram.log[1].gpa, 0x3000));
	cr_assert(eq(u64, ram.log[1].len, 0x10));
}

/*
 * The mode comes from CR0.PG, CR4.PAE, EFER.LMA (and CR4.LA57 in long mode,
 * CR4.PSE in 32-bit mode), never from EFER.LME: LME without LMA is legacy
 * paging (APM vol.2 14.6.1: LMA is set only once paging is enabled).
 */
Test(guest_mem, mode_selection)
{
	map_at(0x400000, 0x200000, 1, P | RW);
	assert_xlate(0x400000, 0, 0x200000);                 /* 4-level */
	pg.cr4 = 0;                                           /* LMA without PAE */
	assert_l1_error(0x400000, 0, GUEST_MEM_E_MODE);
	cr_assert(eq(uint, ram.nr_reads, 4));
	/* LME=1, LMA=0, PAE=1: PAE legacy, CR3 bits 31:5 are the PDPT:
	 * PML4E 0 (pointing at the PDPT, P) is now PDPTE 0, and the PDPT's
	 * entry 2 (PDE index of 0x400000) is not present. */
	pg.cr4 = L_CR4_PAE;
	pg.efer = L_EFER_LME | L_EFER_NXE;
	ram.nr_reads = 0;
	assert_xlate_err(0x400000, 0, GUEST_MEM_E_NOTMAPPED);
	cr_assert(eq(uint, ram.nr_reads, 2));
	cr_assert(eq(u64, ram.log[0].gpa, pg.cr3));
	/* CR4.LA57 is ignored outside long mode. */
	pg.cr4 |= L_CR4_LA57;
	ram.nr_reads = 0;
	assert_xlate_err(0x400000, 0, GUEST_MEM_E_NOTMAPPED);
	cr_assert(eq(uint, ram.nr_reads, 2));
	/* No PAE: 32-bit paging, 4-byte entries. */
	pg.cr4 = 0;
	ram.nr_reads = 0;
	assert_xlate_err(0x400000, 0, GUEST_MEM_E_NOTMAPPED);
	cr_assert(eq(uint, ram.nr_reads, 1));
	cr_assert(eq(u64, ram.log[0].len, 4));
	cr_assert(eq(u64, ram.log[0].gpa, pg.cr3 + 4));     /* PDE index 1 */
	/* Legacy linear addresses are 32 bits. */
	assert_l1_error(1ull << 32, 0, GUEST_MEM_E_RANGE);
	/* Long mode again, 5 levels: a fresh PML5 is empty. */
	pg.cr4 = L_CR4_PAE | L_CR4_LA57;
	pg.efer = L_EFER_LME | L_EFER_LMA;
	pg.cr3 = new_table();
	ram.nr_reads = 0;
	assert_xlate_err(0x400000, 0, GUEST_MEM_E_NOTMAPPED);
	cr_assert(eq(uint, ram.nr_reads, 1));
}

Test(guest_mem, canonical_check)
{
	uint64_t hi = 0xFFFF800000001000ull;

	map_at(hi, 0x201000, 1, P | RW);
	assert_xlate(hi + 0x10, 0, 0x201010);
	assert_xlate_err(0x0000800000000000ull, 0, GUEST_MEM_E_NONCANON);
	assert_xlate_err(0xFFFF7FFFFFFFF000ull, 0, GUEST_MEM_E_NONCANON);
	assert_xlate_err(0x8000800000001000ull, 0, GUEST_MEM_E_NONCANON);
	cr_assert(eq(uint, ram.nr_reads, 4));     /* only the good walk read */
}

Test(guest_mem, translate_4k_and_reads)
{
	/* PML4 index 1, PDPT index 1, PD index 511, PT index 511. */
	uint64_t va = 0x807FFFF000ull;
	struct path p = map_at(va, 0x3FF000, 1, P | RW | US);

	assert_xlate(va + 0x123, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x3FF123);
	/* One 8-byte read per level, at the entry addresses. */
	cr_assert(eq(uint, ram.nr_reads, 4));
	for (int i = 0; i < 4; i++) {
		cr_assert(eq(u64, ram.log[i].len, 8));
		cr_assert(eq(u64, ram.log[i].gpa, (uint64_t)((unsigned char *)p.e[4 - i] - ram.mem)));
	}
	cr_assert(eq(u64, ram.log[0].gpa, pg.cr3 + 8));
}

Test(guest_mem, translate_2m_and_1g_pages)
{
	map_at(0x40000000, 0x200000, 2, P | RW);
	assert_xlate(0x40000000, 0, 0x200000);
	assert_xlate(0x401FFFFF, 0, 0x3FFFFF);
	assert_xlate(0x40012345, GUEST_ACC_WRITE, 0x212345);
	cr_assert(eq(uint, ram.nr_reads, 3 * 3));
	/* 1 GiB page at 8 GiB -> gpa 0: only its first 4 MiB are RAM. */
	map_at(0x200000000ull, 0, 3, P | RW);
	assert_xlate(0x200003456ull, 0, 0x3456);
	assert_xlate(0x2003FFFFFull, 0, 0x3FFFFF);
	assert_xlate_err(0x200400000ull, 0, GUEST_MEM_E_OUTSIDE);
	assert_xlate_err(0x23FFFFFFFull, 0, GUEST_MEM_E_OUTSIDE);
}

Test(guest_mem, not_present_at_each_level)
{
	for (int level = 4; level >= 1; level--) {
		struct path p = map_at(0x600000, 0x250000, 1, P | RW | US);
		uint64_t saved = *p.e[level];

		/* Reserved bits in a not-present entry do not matter. */
		*p.e[level] = (saved & ~P) | PS | (1ull << 8) | (1ull << 51);
		pg.efer &= ~EFER_NXE;
		*p.e[level] |= NX;
		ram.nr_reads = 0;
		assert_xlate_err(0x600000, 0, GUEST_MEM_E_NOTMAPPED);
		cr_assert(eq(uint, ram.nr_reads, 5 - level), "level %d", level);
		pg.efer |= EFER_NXE;
		*p.e[level] = saved;
		assert_xlate(0x600000, 0, 0x250000);
	}
}

Test(guest_mem, user_needs_us_at_every_level)
{
	for (int level = 4; level >= 1; level--) {
		struct path p = map_at(0x600000, 0x250000, 1, P | RW | US);

		*p.e[level] &= ~US;
		assert_xlate_err(0x600000, GUEST_ACC_USER, GUEST_MEM_E_PERM);
		assert_xlate_err(0x600000, GUEST_ACC_USER | GUEST_ACC_EXEC, GUEST_MEM_E_PERM);
		assert_xlate(0x600000, 0, 0x250000);            /* supervisor: fine */
		assert_xlate(0x600000, GUEST_ACC_WRITE, 0x250000);
		*p.e[level] |= US;
		assert_xlate(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x250000);
	}
}

Test(guest_mem, writes_need_rw_at_every_level)
{
	for (int level = 4; level >= 1; level--) {
		struct path p = map_at(0x600000, 0x250000, 1, P | RW | US);

		*p.e[level] &= ~RW;
		pg.cr0 |= CR0_WP;
		assert_xlate(0x600000, GUEST_ACC_USER, 0x250000);
		assert_xlate(0x600000, 0, 0x250000);
		assert_xlate_err(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, GUEST_MEM_E_PERM);
		assert_xlate_err(0x600000, GUEST_ACC_WRITE, GUEST_MEM_E_PERM);
		/* CR0.WP=0: supervisor writes ignore R/W, user writes do not. */
		pg.cr0 &= ~CR0_WP;
		assert_xlate(0x600000, GUEST_ACC_WRITE, 0x250000);
		assert_xlate_err(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, GUEST_MEM_E_PERM);
		*p.e[level] |= RW;
	}
}

Test(guest_mem, nx_at_every_level)
{
	for (int level = 4; level >= 1; level--) {
		struct path p = map_at(0x600000, 0x250000, 1, P | RW | US);

		*p.e[level] |= NX;
		assert_xlate_err(0x600000, GUEST_ACC_EXEC, GUEST_MEM_E_PERM);
		assert_xlate_err(0x600000, GUEST_ACC_EXEC | GUEST_ACC_USER, GUEST_MEM_E_PERM);
		assert_xlate(0x600000, 0, 0x250000);
		assert_xlate(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x250000);
		/* Without EFER.NXE bit 63 is reserved, for every access. */
		pg.efer &= ~EFER_NXE;
		assert_xlate_err(0x600000, 0, GUEST_MEM_E_RSVD);
		assert_xlate_err(0x600000, GUEST_ACC_EXEC, GUEST_MEM_E_RSVD);
		*p.e[level] &= ~NX;
		assert_xlate(0x600000, GUEST_ACC_EXEC, 0x250000);
		pg.efer |= EFER_NXE;
		assert_xlate(0x600000, GUEST_ACC_EXEC, 0x250000);
	}
}

Test(guest_mem, reserved_bits)
{
	struct path p4k = map_at(0x600000, 0x250000, 1, P | RW | US);
	struct path p2m = map_at(0x40000000, 0x200000, 2, P | RW | US);
	struct path p1g = map_at(0x200000000ull, 0, 3, P | RW | US);
	static const struct { int which, level; uint64_t bit; } cases[] = {
		{ 0, 4, 1ull << 7 },                          /* PML4E PS */
		{ 1, 2, 1ull << 13 }, { 1, 2, 1ull << 20 },  /* 2M PDE 20:13 */
		{ 2, 3, 1ull << 13 }, { 2, 3, 1ull << 29 },  /* 1G PDPE 29:13 */
	};
	struct path *paths[] = { &p4k, &p2m, &p1g };
	uint64_t vas[] = { 0x600000, 0x40000000, 0x200000000ull };
	uint64_t pas[] = { 0x250000, 0x200000, 0 };

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t *e = paths[cases[i].which]->e[cases[i].level];

		*e |= cases[i].bit;
		assert_xlate_err(vas[cases[i].which], 0, GUEST_MEM_E_RSVD);
		/* Reserved beats a permission failure: the walk stops there. */
		*e &= ~US;
		assert_xlate_err(vas[cases[i].which], GUEST_ACC_USER, GUEST_MEM_E_RSVD);
		*e &= ~cases[i].bit;
		*e |= US;
		assert_xlate(vas[cases[i].which], GUEST_ACC_USER, pas[cases[i].which]);
	}
	/* Bit 8 of the PML4E (MBZ on AMD, fig. 5-18, but ignored by QEMU TCG,
	 * our L0, and by Intel: L1 must not fault where L0 would not), bit 8
	 * of a non-leaf PDPE/PDE, bit 12 (PAT) of a 2M leaf, bits 62:52 and
	 * 11:9 are not reserved. */
	*p4k.e[4] |= 1ull << 8;
	*p4k.e[3] |= 1ull << 8;
	*p4k.e[2] |= 1ull << 8;
	*p4k.e[1] |= (0x7FFull << 52) | (7ull << 9);
	assert_xlate(0x600000, 0, 0x250000);
	*p2m.e[2] |= 1ull << 12;
	assert_xlate(0x40000000, 0, 0x200000);
}

Test(guest_mem, maxphyaddr_bits)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | RW);

	/* With 52 bits, bit 45 is an address bit: the page is outside RAM. */
	*p.e[1] |= 1ull << 45;
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_OUTSIDE);
	gm.maxphyaddr = 40;
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_RSVD);
	*p.e[1] &= ~(1ull << 45);
	*p.e[1] |= 1ull << 39;                      /* still below MAXPHYADDR */
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_OUTSIDE);
	*p.e[1] &= ~(1ull << 39);
	*p.e[3] |= 1ull << 40;                      /* in a table pointer */
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_RSVD);
	*p.e[3] &= ~(1ull << 40);
	assert_xlate(0x600000, 0, 0x250000);
}

Test(guest_mem, table_outside_ram)
{
	struct path p = map_at(0x600000, 0x5000, 1, P | RW);
	uint64_t cr3 = pg.cr3, pt = *p.e[2] & ADDR;

	pg.cr3 = RAM_SIZE;
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_OUTSIDE);
	cr_assert(eq(uint, ram.nr_reads, 0));
	pg.cr3 = cr3;
	*p.e[2] = (RAM_SIZE + 0x5000) | P | RW;      /* PT beyond RAM */
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_OUTSIDE);
	cr_assert(eq(uint, ram.nr_reads, 3));
	/* RAM ending in the middle of the PT: entry 0x200 of it is beyond. */
	*p.e[2] = pt | P | RW;
	gm.ram_size = pt + 0x800;
	assert_xlate(0x600000, 0, 0x5000);           /* PTE index 0 */
	map_at(0x600000 + 0x100000, 0x6000, 1, P | RW);     /* PTE index 256 */
	assert_xlate_err(0x700000, 0, GUEST_MEM_E_OUTSIDE);
	/* An entry only half inside RAM is outside too. */
	gm.ram_size = pt + 0x804;
	assert_xlate_err(0x700000, 0, GUEST_MEM_E_OUTSIDE);
	gm.ram_size = pt + 0x808;
	assert_xlate(0x700000, 0, 0x6000);
}

Test(guest_mem, read_phys_failure_in_walk)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | RW);
	uint64_t pdpte_gpa = (uint64_t)((unsigned char *)p.e[3] - ram.mem);

	ram.fail_gpa = pdpte_gpa + 3;
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_READ);
	cr_assert(eq(uint, ram.nr_reads, 2));
	ram.fail_gpa = ~0ull;
	assert_xlate(0x600000, 0, 0x250000);
}

/* Pages at va 0x10000.. mapped to scattered frames in reverse order. */
static const uint64_t copy_pa[4] = { 0x380000, 0x37E000, 0x205000, 0x204000 };

static void map_copy_pages(void)
{
	for (unsigned i = 0; i < 4; i++) {
		map_at(0x10000 + i * 0x1000, copy_pa[i], 1, P | RW | US);
		for (unsigned b = 0; b < 0x1000; b++)
			ram.mem[copy_pa[i] + b] = (unsigned char)(i * 37 + b * 7 + 1);
	}
}

Test(guest_mem, copy_across_pages)
{
	size_t len = 0x10 + 0x1000 + 0x10, done = 0;
	unsigned char *buf = malloc(len);

	map_copy_pages();
	ram.nr_reads = 0;
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x10FF0, buf, len,
					       GUEST_ACC_USER, &done), 0));
	cr_assert(eq(u64, done, len));
	cr_assert(eq(int, memcmp(buf, ram.mem + copy_pa[0] + 0xFF0, 0x10), 0));
	cr_assert(eq(int, memcmp(buf + 0x10, ram.mem + copy_pa[1], 0x1000), 0));
	cr_assert(eq(int, memcmp(buf + 0x1010, ram.mem + copy_pa[2], 0x10), 0));
	/* Each page translated once (4 entry reads), then one data read. */
	cr_assert(eq(uint, ram.nr_reads, 3 * 5));
	cr_assert(eq(u64, ram.log[4].gpa, copy_pa[0] + 0xFF0));
	cr_assert(eq(u64, ram.log[4].len, 0x10));
	cr_assert(eq(u64, ram.log[9].gpa, copy_pa[1]));
	cr_assert(eq(u64, ram.log[9].len, 0x1000));
	cr_assert(eq(u64, ram.log[14].gpa, copy_pa[2]));
	cr_assert(eq(u64, ram.log[14].len, 0x10));
	/* Every data byte read exactly once; untouched bytes not at all. */
	for (unsigned b = 0; b < 0x1000; b++) {
		cr_assert(eq(u8, ram.byte_reads[copy_pa[0] + b], b >= 0xFF0));
		cr_assert(eq(u8, ram.byte_reads[copy_pa[1] + b], 1));
		cr_assert(eq(u8, ram.byte_reads[copy_pa[2] + b], b < 0x10));
		cr_assert(eq(u8, ram.byte_reads[copy_pa[3] + b], 0));
	}
	free(buf);
}

Test(guest_mem, copy_stops_at_first_failure)
{
	unsigned char buf[0x3000];
	size_t done = 99;
	struct path p;

	map_copy_pages();
	/* The third page's data read faults: two chunks were copied. */
	ram.fail_gpa = copy_pa[2] + 0x7;
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x10800, buf, 0x2000, 0, &done),
		     GUEST_MEM_E_READ));
	cr_assert(eq(u64, done, 0x800 + 0x1000));
	cr_assert(eq(int, memcmp(buf, ram.mem + copy_pa[0] + 0x800, 0x800), 0));
	cr_assert(eq(int, memcmp(buf + 0x800, ram.mem + copy_pa[1], 0x1000), 0));
	ram.fail_gpa = ~0ull;

	/* Second page not present: 0x800 copied. */
	p = map_at(0x11000, copy_pa[1], 1, 0);
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x10800, buf, 0x2000, 0, &done),
		     GUEST_MEM_E_NOTMAPPED));
	cr_assert(eq(u64, done, 0x800));
	*p.e[1] = copy_pa[1] | P | US;               /* read-only now */
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x10800, buf, 0x2000,
					       GUEST_ACC_WRITE | GUEST_ACC_USER, &done),
		     GUEST_MEM_E_PERM));
	cr_assert(eq(u64, done, 0x800));
	/* done may be NULL. */
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x10800, buf, 0x2000,
					       GUEST_ACC_WRITE | GUEST_ACC_USER, NULL),
		     GUEST_MEM_E_PERM));
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x10800, buf, 0x2000,
					       GUEST_ACC_USER, NULL), 0));
}

Test(guest_mem, copy_into_non_canonical_hole)
{
	unsigned char buf[0x20];
	size_t done = 99;
	uint64_t va = 0x00007FFFFFFFF000ull;

	map_at(va, 0x260000, 1, P | RW);
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, va + 0xFF0, buf, 0x20, 0, &done),
		     GUEST_MEM_E_NONCANON));
	cr_assert(eq(u64, done, 0x10));
}

Test(guest_mem, copy_length_rules)
{
	static unsigned char big[GUEST_MEM_COPY_MAX + 1];
	size_t done = 99;

	/* len 0: nothing read, nothing checked. */
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x8000800000000000ull, big, 0, 0,
					       &done), 0));
	cr_assert(eq(u64, done, 0));
	cr_assert(eq(uint, ram.nr_reads, 0));
	done = 99;
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x40000000, big,
					       GUEST_MEM_COPY_MAX + 1, 0, &done),
		     GUEST_MEM_E_RANGE));
	cr_assert(eq(u64, done, 0));
	done = 99;
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, ~0ull - 0xF, big, 0x11, 0, &done),
		     GUEST_MEM_E_RANGE));
	cr_assert(eq(u64, done, 0));
	cr_assert(eq(uint, ram.nr_reads, 0));
	/* The last 16 bytes of the address space do not wrap: translated
	 * (and not mapped here). */
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, ~0ull - 0xF, big, 0x10, 0, &done),
		     GUEST_MEM_E_NOTMAPPED));
	/* Exactly the maximum, from a 2 MiB page: 256 pages, 3 entry reads each. */
	map_at(0x40000000, 0x200000, 2, P | RW);
	memset(ram.mem + 0x200000, 0x5A, GUEST_MEM_COPY_MAX);
	ram.nr_reads = 0;
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x40000000, big,
					       GUEST_MEM_COPY_MAX, 0, &done), 0));
	cr_assert(eq(u64, done, GUEST_MEM_COPY_MAX));
	cr_assert(eq(uint, ram.nr_reads, 256 * 4));
	cr_assert(eq(int, memcmp(big, ram.mem + 0x200000, GUEST_MEM_COPY_MAX), 0));
}

Test(guest_mem, copy_data_past_end_of_ram)
{
	unsigned char buf[0x1000];
	size_t done = 99;

	map_at(0x600000, RAM_SIZE - 0x1000, 1, P | RW);
	gm.ram_size = RAM_SIZE - 0x800;
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x600000, buf, 0x1000, 0, &done),
		     GUEST_MEM_E_OUTSIDE));
	cr_assert(eq(u64, done, 0));
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x600000, buf, 0x800, 0, &done), 0));
	cr_assert(eq(u64, done, 0x800));
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x600800, buf, 1, 0, &done),
		     GUEST_MEM_E_OUTSIDE));
}

Test(guest_mem, walk_writes_nothing)
{
	unsigned char *before = malloc(RAM_SIZE);
	unsigned char buf[64];

	map_copy_pages();
	memcpy(before, ram.mem, RAM_SIZE);
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x10000, buf, sizeof(buf),
					       GUEST_ACC_WRITE, NULL), 0));
	assert_xlate(0x13000, GUEST_ACC_EXEC, copy_pa[3]);
	cr_assert(eq(int, memcmp(before, ram.mem, RAM_SIZE), 0), "A/D bits or data written");
	cr_assert(eq(uint, ram.nr_writes, 0));
	cr_assert(eq(uint, ram.nr_cmpxchg, 0));
	free(before);
}

/*
 * Two address spaces taking turns (L2's processes): each way keeps its last
 * two walks, so after one walk in each, every translation in either is a
 * hit (4 re-reads, no walk), the one that hit becomes the last; a third
 * address space pushes out the least recent.
 */
Test(guest_mem, walk_cache_keeps_two_address_spaces)
{
	struct guest_walk_cache cache = { 0 };
	uint64_t cr3_a = pg.cr3, cr3_b, cr3_c;
	unsigned reads;

	gm.cache = &cache;
	map_at(0x40001000, 0x200000, 1, P | RW | US);
	cr3_b = new_table();
	pg.cr3 = cr3_b;
	map_at(0x40001000, 0x240000, 1, P | RW | US);
	cr3_c = new_table();
	pg.cr3 = cr3_c;
	map_at(0x40001000, 0x280000, 1, P | RW | US);

	pg.cr3 = cr3_a;
	assert_xlate(0x40001010, GUEST_ACC_USER, 0x200010);
	pg.cr3 = cr3_b;
	assert_xlate(0x40001010, GUEST_ACC_USER, 0x240010);
	for (int i = 0; i < 3; i++) {
		pg.cr3 = cr3_a;
		reads = ram.nr_reads;
		assert_xlate(0x40001020, GUEST_ACC_USER, 0x200020);
		cr_assert(eq(u32, ram.nr_reads - reads, 4), "A hits (round %d)", i);
		cr_assert(eq(u64, cache.way[GUEST_WALK_WAY_DATA].cr3, cr3_a));
		pg.cr3 = cr3_b;
		reads = ram.nr_reads;
		assert_xlate(0x40001020, GUEST_ACC_USER, 0x240020);
		cr_assert(eq(u32, ram.nr_reads - reads, 4), "B hits (round %d)", i);
		cr_assert(eq(u64, cache.older[GUEST_WALK_WAY_DATA].cr3, cr3_a));
	}
	pg.cr3 = cr3_c;                                  /* walks; A is pushed out */
	assert_xlate(0x40001030, GUEST_ACC_USER, 0x280030);
	cr_assert(eq(u64, cache.older[GUEST_WALK_WAY_DATA].cr3, cr3_b));
	pg.cr3 = cr3_a;
	reads = ram.nr_reads;
	assert_xlate(0x40001030, GUEST_ACC_USER, 0x200030);
	cr_assert(gt(u32, ram.nr_reads - reads, 4), "A walks again");
}

/*
 * The walk cache: a hit costs only re-reads of the entries the walk used
 * (no reserved-bit or rights work, same result), and any change to those
 * entries, to the paging registers, the access kind or the page is a miss
 * that walks again: the cache can never return a stale translation.
 */
Test(guest_mem, walk_cache_hits_and_never_goes_stale)
{
	struct guest_walk_cache cache = { 0 };
	struct path p = map_at(0x40001000, 0x200000, 1, P | RW | US);
	unsigned reads;

	gm.cache = &cache;
	assert_xlate(0x40001234, GUEST_ACC_USER, 0x200234);
	cr_assert(eq(int, cache.way[GUEST_WALK_WAY_DATA].valid, 1));
	cr_assert(eq(u32, cache.way[GUEST_WALK_WAY_DATA].levels, 4));
	reads = ram.nr_reads;
	assert_xlate(0x40001FF0, GUEST_ACC_USER, 0x200FF0);        /* hit */
	cr_assert(eq(u32, ram.nr_reads - reads, 4));                /* 4 re-reads */

	*p.e[1] = 0x300000 | P | RW | US;                           /* remap */
	assert_xlate(0x40001234, GUEST_ACC_USER, 0x300234);
	*p.e[1] &= ~US;                                              /* revoke user */
	assert_xlate_err(0x40001234, GUEST_ACC_USER, GUEST_MEM_E_PERM);
	assert_xlate(0x40001234, 0, 0x300234);                       /* other acc */
	*p.e[3] &= ~P;                                               /* upper level */
	assert_xlate_err(0x40001234, 0, GUEST_MEM_E_NOTMAPPED);
	*p.e[3] |= P;
	assert_xlate(0x40001234, 0, 0x300234);
	pg.cr0 &= ~CR0_WP;                                           /* registers */
	reads = ram.nr_reads;
	assert_xlate(0x40001234, 0, 0x300234);
	cr_assert(gt(u32, ram.nr_reads - reads, 4));                 /* walked again */
	map_at(0x40002000, 0x210000, 1, P | US);                     /* other page */
	assert_xlate(0x40002008, 0, 0x210008);
}

/* ---- the constants -------------------------------------------------------- */

Test(guest_mem, paging_constants_match_the_apm)
{
	/* APM vol.2 5.4 entry fields, 5.3.3 / 5.2 address fields. */
	cr_assert(eq(u64, X86_PTE_P, P));
	cr_assert(eq(u64, X86_PTE_RW, RW));
	cr_assert(eq(u64, X86_PTE_US, US));
	cr_assert(eq(u64, X86_PTE_PWT, 1ull << 3));
	cr_assert(eq(u64, X86_PTE_PCD, 1ull << 4));
	cr_assert(eq(u64, X86_PTE_A, A));
	cr_assert(eq(u64, X86_PTE_D, D));
	cr_assert(eq(u64, X86_PTE_PS, PS));
	cr_assert(eq(u64, X86_PTE_G, 1ull << 8));
	cr_assert(eq(u64, X86_PTE_PAT_LARGE, 1ull << 12));
	cr_assert(eq(u64, X86_PTE_NX, NX));
	cr_assert(eq(u64, X86_PTE_PK_MASK, 0xFull << 59));
	cr_assert(eq(u64, X86_PTE_ADDR, ADDR));
	cr_assert(eq(u64, X86_PTE_ADDR_2M, 0x000FFFFFFFE00000ull));
	cr_assert(eq(u64, X86_PTE_ADDR_1G, 0x000FFFFFC0000000ull));
	cr_assert(eq(u64, X86_PTE_RSVD_2M, 0x1FE000ull));
	cr_assert(eq(u64, X86_PTE_RSVD_1G, 0x3FFFE000ull));
	cr_assert(eq(u64, X86_CR3_PAE_PDPT, 0xFFFFFFE0ull));
	cr_assert(eq(u64, X86_PAE_HI_RSVD, 0x7FF0000000000000ull));
	cr_assert(eq(u64, X86_PDE32_ADDR_4M, 0xFFC00000ull));
	cr_assert(eq(u64, X86_PDE32_PSE_HI, 0x1FE000ull));
	cr_assert(eq(u64, X86_PDE32_PSE_RSVD, 0x200000ull));
	/* APM vol.2 8.4.2 */
	cr_assert(eq(u32, X86_PF_P, 0x01));
	cr_assert(eq(u32, X86_PF_W, 0x02));
	cr_assert(eq(u32, X86_PF_U, 0x04));
	cr_assert(eq(u32, X86_PF_RSVD, 0x08));
	cr_assert(eq(u32, X86_PF_ID, 0x10));
	cr_assert(eq(u32, X86_PF_PK, 0x20));
	cr_assert(eq(u32, X86_PF_SS, 0x40));
	/* APM vol.2 3.1, 8.2 */
	cr_assert(eq(u64, CR4_PSE, L_CR4_PSE));
	cr_assert(eq(u64, CR4_LA57, L_CR4_LA57));
	cr_assert(eq(u64, CR4_SMEP, L_CR4_SMEP));
	cr_assert(eq(u64, CR4_SMAP, L_CR4_SMAP));
	cr_assert(eq(u64, CR4_PKE, L_CR4_PKE));
	cr_assert(eq(u64, RFLAGS_AC, L_RFLAGS_AC));
	cr_assert(eq(int, X86_EXC_GP, 13));
	cr_assert(eq(int, X86_EXC_PF, 14));
}

/* ---- 32-bit legacy paging (APM 5.2) ------------------------------------ */

struct path32 { uint32_t *e[3]; };   /* e[2] = PDE, e[1] = PTE */

static void mode_32(bool pse)
{
	pg.cr0 = L_CR0_PE | L_CR0_WP | L_CR0_PG;
	pg.cr4 = pse ? L_CR4_PSE : 0;
	pg.efer = 0;
	pg.cr3 = new_table() | 0x18;         /* PWT, PCD: not address bits */
}

static uint32_t *e32_at(uint64_t table, uint64_t va, int level)
{
	return (uint32_t *)(ram.mem + table) + ((va >> (12 + 10 * (level - 1))) & 1023);
}

/* leaf_level 1: a 4 KiB PTE (pa | flags); 2: a 4 MiB PDE, pde given whole
 * except PS. */
static struct path32 map_32(uint64_t va, uint32_t pa, int leaf_level, uint32_t flags)
{
	struct path32 p = { { 0 } };

	p.e[2] = e32_at(pg.cr3 & 0xFFFFF000, va, 2);
	if (leaf_level == 2) {
		*p.e[2] = pa | flags | (uint32_t)PS;
		return p;
	}
	if (!(*p.e[2] & P))
		*p.e[2] = (uint32_t)new_table() | (uint32_t)(P | RW | US);
	p.e[1] = e32_at(*p.e[2] & 0xFFFFF000, va, 1);
	*p.e[1] = pa | flags;
	return p;
}

Test(guest_mem, legacy_32bit_4k_pages)
{
	uint64_t va = 0xC0801000;           /* PDE 0x302, PTE 1 */
	struct path32 p;

	mode_32(false);
	p = map_32(va, 0x345000, 1, P | RW | US);
	ram.nr_reads = 0;
	assert_xlate(va + 0x123, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x345123);
	cr_assert(eq(uint, ram.nr_reads, 2));
	cr_assert(eq(u64, ram.log[0].gpa, (pg.cr3 & ~0xFFFull) + 0x302 * 4));
	cr_assert(eq(u64, ram.log[0].len, 4));
	cr_assert(eq(u64, ram.log[1].gpa, gpa_of(p.e[1])));
	cr_assert(eq(u64, ram.log[1].len, 4));
	/* No reserved bits in 32-bit entries: PAT, G, AVL are fine, and
	 * PDE.PS is ignored without CR4.PSE (still a table pointer). */
	*p.e[1] |= (uint32_t)(PS | (0xFull << 8));
	*p.e[2] |= (uint32_t)(PS | (0xFull << 8));
	assert_xlate(va, 0, 0x345000);
	/* Rights: U/S and R/W at both levels, WP for supervisor writes; no NX
	 * in this format, so fetches are always allowed, even with EFER.NXE. */
	pg.efer = L_EFER_NXE;
	assert_xlate(va, GUEST_ACC_EXEC | GUEST_ACC_USER, 0x345000);
	*p.e[2] &= ~(uint32_t)US;
	assert_pf(va, GUEST_ACC_USER, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, true);
	assert_xlate(va, GUEST_ACC_WRITE, 0x345000);
	*p.e[2] |= (uint32_t)US;
	*p.e[1] &= ~(uint32_t)RW;
	assert_pf(va, GUEST_ACC_WRITE, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, true);
	assert_pf(va, GUEST_ACC_WRITE | GUEST_ACC_USER, GUEST_MEM_E_PERM, PF_PROTECTION,
		  0, NULL, true);
	pg.cr0 &= ~L_CR0_WP;
	assert_xlate(va, GUEST_ACC_WRITE, 0x345000);
	/* Not present, at each level; a fetch's error code has no I/D bit:
	 * EFER.NXE counts only with PAE (APM 8.4.2). */
	*p.e[1] &= ~(uint32_t)P;
	assert_pf(va, GUEST_ACC_EXEC, GUEST_MEM_E_NOTMAPPED, PF_NOT_PRESENT, 1, p.e[1], true);
	cr_assert(eq(u32, apm_pf_error(PF_NOT_PRESENT, GUEST_ACC_EXEC), 0));
	*p.e[2] &= ~(uint32_t)P;
	assert_pf(va, GUEST_ACC_USER, GUEST_MEM_E_NOTMAPPED, PF_NOT_PRESENT, 2, p.e[2], true);
}

Test(guest_mem, legacy_32bit_4m_pages_and_pse36)
{
	uint64_t va = 0x80400000;           /* PDE 0x201 */
	struct path32 p;

	mode_32(true);
	p = map_32(va, 0, 2, P | RW | US);
	ram.nr_reads = 0;
	assert_xlate(va + 0x3FFFFF, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x3FFFFF);
	cr_assert(eq(uint, ram.nr_reads, 1));
	/* Bit 12 is PAT, not an address bit; bit 21 is reserved. */
	*p.e[2] |= 1u << 12;
	assert_xlate(va + 0x1234, 0, 0x1234);
	*p.e[2] |= 1u << 21;
	assert_pf(va, GUEST_ACC_WRITE, GUEST_MEM_E_RSVD, PF_RESERVED, 2, p.e[2], true);
	*p.e[2] &= ~(1u << 21);
	/* PSE-36: PDE bits 20:13 are address bits 39:32 (the gpa is beyond the
	 * simulated RAM: only the translation is checked, no data read). */
	gm.ram_size = 1ull << 41;
	*p.e[2] |= 0xABu << 13;
	assert_xlate(va + 0x1234, 0, 0xAB00001234ull);
	/* ... not reserved above MAXPHYADDR (QEMU TCG does not check them). */
	gm.maxphyaddr = 36;
	assert_xlate(va + 0x1234, 0, 0xAB00001234ull);
	gm.maxphyaddr = 0;
	gm.ram_size = RAM_SIZE;
	assert_l1_error(va, 0, GUEST_MEM_E_OUTSIDE);
	/* Without CR4.PSE the same PDE points to a page table at its bits
	 * 31:12 (0x1000, bit 12 set), whose entry 0 is not present. */
	*p.e[2] &= ~(0xFFu << 13);
	pg.cr4 = 0;
	cr_assert(eq(u32, *(uint32_t *)(ram.mem + 0x1000), 0));
	assert_pf(va, 0, GUEST_MEM_E_NOTMAPPED, PF_NOT_PRESENT, 1, ram.mem + 0x1000, true);
}

/* ---- PAE legacy paging ------------------------------------------------------ */

static void mode_pae(void)
{
	pg.cr0 = L_CR0_PE | L_CR0_WP | L_CR0_PG;
	pg.cr4 = L_CR4_PAE;
	pg.efer = L_EFER_NXE;
	pg.cr3 = (new_table() + 0x40) | 0x18;    /* bits 31:5, PWT/PCD ignored */
}

static uint64_t *pae_pdpte(uint64_t va)
{
	return (uint64_t *)(ram.mem + (pg.cr3 & 0xFFFFFFE0)) + ((va >> 30) & 3);
}

static struct path map_pae(uint64_t va, uint64_t pa, int leaf_level, uint64_t flags)
{
	struct path p = { { 0 } };
	uint64_t *e = pae_pdpte(va);

	if (!(*e & P))
		*e = new_table() | P;            /* a PDPE has no R/W, U/S, A */
	p.e[3] = e;
	p.e[2] = entry_at(*e & ADDR, va, 2);
	if (leaf_level == 2) {
		*p.e[2] = pa | flags | PS;
		return p;
	}
	if (!(*p.e[2] & P))
		*p.e[2] = new_table() | P | RW | US;
	p.e[1] = entry_at(*p.e[2] & ADDR, va, 1);
	*p.e[1] = pa | flags;
	return p;
}

Test(guest_mem, pae_legacy_paging)
{
	uint64_t va = 0xC0201000;           /* PDPTE 3, PDE 1, PTE 1 */
	struct path p, p2m;

	mode_pae();
	p = map_pae(va, 0x3FF000, 1, P | RW | US);
	ram.nr_reads = 0;
	/* The PDPE grants everything: only the PDE and PTE rights count. */
	assert_xlate(va + 5, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x3FF005);
	cr_assert(eq(uint, ram.nr_reads, 3));
	cr_assert(eq(u64, ram.log[0].gpa, (pg.cr3 & 0xFFFFFFE0) + 3 * 8));
	cr_assert(eq(u64, ram.log[0].len, 8));
	/* PDPE: not present; NX and bits 62:52 reserved; AMD's other MBZ bits
	 * (8:5, 2:1) and PS are not checked, as in QEMU TCG. */
	*p.e[3] &= ~P;
	assert_pf(va, GUEST_ACC_USER, GUEST_MEM_E_NOTMAPPED, PF_NOT_PRESENT, 3, p.e[3], false);
	*p.e[3] |= P;
	static const uint64_t pdpte_rsvd[] = { NX, 1ull << 52, 1ull << 62 };
	for (unsigned i = 0; i < 3; i++) {
		*p.e[3] |= pdpte_rsvd[i];
		assert_pf(va, GUEST_ACC_WRITE, GUEST_MEM_E_RSVD, PF_RESERVED, 3, p.e[3], false);
		*p.e[3] &= ~pdpte_rsvd[i];
	}
	*p.e[3] |= (0xFull << 5) | (3ull << 1);
	assert_xlate(va, GUEST_ACC_USER, 0x3FF000);
	/* PAE PDEs/PTEs: bits 62:52 reserved (long mode: available). */
	*p.e[1] |= 1ull << 52;
	assert_pf(va, 0, GUEST_MEM_E_RSVD, PF_RESERVED, 1, p.e[1], false);
	*p.e[1] &= ~(1ull << 52);
	*p.e[2] |= 1ull << 62;
	assert_pf(va, 0, GUEST_MEM_E_RSVD, PF_RESERVED, 2, p.e[2], false);
	*p.e[2] &= ~(1ull << 62);
	/* NX with EFER.NXE: fetches fault with I/D; without NXE: reserved. */
	*p.e[1] |= NX;
	assert_pf(va, GUEST_ACC_EXEC, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	cr_assert(eq(u32, apm_pf_error(PF_PROTECTION, GUEST_ACC_EXEC), 0x11));
	assert_xlate(va, GUEST_ACC_WRITE, 0x3FF000);
	pg.efer = 0;
	assert_pf(va, 0, GUEST_MEM_E_RSVD, PF_RESERVED, 1, p.e[1], false);
	*p.e[1] &= ~NX;
	assert_xlate(va, GUEST_ACC_EXEC, 0x3FF000);
	/* MAXPHYADDR applies. */
	gm.maxphyaddr = 36;
	*p.e[1] |= 1ull << 40;
	assert_pf(va, 0, GUEST_MEM_E_RSVD, PF_RESERVED, 1, p.e[1], false);
	*p.e[1] &= ~(1ull << 40);
	gm.maxphyaddr = 0;
	/* 2 MiB pages: bits 20:13 reserved, 12 is PAT. */
	pg.efer = L_EFER_NXE;
	p2m = map_pae(0x40200000, 0x200000, 2, P | RW);
	assert_xlate(0x403FFFFF, GUEST_ACC_WRITE, 0x3FFFFF);
	*p2m.e[2] |= 1ull << 12;
	assert_xlate(0x40200010, 0, 0x200010);
	*p2m.e[2] |= 1ull << 13;
	assert_pf(0x40200010, GUEST_ACC_EXEC, GUEST_MEM_E_RSVD, PF_RESERVED, 2, p2m.e[2], false);
	/* A not-present fetch in PAE mode with NXE has I/D set. */
	assert_pf(0x80000000, GUEST_ACC_EXEC | GUEST_ACC_USER, GUEST_MEM_E_NOTMAPPED,
		  PF_NOT_PRESENT, 3, pae_pdpte(0x80000000), false);
	cr_assert(eq(u32, apm_pf_error(PF_NOT_PRESENT, GUEST_ACC_EXEC | GUEST_ACC_USER), 0x14));
}

/* ---- 5-level paging (CR4.LA57) ------------------------------------------- */

Test(guest_mem, la57_five_levels)
{
	uint64_t lo = 0x0080000000001000ull;    /* bit 55: canonical only with 57 bits */
	uint64_t hi = 0xFF00000000002000ull;    /* bits 63:56 set */
	struct guest_fault f;
	struct path p;
	uint64_t gpa;

	pg.cr4 |= L_CR4_LA57;
	pg.cr3 = new_table();
	p = map_at(lo, 0x222000, 1, P | RW | US);
	ram.nr_reads = 0;
	assert_xlate(lo + 0x10, GUEST_ACC_USER, 0x222010);
	cr_assert(eq(uint, ram.nr_reads, 5));
	cr_assert(eq(u64, ram.log[0].gpa, pg.cr3 + 0x80 * 8));   /* bits 56:48 */
	map_at(hi, 0x223000, 1, P | RW);
	assert_xlate(hi, 0, 0x223000);
	/* Bits 63:57 must copy bit 56: a #GP, not a #PF. */
	memset(&f, 0x5A, sizeof(f));
	cr_assert(eq(int, guest_translate_ex(&gm, &pg, 0x0100000000000000ull, 0, &gpa, &f),
		     GUEST_MEM_E_NONCANON));
	cr_assert(eq(int, f.vector, 13));
	cr_assert(eq(u32, f.pf_error, 0));
	cr_assert(eq(u64, f.addr, 0x0100000000000000ull));
	cr_assert(eq(int, f.level, 0));
	cr_assert(guest_mem_l2_fault(GUEST_MEM_E_NONCANON));
	assert_xlate_err(0xFE00000000000000ull, 0, GUEST_MEM_E_NONCANON);
	/* PML5E: PS reserved, bit 8 not (as the PML4E), not present. */
	*p.e[5] |= 1ull << 8;
	assert_xlate(lo, 0, 0x222000);
	*p.e[5] |= PS;
	assert_pf(lo, GUEST_ACC_USER, GUEST_MEM_E_RSVD, PF_RESERVED, 5, p.e[5], false);
	*p.e[5] &= ~(PS | P);
	assert_pf(lo, GUEST_ACC_USER, GUEST_MEM_E_NOTMAPPED, PF_NOT_PRESENT, 5, p.e[5], false);
	*p.e[5] |= P;
	/* U/S of the PML5E counts like any level. */
	*p.e[5] &= ~US;
	assert_pf(lo, GUEST_ACC_USER, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	/* Back to 4 levels: lo is not canonical any more. */
	pg.cr4 &= ~L_CR4_LA57;
	assert_xlate_err(lo, 0, GUEST_MEM_E_NONCANON);
}

/* ---- fault descriptors (APM 8.4.2) --------------------------------------- */

static const unsigned all_accs[] = {
	0, GUEST_ACC_WRITE, GUEST_ACC_USER, GUEST_ACC_USER | GUEST_ACC_WRITE,
	GUEST_ACC_EXEC, GUEST_ACC_USER | GUEST_ACC_EXEC,
	GUEST_ACC_IMPLICIT, GUEST_ACC_IMPLICIT | GUEST_ACC_USER | GUEST_ACC_WRITE,
};
#define NR_ACCS (sizeof(all_accs) / sizeof(all_accs[0]))

Test(guest_mem, fault_not_present_and_reserved_at_each_level)
{
	gm.maxphyaddr = 40;
	for (int level = 4; level >= 1; level--) {
		struct path p = map_at(0x600000, 0x250000, 1, P | RW | US);

		*p.e[level] &= ~P;
		for (unsigned i = 0; i < NR_ACCS; i++)
			assert_pf(0x600000, all_accs[i], GUEST_MEM_E_NOTMAPPED, PF_NOT_PRESENT,
				  level, p.e[level], false);
		*p.e[level] |= P | (1ull << 45);     /* above MAXPHYADDR */
		for (unsigned i = 0; i < NR_ACCS; i++)
			assert_pf(0x600000, all_accs[i], GUEST_MEM_E_RSVD, PF_RESERVED,
				  level, p.e[level], false);
		*p.e[level] &= ~(1ull << 45);
		assert_xlate(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x250000);
	}
	/* Spot checks of the rule against literal error codes. */
	cr_assert(eq(u32, apm_pf_error(PF_NOT_PRESENT, GUEST_ACC_USER | GUEST_ACC_WRITE), 0x6));
	cr_assert(eq(u32, apm_pf_error(PF_RESERVED, GUEST_ACC_WRITE), 0xB));
	cr_assert(eq(u32, apm_pf_error(PF_RESERVED, GUEST_ACC_EXEC), 0x19));
	cr_assert(eq(u32, apm_pf_error(PF_NOT_PRESENT, GUEST_ACC_IMPLICIT | GUEST_ACC_USER), 0));
}

Test(guest_mem, fault_protection_paths)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | RW | US);

	/* User access to a supervisor page (any level): P|U (+W, +I/D). */
	*p.e[3] &= ~US;
	assert_pf(0x600000, GUEST_ACC_USER, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	assert_pf(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, GUEST_MEM_E_PERM,
		  PF_PROTECTION, 0, NULL, false);
	assert_pf(0x600000, GUEST_ACC_USER | GUEST_ACC_EXEC, GUEST_MEM_E_PERM,
		  PF_PROTECTION, 0, NULL, false);
	cr_assert(eq(u32, apm_pf_error(PF_PROTECTION, GUEST_ACC_USER | GUEST_ACC_EXEC), 0x15));
	/* An implicit supervisor access at CPL3 has supervisor rights. */
	assert_xlate(0x600000, GUEST_ACC_USER | GUEST_ACC_IMPLICIT, 0x250000);
	*p.e[3] |= US;
	/* Write to a read-only page: P|W, P|W|U. */
	*p.e[2] &= ~RW;
	assert_pf(0x600000, GUEST_ACC_WRITE, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	assert_pf(0x600000, GUEST_ACC_WRITE | GUEST_ACC_USER, GUEST_MEM_E_PERM,
		  PF_PROTECTION, 0, NULL, false);
	assert_pf(0x600000, GUEST_ACC_WRITE | GUEST_ACC_USER | GUEST_ACC_IMPLICIT,
		  GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	*p.e[2] |= RW;
	/* Fetch from an NX page: P|I/D. */
	*p.e[4] |= NX;
	assert_pf(0x600000, GUEST_ACC_EXEC, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	*p.e[4] &= ~NX;
	/* Without EFER.NXE and SMEP a fetch sets no I/D. */
	pg.efer &= ~L_EFER_NXE;
	*p.e[1] &= ~P;
	assert_pf(0x600000, GUEST_ACC_EXEC, GUEST_MEM_E_NOTMAPPED, PF_NOT_PRESENT, 1,
		  p.e[1], false);
	cr_assert(eq(u32, apm_pf_error(PF_NOT_PRESENT, GUEST_ACC_EXEC), 0));
}

Test(guest_mem, l1_side_errors_have_nothing_to_inject)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | RW);
	uint64_t cr3 = pg.cr3;
	unsigned char buf[0x20];
	struct guest_fault f;
	size_t done;

	/* Data outside RAM, a table outside RAM, a read fault, a bad mode. */
	*p.e[1] = RAM_SIZE | P | RW;
	assert_l1_error(0x600000, 0, GUEST_MEM_E_OUTSIDE);
	*p.e[1] = 0x250000 | P | RW;
	pg.cr3 = RAM_SIZE;
	assert_l1_error(0x600000, 0, GUEST_MEM_E_OUTSIDE);
	pg.cr3 = cr3;
	ram.fail_gpa = gpa_of(p.e[2]);
	assert_l1_error(0x600000, 0, GUEST_MEM_E_READ);
	ram.fail_gpa = ~0ull;
	pg.cr4 = 0;
	assert_l1_error(0x600000, 0, GUEST_MEM_E_MODE);
	pg.cr4 = L_CR4_PAE;
	/* A copy describes the failing page: the second one, not mapped. */
	memset(&f, 0x5A, sizeof(f));
	cr_assert(eq(int, guest_copy_from_virt_ex(&gm, &pg, 0x600FF0, buf, sizeof(buf), 0,
						  &done, &f), GUEST_MEM_E_NOTMAPPED));
	cr_assert(eq(u64, done, 0x10));
	cr_assert(eq(int, f.vector, 14));
	cr_assert(eq(u64, f.addr, 0x601000));
	cr_assert(eq(u32, f.pf_error, apm_pf_error(PF_NOT_PRESENT, 0)));
	cr_assert(eq(int, f.level, 1));
	cr_assert(eq(u64, f.entry_gpa, gpa_of(p.e[1]) + 8));
	/* ... a bad length, a data read fault, and success. */
	cr_assert(eq(int, guest_copy_from_virt_ex(&gm, &pg, ~0ull, buf, 2, 0, &done, &f),
		     GUEST_MEM_E_RANGE));
	cr_assert(eq(int, f.vector, GUEST_FAULT_NONE));
	cr_assert(eq(int, f.reason, GUEST_MEM_E_RANGE));
	ram.fail_gpa = 0x250FF8;
	cr_assert(eq(int, guest_copy_from_virt_ex(&gm, &pg, 0x600FF0, buf, 0x10, 0, &done, &f),
		     GUEST_MEM_E_READ));
	cr_assert(eq(int, f.vector, GUEST_FAULT_NONE));
	cr_assert(eq(u64, f.addr, 0x600FF0));
	ram.fail_gpa = ~0ull;
	cr_assert(eq(int, guest_copy_from_virt_ex(&gm, &pg, 0x600FF0, buf, 0x10, 0, &done, &f), 0));
	cr_assert(eq(int, f.vector, GUEST_FAULT_NONE));
	cr_assert(eq(int, f.reason, 0));
	cr_assert(eq(int, guest_translate_ex(&gm, &pg, 0x600000, 0, &(uint64_t){ 0 }, &f), 0));
	cr_assert(eq(int, f.reason, 0));
	cr_assert(eq(int, f.vector, GUEST_FAULT_NONE));
}

/* ---- SMEP, SMAP, protection keys (APM 5.6) -------------------------------- */

Test(guest_mem, smep)
{
	struct path u = map_at(0x600000, 0x250000, 1, P | RW | US);

	map_at(0x700000, 0x260000, 1, P | RW);          /* supervisor page */
	pg.cr4 |= L_CR4_SMEP;
	assert_pf(0x600000, GUEST_ACC_EXEC, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	assert_xlate(0x600000, GUEST_ACC_EXEC | GUEST_ACC_USER, 0x250000);
	assert_xlate(0x600000, GUEST_ACC_WRITE, 0x250000);   /* data: not SMEP's */
	assert_xlate(0x700000, GUEST_ACC_EXEC, 0x260000);
	/* A page is a user page only if U/S is 1 at every level. */
	*u.e[2] &= ~US;
	assert_xlate(0x600000, GUEST_ACC_EXEC, 0x250000);
	*u.e[2] |= US;
	/* SMEP makes fetch faults set I/D even without NXE. */
	pg.efer &= ~L_EFER_NXE;
	assert_pf(0x600000, GUEST_ACC_EXEC, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	cr_assert(eq(u32, apm_pf_error(PF_PROTECTION, GUEST_ACC_EXEC), 0x11));
	assert_pf(0x900000, GUEST_ACC_EXEC, GUEST_MEM_E_NOTMAPPED, PF_NOT_PRESENT, 2,
		  entry_at(*u.e[3] & ADDR, 0x900000, 2), false);
}

Test(guest_mem, smap)
{
	map_at(0x600000, 0x250000, 1, P | RW | US);
	map_at(0x700000, 0x260000, 1, P | RW);          /* supervisor page */
	pg.cr4 |= L_CR4_SMAP;
	/* Explicit supervisor data access to a user page, AC=0: P (+W). */
	assert_pf(0x600000, 0, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	assert_pf(0x600000, GUEST_ACC_WRITE, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	/* ... even with CR0.WP=0. */
	pg.cr0 &= ~L_CR0_WP;
	assert_pf(0x600000, GUEST_ACC_WRITE, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	pg.cr0 |= L_CR0_WP;
	/* Not for user accesses, fetches, or supervisor pages. */
	assert_xlate(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x250000);
	assert_xlate(0x600000, GUEST_ACC_EXEC, 0x250000);
	assert_xlate(0x700000, GUEST_ACC_WRITE, 0x260000);
	/* AC=1 lifts it for explicit accesses, and (as in QEMU) implicit ones
	 * at CPL0-2; an implicit access made at CPL3 is always checked. */
	pg.rflags = L_RFLAGS_AC;
	assert_xlate(0x600000, GUEST_ACC_WRITE, 0x250000);
	assert_xlate(0x600000, GUEST_ACC_IMPLICIT, 0x250000);
	assert_pf(0x600000, GUEST_ACC_IMPLICIT | GUEST_ACC_USER, GUEST_MEM_E_PERM,
		  PF_PROTECTION, 0, NULL, false);
	cr_assert(eq(u32, apm_pf_error(PF_PROTECTION, GUEST_ACC_IMPLICIT | GUEST_ACC_USER), 0x1));
	pg.rflags = 0;
	assert_pf(0x600000, GUEST_ACC_IMPLICIT, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	/* Without CR4.SMAP, RFLAGS is not even looked at. */
	pg.cr4 &= ~L_CR4_SMAP;
	pg.rflags = ~0ull;
	assert_xlate(0x600000, GUEST_ACC_WRITE, 0x250000);
}

Test(guest_mem, protection_keys)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | RW | US | (5ull << 59));

	map_at(0x700000, 0x260000, 1, P | RW | (5ull << 59));   /* supervisor page */
	pg.pkru = 1u << 10;                      /* key 5: AD */
	assert_xlate(0x600000, GUEST_ACC_USER, 0x250000);   /* CR4.PKE=0: no keys */
	pg.cr4 |= L_CR4_PKE;
	assert_pf(0x600000, GUEST_ACC_USER, GUEST_MEM_E_PERM, PF_PKEY, 0, NULL, false);
	assert_pf(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, GUEST_MEM_E_PERM, PF_PKEY, 0,
		  NULL, false);
	cr_assert(eq(u32, apm_pf_error(PF_PKEY, GUEST_ACC_USER | GUEST_ACC_WRITE), 0x27));
	/* Supervisor accesses to user pages are checked too; fetches never;
	 * supervisor pages never (PKS is not modelled). */
	assert_pf(0x600000, 0, GUEST_MEM_E_PERM, PF_PKEY, 0, NULL, false);
	assert_xlate(0x600000, GUEST_ACC_USER | GUEST_ACC_EXEC, 0x250000);
	assert_xlate(0x700000, GUEST_ACC_WRITE, 0x260000);
	/* Other keys' bits do not matter. */
	pg.pkru = ~(3u << 10);
	assert_xlate(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x250000);
	/* WD: reads fine, user writes fault, supervisor writes only with WP. */
	pg.pkru = 2u << 10;
	assert_xlate(0x600000, GUEST_ACC_USER, 0x250000);
	assert_pf(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, GUEST_MEM_E_PERM, PF_PKEY, 0,
		  NULL, false);
	assert_pf(0x600000, GUEST_ACC_WRITE, GUEST_MEM_E_PERM, PF_PKEY, 0, NULL, false);
	pg.cr0 &= ~L_CR0_WP;
	assert_xlate(0x600000, GUEST_ACC_WRITE, 0x250000);
	pg.cr0 |= L_CR0_WP;
	/* A user access to a supervisor page is a plain protection fault,
	 * checked before the key. */
	pg.pkru = 1u << 10;
	*p.e[2] &= ~US;
	assert_pf(0x600000, GUEST_ACC_USER, GUEST_MEM_E_PERM, PF_PROTECTION, 0, NULL, false);
	/* Keys exist only in long mode: PAE legacy ignores CR4.PKE. */
	mode_pae();
	pg.cr4 |= L_CR4_PKE;
	pg.pkru = ~0u;
	map_pae(0x1000, 0x3000, 1, P | RW | US);
	assert_xlate(0x1000, GUEST_ACC_USER | GUEST_ACC_WRITE, 0x3000);
}

/* ---- A/D bits (APM 5.4.2) -------------------------------------------------- */

/* RAM as it was, for "exactly these entries changed" checks. */
static unsigned char *snapshot(void)
{
	unsigned char *s = malloc(RAM_SIZE);

	cr_assert(ne(ptr, s, NULL));
	memcpy(s, ram.mem, RAM_SIZE);
	return s;
}

/* RAM equals the snapshot with only the listed qwords changed to vals. */
static void assert_ram_is(unsigned char *snap, unsigned n, const uint64_t *gpas,
			  const uint64_t *vals)
{
	size_t off = 0;

	for (unsigned i = 0; i < n; i++)
		memcpy(snap + gpas[i], &vals[i], 8);
	while (off < RAM_SIZE && snap[off] == ram.mem[off])
		off++;
	cr_assert(eq(u64, off, RAM_SIZE), "RAM differs from the expected at %#zx", off);
	free(snap);
}

Test(guest_mem, ad_bits_read_sets_a_write_sets_d)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | RW | US);
	uint64_t g[4], v[4];
	unsigned char *snap = snapshot();

	enable_ad();
	for (int level = 4; level >= 1; level--) {
		g[4 - level] = gpa_of(p.e[level]);
		v[4 - level] = *p.e[level] | A;      /* A on each entry, no D */
	}
	assert_xlate(0x600123, GUEST_ACC_USER, 0x250123);
	cr_assert(eq(uint, ram.nr_cmpxchg, 4));
	for (unsigned i = 0; i < 4; i++)
		cr_assert(eq(u64, ram.xlog[i], g[i]), "top-down order");
	assert_ram_is(snap, 4, g, v);
	/* Nothing left to set: no compare-and-exchange at all. */
	assert_xlate(0x600123, 0, 0x250123);
	cr_assert(eq(uint, ram.nr_cmpxchg, 4));
	/* A write sets D on the leaf only. */
	snap = snapshot();
	assert_xlate(0x600123, GUEST_ACC_WRITE, 0x250123);
	cr_assert(eq(uint, ram.nr_cmpxchg, 5));
	cr_assert(eq(u64, ram.xlog[4], g[3]));
	v[3] |= D;
	assert_ram_is(snap, 1, &g[3], &v[3]);
	/* GUEST_ACC_PROBE checks without setting anything. */
	map_at(0x601000, 0x251000, 1, P | RW | US);
	snap = snapshot();
	assert_xlate(0x601000, GUEST_ACC_WRITE | GUEST_ACC_PROBE, 0x251000);
	cr_assert(eq(uint, ram.nr_cmpxchg, 5));
	assert_ram_is(snap, 0, NULL, NULL);
}

Test(guest_mem, ad_bits_large_pages)
{
	struct path p2 = map_at(0x40000000, 0x200000, 2, P | RW);
	struct path p1 = map_at(0x200000000ull, 0, 3, P | RW);
	unsigned char *snap = snapshot();
	uint64_t g[5] = { gpa_of(p2.e[4]), gpa_of(p2.e[3]), gpa_of(p2.e[2]),
			  gpa_of(p1.e[4]), gpa_of(p1.e[3]) };
	uint64_t v[5] = { *p2.e[4] | A, *p2.e[3] | A, *p2.e[2] | A | D,
			  *p1.e[4] | A, *p1.e[3] | A | D };

	enable_ad();
	assert_xlate(0x40012345, GUEST_ACC_WRITE, 0x212345);
	cr_assert(eq(uint, ram.nr_cmpxchg, 3));
	/* 8 GiB is PML4 index 0 too: the PML4E is shared, so the 1 GiB write
	 * adds A and D to its PDPE only. */
	cr_assert(eq(u64, g[0], g[3]));
	v[3] = v[0];
	assert_xlate(0x200003456ull, GUEST_ACC_WRITE, 0x3456);
	cr_assert(eq(uint, ram.nr_cmpxchg, 4));       /* PML4E had A already */
	assert_ram_is(snap, 5, g, v);
}

Test(guest_mem, ad_bits_when_the_walk_faults)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | US);   /* read-only */
	uint64_t g[3] = { gpa_of(p.e[4]), gpa_of(p.e[3]), gpa_of(p.e[2]) };
	uint64_t v[3] = { *p.e[4] | A, *p.e[3] | A, *p.e[2] | A };
	unsigned char *snap = snapshot();

	enable_ad();
	/* A permission fault: the upper entries were used (A), the leaf was
	 * not (no A, no D). */
	assert_xlate_err(0x600000, GUEST_ACC_USER | GUEST_ACC_WRITE, GUEST_MEM_E_PERM);
	assert_ram_is(snap, 3, g, v);
	/* Not present at the PTE: same. Reserved bit in the PDE: only the
	 * two entries above it. */
	*p.e[1] &= ~P;
	snap = snapshot();
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_NOTMAPPED);
	assert_ram_is(snap, 0, NULL, NULL);
	*p.e[1] |= P;
	*p.e[4] &= ~A;
	*p.e[3] &= ~A;
	*p.e[2] &= ~A;
	gm.maxphyaddr = 40;
	*p.e[2] |= 1ull << 44;
	snap = snapshot();
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_RSVD);
	assert_ram_is(snap, 2, g, v);
	/* Data outside RAM: the leaf is not touched. */
	gm.maxphyaddr = 0;
	*p.e[2] &= ~(1ull << 44);
	*p.e[1] = (RAM_SIZE + 0x1000) | P | US;
	snap = snapshot();
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_OUTSIDE);
	v[2] = *p.e[2] | A;
	assert_ram_is(snap, 1, &g[2], &v[2]);
	/* A/D wanted but no cmpxchg_u64: an L1 configuration error; a probe
	 * needs none. */
	gm.cmpxchg_u64 = NULL;
	assert_l1_error(0x600000, 0, GUEST_MEM_E_NOCB);
	*p.e[1] = 0x250000 | P | US;
	assert_xlate(0x600000, GUEST_ACC_PROBE, 0x250000);
	/* A cmpxchg that faults is L1's problem too. */
	gm.cmpxchg_u64 = sim_cmpxchg;
	ram.fail_cmpxchg_gpa = gpa_of(p.e[1]);
	assert_l1_error(0x600000, 0, GUEST_MEM_E_WRITE);
}

Test(guest_mem, ad_bits_32bit_and_pae)
{
	struct path32 q;
	struct path p;
	unsigned char *snap;
	uint32_t *nb;

	enable_ad();
	/* 32-bit: 4-byte entries updated through their aligned qword; the
	 * neighbouring entry in that qword is left as it was. */
	mode_32(true);
	q = map_32(0x00401000, 0x123000, 1, P | RW | US);   /* PDE 1 (high half), PTE 1 */
	nb = q.e[2] - 1;                                    /* PDE 0, same qword */
	*nb = 0x00400000 | (uint32_t)(P | RW | PS);         /* a 4 MiB leaf */
	snap = snapshot();
	assert_xlate(0x00401010, GUEST_ACC_WRITE, 0x123010);
	cr_assert(eq(uint, ram.nr_cmpxchg, 2));
	cr_assert(eq(u64, ram.xlog[0], gpa_of(q.e[2]) - 4));
	cr_assert(eq(u64, ram.xlog[1], gpa_of(q.e[1]) - 4));
	{
		uint64_t g[2] = { gpa_of(nb), gpa_of(q.e[1]) - 4 };
		uint64_t v[2] = { (uint64_t)(*q.e[2]) << 32 | *nb,
				  (uint64_t)(*q.e[1]) << 32 | *(q.e[1] - 1) };

		cr_assert(eq(u32, *q.e[2] & (uint32_t)(A | D), (uint32_t)A));
		cr_assert(eq(u32, *q.e[1] & (uint32_t)(A | D), (uint32_t)(A | D)));
		cr_assert(eq(u32, *nb, 0x00400000 | (uint32_t)(P | RW | PS)));
		assert_ram_is(snap, 2, g, v);
	}
	/* The 4 MiB leaf: A and D. */
	gm.ram_size = 8ull << 20;    /* the page is past the simulated RAM: */
	assert_xlate(0x00000010, GUEST_ACC_WRITE, 0x400010);   /* translation only */
	gm.ram_size = RAM_SIZE;
	cr_assert(eq(u32, *nb & (uint32_t)(A | D), (uint32_t)(A | D)));
	/* PAE: the PDPE has no A bit and is never written. */
	mode_pae();
	p = map_pae(0x1000, 0x3000, 1, P | RW | US);
	snap = snapshot();
	assert_xlate(0x1000, GUEST_ACC_WRITE, 0x3000);
	{
		uint64_t g[2] = { gpa_of(p.e[2]), gpa_of(p.e[1]) };
		uint64_t v[2] = { *p.e[2], *p.e[1] };

		cr_assert(eq(u64, *p.e[3] & A, 0));
		cr_assert(eq(u64, v[0] & (A | D), A));
		cr_assert(eq(u64, v[1] & (A | D), A | D));
		assert_ram_is(snap, 2, g, v);
	}
}

Test(guest_mem, ad_update_redoes_the_walk_on_a_concurrent_change)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | RW | US);
	uint64_t pte = gpa_of(p.e[1]), pde = gpa_of(p.e[2]);

	enable_ad();
	/* Another CPU sets an AVL bit in the PTE just before L1's cmpxchg:
	 * the swap fails, the walk is redone, and both changes survive. */
	ram.race_gpa = pte;
	ram.race_bits = 1ull << 9;
	ram.race_left = 1;
	assert_xlate(0x600000, GUEST_ACC_WRITE, 0x250000);
	cr_assert(eq(u64, *p.e[1], 0x250000 | P | RW | US | A | D | (1ull << 9)));
	cr_assert(eq(uint, ram.nr_cmpxchg, 5));      /* 4 + the PTE again */
	cr_assert(eq(u64, ram.xlog[3], pte));
	cr_assert(eq(u64, ram.xlog[4], pte));
	cr_assert(eq(uint, ram.nr_reads, 8));        /* two whole walks */
	/* A change that unmaps an upper level: the second walk faults there
	 * and leaves the entry as the other CPU wrote it. */
	*p.e[2] &= ~A;
	ram.race_gpa = pde;
	ram.race_bits = P;
	ram.race_left = 1;
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_NOTMAPPED);
	cr_assert(eq(u64, *p.e[2] & (P | A), 0));
	/* Entries that never stop changing: give up after the retry limit. */
	*p.e[2] |= P;
	*p.e[1] &= ~(A | D);
	ram.nr_cmpxchg = 0;
	ram.race_gpa = pte;
	ram.race_bits = 1ull << 10;
	ram.race_left = 1000;
	assert_l1_error(0x600000, GUEST_ACC_WRITE, GUEST_MEM_E_RETRY);
	cr_assert(eq(uint, ram.nr_cmpxchg, 1 + GUEST_MEM_AD_RETRIES));   /* PDE, then PTE */
	cr_assert(eq(u64, *p.e[1] & (A | D), 0));
}

Test(guest_mem, ad_update_32bit_neighbour_change)
{
	struct path32 q;

	enable_ad();
	mode_32(false);
	q = map_32(0x00001000, 0x5000, 1, P | RW);          /* PTE 1: high half */
	q.e[1][-1] = 0x7000 | (uint32_t)P;                  /* PTE 0 */
	q.e[2][0] |= (uint32_t)A;
	/* The other half of the qword changes: retried, and kept. */
	ram.race_gpa = gpa_of(q.e[1]) - 4;
	ram.race_bits = 1ull << 9;                          /* PTE 0's AVL */
	ram.race_left = 1;
	assert_xlate(0x1000, 0, 0x5000);
	cr_assert(eq(u32, q.e[1][-1], 0x7000 | (uint32_t)P | (1u << 9)));
	cr_assert(eq(u32, q.e[1][0], 0x5000 | (uint32_t)(P | RW | A)));
	cr_assert(eq(uint, ram.nr_cmpxchg, 2));
	/* The entry itself changes between the walk's read and the update
	 * (remapped to 0x7000): seen when the qword is read, walk redone, and
	 * the translation is the new one, A set on the new value. */
	q = map_32(0x00402000, 0x5000, 1, P | RW);          /* PTE 2: low half */
	ram.race_read_gpa = gpa_of(q.e[1]);
	ram.race_read_bits = 0x2000;
	ram.race_read_left = 1;
	ram.nr_cmpxchg = 0;
	assert_xlate(0x00402010, 0, 0x7010);
	cr_assert(eq(u32, q.e[1][0], 0x7000 | (uint32_t)(P | RW | A)));
}

/* ---- writes ----------------------------------------------------------------- */

static unsigned char wsrc[0x3000];

static void fill_src(void)
{
	for (unsigned i = 0; i < sizeof(wsrc); i++)
		wsrc[i] = (unsigned char)(i * 11 + 3);
}

Test(guest_mem, write_across_pages)
{
	size_t len = 0x10 + 0x1000 + 0x10, done = 0;

	map_copy_pages();
	fill_src();
	ram.nr_reads = 0;
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0x10FF0, wsrc, len, GUEST_ACC_USER,
					     &done), 0));
	cr_assert(eq(u64, done, len));
	cr_assert(eq(int, memcmp(ram.mem + copy_pa[0] + 0xFF0, wsrc, 0x10), 0));
	cr_assert(eq(int, memcmp(ram.mem + copy_pa[1], wsrc + 0x10, 0x1000), 0));
	cr_assert(eq(int, memcmp(ram.mem + copy_pa[2], wsrc + 0x1010, 0x10), 0));
	/* One write_phys per page, never crossing it; each byte written once,
	 * nothing else. */
	cr_assert(eq(uint, ram.nr_writes, 3));
	cr_assert(eq(u64, ram.wlog[0].gpa, copy_pa[0] + 0xFF0));
	cr_assert(eq(u64, ram.wlog[0].len, 0x10));
	cr_assert(eq(u64, ram.wlog[1].gpa, copy_pa[1]));
	cr_assert(eq(u64, ram.wlog[1].len, 0x1000));
	cr_assert(eq(u64, ram.wlog[2].gpa, copy_pa[2]));
	cr_assert(eq(u64, ram.wlog[2].len, 0x10));
	for (unsigned b = 0; b < 0x1000; b++) {
		cr_assert(eq(u8, ram.byte_writes[copy_pa[0] + b], b >= 0xFF0));
		cr_assert(eq(u8, ram.byte_writes[copy_pa[1] + b], 1));
		cr_assert(eq(u8, ram.byte_writes[copy_pa[2] + b], b < 0x10));
		cr_assert(eq(u8, ram.byte_writes[copy_pa[3] + b], 0));
	}
	/* Two passes of translation (check, then write): 2 x 3 x 4 reads. */
	cr_assert(eq(uint, ram.nr_reads, 24));
}

Test(guest_mem, write_sets_dirty_bits_of_the_pages_written)
{
	struct path p[4];
	size_t done;

	for (unsigned i = 0; i < 4; i++)
		p[i] = map_at(0x10000 + i * 0x1000, copy_pa[i], 1, P | RW | US);
	enable_ad();
	fill_src();
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0x10800, wsrc, 0x1000, 0, &done), 0));
	cr_assert(eq(u64, *p[0].e[1] & (A | D), A | D));
	cr_assert(eq(u64, *p[1].e[1] & (A | D), A | D));
	cr_assert(eq(u64, *p[2].e[1] & (A | D), 0));
	cr_assert(eq(u64, *p[0].e[2] & (A | D), A));       /* table: A only */
	/* Reads set A only. */
	cr_assert(eq(int, guest_copy_from_virt(&gm, &pg, 0x12000, wsrc, 8, 0, &done), 0));
	cr_assert(eq(u64, *p[2].e[1] & (A | D), A));
}

Test(guest_mem, write_failing_on_the_second_page_changes_nothing)
{
	struct guest_fault f;
	unsigned char *snap;
	size_t done = 99;
	struct path p;

	map_copy_pages();
	fill_src();
	enable_ad();
	/* Read-only second page: nothing written, no A/D bit set anywhere,
	 * the fault is the second page's. */
	p = map_at(0x11000, copy_pa[1], 1, P | US);
	snap = snapshot();
	cr_assert(eq(int, guest_copy_to_virt_ex(&gm, &pg, 0x10800, wsrc, 0x1000,
						GUEST_ACC_USER, &done, &f), GUEST_MEM_E_PERM));
	cr_assert(eq(u64, done, 0));
	cr_assert(eq(uint, ram.nr_writes, 0));
	cr_assert(eq(uint, ram.nr_cmpxchg, 0));
	cr_assert(eq(int, f.vector, 14));
	cr_assert(eq(u64, f.addr, 0x11000));
	cr_assert(eq(u32, f.pf_error, apm_pf_error(PF_PROTECTION, GUEST_ACC_USER | GUEST_ACC_WRITE)));
	assert_ram_is(snap, 0, NULL, NULL);
	/* Not present: the same, with P=0. */
	*p.e[1] &= ~P;
	snap = snapshot();
	cr_assert(eq(int, guest_copy_to_virt_ex(&gm, &pg, 0x10800, wsrc, 0x1000, 0, &done, &f),
		     GUEST_MEM_E_NOTMAPPED));
	cr_assert(eq(u64, done, 0));
	cr_assert(eq(u32, f.pf_error, apm_pf_error(PF_NOT_PRESENT, GUEST_ACC_WRITE)));
	cr_assert(eq(int, f.level, 1));
	/* done may be NULL. */
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0x10800, wsrc, 0x1000, 0, NULL),
		     GUEST_MEM_E_NOTMAPPED));
	cr_assert(eq(uint, ram.nr_writes, 0));
	assert_ram_is(snap, 0, NULL, NULL);
	/* Mapped outside RAM: L1's error, nothing written. */
	*p.e[1] = (RAM_SIZE - 0x1000 + 0x1000) | P | RW | US;
	snap = snapshot();
	cr_assert(eq(int, guest_copy_to_virt_ex(&gm, &pg, 0x10800, wsrc, 0x1000, 0, &done, &f),
		     GUEST_MEM_E_OUTSIDE));
	cr_assert(eq(int, f.vector, GUEST_FAULT_NONE));
	cr_assert(eq(u64, done, 0));
	cr_assert(eq(uint, ram.nr_writes, 0));
	assert_ram_is(snap, 0, NULL, NULL);
	/* Only a write_phys fault in the second pass leaves a prefix: *done
	 * says how much. */
	*p.e[1] = copy_pa[1] | P | RW | US;
	ram.fail_write_gpa = copy_pa[1] + 0x10;
	cr_assert(eq(int, guest_copy_to_virt_ex(&gm, &pg, 0x10800, wsrc, 0x1000, 0, &done, &f),
		     GUEST_MEM_E_WRITE));
	cr_assert(eq(u64, done, 0x800));
	cr_assert(eq(int, f.vector, GUEST_FAULT_NONE));
	cr_assert(eq(u64, f.addr, 0x11000));
	cr_assert(eq(int, memcmp(ram.mem + copy_pa[0] + 0x800, wsrc, 0x800), 0));
}

Test(guest_mem, write_to_read_only_page_and_cr0_wp)
{
	struct path p = map_at(0x600000, 0x250000, 1, P | US);     /* read-only */
	unsigned char b = 0x77;

	enable_ad();
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0x600010, &b, 1, 0, NULL),
		     GUEST_MEM_E_PERM));
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0x600010, &b, 1, GUEST_ACC_USER, NULL),
		     GUEST_MEM_E_PERM));
	cr_assert(eq(u8, ram.mem[0x250010], 0));
	/* CR0.WP=0: a supervisor write ignores R/W (and sets D), a user write
	 * does not. */
	pg.cr0 &= ~L_CR0_WP;
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0x600010, &b, 1, 0, NULL), 0));
	cr_assert(eq(u8, ram.mem[0x250010], 0x77));
	cr_assert(eq(u64, *p.e[1] & (A | D), A | D));
	b = 0x88;
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0x600010, &b, 1, GUEST_ACC_USER, NULL),
		     GUEST_MEM_E_PERM));
	cr_assert(eq(u8, ram.mem[0x250010], 0x77));
	/* GUEST_ACC_EXEC is ignored for a write (NX page, supervisor). */
	*p.e[1] |= NX;
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0x600010, &b, 1, GUEST_ACC_EXEC, NULL), 0));
	cr_assert(eq(u8, ram.mem[0x250010], 0x88));
}

Test(guest_mem, write_outside_ram_and_length_rules)
{
	static unsigned char big[GUEST_MEM_COPY_MAX + 1];
	size_t done = 99;

	/* Paging off: the second page is past RAM, so nothing is written. */
	pg.cr0 = L_CR0_PE;
	pg.efer = 0;
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, RAM_SIZE - 8, big, 16, 0, &done),
		     GUEST_MEM_E_OUTSIDE));
	cr_assert(eq(u64, done, 0));
	cr_assert(eq(uint, ram.nr_writes, 0));
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, RAM_SIZE - 8, big, 8, 0, &done), 0));
	cr_assert(eq(u64, done, 8));
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0, big, GUEST_MEM_COPY_MAX + 1, 0, &done),
		     GUEST_MEM_E_RANGE));
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, ~0ull - 3, big, 5, 0, &done),
		     GUEST_MEM_E_RANGE));
	cr_assert(eq(u64, done, 0));
	done = 99;
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 1ull << 60, big, 0, 0, &done), 0));
	cr_assert(eq(u64, done, 0));
	cr_assert(eq(uint, ram.nr_writes, 1));
	/* No write_phys: nothing can be written. */
	gm.write_phys = NULL;
	cr_assert(eq(int, guest_copy_to_virt(&gm, &pg, 0, big, 1, 0, &done),
		     GUEST_MEM_E_NOCB));
	cr_assert(eq(int, guest_copy_to_phys(&gm, 0, big, 1), GUEST_MEM_E_NOCB));
}

Test(guest_mem, copy_to_phys)
{
	fill_src();
	cr_assert(eq(int, guest_copy_to_phys(&gm, 0x2FF0, wsrc, 0x1020), 0));
	cr_assert(eq(int, memcmp(ram.mem + 0x2FF0, wsrc, 0x1020), 0));
	cr_assert(eq(uint, ram.nr_writes, 3));
	cr_assert(eq(u64, ram.wlog[1].gpa, 0x3000));
	cr_assert(eq(u64, ram.wlog[1].len, 0x1000));
	/* The whole range must be RAM, else nothing is written. */
	cr_assert(eq(int, guest_copy_to_phys(&gm, RAM_SIZE - 0x10, wsrc, 0x11),
		     GUEST_MEM_E_OUTSIDE));
	cr_assert(eq(int, guest_copy_to_phys(&gm, RAM_SIZE, wsrc, 1), GUEST_MEM_E_OUTSIDE));
	cr_assert(eq(uint, ram.nr_writes, 3));
	cr_assert(eq(int, guest_copy_to_phys(&gm, RAM_SIZE - 0x10, wsrc, 0x10), 0));
	cr_assert(eq(int, guest_copy_to_phys(&gm, ~0ull, wsrc, 2), GUEST_MEM_E_RANGE));
	cr_assert(eq(int, guest_copy_to_phys(&gm, 0, wsrc, GUEST_MEM_COPY_MAX + 1),
		     GUEST_MEM_E_RANGE));
	cr_assert(eq(int, guest_copy_to_phys(&gm, RAM_SIZE, wsrc, 0), 0));
	/* A write fault: the pages before it are written. */
	ram.fail_write_gpa = 0x5000;
	cr_assert(eq(int, guest_copy_to_phys(&gm, 0x4800, wsrc + 1, 0x1000), GUEST_MEM_E_WRITE));
	cr_assert(eq(int, memcmp(ram.mem + 0x4800, wsrc + 1, 0x800), 0));
}

/* ---- the walk cache with A/D, SMAP, keys, 32-bit entries ----------------- */

Test(guest_mem, walk_cache_never_skips_an_ad_update)
{
	struct guest_walk_cache cache = { 0 };
	struct path p = map_at(0x40001000, 0x200000, 1, P | RW | US);
	unsigned reads;

	gm.cache = &cache;
	enable_ad();
	assert_xlate(0x40001000, 0, 0x200000);
	cr_assert(eq(uint, ram.nr_cmpxchg, 4));
	cr_assert(eq(int, cache.way[GUEST_WALK_WAY_DATA].ad_done, 1));
	reads = ram.nr_reads;
	assert_xlate(0x40001008, 0, 0x200008);                       /* hit */
	cr_assert(eq(uint, ram.nr_reads - reads, 4));
	cr_assert(eq(uint, ram.nr_cmpxchg, 4));
	/* L2 clears A (its page-ageing scan): miss, and A is set again. */
	*p.e[2] &= ~A;
	assert_xlate(0x40001000, 0, 0x200000);
	cr_assert(eq(uint, ram.nr_cmpxchg, 5));
	cr_assert(eq(u64, *p.e[2] & A, A));
	/* A write is another access kind: a probe of it fills the cache with
	 * every A set but no D, so the real write misses, walks and sets D. */
	assert_xlate(0x40001000, GUEST_ACC_WRITE | GUEST_ACC_PROBE, 0x200000);
	cr_assert(eq(int, cache.way[GUEST_WALK_WAY_DATA].ad_done, 0));
	cr_assert(eq(u64, *p.e[1] & D, 0));
	assert_xlate(0x40001000, GUEST_ACC_WRITE, 0x200000);
	cr_assert(eq(u64, *p.e[1] & D, D));
	cr_assert(eq(uint, ram.nr_cmpxchg, 6));
	/* A probe fills the cache without A/D: the next real access must not
	 * hit it, then it may. */
	map_at(0x40002000, 0x210000, 1, P | RW | US);
	assert_xlate(0x40002000, GUEST_ACC_PROBE, 0x210000);
	cr_assert(eq(int, cache.way[GUEST_WALK_WAY_DATA].valid, 1));
	cr_assert(eq(int, cache.way[GUEST_WALK_WAY_DATA].ad_done, 0));
	cr_assert(eq(uint, ram.nr_cmpxchg, 6));
	assert_xlate(0x40002000, 0, 0x210000);
	cr_assert(eq(uint, ram.nr_cmpxchg, 7));                      /* the new PTE */
	cr_assert(eq(int, cache.way[GUEST_WALK_WAY_DATA].ad_done, 1));
	reads = ram.nr_reads;
	assert_xlate(0x40002000, GUEST_ACC_PROBE, 0x210000);         /* hit */
	assert_xlate(0x40002000, 0, 0x210000);                       /* hit */
	cr_assert(eq(uint, ram.nr_reads - reads, 8));
}

Test(guest_mem, walk_cache_keys_on_smap_ac_and_pkru)
{
	struct guest_walk_cache cache = { 0 };
	unsigned reads;

	map_at(0x600000, 0x250000, 1, P | RW | US | (3ull << 59));
	gm.cache = &cache;
	pg.cr4 |= L_CR4_SMAP;
	pg.rflags = L_RFLAGS_AC;
	assert_xlate(0x600000, 0, 0x250000);
	pg.rflags = 0;
	assert_xlate_err(0x600000, 0, GUEST_MEM_E_PERM);             /* not a hit */
	pg.rflags = L_RFLAGS_AC | 0x8D5;                              /* other flags */
	reads = ram.nr_reads;
	assert_xlate(0x600000, 0, 0x250000);
	assert_xlate(0x600000, 0, 0x250000);
	cr_assert(eq(uint, ram.nr_reads - reads, 4 + 4));             /* walk, then hit */
	/* Without SMAP, AC is not part of the key. */
	pg.cr4 &= ~L_CR4_SMAP;
	assert_xlate(0x600000, 0, 0x250000);
	pg.rflags = 0;
	reads = ram.nr_reads;
	assert_xlate(0x600000, 0, 0x250000);
	cr_assert(eq(uint, ram.nr_reads - reads, 4));                 /* hit */
	/* PKRU, with CR4.PKE. */
	pg.cr4 |= L_CR4_PKE;
	assert_xlate(0x600000, GUEST_ACC_USER, 0x250000);
	pg.pkru = 1u << 6;                                            /* key 3 AD */
	assert_xlate_err(0x600000, GUEST_ACC_USER, GUEST_MEM_E_PERM);
	pg.pkru = 0;
	assert_xlate(0x600000, GUEST_ACC_USER, 0x250000);
}

Test(guest_mem, walk_cache_32bit_entries)
{
	struct guest_walk_cache cache = { 0 };
	struct path32 q;
	unsigned reads;

	mode_32(false);
	q = map_32(0x00801000, 0x5000, 1, P | RW);
	gm.cache = &cache;
	assert_xlate(0x00801000, 0, 0x5000);
	cr_assert(eq(uint, cache.way[GUEST_WALK_WAY_DATA].entry_size, 4));
	cr_assert(eq(uint, cache.way[GUEST_WALK_WAY_DATA].levels, 2));
	reads = ram.nr_reads;
	assert_xlate(0x00801FFF, 0, 0x5FFF);
	cr_assert(eq(uint, ram.nr_reads - reads, 2));
	cr_assert(eq(u64, ram.log[ram.nr_reads - 1].len, 4));
	/* A change in the other half of the qword is not this entry's. */
	q.e[1][1] = 0x9000 | (uint32_t)P;
	assert_xlate(0x00801000, 0, 0x5000);
	cr_assert(eq(uint, ram.nr_reads - reads, 4));
	q.e[1][0] = 0x6000 | (uint32_t)P;
	assert_xlate(0x00801000, 0, 0x6000);
}

/* ---- error codes ---------------------------------------------------------- */

Test(guest_mem, error_codes_distinct_and_named)
{
	static const int codes[] = {
		GUEST_MEM_E_NOTMAPPED, GUEST_MEM_E_PERM, GUEST_MEM_E_RSVD,
		GUEST_MEM_E_NONCANON, GUEST_MEM_E_OUTSIDE, GUEST_MEM_E_READ,
		GUEST_MEM_E_MODE, GUEST_MEM_E_RANGE, GUEST_MEM_E_WRITE,
		GUEST_MEM_E_NOCB, GUEST_MEM_E_RETRY,
	};
	const unsigned n = sizeof(codes) / sizeof(codes[0]);

	for (unsigned i = 0; i < n; i++) {
		const char *si = guest_mem_strerror(codes[i]);

		cr_assert(lt(int, codes[i], 0));
		cr_assert(ne(ptr, (void *)si, NULL));
		cr_assert(ne(str, (char *)si, "unknown error"));
		for (unsigned j = 0; j < i; j++) {
			cr_assert(ne(int, codes[i], codes[j]));
			cr_assert(ne(str, (char *)si, (char *)guest_mem_strerror(codes[j])));
		}
	}
	cr_assert(eq(str, (char *)guest_mem_strerror(0), "ok"));
	cr_assert(eq(str, (char *)guest_mem_strerror(1), "unknown error"));
	cr_assert(eq(str, (char *)guest_mem_strerror(-12), "unknown error"));
	cr_assert(eq(str, (char *)guest_mem_strerror(INT_MIN), "unknown error"));
	cr_assert(eq(str, (char *)guest_mem_strerror(INT_MAX), "unknown error"));
	/* Which ones are L2's faults. */
	for (unsigned i = 0; i < n; i++)
		cr_assert(eq(int, guest_mem_l2_fault(codes[i]), i < 4));
}

/* Fetches and data accesses have their own ways: alternating between an
 * instruction fetch and a data read of other pages hits on both. */
Test(guest_mem, walk_cache_ways_for_fetch_and_data)
{
	struct guest_walk_cache cache = { 0 };
	unsigned reads;

	map_at(0x40001000, 0x200000, 1, P | RW | US);
	map_at(0x40005000, 0x300000, 1, P | RW | US);
	gm.cache = &cache;
	assert_xlate(0x40001000, GUEST_ACC_EXEC, 0x200000);
	assert_xlate(0x40005008, 0, 0x300008);
	cr_assert(eq(int, cache.way[GUEST_WALK_WAY_FETCH].valid, 1));
	cr_assert(eq(int, cache.way[GUEST_WALK_WAY_DATA].valid, 1));
	reads = ram.nr_reads;
	assert_xlate(0x40001004, GUEST_ACC_EXEC, 0x200004);         /* hit */
	assert_xlate(0x40005010, 0, 0x300010);                      /* hit */
	cr_assert(eq(u32, ram.nr_reads - reads, 8));                /* re-reads only */
}
