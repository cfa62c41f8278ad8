/*
 * The module's RELA relocations (gABI chapter 4, "Relocation"; x86-64
 * psABI 4.4.1, table 4.9). A SHT_RELA section applies to the section in
 * its sh_info; those whose target is not loaded (debug information) are
 * skipped, as a loader that does not keep that section must. For the rest,
 * before any memory is asked for: each entry's symbol index inside the
 * symbol table, its type one this loader implements, its field inside the
 * target section, and its symbol defined in a loaded section, absolute, or
 * a kernel export. Then, in the image at its run address, with S the
 * symbol's value, A the addend and P the field's run address:
 *
 *   R_X86_64_NONE   nothing
 *   R_X86_64_64     word64  S + A
 *   R_X86_64_PC64   word64  S + A - P
 *   R_X86_64_PC32   word32  S + A - P, must sign-extend back to the value
 *   R_X86_64_PLT32  word32  L + A - P with L = S (there is no PLT: every
 *                           target is reached directly, as in any
 *                           statically placed kernel code), likewise
 *   R_X86_64_32     word32  S + A, must zero-extend back to the value
 *   R_X86_64_32S    word32  S + A, must sign-extend back to the value
 *
 * psABI 4.4.1: "the linker must verify that the computed value for the
 * R_X86_64_32 (R_X86_64_32S) relocation zero-extends (sign-extends) to the
 * original 64-bit value"; the same holds for the PC-relative word32 ones.
 * The sums are formed modulo 2^64: with addresses below 2^48 a value whose
 * true result lies outside the 64-bit range wraps to one far outside the
 * 32-bit ranges, so the overflow checks stay exact. Fields are written
 * little-endian byte by byte.
 */
#include <nestlab/mem.h>
#include "kmod_int.h"

/* The field width of a supported type, 0 for NONE, -1 if unsupported. */
static int reloc_width(uint32_t type)
{
	switch (type) {
	case KELF_R_X86_64_NONE:
		return 0;
	case KELF_R_X86_64_64:
	case KELF_R_X86_64_PC64:
		return 8;
	case KELF_R_X86_64_PC32:
	case KELF_R_X86_64_PLT32:
	case KELF_R_X86_64_32:
	case KELF_R_X86_64_32S:
		return 4;
	}
	return -1;
}

static const char *reloc_name(uint32_t type)
{
	switch (type) {
	case KELF_R_X86_64_NONE: return "R_X86_64_NONE";
	case KELF_R_X86_64_64: return "R_X86_64_64";
	case KELF_R_X86_64_PC64: return "R_X86_64_PC64";
	case KELF_R_X86_64_PC32: return "R_X86_64_PC32";
	case KELF_R_X86_64_PLT32: return "R_X86_64_PLT32";
	case KELF_R_X86_64_32: return "R_X86_64_32";
	case KELF_R_X86_64_32S: return "R_X86_64_32S";
	}
	return "?";
}

static void rela(const struct kmod_ctx *c, const struct kelf_shdr *sh, uint64_t j,
		 struct kelf_rela *r)
{
	memcpy(r, c->file + sh->sh_offset + j * sizeof(*r), sizeof(*r));
}

/* Relocation sections that apply to a loaded section: their targets. */
static int applies(const struct kmod_ctx *c, const struct kelf_shdr *sh)
{
	return sh->sh_type == KELF_SHT_RELA && c->img_off[sh->sh_info] != KMOD_NOT_LOADED;
}

