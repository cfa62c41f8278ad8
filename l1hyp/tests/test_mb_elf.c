/*
 * Host tests for the ELF side of l1hyp/boot/mb_loader.c: multiboot v1 images
 * (Multiboot Specification 0.6.96, 3.1) without the a.out kludge, whose load
 * plan comes from their PT_LOAD program headers (System V ABI, gABI chapters
 * 4 "ELF Header" and 5 "Program Header"). A small builder writes ELF32 and
 * ELF64 files in memory: the good cases and every check, each asserting its
 * exact MB_E_* code, every truncation of a good file; then real linker
 * output (mb_elf_image.S, built by module.mk) and, when it has been built,
 * the L2 kernel itself.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestlab/multiboot.h>
#include "boot/mb_loader.h"

#define MIN_ADDR 0x100000ull
#define RAM      (16ull << 20)
#define CAP      0x10000u
#define LOAD     0x100000u

#define PT_NULL_  0
#define PT_LOAD_  1
#define PT_NOTE_  4
#define PT_GNU_STACK_ 0x6474E551u
#define PF_X_     1
#define PF_W_     2
#define PF_R_     4
#define MB_FLAGS  (MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO)

static unsigned char buf[CAP];

struct eph {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* What the builder writes; good() gives a typical two-segment kernel. */
struct elf {
	int cls;                          /* 32 or 64 */
	uint8_t ei_class, ei_data, ei_version;
	uint16_t type, machine, phentsize, phnum;
	uint32_t version;
	uint64_t entry, phoff;
	unsigned int nr;                  /* entries of ph[] written */
	struct eph ph[20];
	uint32_t mb_off, mb_flags;
	uint32_t aout[5];                 /* header_addr..entry_addr, with the kludge */
	int bad_sum;
	size_t size;
};

