/*
 * The L2 kernel's module contract: what a kernel module is, what it must
 * contain and what it may call. A module is one ELF64 relocatable object
 * (ET_REL, EM_X86_64; System V gABI chapter 4), built by our gcc with
 * -ffreestanding -fno-pic -mcmodel=small -mno-red-zone -mgeneral-regs-only
 * and no common symbols (-fno-common): the L2 kernel runs in the low 2 GiB
 * (linked at 1 MiB, direct map of [0, 1 GiB)) and loads the module into
 * frames of that direct map, so every absolute address fits the 32-bit
 * relocations of the small code model (x86-64 psABI 3.5.1) and every call
 * into the kernel fits a PC32/PLT32 displacement. The kernel's loader
 * (guests/kernel/kmod_load.c) accepts the relocation types R_X86_64_NONE,
 * 64, PC32, PLT32, 32, 32S and PC64 only (psABI 4.4.1); anything needing a
 * GOT or PLT (-fpic code) is refused.
 *
 * A module contains:
 *   - exactly one section named KMOD_HEADER_SECTION holding one
 *     struct kmod_header (KMOD_DECLARE below makes it): magic, ABI version
 *     and the module's name;
 *   - a global function `int mod_init(void)`, called once after loading;
 *     its return value is reported, and a negative one fails the run;
 *   - optionally a global function named KMOD_SYSCALL_ENTRY, whose address
 *     the loader reports to the kernel (the system-call interposer of
 *     issue 13 defines what it is called with).
 * Its undefined symbols must all be in the kernel's export table, the
 * functions declared below; any other undefined symbol refuses the module.
 *
 * Delivery: the module file is the L2 kernel's first multiboot module
 * (Multiboot Specification 0.6.96, 3.3 mods_addr): at level 1 QEMU's
 * -initrd FILE, at level 2 L1's second module, which L1 copies into L2 RAM
 * (the launcher's --l2-module FILE does both, docs/launcher.md).
 */
#ifndef NESTLAB_KMOD_H
#define NESTLAB_KMOD_H

#include <stdint.h>

#define KMOD_MAGIC          0x444F4D4Bu   /* "KMOD" in memory order */
#define KMOD_ABI_VERSION    1u
#define KMOD_NAME_MAX       32u           /* name[] bytes, NUL included */
#define KMOD_HEADER_SECTION ".nestlab_kmod"
#define KMOD_INIT           "mod_init"
#define KMOD_SYSCALL_ENTRY  "syscall_entry"

struct kmod_header {
	uint32_t magic;                   /* KMOD_MAGIC */
	uint32_t abi_version;             /* KMOD_ABI_VERSION */
	char name[KMOD_NAME_MAX];         /* 1..31 of [A-Za-z0-9_-], NUL-padded */
};

/* In a module's source, once: KMOD_DECLARE("hello"); */
#define KMOD_DECLARE(modname)                                               \
	static const struct kmod_header kmod_header_                        \
	__attribute__((section(KMOD_HEADER_SECTION), used, aligned(4))) =   \
		{ KMOD_MAGIC, KMOD_ABI_VERSION, modname }

/*
 * The kernel's exports, ABI version 1: the only kernel symbols a module may
 * reference. kprintf: the kernel's printf (lib/freestanding/format.h's
 * conversions) to its console, line-buffered; kputs: a string, unformatted;
 * kmod_code_range: the module's own code, [*start, *end) page-aligned (0;
 * -1 before the module is loaded); ktrace: one record in the kernel's
 * trace ring (include/nestlab/trace.h: type an enum nestlab_trace_event,
 * cpl the mode the event concerns), nothing when the run is not traced or
 * type is unknown.
 */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kputs(const char *s);
int kmod_code_range(uint64_t *start, uint64_t *end);
void ktrace(uint16_t type, uint8_t cpl, uint32_t code, uint64_t a0, uint64_t a1, uint64_t a2);

#endif
