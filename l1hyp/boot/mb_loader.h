/*
 * Booting L2 the way QEMU's -kernel boots a multiboot v1 image (Multiboot
 * Specification 0.6.96, 3.1 and 3.3): find and check the image's header,
 * work out what to load where - from the a.out kludge address fields (flags
 * bit 16, 3.1.3) or, without the kludge, from an ELF32 or ELF64 file's
 * PT_LOAD program headers (System V ABI, "Program Header") - as a short list
 * of segments checked against L2's RAM, copy them, and build the multiboot
 * info that describes L2's memory, command line and modules. The file comes from
 * L0's user: every read is bounds-checked. Pure C, host-tested and fuzzed.
 */
#ifndef NESTLAB_MB_LOADER_H
#define NESTLAB_MB_LOADER_H

#include <stdint.h>
#include <stddef.h>

/*
 * Error codes. The -50s are the loader's first block; they were full, so
 * the rest continue at -90 (both blocks are the loader's alone).
 */
#define MB_E_NOHEADER  (-50) /* no header magic in the first 8 KiB */
#define MB_E_CHECKSUM  (-51) /* magic + flags + checksum != 0 */
#define MB_E_NOKLUDGE  (-52) /* flags bit 16 clear and the file is not ELF */
#define MB_E_LAYOUT    (-53) /* a.out kludge address fields inconsistent */
#define MB_E_NOSPACE   (-54) /* info buffer too small */
#define MB_E_FLAGS     (-55) /* a required flag (bits 0-15) other than
			       PAGE_ALIGN and MEMORY_INFO is set (spec 3.1.2) */
#define MB_E_TRUNC     (-56) /* headers or segment data beyond the file */
#define MB_E_RANGE     (-57) /* a segment outside [min_addr, ram_size) */
#define MB_E_WRAP      (-58) /* an address + size wraps around */
#define MB_E_ENTRY     (-59) /* entry not in a segment's file bytes, or >= 4 GiB */
#define MB_E_ELF       (-110) /* ELF class, data, version, type, machine or
			       program header size not an x86 executable */
#define MB_E_NOLOAD    (-111) /* ELF file without a PT_LOAD program header */
#define MB_E_TOOMANY   (-112) /* more than MB_MAX_SEGMENTS segments to load */
#define MB_E_OVERLAP   (-113) /* two segments overlap in guest memory */
#define MB_E_MEMSZ     (-114) /* a segment's memory size < its file size */
#define MB_E_EMPTY     (-115) /* nothing to load (zero-size image) */
#define MB_E_BIGBSS    (-116) /* a segment's bytes fit RAM, its bss does not */

/* The name and meaning of a MB_E_* code ("unknown error" otherwise). */
const char *mb_strerror(int rc);

/* At most this many non-empty PT_LOAD segments (the a.out kludge has one). */
#define MB_MAX_SEGMENTS 16

/* Where the load plan came from (mb_image.format). */
enum mb_format {
	MB_FORMAT_AOUT = 1,     /* a.out kludge address fields (flags bit 16) */
	MB_FORMAT_ELF32,        /* ELF32 PT_LOAD program headers */
	MB_FORMAT_ELF64,        /* ELF64 PT_LOAD program headers */
};

/* "a.out kludge", "ELF32", "ELF64" (or "?"). */
const char *mb_format_name(unsigned int format);

/*
 * One piece of the image: copy filesz bytes from file[file_offset] to
 * guest-physical dest, then zero [dest + filesz, dest + memsz). After a
 * successful parse: 0 < memsz, filesz <= memsz, the file bytes lie inside
 * the file, [dest, dest + memsz) inside [min_addr, ram_size), and no two
 * segments overlap.
 */
struct mb_segment {
	uint64_t dest;
	uint64_t file_offset;
	uint64_t filesz;
	uint64_t memsz;
};

struct mb_image {
	uint32_t entry_addr;    /* 32-bit protected-mode entry point */
	uint32_t format;        /* enum mb_format */
	uint32_t nr_segments;   /* 1..MB_MAX_SEGMENTS; 0 after an error */
	uint64_t span_start;    /* lowest dest ... */
	uint64_t span_end;      /* ... and highest dest + memsz, for messages */
	struct mb_segment seg[MB_MAX_SEGMENTS];