static void put(unsigned char *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Writes at off if the n bytes fit the buffer (tests point fields far out). */
static void put_at(uint64_t off, uint64_t v, unsigned int n)
{
	if (off < CAP && n <= CAP - off)
		put(buf + off, v, n);
}

static struct elf good(int cls)
{
	struct elf e = {
		.cls = cls, .ei_class = cls == 32 ? 1 : 2, .ei_data = 1, .ei_version = 1,
		.type = 2, .machine = cls == 32 ? 3 : 62, .version = 1,
		.phentsize = cls == 32 ? 32 : 56, .phnum = 2, .phoff = cls == 32 ? 52 : 64,
		.entry = LOAD + 0x10, .nr = 2,
		.mb_off = 0x1000, .mb_flags = MB_FLAGS, .size = 0x4000,
	};

	/* Text: file [0x1000, 0x2800) at 1 MiB; data + bss: file
	 * [0x3000, 0x3800) at 1 MiB + 8 KiB, 12 KiB in memory. */
	e.ph[0] = (struct eph){ PT_LOAD_, PF_R_ | PF_X_, 0x1000, LOAD, LOAD, 0x1800, 0x1800 };
	e.ph[1] = (struct eph){ PT_LOAD_, PF_R_ | PF_W_, 0x3000, LOAD + 0x2000, LOAD + 0x2000,
				0x800, 0x3000 };
	return e;
}

static void build(const struct elf *e)
{
	int w = e->cls == 32 ? 4 : 8;
	unsigned int stride = e->phentsize ? e->phentsize : (e->cls == 32 ? 32 : 56);

	for (unsigned int i = 0; i < CAP; i++)
		buf[i] = (unsigned char)(i * 13 + 5);    /* no accidental magic */
	buf[0] = 0x7F; buf[1] = 'E'; buf[2] = 'L'; buf[3] = 'F';
	buf[4] = e->ei_class; buf[5] = e->ei_data; buf[6] = e->ei_version;
	memset(buf + 7, 0, 9);
	put(buf + 16, e->type, 2);
	put(buf + 18, e->machine, 2);
	put(buf + 20, e->version, 4);
	put(buf + 24, e->entry, w);
	put(buf + 24 + w, e->phoff, w);                   /* e_phoff */
	put(buf + 24 + 2 * w, 0, w);                      /* e_shoff */
	put(buf + 24 + 3 * w, 0, 4);                      /* e_flags */
	put(buf + 28 + 3 * w, e->cls == 32 ? 52 : 64, 2); /* e_ehsize */
	put(buf + 30 + 3 * w, e->phentsize, 2);
	put(buf + 32 + 3 * w, e->phnum, 2);
	put(buf + 34 + 3 * w, 0, 6);                      /* no sections */

	for (unsigned int i = 0; i < e->nr; i++) {
		const struct eph *p = &e->ph[i];
		uint64_t o = e->phoff + (uint64_t)i * stride;

		if (e->phoff > CAP || o > CAP - 64)
			break;                  /* far out (or wrapped): not written */
		put_at(o, p->type, 4);
		if (e->cls == 32) {
			put_at(o + 4, p->offset, 4);
			put_at(o + 8, p->vaddr, 4);
			put_at(o + 12, p->paddr, 4);
			put_at(o + 16, p->filesz, 4);
			put_at(o + 20, p->memsz, 4);
			put_at(o + 24, p->flags, 4);
			put_at(o + 28, 0x1000, 4);
		} else {
			put_at(o + 4, p->flags, 4);
			put_at(o + 8, p->offset, 8);
			put_at(o + 16, p->vaddr, 8);
			put_at(o + 24, p->paddr, 8);
			put_at(o + 32, p->filesz, 8);
			put_at(o + 40, p->memsz, 8);
			put_at(o + 48, 0x1000, 8);
		}
	}

	if (e->mb_off + 32 <= CAP) {
		unsigned char *m = buf + e->mb_off;

		put(m, MULTIBOOT_HEADER_MAGIC, 4);
		put(m + 4, e->mb_flags, 4);
		put(m + 8, -(MULTIBOOT_HEADER_MAGIC + e->mb_flags) + (e->bad_sum ? 1 : 0), 4);
		if (e->mb_flags & MULTIBOOT_HDR_AOUT_KLUDGE)
			for (int i = 0; i < 5; i++)
				put(m + 12 + 4 * i, e->aout[i], 4);
	}
}

static int parse_ram(const struct elf *e, uint64_t ram, struct mb_image *m)
{
	int rc;

	build(e);
	memset(m, 0xEE, sizeof(*m));
	rc = mb_parse_segments(buf, e->size, MIN_ADDR, ram, m);
	if (rc)
		cr_assert(eq(u32, m->nr_segments, 0), "a plan left after error %d", rc);
	return rc;
}

static int parse(const struct elf *e, struct mb_image *m)
{
	return parse_ram(e, RAM, m);
}

static int rc_of(const struct elf *e)
{
	struct mb_image m;

	return parse(e, &m);
}

static void assert_seg(const struct mb_segment *s, uint64_t dest, uint64_t off,
		       uint64_t filesz, uint64_t memsz)
{
	cr_assert(eq(u64, s->dest, dest));
	cr_assert(eq(u64, s->file_offset, off));
	cr_assert(eq(u64, s->filesz, filesz));
	cr_assert(eq(u64, s->memsz, memsz));
}

#define FOR_EACH_CLASS(c) for (int c = 32; c <= 64; c += 32)

TestSuite(mb_elf);

Test(mb_elf, good_image)
{
	FOR_EACH_CLASS(c) {
		struct elf e = good(c);
		struct mb_image m;

		cr_assert(eq(int, parse(&e, &m), 0), "ELF%d", c);
		cr_assert(eq(u32, m.format, c == 32 ? MB_FORMAT_ELF32 : MB_FORMAT_ELF64));
		cr_assert(eq(str, (char *)mb_format_name(m.format), c == 32 ? "ELF32" : "ELF64"));
		cr_assert(eq(u32, m.nr_segments, 2));
		assert_seg(&m.seg[0], LOAD, 0x1000, 0x1800, 0x1800);
		assert_seg(&m.seg[1], LOAD + 0x2000, 0x3000, 0x800, 0x3000);
		cr_assert(eq(u32, m.entry_addr, LOAD + 0x10));
		cr_assert(eq(u64, m.span_start, LOAD));
		cr_assert(eq(u64, m.span_end, LOAD + 0x5000));
		/* The a.out one-range fields stay 0 for ELF. */
		cr_assert(eq(u32, m.load_addr | m.load_size | m.bss_end_addr, 0));
		/* Segments in any order; entry in the last byte of text. */
		e.ph[2] = e.ph[0]; e.ph[0] = e.ph[1]; e.ph[1] = e.ph[2];
		e.entry = LOAD + 0x17FF;
		cr_assert(eq(int, parse(&e, &m), 0));
		assert_seg(&m.seg[0], LOAD + 0x2000, 0x3000, 0x800, 0x3000);
		cr_assert(eq(u64, m.span_start, LOAD));
		cr_assert(eq(u32, m.entry_addr, LOAD + 0x17FF));
	}
}

Test(mb_elf, load_copies_and_zeroes)
{
	unsigned char *ram = malloc(RAM);

	cr_assert(ram != NULL);
	FOR_EACH_CLASS(c) {
		struct elf e = good(c);
		struct mb_image m;

		cr_assert(eq(int, parse(&e, &m), 0));
		memset(ram, 0xCC, RAM);
		mb_load_segments(&m, buf, ram);
		cr_assert(eq(int, memcmp(ram + LOAD, buf + 0x1000, 0x1800), 0));
		cr_assert(eq(int, memcmp(ram + LOAD + 0x2000, buf + 0x3000, 0x800), 0));
		for (unsigned int i = 0x800; i < 0x3000; i++)
			cr_assert(eq(u8, ram[LOAD + 0x2000 + i], 0), "bss byte %#x", i);
		/* Nothing outside the segments is touched. */
		cr_assert(eq(u8, ram[LOAD - 1], 0xCC));
		cr_assert(eq(u8, ram[LOAD + 0x1800], 0xCC));
		cr_assert(eq(u8, ram[LOAD + 0x1FFF], 0xCC));
		cr_assert(eq(u8, ram[LOAD + 0x5000], 0xCC));
	}
	free(ram);
}

Test(mb_elf, other_headers_ignored)
{
	FOR_EACH_CLASS(c) {
		struct elf e = good(c);
		struct mb_image m;

		/* PT_NULL, PT_NOTE, PT_GNU_STACK and an empty PT_LOAD around the
		 * two real ones, with fields that would fail any check. */
		e.ph[4] = e.ph[1];
		e.ph[2] = e.ph[0];
		e.ph[0] = (struct eph){ PT_NULL_, 0, ~0ull, ~0ull, ~0ull, ~0ull, 1 };
		e.ph[1] = (struct eph){ PT_NOTE_, 4, 0xFFFFFF00u, 0, 0, 0x1000, 0 };
		e.ph[3] = (struct eph){ PT_LOAD_, 6, ~0ull, 0x10, 0x10, 0, 0 };
		e.ph[5] = (struct eph){ PT_GNU_STACK_, 6, 0, 0, 0, 0, 0 };
		e.nr = e.phnum = 6;
		cr_assert(eq(int, parse(&e, &m), 0), "ELF%d", c);
		cr_assert(eq(u32, m.nr_segments, 2));
		assert_seg(&m.seg[0], LOAD, 0x1000, 0x1800, 0x1800);
		assert_seg(&m.seg[1], LOAD + 0x2000, 0x3000, 0x800, 0x3000);
		/* Larger program header entries than the structure: stride. */
		e = good(c);
		e.phentsize = c == 32 ? 40 : 64;
		cr_assert(eq(int, parse(&e, &m), 0));
		assert_seg(&m.seg[1], LOAD + 0x2000, 0x3000, 0x800, 0x3000);
		/* A bss-only segment (p_filesz 0; its p_offset is not read). */
		e = good(c);
		e.ph[2] = (struct eph){ PT_LOAD_, 6, 0xFFFF0000u, LOAD + 0x8000,
					LOAD + 0x8000, 0, 0x1000 };
		e.nr = e.phnum = 3;
		cr_assert(eq(int, parse(&e, &m), 0));
		assert_seg(&m.seg[2], LOAD + 0x8000, 0xFFFF0000u, 0, 0x1000);
		cr_assert(eq(u64, m.span_end, LOAD + 0x9000));
		/* ELF32 may also be EM_X86_64 (x32). */
		e = good(c);
		e.machine = 62;
		cr_assert(eq(int, parse(&e, &m), 0));
	}
}

Test(mb_elf, unaligned_buffer)
{
	static unsigned char copy[CAP + 3];
	struct elf e = good(64);
	struct mb_image m;

	build(&e);
	memcpy(copy + 3, buf, e.size);
	cr_assert(eq(int, mb_parse_segments(copy + 3, e.size, MIN_ADDR, RAM, &m), 0));
	assert_seg(&m.seg[1], LOAD + 0x2000, 0x3000, 0x800, 0x3000);
}

/* QEMU: a virtual e_entry inside an executable segment with p_vaddr !=
 * p_paddr moves to the same offset in its physical range. */
Test(mb_elf, entry_translation)
{
	FOR_EACH_CLASS(c) {
		uint64_t voff = c == 32 ? 0xC0000000ull : 0xFFFFFFFF80000000ull;
		struct elf e = good(c);
		struct mb_image m;

		e.ph[0].vaddr += voff;
		e.ph[1].vaddr += voff;
		e.entry = LOAD + voff + 0x10;
		cr_assert(eq(int, parse(&e, &m), 0), "ELF%d", c);
		cr_assert(eq(u32, m.entry_addr, LOAD + 0x10));
		assert_seg(&m.seg[0], LOAD, 0x1000, 0x1800, 0x1800);
		/* Only executable segments; the data one does not move it. */
		e.ph[0].flags = PF_R_;
		cr_assert(eq(int, parse(&e, &m), MB_E_ENTRY));
		e.ph[0].flags = PF_R_ | PF_X_;
		e.entry = e.ph[1].vaddr + 0x10;
		cr_assert(eq(int, parse(&e, &m), MB_E_ENTRY));
		e.ph[1].flags |= PF_X_;
		cr_assert(eq(int, parse(&e, &m), 0));
		cr_assert(eq(u32, m.entry_addr, LOAD + 0x2010));
		/* Only within the file bytes of the virtual range. */
		e.entry = e.ph[1].vaddr + 0x800;
		cr_assert(eq(int, parse(&e, &m), MB_E_ENTRY));
		/* One past the virtual range is not moved: here that address
		 * is, physically, the data segment's first byte. */
		e = good(c);
		e.ph[0].vaddr = LOAD + 0x800;
		e.entry = LOAD + 0x2000;
		cr_assert(eq(int, parse(&e, &m), 0));
		cr_assert(eq(u32, m.entry_addr, LOAD + 0x2000));
		e.entry = LOAD + 0x1FFF;                         /* last byte: moved */
		cr_assert(eq(int, parse(&e, &m), 0));
		cr_assert(eq(u32, m.entry_addr, LOAD + 0x17FF));
		/* An identity segment: e_entry used as it is. */
		e = good(c);
		e.entry = LOAD + 0x2000 + 0x7FF;
		cr_assert(eq(int, parse(&e, &m), 0));
		cr_assert(eq(u32, m.entry_addr, LOAD + 0x27FF));
	}
}

Test(mb_elf, elf64_above_4g)
{
	struct elf e = good(64);
	struct mb_image m;

	/* The entry must be a 32-bit address, even inside a segment. */
	e.ph[1] = (struct eph){ PT_LOAD_, PF_R_ | PF_X_, 0x3000, 0x100000000ull,
				0x100000000ull, 0x800, 0x1000 };
	e.entry = 0x100000010ull;
	cr_assert(eq(int, parse_ram(&e, 8ull << 30, &m), MB_E_ENTRY));
	e.entry = 0x10000000000010ull;
	cr_assert(eq(int, parse_ram(&e, 8ull << 30, &m), MB_E_ENTRY));
	/* Data above 4 GiB is fine when RAM reaches there. */
	e.entry = LOAD + 0x10;
	cr_assert(eq(int, parse_ram(&e, 8ull << 30, &m), 0));
	assert_seg(&m.seg[1], 0x100000000ull, 0x3000, 0x800, 0x1000);
	cr_assert(eq(u64, m.span_end, 0x100001000ull));
	cr_assert(eq(int, parse(&e, &m), MB_E_RANGE));
}

/* The kludge wins even in an ELF file; mb_parse_image takes no ELF. */
Test(mb_elf, kludge_and_legacy)
{
	FOR_EACH_CLASS(c) {
		struct elf e = good(c);
		struct mb_image m;

		e.mb_flags |= MULTIBOOT_HDR_AOUT_KLUDGE;
		/* header at file 0x1000 = 1 MiB: load the file from there. */
		e.aout[0] = LOAD; e.aout[1] = LOAD; e.aout[2] = LOAD + 0x2000;
		e.aout[3] = LOAD + 0x6000; e.aout[4] = LOAD + 0x20;
		cr_assert(eq(int, parse(&e, &m), 0));
		cr_assert(eq(u32, m.format, MB_FORMAT_AOUT));
		cr_assert(eq(str, (char *)mb_format_name(m.format), "a.out kludge"));
		cr_assert(eq(u32, m.nr_segments, 1));
		assert_seg(&m.seg[0], LOAD, 0x1000, 0x2000, 0x6000);
		cr_assert(eq(u32, m.entry_addr, LOAD + 0x20));
		cr_assert(eq(int, mb_parse_image(buf, e.size, &m), 0));
		cr_assert(eq(u32, m.load_size, 0x2000));

		e = good(c);
		build(&e);
		cr_assert(eq(int, mb_parse_image(buf, e.size, &m), MB_E_NOKLUDGE));
		cr_assert(eq(u32, m.nr_segments, 0));
	}
	cr_assert(eq(str, (char *)mb_format_name(0), "?"));
}

Test(mb_elf, header_errors)
{
	FOR_EACH_CLASS(c) {
		struct elf e;

		e = good(c); e.bad_sum = 1;
		cr_assert(eq(int, rc_of(&e), MB_E_CHECKSUM));
		e = good(c); e.mb_flags |= 1u << 2;              /* video mode */
		cr_assert(eq(int, rc_of(&e), MB_E_FLAGS));
		e = good(c); e.mb_flags |= 1u << 17;             /* optional: ignored */
		cr_assert(eq(int, rc_of(&e), 0));
		e = good(c); e.mb_off = 8192;                    /* beyond 8 KiB */
		cr_assert(eq(int, rc_of(&e), MB_E_NOHEADER));
		e = good(c); e.mb_off = 8192 - 12;               /* just inside */
		cr_assert(eq(int, rc_of(&e), 0));
		/* Not "\177ELF" and no kludge: nothing says where to load it. */
		e = good(c);
		build(&e);
		buf[3] = 'G';
		cr_assert(eq(int, mb_parse_segments(buf, e.size, MIN_ADDR, RAM,
						    &(struct mb_image){ 0 }), MB_E_NOKLUDGE));
	}
}

Test(mb_elf, elf_header_wrong)
{
	struct elf e;

	FOR_EACH_CLASS(c) {
		e = good(c); e.ei_class = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_ELF), "ELF%d", c);
		e = good(c); e.ei_class = 3;
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.ei_data = 2;                      /* big-endian */
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.ei_data = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.ei_version = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.version = 2;
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		for (uint16_t t = 0; t < 5; t++) {               /* only ET_EXEC */
			e = good(c); e.type = t;
			cr_assert(eq(int, rc_of(&e), t == 2 ? 0 : MB_E_ELF), "e_type %u", t);
		}
		e = good(c); e.type = 0xFE00;                    /* ET_LOOS */
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.machine = 40;                     /* EM_ARM */
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.machine = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.machine = 6;                      /* EM_486 (old) */
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.phentsize = c == 32 ? 31 : 55;    /* too small */
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
		e = good(c); e.phentsize = 0;
		e.nr = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_ELF));
	}
	/* ELF64 must be EM_X86_64. */
	e = good(64);
	e.machine = 3;
	cr_assert(eq(int, rc_of(&e), MB_E_ELF));
}

