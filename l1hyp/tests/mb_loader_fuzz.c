/*
 * libFuzzer harness for l1hyp/boot/mb_loader.c (make mb-loader-fuzz
 * FUZZ_SECONDS=N; clang -fsanitize=fuzzer,address,undefined). Input: byte 0
 * is a control byte, the rest is the multiboot image, copied to a buffer of
 * exactly its size so ASan sees any read past it. Control bit 0 makes the
 * first multiboot magic's checksum valid (Multiboot Specification 0.6.96,
 * 3.1.2), so mutated flags and address fields reach the loader's later
 * checks; bits 1-2 pick the RAM the plan is checked against; bit 3 also
 * builds a boot information from the input. Traps (abort) when: a plan
 * breaks a promise of mb_loader.h (segment bounds, file bounds, overlap,
 * entry, span); a failure leaves a plan or returns a code mb_strerror does
 * not name; mb_load_segments writes anything but the plan (8 MiB of RAM:
 * every byte of the span is checked); mb_parse_image and mb_parse_segments
 * disagree about an a.out image; mb_build_info reports more bytes than its
 * buffer.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <nestlab/multiboot.h>
#include "boot/mb_loader.h"

#define FUZZ_RAM (8ull << 20)

static unsigned char ram[FUZZ_RAM];

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const struct { uint64_t min, size; } limits[4] = {
	{ 0x100000, FUZZ_RAM },                 /* loaded and checked byte by byte */
	{ 0, 1ull << 32 },
	{ 0x100000, 1ull << 40 },
	{ 0x100000, 0x100000 + 0x3000 },
};

static uint32_t ld32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void st32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void fix_checksum(unsigned char *f, size_t size)
{
	for (size_t off = 0; off + 12 <= size && off + 12 <= MULTIBOOT_SEARCH_LIMIT; off += 4)
		if (ld32(f + off) == MULTIBOOT_HEADER_MAGIC) {
			st32(f + off + 8, -(MULTIBOOT_HEADER_MAGIC + ld32(f + off + 4)));
			return;
		}
}

static void check_plan(const struct mb_image *m, size_t size, uint64_t min, uint64_t ramsz)
{
	int entry_in = 0;
	uint64_t lo = UINT64_MAX, hi = 0;

	CHECK(m->nr_segments >= 1 && m->nr_segments <= MB_MAX_SEGMENTS);
	CHECK(m->format >= MB_FORMAT_AOUT && m->format <= MB_FORMAT_ELF64);
	CHECK(m->format != MB_FORMAT_AOUT || m->nr_segments == 1);
	for (uint32_t i = 0; i < m->nr_segments; i++) {
		const struct mb_segment *s = &m->seg[i];

		CHECK(s->memsz > 0 && s->filesz <= s->memsz);
		CHECK(s->file_offset <= size && s->filesz <= size - s->file_offset);
		CHECK(s->dest >= min && s->dest < ramsz && s->memsz <= ramsz - s->dest);
		for (uint32_t j = 0; j < i; j++) {
			const struct mb_segment *t = &m->seg[j];

			CHECK(s->dest + s->memsz <= t->dest || t->dest + t->memsz <= s->dest);
		}
		if (m->entry_addr >= s->dest && m->entry_addr - s->dest < s->filesz)
			entry_in = 1;
		if (s->dest < lo)
			lo = s->dest;
		if (s->dest + s->memsz > hi)
			hi = s->dest + s->memsz;
	}
	CHECK(entry_in);
	CHECK(m->span_start == lo && m->span_end == hi);
}

/* Load into ram and check every byte of the span: file bytes, zeroed bss,
 * and the untouched fill between segments. */
static void check_load(const struct mb_image *m, const unsigned char *f)
{
	memset(ram + m->span_start, 0xA5, m->span_end - m->span_start);
	mb_load_segments(m, f, ram);
	for (uint64_t a = m->span_start; a < m->span_end; a++) {
		int want = 0xA5;

		for (uint32_t i = 0; i < m->nr_segments; i++) {
			const struct mb_segment *s = &m->seg[i];

			if (a >= s->dest && a < s->dest + s->memsz) {
				uint64_t k = a - s->dest;

				want = k < s->filesz ? f[s->file_offset + k] : 0;
				break;
			}
		}
		CHECK(ram[a] == want);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mb_image m, legacy, all;
	uint64_t min, ramsz;
	unsigned char *f;
	size_t size;
	unsigned int ctl;
	int rc, rc_legacy, rc_all;

	if (len < 1)
		return 0;
	ctl = data[0];
	size = len - 1;
	f = malloc(size ? size : 1);
	CHECK(f != NULL);
	memcpy(f, data + 1, size);
	if (ctl & 1)
		fix_checksum(f, size);

	min = limits[(ctl >> 1) & 3].min;
	ramsz = limits[(ctl >> 1) & 3].size;
	rc = mb_parse_segments(f, size, min, ramsz, &m);
	if (rc) {
		CHECK(m.nr_segments == 0);
		CHECK(rc != MB_E_NOSPACE);
		CHECK(strcmp(mb_strerror(rc), "unknown error") != 0);
	} else {
		check_plan(&m, size, min, ramsz);
		if (ramsz == FUZZ_RAM)
			check_load(&m, f);
	}

	/* mb_parse_image is the a.out path without RAM limits. */
	rc_legacy = mb_parse_image(f, size, &legacy);
	rc_all = mb_parse_segments(f, size, 0, 1ull << 32, &all);
	if (!rc_legacy) {
		CHECK(!rc_all && all.format == MB_FORMAT_AOUT);
		CHECK(legacy.nr_segments == 1 && legacy.entry_addr == all.entry_addr);
		CHECK(memcmp(&legacy.seg[0], &all.seg[0], sizeof(all.seg[0])) == 0);
		CHECK(legacy.load_addr == all.seg[0].dest &&
		      legacy.load_size == all.seg[0].filesz &&
		      legacy.file_offset == all.seg[0].file_offset &&
		      legacy.bss_end_addr == all.seg[0].dest + all.seg[0].memsz);
	} else {
		CHECK(rc_all || all.format != MB_FORMAT_AOUT);
	}

	if (ctl & 8) {
		static unsigned char info[4096];
		uint32_t gpa = size >= 4 ? ld32(f) : 0;
		uint64_t ramsz2 = size >= 12 ? (uint64_t)ld32(f + 4) << 12 | ld32(f + 8) : 0;
		size_t bufsz = (ctl >> 4) * 256;

		rc = mb_build_info(info, bufsz, gpa, ramsz2, (const char *)f, size);
		CHECK(rc == MB_E_NOSPACE || (rc > 0 && (size_t)rc <= bufsz));
	}
	free(f);
	return 0;
}
