/*
 * Multiboot v1 loading for L2 (see mb_loader.h), following the Multiboot
 * Specification 0.6.96: the header search and a.out kludge address fields
 * (3.1.1-3.1.3) with the consistency checks QEMU's -kernel loader makes, and
 * the boot information (3.3) a PC loader hands over: memory bounds, a memory
 * map and the command line, all inside one caller-given buffer. The file is
 * only read, byte-wise, so it may sit at any alignment.
 */
#include "mb_loader.h"

#include <nestlab/mem.h>
#include <nestlab/multiboot.h>

#define MB_KLUDGE_HDR_SIZE  32u  /* magic..entry_addr */
#define MB_SUPPORTED_REQ    (MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO)
#define MB_REQ_MASK         0xFFFFu

/* The PC memory map L2 sees (spec 3.3 "mmap"): conventional memory up to
 * the EBDA, the EBDA, the BIOS area, and RAM above 1 MiB. */
#define MB_LOW_END      0x9FC00ull
#define MB_EBDA_END     0xA0000ull
#define MB_BIOS_BASE    0xF0000ull
#define MB_HIGH_BASE    0x100000ull

static uint32_t mb_ld32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int mb_parse_image(const void *file, size_t size, struct mb_image *out)
{
	const unsigned char *f = file;
	size_t limit = size < MULTIBOOT_SEARCH_LIMIT ? size : MULTIBOOT_SEARCH_LIMIT;
	int found_magic = 0;
	size_t off;

	/* 3.1.1: the header is 32-bit aligned within the first 8192 bytes. The
	 * magic can also occur by chance, so a bad checksum keeps the search
	 * going (as GRUB and QEMU do). */
	for (off = 0; off + 12 <= limit; off += 4) {
		uint32_t magic = mb_ld32(f + off), flags, sum;

		if (magic != MULTIBOOT_HEADER_MAGIC)
			continue;
		flags = mb_ld32(f + off + 4);
		sum = mb_ld32(f + off + 8);
		if ((uint32_t)(magic + flags + sum) == 0)
			break;
		found_magic = 1;
	}
	if (off + 12 > limit)
		return found_magic ? MB_E_CHECKSUM : MB_E_NOHEADER;

	uint32_t flags = mb_ld32(f + off + 4);

	/* 3.1.2: bits 0-15 are requirements; refuse ones we cannot honour. */
	if (flags & MB_REQ_MASK & ~MB_SUPPORTED_REQ)
		return MB_E_FLAGS;
	if (!(flags & MULTIBOOT_HDR_AOUT_KLUDGE))
		return MB_E_NOKLUDGE;
	if (off + MB_KLUDGE_HDR_SIZE > limit)
		return MB_E_LAYOUT;

	/* 3.1.3: the address fields. */
	uint32_t header_addr = mb_ld32(f + off + 12);
	uint32_t load_addr = mb_ld32(f + off + 16);
	uint32_t load_end = mb_ld32(f + off + 20);
	uint32_t bss_end = mb_ld32(f + off + 24);
	uint32_t entry = mb_ld32(f + off + 28);
	uint64_t file_offset, load_size;

	if (load_addr > header_addr || header_addr - load_addr > off)
		return MB_E_LAYOUT;
	file_offset = off - (header_addr - load_addr);
	if (load_end) {
		if (load_end <= load_addr)
			return MB_E_LAYOUT;
		load_size = load_end - load_addr;
		if (load_size > size - file_offset)
			return MB_E_LAYOUT;          /* load_end beyond the file */
	} else {
		load_size = size - file_offset;      /* the rest of the file */
		if (load_size == 0 || load_size > 0xFFFFFFFFull - load_addr)
			return MB_E_LAYOUT;
	}
	if (bss_end) {
		if (bss_end < load_addr + load_size)
			return MB_E_LAYOUT;
	} else {
		bss_end = (uint32_t)(load_addr + load_size);
	}
	if (entry < load_addr || entry - load_addr >= load_size)
		return MB_E_LAYOUT;              /* entry outside the loaded bytes */

	out->load_addr = load_addr;
	out->load_size = (uint32_t)load_size;
	out->file_offset = (uint32_t)file_offset;
	out->bss_end_addr = bss_end;
	out->entry_addr = entry;
	return 0;
}