Test(mb_elf, truncated)
{
	FOR_EACH_CLASS(c) {
		struct elf e;

		/* The ELF header itself: the multiboot header sits in it. */
		e = good(c); e.mb_off = 0x20; e.size = c == 32 ? 51 : 63;
		e.mb_flags = MB_FLAGS;
		cr_assert(eq(int, rc_of(&e), MB_E_TRUNC), "ELF%d", c);
		/* Program header table beyond the file, by one byte. */
		e = good(c); e.phoff = e.size - 2 * e.phentsize + 1;
		cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
		e.phoff -= 1;
		cr_assert(eq(int, rc_of(&e), 0));
		e = good(c); e.phoff = 0xFFFF0;
		cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
		e = good(c); e.phnum = 200;                      /* table past the end */
		e.phoff = 0x3900;
		cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
		/* Segment data beyond the file, by one byte; then exactly to it. */
		e = good(c); e.ph[1].offset = e.size - e.ph[1].filesz + 1;
		cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
		e.ph[1].offset -= 1;
		cr_assert(eq(int, rc_of(&e), 0));
		e = good(c); e.ph[0].offset = 0x10000000;
		cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
	}
}

/* Every prefix of a good file: an error (never a crash) until the last byte
 * a segment needs is in; with the multiboot header first, program headers
 * after it, the cut also falls inside the ELF and program headers. */