	/* The a.out kludge image as one range; only mb_parse_image fills
	 * these (until its caller moves to mb_parse_segments). */
	uint32_t load_addr;     /* guest-physical address of the first loaded byte */
	uint32_t load_size;     /* bytes copied from the file ... */
	uint32_t file_offset;   /* ... starting at this file offset */
	uint32_t bss_end_addr;  /* zero [load_addr+load_size, bss_end_addr) */
};

/*
 * Parse the multiboot image in file[0..size) into a load plan for a guest
 * whose usable RAM is [min_addr, ram_size) (L1: 1 MiB and L2's RAM size).
 * 0 or MB_E_*; the first failing check, in this order, gives the code:
 *   the header (3.1.1-3.1.2): NOHEADER, CHECKSUM, FLAGS;
 *   kludge set, its fields (3.1.3): TRUNC (header cut off), LAYOUT,
 *     EMPTY, TRUNC (load_end beyond the file) or WRAP, MEMSZ;
 *   else a file not starting "\177ELF": NOKLUDGE;
 *   else the ELF header: TRUNC, ELF, NOLOAD (e_phnum 0), TOOMANY (PN_XNUM),
 *     ELF (e_phentsize), WRAP, TRUNC (the table); per PT_LOAD in table
 *     order: MEMSZ, WRAP, TRUNC, TOOMANY; then NOLOAD, EMPTY, ENTRY (at or
 *     above 4 GiB);
 *   then per segment RANGE, BIGBSS; then OVERLAP; then ENTRY.
 * A range may end exactly at 2^32 (4-byte fields) or 2^64 (8-byte ones);
 * past that it wraps. The entry is e_entry, except that, as QEMU does, an
 * e_entry inside the virtual range of an executable PT_LOAD whose p_vaddr
 * != p_paddr is moved to the same offset in its physical range.
 */
int mb_parse_segments(const void *file, size_t size, uint64_t min_addr,
		      uint64_t ram_size, struct mb_image *out);

/*
 * Carry out a plan from mb_parse_segments: for each segment copy its file
 * bytes to ram + dest and zero its bss. ram is guest-physical 0 and spans
 * the ram_size the plan was checked against; file is the parsed file.
 */
void mb_load_segments(const struct mb_image *img, const void *file, void *ram);

/*
 * The a.out-kludge-only parse L1 used before ELF images: like
 * mb_parse_segments with no RAM limits, MB_E_NOKLUDGE for any image
 * without the kludge (ELF or not), and load_addr, load_size, file_offset
 * and bss_end_addr filled from the one segment. 0 or MB_E_*.
 */
int mb_parse_image(const void *file, size_t size, struct mb_image *out);

/*
 * Build, in buf (buf_size bytes, placed at guest-physical buf_gpa), a
 * multiboot_info followed by its memory map and a copy of cmdline
 * (cmdline_len bytes, need not be NUL-terminated). The memory map describes
 * ram_size bytes of RAM the way a PC does: [0, 0x9FC00) available,
 * [0x9FC00, 0xA0000) and [0xF0000, 0x100000) reserved, [1 MiB, ram_size)
 * available. Returns the bytes used (the info is at buf_gpa) or MB_E_NOSPACE.
 */
int mb_build_info(void *buf, size_t buf_size, uint32_t buf_gpa, uint64_t ram_size,
		  const char *cmdline, size_t cmdline_len);

/* One module of the guest's multiboot info (spec 3.3 "mods"): its
 * guest-physical [start, end), already placed by the caller, and its string
 * (NUL-terminated, copied into the info; NULL: string 0). */
struct mb_info_module {
	uint32_t start, end;
	const char *string;
};

#define MB_INFO_MAX_MODULES 8

/*
 * mb_build_info with nr_mods modules (at most MB_INFO_MAX_MODULES): with
 * any, flags bit 3 (MULTIBOOT_INFO_MODS), mods_count and mods_addr, the
 * 16-byte entries right after the memory map, their strings after the
 * command line. With none the info is mb_build_info's, byte for byte.
 * The bytes used or MB_E_NOSPACE (buf untouched).
 */
int mb_build_info_mods(void *buf, size_t buf_size, uint32_t buf_gpa, uint64_t ram_size,
		       const char *cmdline, size_t cmdline_len,
		       const struct mb_info_module *mods, unsigned nr_mods);

#endif
