/*
 * The module loader's outer steps (see kmod_load.h): the ELF header (gABI
 * chapter 4, "ELF Header"), the section header table and every section
 * header against the file ("Sections"), the module header section
 * (include/nestlab/kmod.h), the layout of the SHF_ALLOC sections in three
 * page-aligned parts (code, read-only data, writable data and bss), then,
 * after the symbols and relocations have been checked (kmod_sym.c,
 * kmod_reloc.c), the memory, the copy and the relocation.
 *
 * Sizes from the file are compared before any sum is formed, so no check
 * can be passed by wrapping around.
 */
#include <stdarg.h>
#include <nestlab/mem.h>
#include "../../lib/freestanding/format.h"
#include "kmod_int.h"

int kmod_fail(struct kmod_ctx *c, int rc, const char *fmt, ...)
{
	va_list ap;

	if (c->whylen) {
		va_start(ap, fmt);
		format_vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

void kmod_shdr(const struct kmod_ctx *c, unsigned i, struct kelf_shdr *sh)
{
	memcpy(sh, c->file + c->eh.e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

const char *kmod_str(const struct kmod_ctx *c, unsigned strtab, uint64_t off)
{
	struct kelf_shdr sh;

	kmod_shdr(c, strtab, &sh);
	if (off >= sh.sh_size)
		return NULL;
	return (const char *)c->file + sh.sh_offset + off;
}

int kmod_str_eq(const char *a, const char *b)
{
	if (!a)
		return 0;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const char *kmod_sec_name(const struct kmod_ctx *c, unsigned i)
{
	struct kelf_shdr sh;
	const char *n;

	kmod_shdr(c, i, &sh);
	n = kmod_str(c, c->eh.e_shstrndx, sh.sh_name);
	return n && *n ? n : "?";
}

/* [off, off + len) inside the file. */
static int in_file(const struct kmod_ctx *c, uint64_t off, uint64_t len)
{
	return len <= c->size && off <= c->size - len;
}

/* gABI 4 "ELF Identification" and "ELF Header": ELFCLASS64, little-endian,
 * EV_CURRENT, ET_REL, EM_X86_64, the 64-byte section header entries, and
 * a section header table inside the file. */
static int check_ehdr(struct kmod_ctx *c)
{
	const struct kelf_ehdr *e = &c->eh;

	if (c->size < sizeof(*e))
		return kmod_fail(c, KMOD_E_TRUNC, "file of %lu bytes is shorter than an "
				 "ELF64 header (64)", (unsigned long)c->size);
	memcpy(&c->eh, c->file, sizeof(c->eh));
	if (memcmp(e->e_ident, "\177ELF", 4))
		return kmod_fail(c, KMOD_E_ELF, "no ELF magic (\\177ELF) at the start");
	if (e->e_ident[KELF_CLASS] != KELF_CLASS64 || e->e_ident[KELF_DATA] != KELF_DATA2LSB ||
	    e->e_ident[KELF_VERSION] != KELF_EV_CURRENT || e->e_version != KELF_EV_CURRENT)
		return kmod_fail(c, KMOD_E_ELF, "not ELF64 little-endian version 1 "
				 "(class %u, data %u, version %u)", e->e_ident[KELF_CLASS],
				 e->e_ident[KELF_DATA], e->e_ident[KELF_VERSION]);
	if (e->e_type != KELF_ET_REL || e->e_machine != KELF_EM_X86_64)
		return kmod_fail(c, KMOD_E_ELF, "not an x86-64 relocatable object (e_type %u, "
				 "e_machine %u; want 1 and 62)", e->e_type, e->e_machine);
	if (e->e_shentsize != sizeof(struct kelf_shdr))
		return kmod_fail(c, KMOD_E_ELF, "section header entries of %u bytes, not 64",
				 e->e_shentsize);
	/* e_shnum 0 means the count is in section 0's sh_size; such files
	 * have 0xFF00 sections or more, far beyond the limit. */
	if (e->e_shnum == 0 || e->e_shnum > KMOD_MAX_SECTIONS)
		return kmod_fail(c, KMOD_E_SIZE, "%u sections (at most %u)", e->e_shnum,
				 KMOD_MAX_SECTIONS);
	c->shnum = e->e_shnum;
	if (e->e_shoff < sizeof(*e))
		return kmod_fail(c, KMOD_E_OVERLAP, "section header table at 0x%lx overlaps "
				 "the ELF header", (unsigned long)e->e_shoff);
	if (!in_file(c, e->e_shoff, (uint64_t)c->shnum * sizeof(struct kelf_shdr)))
		return kmod_fail(c, KMOD_E_TRUNC, "section header table at 0x%lx (%u entries) "
				 "beyond the end of the file (%lu bytes)",
				 (unsigned long)e->e_shoff, c->shnum, (unsigned long)c->size);
	if (e->e_shstrndx == KELF_SHN_UNDEF || e->e_shstrndx >= c->shnum)
		return kmod_fail(c, KMOD_E_SECTION, "section name table index %u not in "
				 "[1, %u)", e->e_shstrndx, c->shnum);
	return 0;
}

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The sections the image holds and their file bytes. */
static int alloc_type_ok(uint32_t type)
{
	return type == KELF_SHT_PROGBITS || type == KELF_SHT_NOBITS ||
	       type == KELF_SHT_NOTE || type == KELF_SHT_X86_64_UNWIND;
}

static int has_file_bytes(const struct kelf_shdr *sh)
{
	return sh->sh_type != KELF_SHT_NULL && sh->sh_type != KELF_SHT_NOBITS && sh->sh_size;
}

/* A string table's last byte is NUL, so every string in it ends inside it. */
static int check_strtab(struct kmod_ctx *c, unsigned i, const struct kelf_shdr *sh)
{
	if (sh->sh_type != KELF_SHT_STRTAB || sh->sh_size == 0 ||
	    c->file[sh->sh_offset + sh->sh_size - 1] != 0)
		return kmod_fail(c, KMOD_E_SECTION, "section %u is not a string table "
				 "ending in NUL", i);
	return 0;
}

/* One section header: its file range (before anything reads it), its type,
 * flags, alignment, size, and for tables their entry size and links. */
static int check_section(struct kmod_ctx *c, unsigned i, const struct kelf_shdr *sh)
{
	if (has_file_bytes(sh) && !in_file(c, sh->sh_offset, sh->sh_size))
		return kmod_fail(c, KMOD_E_TRUNC, "section %u: [0x%lx, +0x%lx) beyond the end "
				 "of the file (%lu bytes)", i, (unsigned long)sh->sh_offset,
				 (unsigned long)sh->sh_size, (unsigned long)c->size);
	if (sh->sh_addralign > 1 && !is_pow2(sh->sh_addralign))
		return kmod_fail(c, KMOD_E_SECTION, "section %u: alignment %lu is not a "
				 "power of two", i, (unsigned long)sh->sh_addralign);
	switch (sh->sh_type) {
	case KELF_SHT_SYMTAB:
		if (c->symtab)
			return kmod_fail(c, KMOD_E_SECTION, "two symbol tables (sections "
					 "%u and %u)", c->symtab, i);
		if (sh->sh_entsize != sizeof(struct kelf_sym) ||
		    sh->sh_size % sizeof(struct kelf_sym) || sh->sh_size == 0)
			return kmod_fail(c, KMOD_E_SECTION, "symbol table (section %u): entry "
					 "size %lu and size %lu, want 24 and a multiple", i,
					 (unsigned long)sh->sh_entsize, (unsigned long)sh->sh_size);
		if (sh->sh_link == 0 || sh->sh_link >= c->shnum)
			return kmod_fail(c, KMOD_E_SECTION, "symbol table (section %u): string "
					 "table index %u not in [1, %u)", i, sh->sh_link, c->shnum);
		c->symtab = i;
		c->nsyms = sh->sh_size / sizeof(struct kelf_sym);
		break;
	case KELF_SHT_RELA:
		if (sh->sh_entsize != sizeof(struct kelf_rela) ||
		    sh->sh_size % sizeof(struct kelf_rela))
			return kmod_fail(c, KMOD_E_SECTION, "relocation section %u: entry size "
					 "%lu and size %lu, want 24 and a multiple", i,
					 (unsigned long)sh->sh_entsize, (unsigned long)sh->sh_size);
		if (sh->sh_info == 0 || sh->sh_info >= c->shnum || sh->sh_info == i ||
		    sh->sh_link == 0 || sh->sh_link >= c->shnum)
			return kmod_fail(c, KMOD_E_SECTION, "relocation section %u: target %u or "
					 "symbol table %u not in [1, %u)", i, sh->sh_info,
					 sh->sh_link, c->shnum);
		break;
	case KELF_SHT_REL:
		/* psABI 4.4: x86-64 uses only Elf64_Rela. */
		return kmod_fail(c, KMOD_E_SECTION, "section %u is SHT_REL; x86-64 objects "
				 "carry RELA relocations", i);
	}
	if (!(sh->sh_flags & KELF_SHF_ALLOC))
		return 0;
	if (!alloc_type_ok(sh->sh_type))
		return kmod_fail(c, KMOD_E_SECTION, "section %u (%s): type 0x%x cannot be "
				 "loaded (PROGBITS, NOBITS, NOTE or UNWIND only)", i,
				 kmod_sec_name(c, i), sh->sh_type);
	if (sh->sh_flags & KELF_SHF_TLS)
		return kmod_fail(c, KMOD_E_SECTION, "section %u (%s): thread-local storage",
				 i, kmod_sec_name(c, i));
	if ((sh->sh_flags & KELF_SHF_WRITE) && (sh->sh_flags & KELF_SHF_EXECINSTR))
		return kmod_fail(c, KMOD_E_SECTION, "section %u (%s) is both writable and "
				 "executable", i, kmod_sec_name(c, i));
	if (sh->sh_addralign > KMOD_PAGE)
		return kmod_fail(c, KMOD_E_SECTION, "section %u (%s): alignment %lu above "
				 "a page", i, kmod_sec_name(c, i), (unsigned long)sh->sh_addralign);
	if (sh->sh_size > KMOD_MAX_BYTES)
		return kmod_fail(c, KMOD_E_SIZE, "section %u (%s): %lu bytes (at most %u)", i,
				 kmod_sec_name(c, i), (unsigned long)sh->sh_size, KMOD_MAX_BYTES);
	return 0;
}

/* No two sections' file bytes overlap, nor overlap the ELF header or the
 * section header table (gABI 4, "Sections": sections do not overlap). */
static int check_overlaps(struct kmod_ctx *c)
{
	struct kelf_shdr a, b;
	uint64_t sht = c->eh.e_shoff, sht_end = sht + (uint64_t)c->shnum * sizeof(a);
	unsigned i, j;

	for (i = 1; i < c->shnum; i++) {
		kmod_shdr(c, i, &a);
		if (!has_file_bytes(&a))
			continue;
		if (a.sh_offset < sizeof(struct kelf_ehdr) ||
		    (a.sh_offset < sht_end && sht < a.sh_offset + a.sh_size))
			return kmod_fail(c, KMOD_E_OVERLAP, "section %u overlaps the ELF header "
					 "or the section header table", i);
		for (j = i + 1; j < c->shnum; j++) {
			kmod_shdr(c, j, &b);
			if (has_file_bytes(&b) && a.sh_offset < b.sh_offset + b.sh_size &&
			    b.sh_offset < a.sh_offset + a.sh_size)
				return kmod_fail(c, KMOD_E_OVERLAP, "sections %u and %u overlap in "
						 "the file", i, j);
		}
	}
	return 0;
}

static int check_sections(struct kmod_ctx *c)
{
	struct kelf_shdr sh;
	unsigned i;
	int rc;

	/* The name table first: the other checks' messages use it. */
	kmod_shdr(c, c->eh.e_shstrndx, &sh);
	if (!in_file(c, sh.sh_offset, sh.sh_size))
		return kmod_fail(c, KMOD_E_TRUNC, "section name table beyond the end of the file");
	if ((rc = check_strtab(c, c->eh.e_shstrndx, &sh)))
		return rc;
	for (i = 1; i < c->shnum; i++) {
		kmod_shdr(c, i, &sh);
		if ((rc = check_section(c, i, &sh)))
			return rc;
	}
	if (!c->symtab)
		return kmod_fail(c, KMOD_E_SECTION, "no symbol table");
	kmod_shdr(c, c->symtab, &sh);
	{
		struct kelf_shdr str;

		kmod_shdr(c, sh.sh_link, &str);
		if ((rc = check_strtab(c, sh.sh_link, &str)))
			return rc;
	}
	for (i = 1; i < c->shnum; i++) {
		kmod_shdr(c, i, &sh);
		if (sh.sh_type == KELF_SHT_RELA && sh.sh_link != c->symtab)
			return kmod_fail(c, KMOD_E_SECTION, "relocation section %u: symbol table "
					 "%u is not the symbol table (%u)", i, sh.sh_link, c->symtab);
	}
	return check_overlaps(c);
}

static int name_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

/* Exactly one KMOD_HEADER_SECTION of one struct kmod_header, with the
 * magic, this ABI version and a well-formed name. */
static int check_header(struct kmod_ctx *c, struct kmod_image *out)
{
	struct kmod_header h;
	struct kelf_shdr sh;
	unsigned i, found = 0, n;

	for (i = 1; i < c->shnum; i++) {
		kmod_shdr(c, i, &sh);
		if (kmod_str_eq(kmod_str(c, c->eh.e_shstrndx, sh.sh_name), KMOD_HEADER_SECTION)) {
			if (found)
				return kmod_fail(c, KMOD_E_HEADER, "two " KMOD_HEADER_SECTION
						 " sections (%u and %u)", found, i);
			found = i;
		}
	}
	if (!found)
		return kmod_fail(c, KMOD_E_HEADER, "no " KMOD_HEADER_SECTION " section (the "
				 "module header, KMOD_DECLARE in include/nestlab/kmod.h)");
	kmod_shdr(c, found, &sh);
	if (sh.sh_type != KELF_SHT_PROGBITS || sh.sh_size != sizeof(h))
		return kmod_fail(c, KMOD_E_HEADER, KMOD_HEADER_SECTION " is %lu bytes of type "
				 "%u, want %lu of PROGBITS", (unsigned long)sh.sh_size, sh.sh_type,
				 (unsigned long)sizeof(h));
	memcpy(&h, c->file + sh.sh_offset, sizeof(h));
	if (h.magic != KMOD_MAGIC)
		return kmod_fail(c, KMOD_E_HEADER, "module header magic 0x%x, want 0x%x",
				 h.magic, KMOD_MAGIC);
	if (h.abi_version != KMOD_ABI_VERSION)
		return kmod_fail(c, KMOD_E_HEADER, "module ABI version %u, this kernel has %u",
				 h.abi_version, KMOD_ABI_VERSION);
	for (n = 0; n < KMOD_NAME_MAX && h.name[n]; n++)
		if (!name_char_ok(h.name[n]))
			return kmod_fail(c, KMOD_E_HEADER, "module name has a character other "
					 "than [A-Za-z0-9_-] at %u", n);
	if (n == 0 || n == KMOD_NAME_MAX)
		return kmod_fail(c, KMOD_E_HEADER, "module name empty or not NUL-terminated "
				 "within %u bytes", KMOD_NAME_MAX);
	memcpy(out->name, h.name, n + 1);
	return 0;
}

/* Which part of the image a loaded section goes to: 0 code, 1 read-only
 * data, 2 writable data and bss. */
static unsigned section_part(const struct kelf_shdr *sh)
{
	if (sh->sh_flags & KELF_SHF_EXECINSTR)
		return 0;
	return (sh->sh_flags & KELF_SHF_WRITE) ? 2 : 1;
}

/* Offsets of the SHF_ALLOC sections: each part starts on a page, each
 * section on its alignment; at most KMOD_MAX_BYTES in all. */
static int layout(struct kmod_ctx *c, struct kmod_image *out)
{
	uint64_t at = 0, parts[3];
	struct kelf_shdr sh;
	unsigned part, i;

	for (i = 0; i < c->shnum; i++)
		c->img_off[i] = KMOD_NOT_LOADED;
	for (part = 0; part < 3; part++) {
		uint64_t start = at;

		for (i = 1; i < c->shnum; i++) {
			uint64_t align;

			kmod_shdr(c, i, &sh);
			if (!(sh.sh_flags & KELF_SHF_ALLOC) || section_part(&sh) != part)
				continue;
			align = sh.sh_addralign > 1 ? sh.sh_addralign : 1;
			/* at <= KMOD_MAX_BYTES and each size <= KMOD_MAX_BYTES: no wrap. */
			at = (at + align - 1) & ~(align - 1);
			if (sh.sh_size > KMOD_MAX_BYTES - at)
				return kmod_fail(c, KMOD_E_SIZE, "the loaded sections exceed %u "
						 "bytes at section %u (%s)", KMOD_MAX_BYTES, i,
						 kmod_sec_name(c, i));
			c->img_off[i] = at;
			at += sh.sh_size;
		}
		at = (at + KMOD_PAGE - 1) & ~(uint64_t)(KMOD_PAGE - 1);
		parts[part] = (at - start) / KMOD_PAGE;
	}
	c->bytes = at;
	out->text_pages = parts[0];
	out->ro_pages = parts[1];
	out->rw_pages = parts[2];
	out->pages = at / KMOD_PAGE;
	return 0;
}

/* Copy every loaded section's file bytes; the rest (bss, padding) is zero. */
static void copy_sections(struct kmod_ctx *c)
{
	struct kelf_shdr sh;
	unsigned i;

	memset(c->mem, 0, c->bytes);
	for (i = 1; i < c->shnum; i++) {
		kmod_shdr(c, i, &sh);
		if (c->img_off[i] != KMOD_NOT_LOADED && has_file_bytes(&sh))
			memcpy(c->mem + c->img_off[i], c->file + sh.sh_offset, sh.sh_size);
	}
}

int kmod_load(const void *file, size_t size, const struct kmod_env *env,
	      struct kmod_image *out, char *why, size_t whylen)
{
	struct kmod_ctx c = { .file = file, .size = size, .env = env,
			      .why = why, .whylen = whylen };
	uint64_t init, sys;
	int rc;

	memset(out, 0, sizeof(*out));
	if (whylen)
		why[0] = 0;
	if ((rc = check_ehdr(&c)) || (rc = check_sections(&c)) ||
	    (rc = check_header(&c, out)) || (rc = layout(&c, out)) ||
	    (rc = kmod_check_symbols(&c)) || (rc = kmod_check_relocs(&c)) ||
	    (rc = kmod_check_exports(&c)) || (rc = kmod_find_entries(&c, &init, &sys)))
		return rc;
	c.mem = env->alloc(env->ctx, out->pages, &c.run);
	if (!c.mem)
		return kmod_fail(&c, KMOD_E_NOMEM, "no memory for %lu pages",
				 (unsigned long)out->pages);
	copy_sections(&c);
	if ((rc = kmod_apply_relocs(&c)))
		return rc;
	out->base = c.run;
	out->init = c.run + init;
	out->syscall_entry = sys != KMOD_NOT_LOADED ? c.run + sys : 0;
	return 0;
}

const char *kmod_strerror(int rc)
{
	switch (rc) {
	case KMOD_E_TRUNC: return "KMOD_E_TRUNC (headers, tables or section data beyond the file)";
	case KMOD_E_ELF: return "KMOD_E_ELF (not an x86-64 ELF64 relocatable object)";
	case KMOD_E_SECTION: return "KMOD_E_SECTION (a bad section header)";
	case KMOD_E_OVERLAP: return "KMOD_E_OVERLAP (sections overlap in the file)";
	case KMOD_E_SIZE: return "KMOD_E_SIZE (too many sections, or too large)";
	case KMOD_E_HEADER: return "KMOD_E_HEADER (module header missing or bad)";
	case KMOD_E_SYMBOL: return "KMOD_E_SYMBOL (a bad symbol)";
	case KMOD_E_UNDEF: return "KMOD_E_UNDEF (an undefined symbol the kernel does not export)";
	case KMOD_E_RELOC: return "KMOD_E_RELOC (a bad relocation)";
	case KMOD_E_RELTYPE: return "KMOD_E_RELTYPE (an unsupported relocation type)";
	case KMOD_E_OVERFLOW: return "KMOD_E_OVERFLOW (a relocation's value does not fit its field)";
	case KMOD_E_NOINIT: return "KMOD_E_NOINIT (no mod_init, or an entry that is not code)";
	case KMOD_E_NOMEM: return "KMOD_E_NOMEM (no memory for the module)";
	}
	return "unknown error";
}