static int check_one(struct kmod_ctx *c, unsigned i, const struct kelf_shdr *sh,
		     uint64_t j, const struct kelf_shdr *target)
{
	const char *where = kmod_sec_name(c, i);
	struct kelf_rela r;
	struct kelf_sym s;
	uint64_t sym;
	int width;

	rela(c, sh, j, &r);
	sym = KELF_R_SYM(r.r_info);
	width = reloc_width(KELF_R_TYPE(r.r_info));
	if (width < 0)
		return kmod_fail(c, KMOD_E_RELTYPE, "%s entry %lu: relocation type %u is not "
				 "supported (NONE, 64, PC32, PLT32, 32, 32S, PC64; build with "
				 "-fno-pic)", where, (unsigned long)j, KELF_R_TYPE(r.r_info));
	if (sym >= c->nsyms)
		return kmod_fail(c, KMOD_E_RELOC, "%s entry %lu: symbol index %lu beyond the "
				 "symbol table (%lu)", where, (unsigned long)j, (unsigned long)sym,
				 (unsigned long)c->nsyms);
	if ((uint64_t)width > target->sh_size || r.r_offset > target->sh_size - width)
		return kmod_fail(c, KMOD_E_RELOC, "%s entry %lu: %s at offset 0x%lx runs past "
				 "its section %s (0x%lx bytes)", where, (unsigned long)j,
				 reloc_name(KELF_R_TYPE(r.r_info)), (unsigned long)r.r_offset,
				 kmod_sec_name(c, sh->sh_info), (unsigned long)target->sh_size);
	if (width && target->sh_type == KELF_SHT_NOBITS)
		return kmod_fail(c, KMOD_E_RELOC, "%s entry %lu: relocates bss section %s",
				 where, (unsigned long)j, kmod_sec_name(c, sh->sh_info));
	if (sym == 0)
		return 0;       /* gABI: STN_UNDEF relocates with the value 0 */
	kmod_sym(c, sym, &s);
	if (s.st_shndx != KELF_SHN_UNDEF && s.st_shndx != KELF_SHN_ABS &&
	    c->img_off[s.st_shndx] == KMOD_NOT_LOADED)
		return kmod_fail(c, KMOD_E_RELOC, "%s entry %lu: symbol '%s' is in section %s, "
				 "which is not loaded", where, (unsigned long)j,
				 kmod_sym_name(c, &s), kmod_sec_name(c, s.st_shndx));
	return 0;
}

int kmod_check_relocs(struct kmod_ctx *c)
{
	struct kelf_shdr sh, target;
	unsigned i;
	uint64_t j;
	int rc;

	for (i = 1; i < c->shnum; i++) {
		kmod_shdr(c, i, &sh);
		if (!applies(c, &sh))
			continue;
		kmod_shdr(c, sh.sh_info, &target);
		for (j = 0; j < sh.sh_size / sizeof(struct kelf_rela); j++)
			if ((rc = check_one(c, i, &sh, j, &target)))
				return rc;
	}
	return 0;
}

static void put_le(unsigned char *p, uint64_t v, int width)
{
	int b;

	for (b = 0; b < width; b++)
		p[b] = (unsigned char)(v >> (8 * b));
}

static int apply_one(struct kmod_ctx *c, unsigned i, const struct kelf_shdr *sh, uint64_t j)
{
	uint64_t field = c->img_off[sh->sh_info], S = 0, P, v;
	uint32_t type;
	struct kelf_rela r;
	struct kelf_sym s;
	int64_t sv;
	int ok = 1;

	rela(c, sh, j, &r);
	type = KELF_R_TYPE(r.r_info);
	if (type == KELF_R_X86_64_NONE)
		return 0;
	if (KELF_R_SYM(r.r_info)) {
		kmod_sym(c, KELF_R_SYM(r.r_info), &s);
		S = kmod_sym_value(c, &s);
	}
	field += r.r_offset;
	P = c->run + field;
	v = S + (uint64_t)r.r_addend;
	if (type == KELF_R_X86_64_PC32 || type == KELF_R_X86_64_PLT32 ||
	    type == KELF_R_X86_64_PC64)
		v -= P;
	sv = (int64_t)v;
	if (type == KELF_R_X86_64_32)
		ok = v <= UINT32_MAX;
	else if (type != KELF_R_X86_64_64 && type != KELF_R_X86_64_PC64)
		ok = sv >= INT32_MIN && sv <= INT32_MAX;
	if (!ok)
		return kmod_fail(c, KMOD_E_OVERFLOW, "%s entry %lu: %s value 0x%lx at offset "
				 "0x%lx of %s does not fit 32 bits (%s-extended)",
				 kmod_sec_name(c, i), (unsigned long)j, reloc_name(type),
				 (unsigned long)v, (unsigned long)r.r_offset,
				 kmod_sec_name(c, sh->sh_info),
				 type == KELF_R_X86_64_32 ? "zero" : "sign");
	put_le(c->mem + field, v, reloc_width(type));
	return 0;
}

int kmod_apply_relocs(struct kmod_ctx *c)
{
	struct kelf_shdr sh;
	unsigned i;
	uint64_t j;
	int rc;

	for (i = 1; i < c->shnum; i++) {
		kmod_shdr(c, i, &sh);
		if (!applies(c, &sh))
			continue;
		for (j = 0; j < sh.sh_size / sizeof(struct kelf_rela); j++)
			if ((rc = apply_one(c, i, &sh, j)))
				return rc;
	}
	return 0;
}
