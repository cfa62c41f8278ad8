/*
 * The module's symbol table (gABI chapter 4, "Symbol Table" and "Symbol
 * Values"): every symbol's name inside the string table, its section index
 * either a loaded or unloaded section of the file, SHN_ABS, or SHN_UNDEF
 * for a global; a defined symbol in a loaded section lies
 * inside it, [st_value, st_value + st_size) within sh_size (in an ET_REL
 * file st_value is the offset in its section). After the relocations
 * (whose type says more about a PIC module's _GLOBAL_OFFSET_TABLE_ than the
 * symbol does), every undefined global is one the kernel exports (struct
 * kmod_env's table; the list is include/nestlab/kmod.h's). Then the entry points of
 * the module contract: mod_init and the optional KMOD_SYSCALL_ENTRY, each
 * a global function in a code section, defined once.
 */
#include <nestlab/mem.h>
#include "kmod_int.h"

void kmod_sym(const struct kmod_ctx *c, uint64_t i, struct kelf_sym *s)
{
	struct kelf_shdr sh;

	kmod_shdr(c, c->symtab, &sh);
	memcpy(s, c->file + sh.sh_offset + i * sizeof(*s), sizeof(*s));
}

static unsigned strtab_of_symtab(const struct kmod_ctx *c)
{
	struct kelf_shdr sh;

	kmod_shdr(c, c->symtab, &sh);
	return sh.sh_link;
}

const char *kmod_sym_name(const struct kmod_ctx *c, const struct kelf_sym *s)
{
	const char *n = kmod_str(c, strtab_of_symtab(c), s->st_name);

	return n ? n : "";
}

static const struct kmod_export *find_export(const struct kmod_ctx *c, const char *name)
{
	unsigned i;

	for (i = 0; i < c->env->nr_exports; i++)
		if (kmod_str_eq(name, c->env->exports[i].name))
			return &c->env->exports[i];
	return NULL;
}

static int check_symbol(struct kmod_ctx *c, uint64_t i, const struct kelf_sym *s)
{
	const char *name = kmod_str(c, strtab_of_symtab(c), s->st_name);
	struct kelf_shdr sh;

	if (!name)
		return kmod_fail(c, KMOD_E_SYMBOL, "symbol %lu: name offset %u beyond the "
				 "string table", (unsigned long)i, s->st_name);
	switch (s->st_shndx) {
	case KELF_SHN_UNDEF:
		if (KELF_ST_BIND(s->st_info) == KELF_STB_LOCAL || !*name)
			return kmod_fail(c, KMOD_E_SYMBOL, "symbol %lu: undefined but local "
					 "or nameless", (unsigned long)i);
		return 0;
	case KELF_SHN_ABS:
		return 0;
	case KELF_SHN_COMMON:
		return kmod_fail(c, KMOD_E_SYMBOL, "common symbol '%s' (build with "
				 "-fno-common)", name);
	}
	if (s->st_shndx >= KELF_SHN_LORESERVE || s->st_shndx >= c->shnum)
		return kmod_fail(c, KMOD_E_SYMBOL, "symbol '%s': section index 0x%x not in "
				 "[1, %u)", name, s->st_shndx, c->shnum);
	if (c->img_off[s->st_shndx] == KMOD_NOT_LOADED)
		return 0;
	kmod_shdr(c, s->st_shndx, &sh);
	if (s->st_value > sh.sh_size || s->st_size > sh.sh_size - s->st_value)
		return kmod_fail(c, KMOD_E_SYMBOL, "symbol '%s' [0x%lx, +0x%lx) outside its "
				 "section %u (%s, 0x%lx bytes)", name, (unsigned long)s->st_value,
				 (unsigned long)s->st_size, s->st_shndx,
				 kmod_sec_name(c, s->st_shndx), (unsigned long)sh.sh_size);
	return 0;
}

int kmod_check_symbols(struct kmod_ctx *c)
{
	struct kelf_sym s;
	uint64_t i;
	int rc;

	/* Entry 0 is the reserved undefined symbol (gABI "Symbol Table"). */
	for (i = 1; i < c->nsyms; i++) {
		kmod_sym(c, i, &s);
		if ((rc = check_symbol(c, i, &s)))
			return rc;
	}
	return 0;
}

int kmod_check_exports(struct kmod_ctx *c)
{
	struct kelf_sym s;
	uint64_t i;

	for (i = 1; i < c->nsyms; i++) {
		kmod_sym(c, i, &s);
		if (s.st_shndx == KELF_SHN_UNDEF && !find_export(c, kmod_sym_name(c, &s)))
			return kmod_fail(c, KMOD_E_UNDEF, "undefined symbol '%s' is not "
					 "exported by the kernel", kmod_sym_name(c, &s));
	}
	return 0;
}

/* The one symbol called `name`: a global function in a loaded code
 * section; *off its image offset, KMOD_NOT_LOADED when there is none. */
static int find_entry(struct kmod_ctx *c, const char *name, uint64_t *off)
{
	struct kelf_shdr sh;
	struct kelf_sym s;
	uint64_t i;

	*off = KMOD_NOT_LOADED;
	for (i = 1; i < c->nsyms; i++) {
		kmod_sym(c, i, &s);
		if (!kmod_str_eq(kmod_sym_name(c, &s), name))
			continue;
		if (*off != KMOD_NOT_LOADED)
			return kmod_fail(c, KMOD_E_NOINIT, "'%s' is defined twice", name);
		if (KELF_ST_BIND(s.st_info) != KELF_STB_GLOBAL ||
		    KELF_ST_TYPE(s.st_info) != KELF_STT_FUNC ||
		    s.st_shndx == KELF_SHN_UNDEF || s.st_shndx >= c->shnum ||
		    c->img_off[s.st_shndx] == KMOD_NOT_LOADED)
			return kmod_fail(c, KMOD_E_NOINIT, "'%s' is not a global function "
					 "defined in the module", name);
		kmod_shdr(c, s.st_shndx, &sh);
		if (!(sh.sh_flags & KELF_SHF_EXECINSTR))
			return kmod_fail(c, KMOD_E_NOINIT, "'%s' is in section %s, which is "
					 "not code", name, kmod_sec_name(c, s.st_shndx));
		*off = c->img_off[s.st_shndx] + s.st_value;
	}
	return 0;
}

int kmod_find_entries(struct kmod_ctx *c, uint64_t *init, uint64_t *syscall_entry)
{
	int rc;

	if ((rc = find_entry(c, KMOD_INIT, init)) ||
	    (rc = find_entry(c, KMOD_SYSCALL_ENTRY, syscall_entry)))
		return rc;
	if (*init == KMOD_NOT_LOADED)
		return kmod_fail(c, KMOD_E_NOINIT, "no " KMOD_INIT " function");
	return 0;
}

uint64_t kmod_sym_value(const struct kmod_ctx *c, const struct kelf_sym *s)
{
	switch (s->st_shndx) {
	case KELF_SHN_UNDEF:
		return find_export(c, kmod_sym_name(c, s))->addr;
	case KELF_SHN_ABS:
		return s->st_value;
	}
	return c->run + c->img_off[s->st_shndx] + s->st_value;
}
