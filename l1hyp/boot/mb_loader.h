/*
 * Booting L2 the way QEMU's -kernel boots a multiboot v1 image (Multiboot
 * Specification 0.6.96, 3.1 and 3.3): find and check the image's header
 * (a.out kludge, flags bit 16, required), and build the multiboot info that
 * describes L2's memory and command line. Pure C, host-tested.
 */
#ifndef NESTLAB_MB_LOADER_H
#define NESTLAB_MB_LOADER_H

#include <stdint.h>
#include <stddef.h>

#define MB_E_NOHEADER  (-50) /* no header magic in the first 8 KiB */
#define MB_E_CHECKSUM  (-51) /* magic + flags + checksum != 0 */
#define MB_E_NOKLUDGE  (-52) /* flags bit 16 clear: nestlab needs the a.out kludge */
#define MB_E_LAYOUT    (-53) /* addresses inconsistent or beyond the file */
#define MB_E_NOSPACE   (-54) /* info buffer too small */
#define MB_E_FLAGS     (-55) /* a required flag (bits 0-15) other than
			       PAGE_ALIGN and MEMORY_INFO is set (spec 3.1.2) */

/* The name and meaning of a MB_E_* code ("unknown error" otherwise). */
const char *mb_strerror(int rc);

struct mb_image {
	uint32_t load_addr;     /* guest-physical address of the first loaded byte */
	uint32_t load_size;     /* bytes copied from the file ... */
	uint32_t file_offset;   /* ... starting at this file offset */
	uint32_t bss_end_addr;  /* zero [load_addr+load_size, bss_end_addr) */
	uint32_t entry_addr;    /* 32-bit protected-mode entry point */
};

/* Parse a multiboot image held in file[0..size). 0 or MB_E_*. */
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

#endif