static void mb_put_mmap(unsigned char *p, uint64_t addr, uint64_t len, uint32_t type)
{
	struct multiboot_mmap_entry e = {
		.size = sizeof(e) - sizeof(e.size),
		.addr = addr,
		.len = len,
		.type = type,
	};

	memcpy(p, &e, sizeof(e));
}

int mb_build_info(void *buf, size_t buf_size, uint32_t buf_gpa, uint64_t ram_size,
		  const char *cmdline, size_t cmdline_len)
{
	unsigned char *b = buf;
	struct multiboot_info info;
	const size_t ent = sizeof(struct multiboot_mmap_entry);
	size_t nr_mmap = ram_size > MB_HIGH_BASE ? 4 : 3;
	size_t mmap_off = sizeof(info);
	size_t cmd_off = mmap_off + nr_mmap * ent;
	size_t used;
	uint64_t upper_kib;

	if (!cmdline)
		cmdline_len = 0;
	if (cmdline_len > buf_size || cmd_off + 1 > buf_size - cmdline_len)
		return MB_E_NOSPACE;
	used = cmd_off + cmdline_len + 1;
	if ((uint64_t)buf_gpa + used > 0x100000000ull || used > 0x7FFFFFFF)
		return MB_E_NOSPACE;             /* must stay below 4 GiB */

	upper_kib = ram_size > MB_HIGH_BASE ? (ram_size - MB_HIGH_BASE) / 1024 : 0;
	memset(&info, 0, sizeof(info));
	info.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MMAP;
	info.mem_lower = (uint32_t)(MB_LOW_END / 1024);   /* 639 KiB */
	info.mem_upper = upper_kib > 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)upper_kib;
	info.cmdline = buf_gpa + (uint32_t)cmd_off;
	info.mmap_addr = buf_gpa + (uint32_t)mmap_off;
	info.mmap_length = (uint32_t)(nr_mmap * ent);
	memcpy(b, &info, sizeof(info));

	mb_put_mmap(b + mmap_off, 0, MB_LOW_END, MULTIBOOT_MMAP_AVAILABLE);
	mb_put_mmap(b + mmap_off + ent, MB_LOW_END, MB_EBDA_END - MB_LOW_END,
		    MULTIBOOT_MMAP_RESERVED);
	mb_put_mmap(b + mmap_off + 2 * ent, MB_BIOS_BASE, MB_HIGH_BASE - MB_BIOS_BASE,
		    MULTIBOOT_MMAP_RESERVED);
	if (nr_mmap == 4)
		mb_put_mmap(b + mmap_off + 3 * ent, MB_HIGH_BASE, ram_size - MB_HIGH_BASE,
			    MULTIBOOT_MMAP_AVAILABLE);

	if (cmdline_len)
		memcpy(b + cmd_off, cmdline, cmdline_len);
	b[cmd_off + cmdline_len] = 0;
	return (int)used;
}

const char *mb_strerror(int rc)
{
	switch (rc) {
	case MB_E_NOHEADER: return "MB_E_NOHEADER (no header magic in the first 8 KiB)";
	case MB_E_CHECKSUM: return "MB_E_CHECKSUM (magic + flags + checksum != 0)";
	case MB_E_NOKLUDGE: return "MB_E_NOKLUDGE (flags bit 16 clear: nestlab needs the a.out kludge)";
	case MB_E_LAYOUT: return "MB_E_LAYOUT (addresses inconsistent or beyond the file)";
	case MB_E_NOSPACE: return "MB_E_NOSPACE (info buffer too small)";
	case MB_E_FLAGS: return "MB_E_FLAGS (a required flag other than PAGE_ALIGN and MEMORY_INFO is set)";
	}
	return "unknown error";
}
