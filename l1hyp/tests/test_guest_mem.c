/*
 * Host tests for l1hyp/core/guest_mem.c. A host buffer stands for L2 RAM;
 * the tests build real long-mode 4-level page tables in it (AMD APM vol.2
 * 5.3) and check translation, rights (5.6), reserved bits, range checks and
 * page-by-page copies against a read_phys that logs every call, checks its
 * contract (inside RAM, never crossing a page) and fails on request.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/guest_mem.h"
#include "../../lib/freestanding/x86_regs.h"

#define RAM_SIZE   (4ull << 20)
#define TABLE_BASE 0x100000ull      /* page tables are allocated from here */

#define P   (1ull << 0)
#define RW  (1ull << 1)
#define US  (1ull << 2)
#define A   (1ull << 5)
#define PS  (1ull << 7)
#define NX  (1ull << 63)
#define ADDR 0x000FFFFFFFFFF000ull


struct read_log { uint64_t gpa; size_t len; };

struct ram {
	unsigned char *mem;
	uint64_t next_table;
	uint64_t fail_gpa;          /* a read covering this byte fails; ~0: none */
	struct read_log log[4096];
	unsigned nr_reads;
	unsigned char *byte_reads;  /* reads per byte */
};

static struct ram ram;
static struct guest_mem gm;
static struct guest_paging pg;

static int sim_read_phys(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	struct ram *r = ctx;

	cr_assert(len > 0 && gpa < gm.ram_size && len <= gm.ram_size - gpa,
		  "read_phys(%#lx, %zu) outside RAM", (unsigned long)gpa, len);
	cr_assert(eq(u64, gpa >> 12, (gpa + len - 1) >> 12), "read_phys crosses a page");
	cr_assert(r->nr_reads < 4096);
	r->log[r->nr_reads++] = (struct read_log){ gpa, len };
	if (r->fail_gpa >= gpa && r->fail_gpa < gpa + len)
		return 1;
	for (size_t i = 0; i < len; i++)
		r->byte_reads[gpa + i]++;
	memcpy(dst, r->mem + gpa, len);
	return 0;
}

static void setup(void)
{
	ram.mem = calloc(1, RAM_SIZE);
	ram.byte_reads = calloc(1, RAM_SIZE);
	cr_assert(ne(ptr, ram.mem, NULL));
	cr_assert(ne(ptr, ram.byte_reads, NULL));
	ram.next_table = TABLE_BASE;
	ram.fail_gpa = ~0ull;
	ram.nr_reads = 0;
	gm = (struct guest_mem){ .ram_size = RAM_SIZE, .read_phys = sim_read_phys, .ctx = &ram };
	pg = (struct guest_paging){
		.cr0 = CR0_PE | CR0_WP | CR0_PG,
		.cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
	};
	/* Root table. */
	pg.cr3 = ram.next_table;
	ram.next_table += 0x1000;
}

static void teardown(void)
{
	free(ram.mem);
	free(ram.byte_reads);
}

TestSuite(guest_mem, .init = setup, .fini = teardown);

static uint64_t *entry_at(uint64_t table_gpa, uint64_t va, int level)
{
	return (uint64_t *)(ram.mem + table_gpa) + ((va >> (12 + 9 * (level - 1))) & 511);
}

/*
 * Map va to pa with a leaf at leaf_level (1: 4K, 2: 2M, 3: 1G) and the given
 * leaf flags. Upper entries are created P|RW|US (or reused). Returns the
 * entry pointers on the path so tests can edit any level.
 */
struct path { uint64_t *e[5]; };   /* e[4] = PML4E ... e[leaf] = leaf */

static struct path map_at(uint64_t va, uint64_t pa, int leaf_level, uint64_t leaf_flags)
{
	struct path p = { { 0 } };
	uint64_t table = pg.cr3;

	for (int level = 4; level > leaf_level; level--) {
		uint64_t *e = entry_at(table, va, level);

		if (!(*e & P)) {
			cr_assert(ram.next_table < RAM_SIZE);
			*e = ram.next_table | P | RW | US;
			ram.next_table += 0x1000;
		}
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

Test(guest_mem, unsupported_modes)
{
	map_at(0x400000, 0x200000, 1, P | RW);
	pg.efer = 0;                              /* 32-bit paging (PAE or not) */
	assert_xlate_err(0x400000, 0, GUEST_MEM_E_MODE);
	pg.cr4 = 0;
	assert_xlate_err(0x400000, 0, GUEST_MEM_E_MODE);
	pg.efer = EFER_LME | EFER_LMA;            /* long mode without PAE: invalid */
	assert_xlate_err(0x400000, 0, GUEST_MEM_E_MODE);
	pg.cr4 = CR4_PAE | CR4_LA57;              /* 5-level paging */
	assert_xlate_err(0x400000, 0, GUEST_MEM_E_MODE);
	cr_assert(eq(uint, ram.nr_reads, 0));
	pg.cr4 = CR4_PAE;
	assert_xlate(0x400000, 0, 0x200000);
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
		{ 0, 4, 1ull << 7 },  { 0, 4, 1ull << 8 },   /* PML4E MBZ 8:7 (AMD) */
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
	/* Bit 8 of a non-leaf PDPE/PDE, bit 12 (PAT) of a 2M leaf, bits 62:52
	 * and 11:9 are not reserved. */
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
	free(before);
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
	cr_assert(eq(int, cache.valid, 1));
	cr_assert(eq(u32, cache.levels, 4));
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
