/*
 * Unit tests of the L2 kernel's module loader (guests/kernel/kmod_*.c) on
 * real objects: the hello module as the build makes it, loaded into
 * MAP_32BIT memory and its mod_init called with this test's kprintf as the
 * export; the bad modules of guests/tests/kmod/; and copies of hello with
 * one field broken (found through <elf.h>): truncated at every length, bad
 * magic, a section beyond the file, bad indexes, overlapping sections, an
 * absurd size, a relocation past its section, an unknown relocation type,
 * a symbol outside its section, a 32-bit relocation that overflows.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "kernel/kmod_load.h"

static char printed[256];
static unsigned allocs;
static uint64_t fake_run;       /* 0: run where the memory is */
static void *region;
static size_t region_len;

static void test_kprintf(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(printed);

	va_start(ap, fmt);
	vsnprintf(printed + n, sizeof(printed) - n, fmt, ap);
	va_end(ap);
}

static void test_kputs(const char *s)
{
	strncat(printed, s, sizeof(printed) - strlen(printed) - 1);
}

static void *test_alloc(void *ctx, uint64_t pages, uint64_t *run)
{
	allocs++;
	if (ctx)
		return NULL;
	region_len = pages * 4096;
	region = mmap(NULL, region_len, PROT_READ | PROT_WRITE | PROT_EXEC,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	cr_assert(ne(ptr, region, MAP_FAILED));
	memset(region, 0xAA, region_len);   /* the loader must zero it */
	*run = fake_run ? fake_run : (uint64_t)(uintptr_t)region;
	return region;
}

static struct kmod_export exports[] = {
	{ "kprintf", 0 }, { "kputs", 0 },
};
static struct kmod_env env = { exports, 2, test_alloc, NULL };

static unsigned char *file;
static size_t size;

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	cr_assert(not(eq(ptr, f, NULL)), "open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	cr_assert(eq(sz, fread(buf, 1, (size_t)n, f), (size_t)n));
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void setup(void)
{
	exports[0].addr = (uint64_t)(uintptr_t)test_kprintf;
	exports[1].addr = (uint64_t)(uintptr_t)test_kputs;
	env.ctx = NULL;
	printed[0] = 0;
	allocs = 0;
	fake_run = 0;
	region = NULL;
	file = read_file(KMOD_TEST_HELLO, &size);
}

static void teardown(void)
{
	if (region)
		munmap(region, region_len);
	free(file);
}

TestSuite(kmod, .init = setup, .fini = teardown);

/* The file's section headers and a section by name. */
static Elf64_Ehdr *ehdr(void) { return (Elf64_Ehdr *)file; }

static Elf64_Shdr *shdr(unsigned i)
{
	return (Elf64_Shdr *)(file + ehdr()->e_shoff) + i;
}

static Elf64_Shdr *section(const char *name)
{
	const char *names = (const char *)file + shdr(ehdr()->e_shstrndx)->sh_offset;

	for (unsigned i = 1; i < ehdr()->e_shnum; i++)
		if (strcmp(names + shdr(i)->sh_name, name) == 0)
			return shdr(i);
	cr_fatal("no section %s", name);
	return NULL;
}

static Elf64_Sym *symbol(const char *name)
{
	Elf64_Shdr *st = section(".symtab");
	const char *names = (const char *)file + shdr(st->sh_link)->sh_offset;
	Elf64_Sym *s = (Elf64_Sym *)(file + st->sh_offset);

	for (unsigned i = 1; i < st->sh_size / sizeof(*s); i++)
		if (strcmp(names + s[i].st_name, name) == 0)
			return &s[i];
	cr_fatal("no symbol %s", name);
	return NULL;
}

static Elf64_Rela *rela_text(unsigned j)
{
	return (Elf64_Rela *)(file + section(".rela.text")->sh_offset) + j;
}

static char why[256];

static int load(struct kmod_image *img)
{
	return kmod_load(file, size, &env, img, why, sizeof(why));
}

/* rc with a message containing `part`, and no memory asked for. */
static void refused(int rc, const char *part)
{
	struct kmod_image img;

	cr_assert(eq(int, load(&img), rc), "%s (want %s)", why, kmod_strerror(rc));
	cr_assert(not(eq(ptr, strstr(why, part), NULL)), "message '%s' lacks '%s'", why, part);
	cr_assert(eq(u32, allocs, 0));
}

Test(kmod, hello_loads_and_its_init_runs)
{
	struct kmod_image img;
	int (*init)(void);
	unsigned char *p;

	cr_assert(eq(int, load(&img), 0), "%s", why);
	cr_assert(eq(str, img.name, "hello"));
	cr_assert(eq(u32, allocs, 1));
	cr_assert(eq(u64, img.base, (uint64_t)(uintptr_t)region));
	/* .text; .rodata, .rodata.str1.8, .nestlab_kmod; .data, .bss: a page each. */
	cr_assert(eq(u64, img.text_pages, 1));
	cr_assert(eq(u64, img.ro_pages, 1));
	cr_assert(eq(u64, img.rw_pages, 1));
	cr_assert(eq(u64, img.pages, 3));
	cr_assert(eq(u64, img.syscall_entry, 0));
	cr_assert(eq(u64, img.init, img.base + symbol("mod_init")->st_value));
	/* Padding and bss are zero, the code is the file's but for its fields. */
	p = region;
	cr_assert(eq(u8, p[section(".text")->sh_size], 0));
	cr_assert(eq(u8, p[3 * 4096 - 1], 0));
	init = (int (*)(void))(uintptr_t)img.init;
	cr_assert(eq(int, init(), 42));
	cr_assert(eq(str, printed, "kmod hello: hello from a kernel module (init call 1)\n"));
	cr_assert(eq(int, init(), 44));      /* its data and bss are its own */
}

Test(kmod, no_memory)
{
	struct kmod_image img;

	env.ctx = (void *)1;
	cr_assert(eq(int, load(&img), KMOD_E_NOMEM));
	cr_assert(eq(u32, allocs, 1));
}

Test(kmod, truncated_at_every_length)
{
	struct kmod_image img;
	size_t full = size;

	for (size = 0; size < full; size++) {
		unsigned char *copy = malloc(size ? size : 1);

		memcpy(copy, file, size);
		cr_assert(eq(int, kmod_load(copy, size, &env, &img, why, sizeof(why)),
			     KMOD_E_TRUNC), "length %zu: %s", size, why);
		free(copy);
	}
	size = full;
	cr_assert(eq(u32, allocs, 0));
}

Test(kmod, bad_magic)
{
	file[1] = 'X';
	refused(KMOD_E_ELF, "magic");
}

Test(kmod, not_relocatable)
{
	ehdr()->e_type = ET_EXEC;
	refused(KMOD_E_ELF, "relocatable");
}

Test(kmod, section_beyond_the_file)
{
	section(".text")->sh_offset = size - 4;
	refused(KMOD_E_TRUNC, "beyond the end of the file");
}

Test(kmod, section_name_table_index)
{
	ehdr()->e_shstrndx = ehdr()->e_shnum;
	refused(KMOD_E_SECTION, "section name table index");
}

Test(kmod, relocation_symbol_table_index)
{
	section(".rela.text")->sh_link = 99;
	refused(KMOD_E_SECTION, "relocation section");
}

Test(kmod, overlapping_sections)
{
	section(".rodata")->sh_offset = section(".text")->sh_offset + 8;
	refused(KMOD_E_OVERLAP, "overlap");
}

Test(kmod, section_headers_over_the_elf_header)
{
	ehdr()->e_shoff = 8;
	refused(KMOD_E_OVERLAP, "overlaps the ELF header");
}

Test(kmod, absurd_bss)
{
	section(".bss")->sh_size = 1ull << 40;
	refused(KMOD_E_SIZE, ".bss");
}

Test(kmod, too_many_sections)
{
	ehdr()->e_shnum = KMOD_MAX_SECTIONS + 1;
	refused(KMOD_E_SIZE, "sections");
}

Test(kmod, writable_code)
{
	section(".text")->sh_flags |= SHF_WRITE;
	refused(KMOD_E_SECTION, "both writable and executable");
}

Test(kmod, relocation_past_its_section)
{
	rela_text(0)->r_offset = section(".text")->sh_size - 2;
	refused(KMOD_E_RELOC, "runs past its section .text");
}

Test(kmod, relocation_symbol_index)
{
	rela_text(0)->r_info = ELF64_R_INFO(10000, R_X86_64_PC32);
	refused(KMOD_E_RELOC, "symbol index 10000");
}

Test(kmod, unknown_relocation_type)
{
	rela_text(0)->r_info = ELF64_R_INFO(ELF64_R_SYM(rela_text(0)->r_info),
					    R_X86_64_GOTPCREL);
	refused(KMOD_E_RELTYPE, "relocation type 9");
}

Test(kmod, symbol_outside_its_section)
{
	symbol("mod_init")->st_value = section(".text")->sh_size + 1;
	refused(KMOD_E_SYMBOL, "'mod_init'");
}

Test(kmod, abi_version)
{
	struct kmod_header *h = (void *)(file + section(KMOD_HEADER_SECTION)->sh_offset);

	h->abi_version = KMOD_ABI_VERSION + 1;
	refused(KMOD_E_HEADER, "ABI version 2");
}

Test(kmod, bad_name)
{
	struct kmod_header *h = (void *)(file + section(KMOD_HEADER_SECTION)->sh_offset);

	h->name[1] = ' ';
	refused(KMOD_E_HEADER, "name");
}

Test(kmod, init_not_code)
{
	symbol("mod_init")->st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
	refused(KMOD_E_NOINIT, "mod_init");
}

/* Run 4 GiB up: `mov $.rodata, %edi` (R_X86_64_32) no longer zero-extends. */
Test(kmod, r_x86_64_32_overflow)
{
	struct kmod_image img;

	fake_run = 1ull << 32;
	cr_assert(eq(int, load(&img), KMOD_E_OVERFLOW), "%s", why);
	cr_assert(not(eq(ptr, strstr(why, "R_X86_64_32 value 0x100001000"), NULL)), "%s", why);
	cr_assert(eq(u32, allocs, 1));
}

/* kprintf 2 GiB away from the call: the PLT32 displacement overflows. */
Test(kmod, plt32_overflow)
{
	struct kmod_image img;

	exports[0].addr = 0x7F0000000000ull;
	cr_assert(eq(int, load(&img), KMOD_E_OVERFLOW), "%s", why);
	cr_assert(not(eq(ptr, strstr(why, "R_X86_64_PLT32"), NULL)), "%s", why);
}

static void use(const char *name)
{
	free(file);
	file = read_file(name, &size);
}

Test(kmod, undefined_symbol)
{
	use(KMOD_TEST_DIR "/bad_undef.o");
	refused(KMOD_E_UNDEF, "'kmalloc'");
}

Test(kmod, pic_module)
{
	use(KMOD_TEST_DIR "/bad_gotpcrel.o");
	refused(KMOD_E_RELTYPE, "relocation type 42");
}

Test(kmod, no_header)
{
	use(KMOD_TEST_DIR "/bad_noheader.o");
	refused(KMOD_E_HEADER, KMOD_HEADER_SECTION);
}

Test(kmod, syscall_entry_reported)
{
	struct kmod_image img;

	use(KMOD_TEST_DIR "/initfail.o");
	cr_assert(eq(int, load(&img), 0), "%s", why);
	cr_assert(eq(str, img.name, "initfail"));
	cr_assert(eq(u64, img.syscall_entry, img.base + symbol("syscall_entry")->st_value));
	cr_assert(eq(u64, img.init, img.base + symbol("mod_init")->st_value));
	cr_assert(eq(int, ((int (*)(void))(uintptr_t)img.init)(), -5));
	cr_assert(eq(str, printed, "initfail: failing\n"));
}

Test(kmod, every_code_named)
{
	for (int rc = KMOD_E_NOMEM; rc <= KMOD_E_TRUNC; rc++)
		cr_assert(eq(int, strncmp(kmod_strerror(rc), "KMOD_E_", 7), 0));
}
