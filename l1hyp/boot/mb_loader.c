/*
 * Multiboot v1 loading for L2 (see mb_loader.h), following the Multiboot
 * Specification 0.6.96 and the loader in QEMU's -kernel: the header search
 * (3.1.1) and flags (3.1.2); then what to load where, from the a.out kludge
 * address fields (3.1.3) or, for an ELF image without the kludge (3.1.2:
 * bit 16 is optional for ELF), from its PT_LOAD program headers - System V
 * ABI (gABI), chapter 4 "ELF Header" and chapter 5 "Program Header" - loaded
 * at p_paddr as QEMU does; then checks of that plan against L2's RAM. Last,
 * the boot information (3.3) a PC loader hands over: memory bounds, a memory
 * map, the command line and the modules, all inside one caller-given buffer.
 *
 * The file is L0's user's input: it is only read through mb_get, which
 * checks every byte against the file's size and assembles little-endian
 * values byte by byte (any alignment, any host); sums that could wrap are
 * tested before they are formed.
 */
#include "mb_loader.h"

#include <nestlab/mem.h>
#include <nestlab/multiboot.h>

#define MB_HDR_BASE_SIZE    12u  /* magic, flags, checksum */
#define MB_KLUDGE_HDR_SIZE  32u  /* magic..entry_addr */
#define MB_SUPPORTED_REQ    ((uint32_t)(MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO))
#define MB_REQ_MASK         0xFFFFu
#define MB_4G               0x100000000ull

/* The PC memory map L2 sees (spec 3.3 "mmap"): conventional memory up to
 * the EBDA, the EBDA, the BIOS area, and RAM above 1 MiB. */
#define MB_LOW_END      0x9FC00ull
#define MB_EBDA_END     0xA0000ull
#define MB_BIOS_BASE    0xF0000ull
#define MB_HIGH_BASE    0x100000ull

/*
 * ELF constants and field offsets, gABI chapter 4 ("ELF Header",
 * "ELF Identification") and chapter 5 ("Program Header"). ELF32 and ELF64
 * differ only in the width and place of the address-sized fields.
 */
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define EI_NIDENT       16
#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define EM_386          3
#define EM_X86_64       62
#define PT_LOAD         1
#define PF_X            1
#define PN_XNUM         0xFFFFu  /* e_phnum escape: count in section 0 */

#define E_TYPE          16       /* Elf_Half, both classes */
#define E_MACHINE       18       /* Elf_Half */
#define E_VERSION       20       /* Elf_Word */
#define E_ENTRY         24       /* Elf_Addr: 4 or 8 bytes */

struct mb_elf_layout {
	unsigned int word;       /* bytes in Elf_Addr and Elf_Off */
	unsigned int ehsize;     /* sizeof(ElfN_Ehdr) */
	unsigned int phoff;      /* e_phoff */
	unsigned int phentsize;  /* e_phentsize (e_phnum follows it) */
	unsigned int phsize;     /* sizeof(ElfN_Phdr) */
	unsigned int p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz;
};

static const struct mb_elf_layout mb_elf32 = {
	.word = 4, .ehsize = 52, .phoff = 28, .phentsize = 42, .phsize = 32,
	.p_offset = 4, .p_vaddr = 8, .p_paddr = 12, .p_filesz = 16,
	.p_memsz = 20, .p_flags = 24,
};

static const struct mb_elf_layout mb_elf64 = {
	.word = 8, .ehsize = 64, .phoff = 32, .phentsize = 54, .phsize = 56,
	.p_flags = 4, .p_offset = 8, .p_vaddr = 16, .p_paddr = 24,
	.p_filesz = 32, .p_memsz = 40,
};

struct mb_file {
	const unsigned char *p;
	size_t size;
};

/* Is [off, off + n) outside the file? (off + n itself may be 2^64.) */
static int mb_beyond(const struct mb_file *f, uint64_t off, uint64_t n)
{
	return off > f->size || n > f->size - off;
}

/* The n (1..8) bytes at off as a little-endian value (multiboot fields and
 * ELFDATA2LSB files); *bad is set, and 0 returned, if any of them is not
 * in the file. */
