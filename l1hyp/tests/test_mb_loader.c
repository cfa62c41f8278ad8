/*
 * Host tests for l1hyp/boot/mb_loader.c: hand-built multiboot v1 images with
 * an a.out kludge header (Multiboot Specification 0.6.96, 3.1) - good ones,
 * each way a header can be wrong (each with its exact MB_E_* code), the
 * checks against L2's RAM, the copy of the one segment, the a.out-only
 * mb_parse_image - and the exact byte layout of the boot information built
 * for L2 (3.3). ELF images: test_mb_elf.c.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include <nestlab/multiboot.h>
#include "boot/mb_loader.h"

#define IMG_SIZE 0x4000u
#define LOAD     0x100000u
#define FLAGS_OK (MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO | MULTIBOOT_HDR_AOUT_KLUDGE)
#define MIN_ADDR 0x100000u
#define RAM      (64ull << 20)

static unsigned char img[IMG_SIZE];

struct hdr {
	uint32_t off, flags, header_addr, load_addr, load_end, bss_end, entry;
	int bad_sum;
};

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void write_hdr(const struct hdr *h)
{
	unsigned char *p = img + h->off;

	put32(p, MULTIBOOT_HEADER_MAGIC);
	put32(p + 4, h->flags);
	put32(p + 8, -(MULTIBOOT_HEADER_MAGIC + h->flags) + (h->bad_sum ? 1 : 0));
	put32(p + 12, h->header_addr);
	put32(p + 16, h->load_addr);
	put32(p + 20, h->load_end);
	put32(p + 24, h->bss_end);
	put32(p + 28, h->entry);
}

/* A typical flat kernel: header at file offset 0x40, loaded at 1 MiB. */
static struct hdr good(void)
{
	return (struct hdr){
		.off = 0x40, .flags = FLAGS_OK, .header_addr = LOAD + 0x40,
		.load_addr = LOAD, .load_end = LOAD + 0x2800, .bss_end = LOAD + 0x5000,
		.entry = LOAD + 0x80,
	};
}

static void setup(void)
{
	for (unsigned i = 0; i < IMG_SIZE; i++)
		img[i] = (unsigned char)(i * 13 + 5);
	/* No accidental magic in the filler. */
	for (unsigned i = 0; i + 4 <= IMG_SIZE; i += 4)
		cr_assert(ne(u32, *(uint32_t *)(img + i), MULTIBOOT_HEADER_MAGIC));
}

TestSuite(mb_parse, .init = setup);

static int parse(const struct hdr *h, size_t size, struct mb_image *out)
{
	int rc;

	write_hdr(h);
	memset(out, 0xEE, sizeof(*out));
	rc = mb_parse_segments(img, size, MIN_ADDR, RAM, out);
	if (rc)
		cr_assert(eq(u32, out->nr_segments, 0), "a plan left after an error");
	return rc;
}

static int parse_err(const struct hdr *h, size_t size)
{
	struct mb_image out;

	return parse(h, size, &out);
}

Test(mb_parse, good_header)
{
	struct hdr h = good();
	struct mb_image m;

	cr_assert(eq(int, parse(&h, IMG_SIZE, &m), 0));
	cr_assert(eq(u32, m.format, MB_FORMAT_AOUT));
	cr_assert(eq(u32, m.nr_segments, 1));
	cr_assert(eq(u64, m.seg[0].dest, LOAD));
	cr_assert(eq(u64, m.seg[0].file_offset, 0));
	cr_assert(eq(u64, m.seg[0].filesz, 0x2800));
	cr_assert(eq(u64, m.seg[0].memsz, 0x5000));
	cr_assert(eq(u64, m.span_start, LOAD));
	cr_assert(eq(u64, m.span_end, LOAD + 0x5000));
	cr_assert(eq(u32, m.entry_addr, LOAD + 0x80));
	/* The one-range view of the same plan. */
	cr_assert(eq(u32, m.load_addr, LOAD));
	cr_assert(eq(u32, m.load_size, 0x2800));
	cr_assert(eq(u32, m.file_offset, 0));
	cr_assert(eq(u32, m.bss_end_addr, LOAD + 0x5000));
}