Test(mb_elf, every_truncation)
{
	FOR_EACH_CLASS(c) {
		for (int layout = 0; layout < 2; layout++) {
			struct elf e = good(c);
			struct mb_image m;

			if (layout) {
				e.mb_off = 0x40;
				e.phoff = 0x80;
			}
			build(&e);
			for (size_t n = 0; n <= e.size; n++) {
				int rc = mb_parse_segments(buf, n, MIN_ADDR, RAM, &m);

				if (n >= 0x3800)
					cr_assert(eq(int, rc, 0), "ELF%d size %zu", c, n);
				else if (n < e.mb_off + 12u)
					cr_assert(eq(int, rc, MB_E_NOHEADER), "ELF%d size %zu", c, n);
				else
					cr_assert(eq(int, rc, MB_E_TRUNC), "ELF%d size %zu", c, n);
			}
		}
	}
}

Test(mb_elf, no_load)
{
	FOR_EACH_CLASS(c) {
		struct elf e;

		e = good(c); e.phnum = 0; e.nr = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_NOLOAD));
		e = good(c); e.ph[0].type = PT_NOTE_; e.ph[1].type = PT_GNU_STACK_;
		cr_assert(eq(int, rc_of(&e), MB_E_NOLOAD));
		/* PT_LOADs that load nothing: a zero-size image. */
		e = good(c);
		e.ph[0].filesz = e.ph[0].memsz = 0;
		e.ph[1].filesz = e.ph[1].memsz = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_EMPTY));
	}
}