static uint64_t mb_get(const struct mb_file *f, uint64_t off, unsigned int n, int *bad)
{
	uint64_t v = 0;
	size_t at;

	if (mb_beyond(f, off, n)) {
		*bad = 1;
		return 0;
	}
	at = (size_t)off;
	for (; n > 0; n--)
		v = v << 8 | f->p[at + n - 1];
	return v;
}

/*
 * Does [a, a + n) run past the end of a word-byte address space? 4-byte
 * (ELF32, a.out) fields wrap past 4 GiB, 8-byte ones past 2^64; a range
 * may end exactly there. a and n hold at most word bytes each, so a + n is
 * only formed when it cannot overflow.
 */
static int mb_wraps(uint64_t a, uint64_t n, unsigned int word)
{
	if (word == 8)
		return n && n - 1 > UINT64_MAX - a;
	return a + n > MB_4G;
}

/* Add segment {dest, off, filesz, memsz} to the plan (memsz > 0). */
static int mb_add_segment(struct mb_image *img, uint64_t dest, uint64_t off,
			  uint64_t filesz, uint64_t memsz)
{
	struct mb_segment *s;

	if (img->nr_segments >= MB_MAX_SEGMENTS)
		return MB_E_TOOMANY;
	s = &img->seg[img->nr_segments++];
	s->dest = dest;
	s->file_offset = off;
	s->filesz = filesz;
	s->memsz = memsz;
	return 0;
}

/*
 * 3.1.1: the header is 32-bit aligned and its magic, flags and checksum lie
 * within the first 8192 bytes. The magic can also occur by chance, so a bad
 * checksum keeps the search going (as GRUB and QEMU do). Sets *hdr_off and
 * *flags.
 */
static int mb_find_header(const struct mb_file *f, size_t *hdr_off, uint32_t *flags)
{
	size_t limit = f->size < MULTIBOOT_SEARCH_LIMIT ? f->size : MULTIBOOT_SEARCH_LIMIT;
	int found_magic = 0, bad = 0;
	size_t off;

	for (off = 0; off + MB_HDR_BASE_SIZE <= limit; off += 4) {
		uint32_t magic = (uint32_t)mb_get(f, off, 4, &bad);
		uint32_t fl = (uint32_t)mb_get(f, off + 4, 4, &bad);
		uint32_t sum = (uint32_t)mb_get(f, off + 8, 4, &bad);

		if (bad || magic != MULTIBOOT_HEADER_MAGIC)
			continue;
		/* 3.1.2: checksum + magic + flags == 0 as 32-bit unsigned. */
		if ((uint32_t)(magic + fl + sum) == 0) {
			*hdr_off = off;
			*flags = fl;
			return 0;
		}
		found_magic = 1;
	}
	return found_magic ? MB_E_CHECKSUM : MB_E_NOHEADER;
}

/*
 * 3.1.3: the a.out kludge address fields. header_addr is where the header
 * itself is loaded, so the loaded part of the file starts header_addr -
 * load_addr bytes before it; load_end_addr 0 means the rest of the file,
 * bss_end_addr 0 means no bss. One segment.
 */