Test(mb_parse, whole_file_and_no_bss)
{
	struct hdr h = good();
	struct mb_image m;

	h.load_end = 0;
	h.bss_end = 0;
	cr_assert(eq(int, parse(&h, 0x3000, &m), 0));
	cr_assert(eq(u32, m.load_size, 0x3000));
	cr_assert(eq(u32, m.bss_end_addr, LOAD + 0x3000));
	/* bss_end == load_end is fine too (empty bss). */
	h.load_end = LOAD + 0x2000;
	h.bss_end = LOAD + 0x2000;
	cr_assert(eq(int, parse(&h, 0x3000, &m), 0));
	cr_assert(eq(u32, m.bss_end_addr, LOAD + 0x2000));
}

Test(mb_parse, file_offset_from_header_position)
{
	/* Header at file offset 0x1040, but only 0x40 after load_addr: the
	 * loaded part starts at file offset 0x1000 (spec 3.1.3). */
	struct hdr h = good();
	struct mb_image m;

	h.off = 0x1040;
	h.load_end = LOAD + 0x3000;
	h.bss_end = 0;
	cr_assert(eq(int, parse(&h, IMG_SIZE, &m), 0));
	cr_assert(eq(u32, m.file_offset, 0x1000));
	cr_assert(eq(u32, m.load_size, 0x3000));
	/* One byte more than the file holds. */
	h.load_end = LOAD + 0x3001;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_TRUNC));
	/* Whole-file load from there. */
	h.load_end = 0;
	cr_assert(eq(int, parse(&h, IMG_SIZE, &m), 0));
	cr_assert(eq(u32, m.load_size, IMG_SIZE - 0x1000));
}

Test(mb_parse, unaligned_buffer)
{
	static unsigned char copy[IMG_SIZE + 1];
	struct hdr h = good();
	struct mb_image m;

	write_hdr(&h);
	memcpy(copy + 1, img, IMG_SIZE);
	cr_assert(eq(int, mb_parse_image(copy + 1, IMG_SIZE, &m), 0));
	cr_assert(eq(u32, m.entry_addr, LOAD + 0x80));
}

Test(mb_parse, checksum)
{
	struct hdr h = good();
	struct mb_image m;

	h.bad_sum = 1;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_CHECKSUM));
	/* A stray magic with a bad checksum before the real header is skipped. */
	write_hdr(&h);
	h = good();
	h.off = 0x80;
	h.header_addr = LOAD + 0x80;
	cr_assert(eq(int, parse(&h, IMG_SIZE, &m), 0));
	cr_assert(eq(u32, m.file_offset, 0));
}

Test(mb_parse, header_search_window)
{
	struct hdr h = good();

	cr_assert(eq(int, mb_parse_image(img, IMG_SIZE, &(struct mb_image){ 0 }), MB_E_NOHEADER));
	cr_assert(eq(int, mb_parse_image(img, 0, &(struct mb_image){ 0 }), MB_E_NOHEADER));
	/* Beyond the first 8 KiB. */
	h.off = 8192;
	h.header_addr = LOAD + 8192;
	h.load_end = LOAD + 0x3000;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_NOHEADER));
	/* Not 32-bit aligned. */
	memset(img + 8192, 0, 32);
	h.off = 0x42;
	h.header_addr = LOAD + 0x42;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_NOHEADER));
	/* Magic, flags, checksum end at byte 8192, the address fields do not. */
	memset(img + 0x42, 0, 32);
	h.off = 8192 - 12;
	h.header_addr = LOAD + 8192 - 12;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_LAYOUT));
	/* Header cut off by the end of the file. */
	memset(img + 8192 - 12, 0, 32);
	h = good();
	cr_assert(eq(int, parse_err(&h, 0x40 + 20), MB_E_TRUNC));
	cr_assert(eq(int, parse_err(&h, 0x40 + 31), MB_E_TRUNC));
	cr_assert(eq(int, parse_err(&h, 0x40 + 8), MB_E_NOHEADER));
}

Test(mb_parse, flags)
{
	struct hdr h = good();

	h.flags = MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_NOKLUDGE));
	h.flags = FLAGS_OK | (1u << 2);         /* video mode: required, unsupported */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_FLAGS));
	h.flags = FLAGS_OK | (1u << 15);
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_FLAGS));
	h.flags = FLAGS_OK | (1u << 17);        /* optional bits are ignored */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), 0));
	h.flags = MULTIBOOT_HDR_AOUT_KLUDGE;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), 0));
}