static struct elf many(int c, unsigned int n)
{
	struct elf e = good(c);

	e.nr = e.phnum = n;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = LOAD + 0x1000ull * i;

		e.ph[i] = (struct eph){ PT_LOAD_, PF_R_ | PF_X_, 0x1000 + 0x100 * i, a, a,
					0x100, 0x100 };
	}
	return e;
}

Test(mb_elf, too_many)
{
	FOR_EACH_CLASS(c) {
		struct elf e;
		struct mb_image m;

		e = many(c, MB_MAX_SEGMENTS);
		cr_assert(eq(int, parse(&e, &m), 0), "ELF%d", c);
		cr_assert(eq(u32, m.nr_segments, MB_MAX_SEGMENTS));
		assert_seg(&m.seg[15], LOAD + 0xF000, 0x1F00, 0x100, 0x100);
		e = many(c, MB_MAX_SEGMENTS + 1);
		cr_assert(eq(int, rc_of(&e), MB_E_TOOMANY));
		/* Empty ones do not count. */
		e.ph[7].filesz = e.ph[7].memsz = 0;
		cr_assert(eq(int, rc_of(&e), 0));
		/* PN_XNUM: 65535 or more, counted in section header 0. */
		e = good(c); e.phnum = 0xFFFF;
		cr_assert(eq(int, rc_of(&e), MB_E_TOOMANY));
	}
}

Test(mb_elf, overlap)
{
	FOR_EACH_CLASS(c) {
		struct elf e;

		e = good(c); e.ph[1].paddr = LOAD + 0x17FF;      /* one byte */
		cr_assert(eq(int, rc_of(&e), MB_E_OVERLAP));
		e = good(c); e.ph[1].paddr = LOAD + 0x1800;      /* touching: fine */
		cr_assert(eq(int, rc_of(&e), 0));
		/* Bss of a lower segment over a higher one. */
		e = good(c); e.ph[0].paddr = LOAD + 0x3000;
		e.ph[1].paddr = LOAD + 0x1800; e.ph[1].memsz = 0x1801;
		e.entry = LOAD + 0x3010;
		cr_assert(eq(int, rc_of(&e), MB_E_OVERLAP));
		e.ph[1].memsz = 0x1800;
		cr_assert(eq(int, rc_of(&e), 0));
		/* ... with the bss segment first in the table. */
		e.ph[2] = e.ph[0]; e.ph[0] = e.ph[1]; e.ph[1] = e.ph[2];
		cr_assert(eq(int, rc_of(&e), 0));
		e.ph[0].memsz = 0x1801;
		cr_assert(eq(int, rc_of(&e), MB_E_OVERLAP));
		/* One inside another; the same twice. */
		e = good(c); e.ph[1].paddr = LOAD + 0x100; e.ph[1].memsz = 0x800;
		cr_assert(eq(int, rc_of(&e), MB_E_OVERLAP));
		e = good(c); e.ph[1] = e.ph[0];
		cr_assert(eq(int, rc_of(&e), MB_E_OVERLAP));
		/* Among many, the last with the first. */
		e = many(c, MB_MAX_SEGMENTS);
		e.ph[15].paddr = LOAD + 0xFF;
		cr_assert(eq(int, rc_of(&e), MB_E_OVERLAP));
	}
}

Test(mb_elf, memsz_below_filesz)
{
	FOR_EACH_CLASS(c) {
		struct elf e = good(c);

		e.ph[1].memsz = e.ph[1].filesz - 1;
		cr_assert(eq(int, rc_of(&e), MB_E_MEMSZ));
		e.ph[1].memsz = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_MEMSZ));
		e.ph[1].memsz = e.ph[1].filesz;                  /* no bss: fine */
		cr_assert(eq(int, rc_of(&e), 0));
	}
}