static int mb_parse_aout(const struct mb_file *f, size_t off, struct mb_image *img)
{
	uint32_t header_addr, load_addr, load_end, bss_end, entry;
	uint64_t file_offset, load_size, mem_size;
	int bad = 0;

	if (off + MB_KLUDGE_HDR_SIZE > f->size)
		return MB_E_TRUNC;               /* header cut off by the file's end */
	if (off + MB_KLUDGE_HDR_SIZE > MULTIBOOT_SEARCH_LIMIT)
		return MB_E_LAYOUT;              /* address fields beyond 8 KiB */
	header_addr = (uint32_t)mb_get(f, off + 12, 4, &bad);
	load_addr = (uint32_t)mb_get(f, off + 16, 4, &bad);
	load_end = (uint32_t)mb_get(f, off + 20, 4, &bad);
	bss_end = (uint32_t)mb_get(f, off + 24, 4, &bad);
	entry = (uint32_t)mb_get(f, off + 28, 4, &bad);
	if (bad)
		return MB_E_TRUNC;

	if (load_addr > header_addr || header_addr - load_addr > off)
		return MB_E_LAYOUT;              /* would start before the file */
	file_offset = off - (header_addr - load_addr);
	if (load_end) {
		if (load_end < load_addr)
			return MB_E_LAYOUT;
		if (load_end == load_addr)
			return MB_E_EMPTY;
		load_size = load_end - load_addr;
		if (load_size > f->size - file_offset)
			return MB_E_TRUNC;           /* load_end beyond the file */
	} else {
		load_size = f->size - file_offset;   /* the rest of the file */
		if (load_size == 0)
			return MB_E_EMPTY;
		/* mb_wraps wants a 32-bit size; a larger file wraps anyway. */
		if (load_size > MB_4G || mb_wraps(load_addr, load_size, 4))
			return MB_E_WRAP;
	}
	mem_size = load_size;
	if (bss_end) {
		if (bss_end < load_addr + load_size)
			return MB_E_MEMSZ;           /* bss_end_addr < load_end_addr */
		mem_size = bss_end - load_addr;
	}
	img->entry_addr = entry;
	return mb_add_segment(img, load_addr, file_offset, load_size, mem_size);
}

/*
 * An ELF executable without the kludge: the ELF header (gABI 4, "ELF
 * Header"), then each PT_LOAD entry of the program header table (gABI 5,
 * "Program Header": p_filesz bytes at p_offset, p_memsz bytes in memory, the
 * rest zero) as one segment at p_paddr, the address QEMU's load_elf uses.
 * PT_LOAD entries with p_memsz and p_filesz both 0 load nothing and are
 * skipped. ELF32 may be EM_386 (also what objcopy -O elf32-i386 makes of an
 * x86-64 kernel) or EM_X86_64 (x32); ELF64 must be EM_X86_64, which QEMU
 * refuses outright and nestlab accepts: the entry is still entered in
 * 32-bit protected mode, so it must lie below 4 GiB.
 */