Test(mb_parse, layout_errors)
{
	struct hdr h;

	h = good(); h.load_addr = h.header_addr + 4;          /* load_addr > header_addr */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_LAYOUT));
	h = good(); h.load_addr = LOAD - 0x1000;              /* would start before the file */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_LAYOUT));
	h = good(); h.load_end = LOAD + IMG_SIZE + 1;         /* load_end beyond the file */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_TRUNC));
	h = good(); h.load_end = LOAD + IMG_SIZE;             /* exactly the file: fine */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), 0));
	h = good(); h.load_end = LOAD;                        /* nothing loaded */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_EMPTY));
	h = good(); h.load_end = LOAD - 1;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_LAYOUT));
	h = good(); h.bss_end = h.load_end - 1;               /* bss_end < load_end */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_MEMSZ));
	h = good(); h.entry = LOAD - 1;                       /* entry outside the image */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_ENTRY));
	h = good(); h.entry = h.load_end;                     /* entry in bss */
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_ENTRY));
	h = good(); h.entry = h.load_end - 1;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), 0));
	h = good(); h.entry = LOAD;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), 0));
	/* Whole-file load that would run past 4 GiB. */
	h = good(); h.load_addr = 0xFFFFF000u; h.header_addr = 0xFFFFF040u;
	h.load_end = 0; h.bss_end = 0; h.entry = 0xFFFFF080u;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_WRAP));
	/* ... and one that ends exactly at 4 GiB (then outside RAM). */
	h = good(); h.load_addr = 0xFFFFC000u; h.header_addr = 0xFFFFC040u;
	h.load_end = 0; h.bss_end = 0; h.entry = 0xFFFFC080u;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_RANGE));
}

Test(mb_parse, ram_limits)
{
	struct hdr h;
	struct mb_image m;

	/* Below min_addr: the low megabyte holds L2's GDT and boot info. */
	h = good(); h.load_addr = MIN_ADDR - 0x1000; h.header_addr = h.load_addr + 0x40;
	h.load_end = h.load_addr + 0x2800; h.bss_end = 0; h.entry = h.load_addr + 0x80;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_RANGE));
	/* Loaded bytes past the end of RAM. */
	h = good(); h.load_addr = RAM - 0x2000; h.header_addr = h.load_addr + 0x40;
	h.load_end = h.load_addr + 0x2800; h.bss_end = 0; h.entry = h.load_addr + 0x80;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_RANGE));
	/* Loaded bytes end at the end of RAM: fine; one more bss byte is not. */
	h.load_addr = RAM - 0x2800; h.header_addr = h.load_addr + 0x40;
	h.load_end = h.load_addr + 0x2800; h.entry = h.load_addr + 0x80;
	cr_assert(eq(int, parse(&h, IMG_SIZE, &m), 0));
	cr_assert(eq(u64, m.span_end, RAM));
	h.bss_end = h.load_end + 1;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_BIGBSS));
	/* Huge bss. */
	h = good(); h.bss_end = 0xFFFFFFFFu;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_BIGBSS));
	/* Entirely above RAM. */
	h = good(); h.load_addr = 0x80000000u; h.header_addr = h.load_addr + 0x40;
	h.load_end = h.load_addr + 0x2800; h.bss_end = 0; h.entry = h.load_addr + 0x80;
	cr_assert(eq(int, parse_err(&h, IMG_SIZE), MB_E_RANGE));
	/* Exactly at min_addr, exactly to the end of RAM: fine. */
	h = good();
	write_hdr(&h);
	cr_assert(eq(int, mb_parse_segments(img, IMG_SIZE, LOAD, LOAD + 0x5000, &m), 0));
	cr_assert(eq(int, mb_parse_segments(img, IMG_SIZE, LOAD + 1, RAM, &m), MB_E_RANGE));
	cr_assert(eq(int, mb_parse_segments(img, IMG_SIZE, LOAD, LOAD + 0x4FFF, &m),
		     MB_E_BIGBSS));
}

