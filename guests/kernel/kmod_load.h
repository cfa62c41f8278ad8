/*
 * The L2 kernel's module loader: checks an ELF64 relocatable object
 * against the module contract (include/nestlab/kmod.h), lays out its
 * SHF_ALLOC sections in memory the caller gives it, applies its RELA
 * relocations for the address the module will run at, and returns its
 * name, layout and entry points. The file is untrusted input: every read
 * is checked against its size, every index against its table, and every
 * refusal comes with an error code and a message naming the problem.
 * Pure C (no globals; memory through a callback), host-tested with real
 * objects (guests/tests/test_kmod_load.c).
 */
#ifndef L2_KMOD_LOAD_H
#define L2_KMOD_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <nestlab/kmod.h>

#define KMOD_E_TRUNC    (-130) /* headers, tables or section data beyond the file */
#define KMOD_E_ELF      (-131) /* not an x86-64 ELF64 relocatable object */
#define KMOD_E_SECTION  (-132) /* a bad section header (type, flags, link, alignment, entry size) */
#define KMOD_E_OVERLAP  (-133) /* two sections, or a section and a header table, overlap */
#define KMOD_E_SIZE     (-134) /* too many sections, or a section or the module too large */
#define KMOD_E_HEADER   (-135) /* module header section missing or bad */
#define KMOD_E_SYMBOL   (-136) /* a bad symbol (name, section, value outside its section) */
#define KMOD_E_UNDEF    (-137) /* an undefined symbol the kernel does not export */
#define KMOD_E_RELOC    (-138) /* a bad relocation (symbol index, offset, target) */
#define KMOD_E_RELTYPE  (-139) /* a relocation type the loader does not implement */
#define KMOD_E_OVERFLOW (-140) /* a 32-bit relocation's value does not fit its field */
#define KMOD_E_NOINIT   (-141) /* no mod_init, or an entry symbol that is not code */
#define KMOD_E_NOMEM    (-142) /* the caller's allocator gave no memory */

/* The name and meaning of a KMOD_E_* code ("unknown error" otherwise). */
const char *kmod_strerror(int rc);

#define KMOD_PAGE          4096u
#define KMOD_MAX_SECTIONS  64u               /* e_shnum, at most */
#define KMOD_MAX_BYTES     (4u << 20)        /* a section, and all of them laid out */

/* One kernel symbol a module may reference (the export table). */
struct kmod_export {
	const char *name;
	uint64_t addr;
};

struct kmod_env {
	const struct kmod_export *exports;
	unsigned nr_exports;
	/*
	 * `pages` contiguous 4 KiB pages for the module: returns where the
	 * loader writes them (page-aligned) and sets *run_addr to the address
	 * the module will run at (page-aligned; the relocations are computed
	 * for it), or returns NULL.
	 */
	void *(*alloc)(void *ctx, uint64_t pages, uint64_t *run_addr);
	void *ctx;
};

/*
 * The module as loaded: [base, base + pages * 4 KiB) at its run address,
 * the code first (text_pages: the SHF_EXECINSTR sections), then read-only
 * data (ro_pages), then writable data and bss (rw_pages), each part
 * starting on a page, so the caller can map the code without write access.
 */
struct kmod_image {
	char name[KMOD_NAME_MAX];
	uint64_t base;
	uint64_t pages, text_pages, ro_pages, rw_pages;
	uint64_t init;            /* run address of mod_init */
	uint64_t syscall_entry;   /* run address of KMOD_SYSCALL_ENTRY, 0: none */
};

/*
 * Load the module file[0..size). 0 and *out, or KMOD_E_* with a message in
 * why (whylen bytes, always NUL-terminated when whylen > 0) that names the
 * section, symbol or relocation at fault. Memory is only asked for once the
 * whole file has been checked; after that only a relocation's overflow can
 * still fail, and the memory is then the caller's to drop.
 */
int kmod_load(const void *file, size_t size, const struct kmod_env *env,
	      struct kmod_image *out, char *why, size_t whylen);

#endif