static int mb_parse_elf(const struct mb_file *f, struct mb_image *img)
{
	const struct mb_elf_layout *l;
	uint64_t e_entry, e_phoff, entry, table, i;
	unsigned int e_type, e_machine, e_phentsize, e_phnum, nr_load = 0;
	uint32_t e_version;
	int bad = 0, moved = 0, rc;

	if (f->size < EI_NIDENT)
		return MB_E_TRUNC;
	/* gABI 4, "ELF Identification". */
	switch (f->p[EI_CLASS]) {
	case ELFCLASS32:
		l = &mb_elf32;
		img->format = MB_FORMAT_ELF32;
		break;
	case ELFCLASS64:
		l = &mb_elf64;
		img->format = MB_FORMAT_ELF64;
		break;
	default:
		return MB_E_ELF;
	}
	if (f->p[EI_DATA] != ELFDATA2LSB || f->p[EI_VERSION] != EV_CURRENT)
		return MB_E_ELF;
	if (f->size < l->ehsize)
		return MB_E_TRUNC;

	e_type = (unsigned int)mb_get(f, E_TYPE, 2, &bad);
	e_machine = (unsigned int)mb_get(f, E_MACHINE, 2, &bad);
	e_version = (uint32_t)mb_get(f, E_VERSION, 4, &bad);
	e_entry = mb_get(f, E_ENTRY, l->word, &bad);
	e_phoff = mb_get(f, l->phoff, l->word, &bad);
	e_phentsize = (unsigned int)mb_get(f, l->phentsize, 2, &bad);
	e_phnum = (unsigned int)mb_get(f, l->phentsize + 2, 2, &bad);
	if (bad)
		return MB_E_TRUNC;
	if (e_type != ET_EXEC || e_version != EV_CURRENT)
		return MB_E_ELF;
	if (e_machine != EM_X86_64 && !(e_machine == EM_386 && l == &mb_elf32))
		return MB_E_ELF;
	if (e_phnum == 0)
		return MB_E_NOLOAD;
	if (e_phnum == PN_XNUM)
		return MB_E_TOOMANY;         /* 65535 or more program headers */
	if (e_phentsize < l->phsize)
		return MB_E_ELF;
	/* e_phnum * e_phentsize < 2^32: no overflow. */
	table = (uint64_t)e_phnum * e_phentsize;
	if (mb_wraps(e_phoff, table, l->word))
		return MB_E_WRAP;
	if (mb_beyond(f, e_phoff, table))
		return MB_E_TRUNC;

	entry = e_entry;
	for (i = 0; i < e_phnum; i++) {
		uint64_t ph = e_phoff + i * e_phentsize;
		uint64_t flags, off, vaddr, paddr, filesz, memsz;

		if (mb_get(f, ph, 4, &bad) != PT_LOAD)
			continue;
		nr_load++;
		flags = mb_get(f, ph + l->p_flags, 4, &bad);
		off = mb_get(f, ph + l->p_offset, l->word, &bad);
		vaddr = mb_get(f, ph + l->p_vaddr, l->word, &bad);
		paddr = mb_get(f, ph + l->p_paddr, l->word, &bad);
		filesz = mb_get(f, ph + l->p_filesz, l->word, &bad);
		memsz = mb_get(f, ph + l->p_memsz, l->word, &bad);
		if (bad)
			return MB_E_TRUNC;
		if (!filesz && !memsz)
			continue;
		/* gABI 5: "p_filesz may not be larger than p_memsz". */
		if (memsz < filesz)
			return MB_E_MEMSZ;
		if (mb_wraps(paddr, memsz, l->word) || mb_wraps(off, filesz, l->word))
			return MB_E_WRAP;
		if (filesz && mb_beyond(f, off, filesz))
			return MB_E_TRUNC;
		rc = mb_add_segment(img, paddr, off, filesz, memsz);
		if (rc)
			return rc;
		/* e_entry is virtual: QEMU moves it into the physical range of
		 * the executable segment that holds it when the two differ
		 * (here: the first such segment, for hostile overlaps). */
		if (!moved && vaddr != paddr && (flags & PF_X) &&
		    e_entry >= vaddr && e_entry - vaddr < filesz) {
			entry = paddr + (e_entry - vaddr);
			moved = 1;
		}
	}
	if (nr_load == 0)
		return MB_E_NOLOAD;
	if (img->nr_segments == 0)
		return MB_E_EMPTY;
	/* The multiboot entry runs in 32-bit protected mode (spec 3.2). */
	if (entry >= MB_4G)
		return MB_E_ENTRY;
	img->entry_addr = (uint32_t)entry;
	return 0;
}

/*
 * The plan against the guest: every segment inside [min_addr, ram_size)
 * (its file bytes: MB_E_RANGE; its bss: MB_E_BIGBSS), no two overlapping,
 * and the entry inside some segment's file bytes (code, not bss).
 */
static int mb_check_plan(struct mb_image *img, uint64_t min_addr, uint64_t ram_size)
{
	uint32_t i, j;
	int entry_ok = 0;

	for (i = 0; i < img->nr_segments; i++) {
		const struct mb_segment *s = &img->seg[i];

		if (s->dest < min_addr || s->dest >= ram_size ||
		    s->filesz > ram_size - s->dest)
			return MB_E_RANGE;
		if (s->memsz > ram_size - s->dest)
			return MB_E_BIGBSS;
	}
	/* All ends are now <= ram_size: the sums below cannot wrap. */
	for (i = 0; i < img->nr_segments; i++)
		for (j = i + 1; j < img->nr_segments; j++) {
			const struct mb_segment *a = &img->seg[i], *b = &img->seg[j];

			if (a->dest < b->dest + b->memsz && b->dest < a->dest + a->memsz)
				return MB_E_OVERLAP;
		}
	img->span_start = UINT64_MAX;
	img->span_end = 0;
	for (i = 0; i < img->nr_segments; i++) {
		const struct mb_segment *s = &img->seg[i];

		if (img->entry_addr >= s->dest && img->entry_addr - s->dest < s->filesz)
			entry_ok = 1;
		if (s->dest < img->span_start)
			img->span_start = s->dest;
		if (s->dest + s->memsz > img->span_end)
			img->span_end = s->dest + s->memsz;
	}
	return entry_ok ? 0 : MB_E_ENTRY;
}