Test(mb_parse, load_copies_and_zeroes)
{
	struct hdr h = good();
	struct mb_image m;
	unsigned char *ram = malloc(LOAD + 0x6000);

	cr_assert(ram != NULL);
	cr_assert(eq(int, parse(&h, IMG_SIZE, &m), 0));
	memset(ram, 0xCC, LOAD + 0x6000);
	mb_load_segments(&m, img, ram);
	cr_assert(eq(int, memcmp(ram + LOAD, img, 0x2800), 0));
	for (unsigned i = 0x2800; i < 0x5000; i++)
		cr_assert(eq(u8, ram[LOAD + i], 0), "bss byte %#x", i);
	cr_assert(eq(u8, ram[LOAD - 1], 0xCC));
	cr_assert(eq(u8, ram[LOAD + 0x5000], 0xCC));
	free(ram);
}

/* The a.out-only parse main.c used before ELF: same plan, no RAM checks. */
Test(mb_parse, legacy_parse_image)
{
	struct hdr h = good();
	struct mb_image m;

	write_hdr(&h);
	cr_assert(eq(int, mb_parse_image(img, IMG_SIZE, &m), 0));
	cr_assert(eq(u32, m.load_addr, LOAD));
	cr_assert(eq(u32, m.load_size, 0x2800));
	cr_assert(eq(u32, m.file_offset, 0));
	cr_assert(eq(u32, m.bss_end_addr, LOAD + 0x5000));
	cr_assert(eq(u32, m.entry_addr, LOAD + 0x80));
	cr_assert(eq(u32, m.nr_segments, 1));
	/* Below 1 MiB is the caller's business there. */
	h.load_addr = 0x10000; h.header_addr = 0x10040; h.load_end = 0x12800;
	h.bss_end = 0x15000; h.entry = 0x10080;
	write_hdr(&h);
	cr_assert(eq(int, mb_parse_image(img, IMG_SIZE, &m), 0));
	cr_assert(eq(u32, m.load_addr, 0x10000));
	h = good();
	h.flags &= ~MULTIBOOT_HDR_AOUT_KLUDGE;
	write_hdr(&h);
	cr_assert(eq(int, mb_parse_image(img, IMG_SIZE, &m), MB_E_NOKLUDGE));
}

/* mb_build_info */

#define GPA 0x9000u
static const char cmd[] = "workload=cpuid iterations=10";   /* 28 bytes */

static void assert_mmap(const unsigned char *p, uint64_t addr, uint64_t len, uint32_t type)
{
	struct multiboot_mmap_entry e;

	memcpy(&e, p, sizeof(e));
	cr_assert(eq(u32, e.size, 20));
	cr_assert(eq(u64, e.addr, addr));
	cr_assert(eq(u64, e.len, len));
	cr_assert(eq(u32, e.type, type));
}

Test(mb_info, layout_is_exact)
{
	unsigned char buf[4096];
	struct multiboot_info info;
	int used;

	cr_assert(eq(u64, sizeof(struct multiboot_info), 96));
	cr_assert(eq(u64, sizeof(struct multiboot_mmap_entry), 24));
	memset(buf, 0xCC, sizeof(buf));
	used = mb_build_info(buf, sizeof(buf), GPA, 64ull << 20, cmd, 28);
	cr_assert(eq(int, used, 96 + 4 * 24 + 28 + 1));
	memcpy(&info, buf, sizeof(info));
	cr_assert(eq(u32, info.flags, MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE |
				       MULTIBOOT_INFO_MMAP));
	cr_assert(eq(u32, info.flags, 0x45));
	cr_assert(eq(u32, info.mem_lower, 639));
	cr_assert(eq(u32, info.mem_upper, 63 * 1024));
	cr_assert(eq(u32, info.mmap_addr, GPA + 96));
	cr_assert(eq(u32, info.mmap_length, 4 * 24));
	cr_assert(eq(u32, info.cmdline, GPA + 96 + 96));
	/* Everything not provided is zero. */
	cr_assert(eq(u32, info.boot_device, 0));
	cr_assert(eq(u32, info.mods_count, 0));
	cr_assert(eq(u32, info.mods_addr, 0));
	for (unsigned i = 0; i < 4; i++)
		cr_assert(eq(u32, info.syms[i], 0));
	cr_assert(eq(u32, info.drives_length | info.drives_addr | info.config_table |
			  info.boot_loader_name | info.apm_table, 0));
	for (unsigned i = 0; i < 6; i++)
		cr_assert(eq(u32, info.vbe[i], 0));

	assert_mmap(buf + 96, 0, 0x9FC00, MULTIBOOT_MMAP_AVAILABLE);
	assert_mmap(buf + 120, 0x9FC00, 0x400, MULTIBOOT_MMAP_RESERVED);
	assert_mmap(buf + 144, 0xF0000, 0x10000, MULTIBOOT_MMAP_RESERVED);
	assert_mmap(buf + 168, 0x100000, (64ull << 20) - 0x100000, MULTIBOOT_MMAP_AVAILABLE);

	cr_assert(eq(int, memcmp(buf + 192, cmd, 28), 0));
	cr_assert(eq(u8, buf[192 + 28], 0));
	cr_assert(eq(str, (char *)buf + (info.cmdline - GPA), (char *)cmd));
	cr_assert(eq(u8, buf[used], 0xCC), "wrote past the bytes it reported");
}