Test(mb_elf, outside_ram)
{
	FOR_EACH_CLASS(c) {
		struct elf e;
		struct mb_image m;

		e = good(c); e.ph[1].paddr = MIN_ADDR - 0x1000;  /* below 1 MiB */
		cr_assert(eq(int, rc_of(&e), MB_E_RANGE), "ELF%d", c);
		e = good(c); e.ph[1].paddr = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_RANGE));
		e = good(c); e.ph[1].paddr = RAM - 0x7FF;        /* file bytes past RAM */
		cr_assert(eq(int, rc_of(&e), MB_E_RANGE));
		e = good(c); e.ph[1].paddr = RAM;                /* at the end */
		cr_assert(eq(int, rc_of(&e), MB_E_RANGE));
		e = good(c); e.ph[1].paddr = 0x80000000u;
		cr_assert(eq(int, rc_of(&e), MB_E_RANGE));
		/* Ends exactly at 4 GiB: no wrap, but outside RAM. */
		e = good(c); e.ph[1].paddr = 0xFFFFD000u;
		cr_assert(eq(int, rc_of(&e), MB_E_RANGE));
		/* Ends exactly at the end of RAM: fine. */
		e = good(c); e.ph[1].paddr = RAM - 0x3000;
		cr_assert(eq(int, parse(&e, &m), 0));
		cr_assert(eq(u64, m.span_end, RAM));
		/* No room at all: min_addr at or above the RAM size. */
		e = good(c);
		cr_assert(eq(int, parse_ram(&e, MIN_ADDR, &m), MB_E_RANGE));
	}
}

Test(mb_elf, huge_bss)
{
	struct elf e;

	FOR_EACH_CLASS(c) {
		e = good(c); e.ph[1].paddr = RAM - 0x2FFF;       /* bss one byte over */
		cr_assert(eq(int, rc_of(&e), MB_E_BIGBSS), "ELF%d", c);
		e = good(c); e.ph[1].memsz = RAM;
		cr_assert(eq(int, rc_of(&e), MB_E_BIGBSS));
		e = good(c); e.ph[1].memsz = 0xF0000000u;
		cr_assert(eq(int, rc_of(&e), MB_E_BIGBSS));
		e = good(c); e.ph[1].filesz = 0;                 /* bss-only, at RAM's end */
		e.ph[1].paddr = RAM - 0x1000; e.ph[1].memsz = 0x1001;
		cr_assert(eq(int, rc_of(&e), MB_E_BIGBSS));
		e.ph[1].paddr = RAM;                             /* starts outside */
		cr_assert(eq(int, rc_of(&e), MB_E_RANGE));
	}
	e = good(64);
	e.ph[1].memsz = 1ull << 40;
	cr_assert(eq(int, rc_of(&e), MB_E_BIGBSS));
}

Test(mb_elf, wrap_around)
{
	struct elf e;

	/* ELF32 fields are 32-bit: wrap past 4 GiB. */
	e = good(32); e.ph[1].paddr = 0xFFFFF000u;
	cr_assert(eq(int, rc_of(&e), MB_E_WRAP));
	e = good(32); e.ph[1].paddr = 0xFFFFF000u; e.ph[1].memsz = 0x1000;
	cr_assert(eq(int, rc_of(&e), MB_E_RANGE));      /* ends at 4 GiB exactly */
	e = good(32); e.ph[1].memsz = 0xFFFFFFFFu;
	cr_assert(eq(int, rc_of(&e), MB_E_WRAP));
	e = good(32); e.ph[1].offset = 0xFFFFFC00u;
	cr_assert(eq(int, rc_of(&e), MB_E_WRAP));
	e = good(32); e.ph[1].offset = 0xFFFFF800u;     /* ends at 4 GiB: no wrap */
	cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
	e = good(32); e.phoff = 0xFFFFFFF0u;
	cr_assert(eq(int, rc_of(&e), MB_E_WRAP));
	e = good(32); e.phoff = 0xFFFFFFC0u;            /* table ends at 4 GiB */
	cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
	/* ELF64 fields wrap at 2^64. */
	e = good(64); e.ph[1].paddr = 0xFFFFFFFFFFFFF000ull;
	cr_assert(eq(int, rc_of(&e), MB_E_WRAP));
	e = good(64); e.ph[1].paddr = 0xFFFFF000u;      /* past 4 GiB, no wrap */
	cr_assert(eq(int, rc_of(&e), MB_E_RANGE));
	e = good(64); e.ph[1].memsz = ~0ull;
	cr_assert(eq(int, rc_of(&e), MB_E_WRAP));
	e = good(64); e.ph[1].paddr = 0xFFFFFFFFFFFFF000ull; e.ph[1].memsz = 0x1000;
	cr_assert(eq(int, rc_of(&e), MB_E_RANGE));      /* ends at 2^64 exactly */
	e = good(64); e.ph[1].offset = 0xFFFFFFFFFFFFFC00ull;
	cr_assert(eq(int, rc_of(&e), MB_E_WRAP));
	/* Ends at 2^64 exactly: offset + size is 0 in 64 bits, still beyond. */
	e = good(64); e.ph[1].offset = 0xFFFFFFFFFFFFF800ull;
	cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
	e = good(64); e.phoff = 0xFFFFFFFFFFFFFFF0ull;
	cr_assert(eq(int, rc_of(&e), MB_E_WRAP));
	e = good(64); e.phoff = 0xFFFFFFFFFFFFFF90ull;  /* 2 * 56 bytes to 2^64 */
	cr_assert(eq(int, rc_of(&e), MB_E_TRUNC));
	/* A virtual range that wraps does not matter (only p_paddr loads). */
	e = good(64); e.ph[1].vaddr = 0xFFFFFFFFFFFFFF00ull;
	cr_assert(eq(int, rc_of(&e), 0));
}