static int mb_parse(const void *file, size_t size, uint64_t min_addr, uint64_t ram_size,
		    int aout_only, struct mb_image *out)
{
	struct mb_file f = { .p = file, .size = size };
	uint32_t flags = 0;
	size_t off = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = mb_find_header(&f, &off, &flags);
	if (rc)
		return rc;
	/* 3.1.2: bits 0-15 are requirements; refuse ones we cannot honour. */
	if (flags & MB_REQ_MASK & ~MB_SUPPORTED_REQ)
		return MB_E_FLAGS;
	if (flags & MULTIBOOT_HDR_AOUT_KLUDGE) {
		/* The kludge wins even in an ELF file (QEMU, GRUB). */
		out->format = MB_FORMAT_AOUT;
		rc = mb_parse_aout(&f, off, out);
	} else if (aout_only || size < 4 || f.p[0] != 0x7F || f.p[1] != 'E' ||
		   f.p[2] != 'L' || f.p[3] != 'F') {
		rc = MB_E_NOKLUDGE;
	} else {
		rc = mb_parse_elf(&f, out);
	}
	if (!rc)
		rc = mb_check_plan(out, min_addr, ram_size);
	if (rc) {
		out->nr_segments = 0;
		return rc;
	}
	if (out->format == MB_FORMAT_AOUT) {
		out->load_addr = (uint32_t)out->seg[0].dest;
		out->load_size = (uint32_t)out->seg[0].filesz;
		out->file_offset = (uint32_t)out->seg[0].file_offset;
		out->bss_end_addr = (uint32_t)(out->seg[0].dest + out->seg[0].memsz);
	}
	return 0;
}

int mb_parse_segments(const void *file, size_t size, uint64_t min_addr,
		      uint64_t ram_size, struct mb_image *out)
{
	return mb_parse(file, size, min_addr, ram_size, 0, out);
}

int mb_parse_image(const void *file, size_t size, struct mb_image *out)
{
	return mb_parse(file, size, 0, MB_4G, 1, out);
}

void mb_load_segments(const struct mb_image *img, const void *file, void *ram)
{
	const unsigned char *f = file;
	unsigned char *r = ram;
	uint32_t i;

	for (i = 0; i < img->nr_segments && i < MB_MAX_SEGMENTS; i++) {
		const struct mb_segment *s = &img->seg[i];

		memcpy(r + s->dest, f + s->file_offset, s->filesz);
		memset(r + s->dest + s->filesz, 0, s->memsz - s->filesz);
	}
}

