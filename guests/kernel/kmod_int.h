/*
 * The module loader's working state and the steps its files share
 * (kmod_load.c: ELF header, sections, module header, layout and the whole
 * load; kmod_sym.c: the symbol table, the kernel's exports and the entry
 * points; kmod_reloc.c: RELA relocations). Everything lives in one struct
 * on the caller's stack; nothing is global.
 */
#ifndef L2_KMOD_INT_H
#define L2_KMOD_INT_H

#include "kmod_load.h"
#include "kmod_elf.h"

#define KMOD_NOT_LOADED UINT64_MAX

struct kmod_ctx {
	const unsigned char *file;
	size_t size;
	const struct kmod_env *env;
	char *why;
	size_t whylen;
	struct kelf_ehdr eh;
	unsigned shnum;
	unsigned symtab;            /* index of the SHT_SYMTAB section */
	uint64_t nsyms;
	uint64_t img_off[KMOD_MAX_SECTIONS]; /* offset in the image, or KMOD_NOT_LOADED */
	uint64_t bytes;             /* the image, page-rounded */
	unsigned char *mem;         /* where the image is written ... */
	uint64_t run;               /* ... and the address it runs at */
};

/* Record the refusal: the message in ctx->why, returns rc. */
int kmod_fail(struct kmod_ctx *c, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Section header i (< shnum; the table was checked against the file). */
void kmod_shdr(const struct kmod_ctx *c, unsigned i, struct kelf_shdr *sh);

/* The NUL-terminated string at off in string-table section strtab (checked:
 * it ends in NUL), or NULL when off is beyond it. */
const char *kmod_str(const struct kmod_ctx *c, unsigned strtab, uint64_t off);

/* a and b are the same string (a NULL a is no string). */
int kmod_str_eq(const char *a, const char *b);

/* Section i's name, for messages ("?" if it has none). */
const char *kmod_sec_name(const struct kmod_ctx *c, unsigned i);

/* Symbol i (< nsyms). */
void kmod_sym(const struct kmod_ctx *c, uint64_t i, struct kelf_sym *s);

/* Symbol s's name ("" for none; checked by kmod_check_symbols). */
const char *kmod_sym_name(const struct kmod_ctx *c, const struct kelf_sym *s);

/* kmod_sym.c: every symbol against its section; after the relocations,
 * every undefined one against the exports. */
int kmod_check_symbols(struct kmod_ctx *c);
int kmod_check_exports(struct kmod_ctx *c);
/* The image offsets of mod_init and of the optional syscall entry
 * (KMOD_NOT_LOADED: none). */
int kmod_find_entries(struct kmod_ctx *c, uint64_t *init, uint64_t *syscall_entry);
/* A checked symbol's value at run time (gABI "Symbol Values"). */
uint64_t kmod_sym_value(const struct kmod_ctx *c, const struct kelf_sym *s);

/* kmod_reloc.c: check every relocation that applies to a loaded section
 * (before memory is asked for), then apply them to the image. */
int kmod_check_relocs(struct kmod_ctx *c);
int kmod_apply_relocs(struct kmod_ctx *c);

#endif