Test(mb_elf, entry_outside)
{
	struct elf e;

	FOR_EACH_CLASS(c) {
		e = good(c); e.entry = LOAD - 1;
		cr_assert(eq(int, rc_of(&e), MB_E_ENTRY), "ELF%d", c);
		e = good(c); e.entry = LOAD + 0x1800;            /* between segments */
		cr_assert(eq(int, rc_of(&e), MB_E_ENTRY));
		e = good(c); e.entry = LOAD + 0x2800;            /* in bss */
		cr_assert(eq(int, rc_of(&e), MB_E_ENTRY));
		e = good(c); e.entry = LOAD + 0x5000;
		cr_assert(eq(int, rc_of(&e), MB_E_ENTRY));
		e = good(c); e.entry = 0;
		cr_assert(eq(int, rc_of(&e), MB_E_ENTRY));
	}
	e = good(64);
	e.entry = (1ull << 32) + LOAD + 0x10;                /* 32-bit entry only */
	cr_assert(eq(int, rc_of(&e), MB_E_ENTRY));
}

/* All of the loader's codes: distinct, in its two blocks, named. */
Test(mb_elf, error_codes)
{
	static const struct { int rc; const char *name; } codes[] = {
		{ MB_E_NOHEADER, "MB_E_NOHEADER" }, { MB_E_CHECKSUM, "MB_E_CHECKSUM" },
		{ MB_E_NOKLUDGE, "MB_E_NOKLUDGE" }, { MB_E_LAYOUT, "MB_E_LAYOUT" },
		{ MB_E_NOSPACE, "MB_E_NOSPACE" }, { MB_E_FLAGS, "MB_E_FLAGS" },
		{ MB_E_TRUNC, "MB_E_TRUNC" }, { MB_E_RANGE, "MB_E_RANGE" },
		{ MB_E_WRAP, "MB_E_WRAP" }, { MB_E_ENTRY, "MB_E_ENTRY" },
		{ MB_E_ELF, "MB_E_ELF" }, { MB_E_NOLOAD, "MB_E_NOLOAD" },
		{ MB_E_TOOMANY, "MB_E_TOOMANY" }, { MB_E_OVERLAP, "MB_E_OVERLAP" },
		{ MB_E_MEMSZ, "MB_E_MEMSZ" }, { MB_E_EMPTY, "MB_E_EMPTY" },
		{ MB_E_BIGBSS, "MB_E_BIGBSS" },
	};
	const unsigned int n = sizeof(codes) / sizeof(codes[0]);

	for (unsigned int i = 0; i < n; i++) {
		const char *s = mb_strerror(codes[i].rc);
		size_t len = strlen(codes[i].name);

		int in_blocks = (codes[i].rc <= -50 && codes[i].rc >= -59) ||
				(codes[i].rc <= -110 && codes[i].rc >= -119);

		cr_assert(in_blocks, "%s", codes[i].name);
		cr_assert(eq(int, strncmp(s, codes[i].name, len), 0), "%d is '%s'", codes[i].rc, s);
		cr_assert(eq(chr, s[len], ' '), "%s", s);
		for (unsigned int j = i + 1; j < n; j++)
			cr_assert(ne(int, codes[i].rc, codes[j].rc));
	}
	cr_assert(eq(str, (char *)mb_strerror(0), "unknown error"));
	cr_assert(eq(str, (char *)mb_strerror(-60), "unknown error"));
	cr_assert(eq(str, (char *)mb_strerror(-89), "unknown error"));
	cr_assert(eq(str, (char *)mb_strerror(-97), "unknown error"));
}

/* Real linker output */

struct file {
	unsigned char *p;
	size_t size;
};

static struct file slurp(const char *path)
{
	struct file f = { NULL, 0 };
	FILE *fp = fopen(path, "rb");
	long n;

	if (!fp)
		return f;
	cr_assert(eq(int, fseek(fp, 0, SEEK_END), 0));
	n = ftell(fp);
	cr_assert(gt(long, n, 0));
	rewind(fp);
	f.p = malloc((size_t)n);
	cr_assert(f.p != NULL);
	cr_assert(eq(u64, fread(f.p, 1, (size_t)n, fp), (uint64_t)n));
	fclose(fp);
	f.size = (size_t)n;
	return f;
}

/* Clear the a.out kludge bit of the (first valid) header and fix its
 * checksum, so the same file takes the ELF path. */
static void drop_kludge(struct file *f)
{
	for (size_t off = 0; off + 12 <= f->size && off + 12 <= 8192; off += 4) {
		uint32_t magic, flags, sum;

		memcpy(&magic, f->p + off, 4);
		memcpy(&flags, f->p + off + 4, 4);
		memcpy(&sum, f->p + off + 8, 4);
		if (magic != MULTIBOOT_HEADER_MAGIC || magic + flags + sum != 0)
			continue;
		cr_assert(ne(u32, flags & MULTIBOOT_HDR_AOUT_KLUDGE, 0));
		flags &= ~MULTIBOOT_HDR_AOUT_KLUDGE;
		sum = -(magic + flags);
		memcpy(f->p + off + 4, &flags, 4);
		memcpy(f->p + off + 8, &sum, 4);
		return;
	}
	cr_fatal("no multiboot header");
}