const char *mb_format_name(unsigned int format)
{
	switch (format) {
	case MB_FORMAT_AOUT: return "a.out kludge";
	case MB_FORMAT_ELF32: return "ELF32";
	case MB_FORMAT_ELF64: return "ELF64";
	}
	return "?";
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

/* Does n more bytes fit after *used bytes of a size-byte buffer? Adds them. */
static int mb_take(size_t *used, size_t n, size_t size)
{
	if (n > size || *used > size - n)
		return 0;
	*used += n;
	return 1;
}

int mb_build_info_mods(void *buf, size_t buf_size, uint32_t buf_gpa, uint64_t ram_size,
		       const char *cmdline, size_t cmdline_len,
		       const struct mb_info_module *mods, unsigned nr_mods)
{
	unsigned char *b = buf;
	struct multiboot_info info;
	struct multiboot_module mod;
	const size_t ent = sizeof(struct multiboot_mmap_entry);
	size_t nr_mmap = ram_size > MB_HIGH_BASE ? 4 : 3;
	size_t mmap_off = sizeof(info);
	size_t mods_off = mmap_off + nr_mmap * ent;
	size_t cmd_off, str_off, used = mods_off, n;
	uint64_t upper_kib;
	unsigned i;

	if (!cmdline)
		cmdline_len = 0;
	/* Everything is sized before the first byte is written. */
	if (nr_mods > MB_INFO_MAX_MODULES || used > buf_size ||
	    !mb_take(&used, nr_mods * sizeof(mod), buf_size))
		return MB_E_NOSPACE;
	cmd_off = used;
	if (!mb_take(&used, cmdline_len, buf_size) || !mb_take(&used, 1, buf_size))
		return MB_E_NOSPACE;
	str_off = used;
	for (i = 0; i < nr_mods; i++)
		if (mods[i].string && (!mb_take(&used, strlen(mods[i].string), buf_size) ||
				       !mb_take(&used, 1, buf_size)))
			return MB_E_NOSPACE;
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
	if (nr_mods) {
		/* 3.3: flags bit 3, mods_count entries of 16 bytes at mods_addr. */
		info.flags |= MULTIBOOT_INFO_MODS;
		info.mods_count = nr_mods;
		info.mods_addr = buf_gpa + (uint32_t)mods_off;
	}
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
	/* 3.3: each module's [mod_start, mod_end) and string (0: none). */
	for (i = 0; i < nr_mods; i++) {
		memset(&mod, 0, sizeof(mod));
		mod.mod_start = mods[i].start;
		mod.mod_end = mods[i].end;
		if (mods[i].string) {
			n = strlen(mods[i].string) + 1;
			memcpy(b + str_off, mods[i].string, n);
			mod.string = buf_gpa + (uint32_t)str_off;
			str_off += n;
		}
		memcpy(b + mods_off + i * sizeof(mod), &mod, sizeof(mod));
	}
	return (int)used;
}

int mb_build_info(void *buf, size_t buf_size, uint32_t buf_gpa, uint64_t ram_size,
		  const char *cmdline, size_t cmdline_len)
{
	return mb_build_info_mods(buf, buf_size, buf_gpa, ram_size, cmdline, cmdline_len,
				  NULL, 0);
}

const char *mb_strerror(int rc)
{
	switch (rc) {
	case MB_E_NOHEADER: return "MB_E_NOHEADER (no header magic in the first 8 KiB)";
	case MB_E_CHECKSUM: return "MB_E_CHECKSUM (magic + flags + checksum != 0)";
	case MB_E_NOKLUDGE: return "MB_E_NOKLUDGE (flags bit 16 clear and not an ELF file: "
				   "nothing says where to load it)";
	case MB_E_LAYOUT: return "MB_E_LAYOUT (a.out kludge address fields inconsistent)";
	case MB_E_NOSPACE: return "MB_E_NOSPACE (info buffer too small)";
	case MB_E_FLAGS: return "MB_E_FLAGS (a required flag other than PAGE_ALIGN and MEMORY_INFO is set)";
	case MB_E_TRUNC: return "MB_E_TRUNC (headers or segment data beyond the end of the file)";
	case MB_E_RANGE: return "MB_E_RANGE (a segment outside L2 RAM above 1 MiB)";
	case MB_E_WRAP: return "MB_E_WRAP (an address + size wraps around)";
	case MB_E_ENTRY: return "MB_E_ENTRY (entry point not in a loaded segment, or above 4 GiB)";
	case MB_E_ELF: return "MB_E_ELF (not an x86 ELF executable: class, data, version, type, "
			      "machine or program header size)";
	case MB_E_NOLOAD: return "MB_E_NOLOAD (ELF file without a PT_LOAD program header)";
	case MB_E_TOOMANY: return "MB_E_TOOMANY (more than 16 segments to load)";
	case MB_E_OVERLAP: return "MB_E_OVERLAP (two segments overlap in memory)";
	case MB_E_MEMSZ: return "MB_E_MEMSZ (a segment's memory size is smaller than its file size)";
	case MB_E_EMPTY: return "MB_E_EMPTY (nothing to load: zero-size image)";
	case MB_E_BIGBSS: return "MB_E_BIGBSS (a segment's bss runs past the end of L2 RAM)";
	}
	return "unknown error";
}