Test(mb_info, cmdline_not_terminated_and_null)
{
	unsigned char buf[512];
	struct multiboot_info info;

	/* Only cmdline_len bytes are taken, the NUL is added. */
	cr_assert(eq(int, mb_build_info(buf, sizeof(buf), GPA, 64ull << 20, cmd, 8),
		     192 + 8 + 1));
	cr_assert(eq(str, (char *)buf + 192, "workload"));
	/* No command line: an empty string, flag still set. */
	memset(buf, 0xCC, sizeof(buf));
	cr_assert(eq(int, mb_build_info(buf, sizeof(buf), GPA, 64ull << 20, NULL, 5), 193));
	memcpy(&info, buf, sizeof(info));
	cr_assert(eq(u32, info.cmdline, GPA + 192));
	cr_assert(eq(u8, buf[192], 0));
	cr_assert(eq(u8, buf[193], 0xCC));
}

Test(mb_info, nospace)
{
	unsigned char buf[512];
	const int need = 96 + 4 * 24 + 28 + 1;

	memset(buf, 0xCC, sizeof(buf));
	cr_assert(eq(int, mb_build_info(buf, need - 1, GPA, 64ull << 20, cmd, 28), MB_E_NOSPACE));
	cr_assert(eq(int, mb_build_info(buf, 0, GPA, 64ull << 20, cmd, 28), MB_E_NOSPACE));
	cr_assert(eq(int, mb_build_info(buf, 50, GPA, 64ull << 20, NULL, 0), MB_E_NOSPACE));
	for (unsigned i = 0; i < sizeof(buf); i++)
		cr_assert(eq(u8, buf[i], 0xCC), "buffer touched on failure");
	cr_assert(eq(int, mb_build_info(buf, need, GPA, 64ull << 20, cmd, 28), need));
	/* The info must stay below 4 GiB. */
	cr_assert(eq(int, mb_build_info(buf, sizeof(buf), 0xFFFFFF40u, 64ull << 20, cmd, 28),
		     MB_E_NOSPACE));
	cr_assert(eq(int, mb_build_info(buf, sizeof(buf), 0xFFFFFFFFu - need + 1,
					 64ull << 20, cmd, 28), need));
}

Test(mb_info, small_and_large_ram)
{
	unsigned char buf[512];
	struct multiboot_info info;

	/* 1 MiB of RAM: nothing above 1 MiB, three entries. */
	cr_assert(eq(int, mb_build_info(buf, sizeof(buf), GPA, 1ull << 20, "", 0), 96 + 72 + 1));
	memcpy(&info, buf, sizeof(info));
	cr_assert(eq(u32, info.mem_upper, 0));
	cr_assert(eq(u32, info.mmap_length, 72));
	cr_assert(eq(u32, info.cmdline, GPA + 96 + 72));
	/* 5 GiB: 64-bit lengths in the map. */
	cr_assert(eq(int, mb_build_info(buf, sizeof(buf), GPA, 5ull << 30, "", 0), 96 + 96 + 1));
	memcpy(&info, buf, sizeof(info));
	cr_assert(eq(u32, info.mem_upper, (uint32_t)(((5ull << 30) - (1 << 20)) / 1024)));
	assert_mmap(buf + 168, 0x100000, (5ull << 30) - 0x100000, MULTIBOOT_MMAP_AVAILABLE);
}

