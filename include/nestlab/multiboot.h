/*
 * Multiboot v1 structures (Multiboot Specification 0.6.96, sections 3.1 and
 * 3.3), shared by L1 (which is booted by QEMU and boots L2 the same way) and
 * the L2 kernel. Only the fields nestlab uses are named; layouts are exact.
 */
#ifndef NESTLAB_MULTIBOOT_H
#define NESTLAB_MULTIBOOT_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002
#define MULTIBOOT_BOOT_MAGIC       0x2BADB002 /* in EAX at kernel entry */
#define MULTIBOOT_SEARCH_LIMIT     8192       /* header within the first 8 KiB */
#define MULTIBOOT_HDR_PAGE_ALIGN   (1 << 0)
#define MULTIBOOT_HDR_MEMORY_INFO  (1 << 1)
#define MULTIBOOT_HDR_AOUT_KLUDGE  (1 << 16)

/* multiboot_info.flags bits */
#define MULTIBOOT_INFO_MEMORY      (1 << 0)
#define MULTIBOOT_INFO_CMDLINE     (1 << 2)
#define MULTIBOOT_INFO_MODS        (1 << 3)
#define MULTIBOOT_INFO_MMAP        (1 << 6)

#define MULTIBOOT_MMAP_AVAILABLE   1
#define MULTIBOOT_MMAP_RESERVED    2

#ifdef __ASSEMBLY__
/*
 * The multiboot v1 header both nestlab kernels start with (spec 3.1): page
 * alignment, memory info and the a.out kludge, whose addresses come from the
 * linker script symbols __load_start, __load_end and __bss_end. Place it in
 * a section the linker script puts within the first 8 KiB.
 */
#define MULTIBOOT_NESTLAB_FLAGS \
	(MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO | MULTIBOOT_HDR_AOUT_KLUDGE)
.macro MULTIBOOT_AOUT_HEADER entry
	.balign 4
multiboot_header_\@:
	.long MULTIBOOT_HEADER_MAGIC
	.long MULTIBOOT_NESTLAB_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_NESTLAB_FLAGS)
	.long multiboot_header_\@   /* header_addr */
	.long __load_start          /* load_addr */
	.long __load_end            /* load_end_addr */
	.long __bss_end             /* bss_end_addr */
	.long \entry                /* entry_addr */
.endm
#else
struct multiboot_header {
	uint32_t magic, flags, checksum;
	/* valid when flags has MULTIBOOT_HDR_AOUT_KLUDGE */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
} __attribute__((packed));

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;     /* KiB below 1 MiB / above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;                  /* physical address of a C string */
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[6];
} __attribute__((packed));

struct multiboot_module {
	uint32_t mod_start, mod_end;       /* physical, [start, end) */
	uint32_t string;                   /* physical address of the module's string */
	uint32_t reserved;
} __attribute__((packed));

/* One memory map entry; "size" does not count itself (spec 3.3). */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));
#endif /* !__ASSEMBLY__ */

#endif