/* Parse f, load it into a fresh RAM image filled with fill. */
static unsigned char *load(const struct file *f, struct mb_image *m, unsigned int format,
			   int fill)
{
	unsigned char *ram = malloc(RAM);

	cr_assert(ram != NULL);
	cr_assert(eq(int, mb_parse_segments(f->p, f->size, MIN_ADDR, RAM, m), 0));
	cr_assert(eq(u32, m->format, format));
	memset(ram, fill, RAM);
	mb_load_segments(m, f->p, ram);
	return ram;
}

/* mb_elf_image.S linked five ways: the same memory image and entry. */
Test(mb_elf, built_images)
{
	static const struct { const char *name; unsigned int format; } imgs[] = {
		{ "mb_elf64.elf", MB_FORMAT_ELF64 }, { "mb_elf64_c0.elf", MB_FORMAT_ELF64 },
		{ "mb_elf64_high.elf", MB_FORMAT_ELF64 }, { "mb_elf32.elf", MB_FORMAT_ELF32 },
		{ "mb_elf32_c0.elf", MB_FORMAT_ELF32 },
	};
	static const char marker[] = "nestlab ELF multiboot test data";
	unsigned char *first = NULL;
	struct mb_image m0;

	for (unsigned int i = 0; i < sizeof(imgs) / sizeof(imgs[0]); i++) {
		char path[512];
		struct file f;
		struct mb_image m;
		unsigned char *ram;
		const struct mb_segment *d;

		snprintf(path, sizeof(path), "%s/%s", MB_TEST_IMG_DIR, imgs[i].name);
		f = slurp(path);
		cr_assert(f.p != NULL, "%s missing (built by l1hyp/tests/module.mk)", path);
		ram = load(&f, &m, imgs[i].format, 0xCC);
		cr_assert(eq(u32, m.nr_segments, 2), "%s", path);
		cr_assert(eq(u64, m.seg[0].dest, LOAD));
		/* _start: cli; hlt at the (translated) entry. */
		cr_assert(eq(u8, ram[m.entry_addr], 0xFA), "%s entry %#x", path, m.entry_addr);
		cr_assert(eq(u8, ram[m.entry_addr + 1], 0xF4));
		/* Data, then a zeroed bss of at least 12 KiB. */
		d = &m.seg[1];
		cr_assert(eq(int, memcmp(ram + d->dest, marker, sizeof(marker)), 0));
		cr_assert(ge(u64, d->memsz - d->filesz, 0x3000));
		for (uint64_t a = d->dest + d->filesz; a < d->dest + d->memsz; a++)
			cr_assert(eq(u8, ram[a], 0), "%s: bss at %#lx", path, (unsigned long)a);
		if (!first) {
			first = ram;
			m0 = m;
		} else {
			cr_assert(eq(u32, m.entry_addr, m0.entry_addr), "%s", path);
			cr_assert(eq(u64, m.span_end, m0.span_end), "%s", path);
			cr_assert(eq(int, memcmp(ram, first, RAM), 0), "%s loads differently", path);
			free(ram);
		}
		free(f.p);
	}
	free(first);
}

/*
 * The real L2 kernel, when built: the flat l2kernel.bin L1 boots today (a.out
 * kludge) is the reference. Its ELF64 l2kernel.elf and the objcopy -O
 * elf32-i386 copy keep the kludge, and parse; with the kludge cleared they
 * load through their program headers, to the same bytes and entry.
 */
Test(mb_elf, l2kernel)
{
	struct file bin = slurp(MB_TEST_L2BIN), k64 = slurp(MB_TEST_L2KERNEL);
	struct file k32 = slurp(MB_TEST_L2K32);
	struct mb_image ma, mk, m32, m64;
	unsigned char *ra, *rk, *r32, *r64;
	struct file view;

	if (!bin.p || !k64.p || !k32.p) {
		free(bin.p);
		free(k64.p);
		free(k32.p);
		cr_skip_test("%s, .elf or its ELF32 copy not built", MB_TEST_L2BIN);
	}
	/* RAM zeroed as L1 zeroes L2's: the flat image carries the gaps
	 * between the ELF segments as zero bytes, the ELF leaves them. */
	ra = load(&bin, &ma, MB_FORMAT_AOUT, 0);
	rk = load(&k32, &mk, MB_FORMAT_AOUT, 0);
	free(rk);
	cr_assert(eq(u32, mk.entry_addr, ma.entry_addr));
	drop_kludge(&k32);
	r32 = load(&k32, &m32, MB_FORMAT_ELF32, 0);
	drop_kludge(&k64);
	r64 = load(&k64, &m64, MB_FORMAT_ELF64, 0);
	cr_assert(eq(u32, m32.entry_addr, ma.entry_addr));
	cr_assert(eq(u32, m64.entry_addr, ma.entry_addr));
	cr_assert(eq(u64, m32.span_start, ma.span_start));
	cr_assert(eq(u64, m32.span_end, ma.span_end));
	cr_assert(ge(u32, m32.nr_segments, 2));
	/* The header is loaded too: clear the kludge in the reference's. */
	view = (struct file){ ra + ma.span_start, RAM - ma.span_start };
	drop_kludge(&view);
	cr_assert(eq(int, memcmp(r32, ra, RAM), 0));
	cr_assert(eq(int, memcmp(r64, ra, RAM), 0));
	free(ra);
	free(r32);
	free(r64);
	free(bin.p);
	free(k32.p);
	free(k64.p);
}