/* mb_build_info_mods */

Test(mb_info, no_modules_is_mb_build_info)
{
	unsigned char a[512], b[512];

	memset(a, 0xCC, sizeof(a));
	memset(b, 0xCC, sizeof(b));
	cr_assert(eq(int, mb_build_info(a, sizeof(a), GPA, 64ull << 20, cmd, 28),
		     mb_build_info_mods(b, sizeof(b), GPA, 64ull << 20, cmd, 28, NULL, 0)));
	cr_assert(eq(int, memcmp(a, b, sizeof(a)), 0));
}

Test(mb_info, modules_listed)
{
	static const struct mb_info_module mods[] = {
		{ 0x200000, 0x201234, "hello.ko" }, { 0x203000, 0x203000, NULL },
	};
	unsigned char buf[512];
	struct multiboot_info info;
	struct multiboot_module m;
	const int mods_off = 96 + 96, cmd_off = mods_off + 32, str_off = cmd_off + 29;
	int used;

	memset(buf, 0xCC, sizeof(buf));
	used = mb_build_info_mods(buf, sizeof(buf), GPA, 64ull << 20, cmd, 28, mods, 2);
	cr_assert(eq(int, used, str_off + 9));
	memcpy(&info, buf, sizeof(info));
	cr_assert(eq(u32, info.flags, 0x45 | MULTIBOOT_INFO_MODS));
	cr_assert(eq(u32, info.mods_count, 2));
	cr_assert(eq(u32, info.mods_addr, GPA + mods_off));
	cr_assert(eq(u32, info.cmdline, GPA + cmd_off));
	cr_assert(eq(str, (char *)buf + cmd_off, (char *)cmd));
	memcpy(&m, buf + mods_off, sizeof(m));
	cr_assert(eq(u32, m.mod_start, 0x200000));
	cr_assert(eq(u32, m.mod_end, 0x201234));
	cr_assert(eq(u32, m.string, GPA + str_off));
	cr_assert(eq(u32, m.reserved, 0));
	cr_assert(eq(str, (char *)buf + str_off, "hello.ko"));
	memcpy(&m, buf + mods_off + 16, sizeof(m));
	cr_assert(eq(u32, m.mod_start, 0x203000));
	cr_assert(eq(u32, m.mod_end, 0x203000));
	cr_assert(eq(u32, m.string, 0));
	cr_assert(eq(u8, buf[used], 0xCC), "wrote past the bytes it reported");
}

Test(mb_info, modules_nospace)
{
	static const struct mb_info_module mod = { 0x200000, 0x201000, "hello.ko" };
	static struct mb_info_module many[MB_INFO_MAX_MODULES + 1];
	unsigned char buf[512];
	const int need = 96 + 96 + 16 + 29 + 9;

	memset(buf, 0xCC, sizeof(buf));
	/* One byte short for the module's string, its NUL, its entry. */
	cr_assert(eq(int, mb_build_info_mods(buf, need - 1, GPA, 64ull << 20, cmd, 28, &mod, 1),
		     MB_E_NOSPACE));
	cr_assert(eq(int, mb_build_info_mods(buf, need - 9, GPA, 64ull << 20, cmd, 28, &mod, 1),
		     MB_E_NOSPACE));
	cr_assert(eq(int, mb_build_info_mods(buf, 96 + 96 + 15, GPA, 64ull << 20, NULL, 0,
					     &mod, 1), MB_E_NOSPACE));
	cr_assert(eq(int, mb_build_info_mods(buf, sizeof(buf), GPA, 64ull << 20, cmd, 28,
					     many, MB_INFO_MAX_MODULES + 1), MB_E_NOSPACE));
	for (unsigned i = 0; i < sizeof(buf); i++)
		cr_assert(eq(u8, buf[i], 0xCC), "buffer touched on failure");
	cr_assert(eq(int, mb_build_info_mods(buf, need, GPA, 64ull << 20, cmd, 28, &mod, 1),
		     need));
	/* Below 4 GiB, strings included. */
	cr_assert(eq(int, mb_build_info_mods(buf, sizeof(buf), 0xFFFFFFFFu - need + 2,
					     64ull << 20, cmd, 28, &mod, 1), MB_E_NOSPACE));
}
