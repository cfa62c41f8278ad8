/*
 * The parts of ELF64 the module loader reads, as the System V gABI defines
 * them (chapter 4: "ELF Header", "Sections", "Symbol Table",
 * "Relocation") with the x86-64 psABI's machine number, section type and
 * relocation types (psABI 4.4.1, "Relocation Types", table 4.9). The
 * structures are the exact file layouts (natural alignment, no padding);
 * the loader copies them out of the file with memcpy, so the file needs no
 * alignment.
 */
#ifndef L2_KMOD_ELF_H
#define L2_KMOD_ELF_H

#include <stdint.h>

/* e_ident (gABI 4, "ELF Identification") */
#define KELF_NIDENT       16
#define KELF_CLASS        4
#define KELF_DATA         5
#define KELF_VERSION      6
#define KELF_CLASS64      2
#define KELF_DATA2LSB     1
#define KELF_EV_CURRENT   1

#define KELF_ET_REL       1
#define KELF_EM_X86_64    62

/* Special section indexes (gABI 4, "Sections"). */
#define KELF_SHN_UNDEF     0
#define KELF_SHN_LORESERVE 0xFF00u
#define KELF_SHN_ABS       0xFFF1u
#define KELF_SHN_COMMON    0xFFF2u
#define KELF_SHN_XINDEX    0xFFFFu

/* sh_type */
#define KELF_SHT_NULL      0
#define KELF_SHT_PROGBITS  1
#define KELF_SHT_SYMTAB    2
#define KELF_SHT_STRTAB    3
#define KELF_SHT_RELA      4
#define KELF_SHT_NOBITS    8
#define KELF_SHT_NOTE      7
#define KELF_SHT_REL       9
#define KELF_SHT_X86_64_UNWIND 0x70000001u /* psABI 4.2.4: .eh_frame */

/* sh_flags */
#define KELF_SHF_WRITE     0x1u
#define KELF_SHF_ALLOC     0x2u
#define KELF_SHF_EXECINSTR 0x4u
#define KELF_SHF_TLS       0x400u

/* Symbol binding and type (gABI 4, "Symbol Table"). */
#define KELF_ST_BIND(i)    ((i) >> 4)
#define KELF_ST_TYPE(i)    ((i) & 0xF)
#define KELF_STB_LOCAL     0
#define KELF_STB_GLOBAL    1
#define KELF_STB_WEAK      2
#define KELF_STT_FUNC      2
#define KELF_STT_SECTION   3

/* r_info (gABI 4, "Relocation"): symbol index and type. */
#define KELF_R_SYM(i)      ((i) >> 32)
#define KELF_R_TYPE(i)     ((uint32_t)(i))

/* x86-64 relocation types (psABI table 4.9): S symbol value, A addend,
 * P place (address of the field), L PLT entry (here: S, there is no PLT). */
#define KELF_R_X86_64_NONE  0   /* none */
#define KELF_R_X86_64_64    1   /* word64: S + A */
#define KELF_R_X86_64_PC32  2   /* word32: S + A - P, sign-extended */
#define KELF_R_X86_64_PLT32 4   /* word32: L + A - P, sign-extended */
#define KELF_R_X86_64_32    10  /* word32: S + A, zero-extended */
#define KELF_R_X86_64_32S   11  /* word32: S + A, sign-extended */
#define KELF_R_X86_64_PC64  24  /* word64: S + A - P */

struct kelf_ehdr {
	unsigned char e_ident[KELF_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct kelf_shdr {
	uint32_t sh_name, sh_type;
	uint64_t sh_flags, sh_addr, sh_offset, sh_size;
	uint32_t sh_link, sh_info;
	uint64_t sh_addralign, sh_entsize;
};

struct kelf_sym {
	uint32_t st_name;
	unsigned char st_info, st_other;
	uint16_t st_shndx;
	uint64_t st_value, st_size;
};

struct kelf_rela {
	uint64_t r_offset, r_info;
	int64_t r_addend;
};

_Static_assert(sizeof(struct kelf_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct kelf_shdr) == 64, "Elf64_Shdr");
_Static_assert(sizeof(struct kelf_sym) == 24, "Elf64_Sym");
_Static_assert(sizeof(struct kelf_rela) == 24, "Elf64_Rela");

#endif
