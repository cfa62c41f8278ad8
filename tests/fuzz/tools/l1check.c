/*
 * l1check: after a run, checks L1's integrity in the run's guest-RAM file
 * (QEMU's memory-backend-file, which holds L1's whole physical memory at
 * file offset = physical address; `nestlab run --keep` leaves it in the run
 * directory):
 *   code    every allocated, non-writable PROGBITS section of L1's ELF
 *           (.text, .rodata, ...) is byte for byte what the file says, at
 *           its load address;
 *   vmcb    the vCPU's VMCB: its intercept vectors, ASID and nested-paging
 *           enable equal the baseline's (a reference run of the same L1 and
 *           options), its IOPM/MSRPM/NPT pointers lie outside L2 RAM;
 *   iopm, msrpm  the permission bitmaps' contents equal the baseline's;
 *   npt     the nested page tables map guest-physical g to L2 RAM's base
 *           + g only, inside L2 RAM, with the baseline's permissions; every
 *           table and bitmap lies outside L2 RAM; eager NPT maps all of it.
 * Where L1's VMCB is comes from its console: the lines
 *   "nestlab-l1: layout: vmcb <pa> iopm <pa> msrpm <pa> hsave <pa> host-save <pa>"
 *   "nestlab-l1: L2 RAM <n> MiB at host-physical <pa>, NPT ... (... root <pa>)"
 * (l1hyp/arch/x86/svm.c, l1hyp/core/main.c). An L1 that prints neither has
 * its VMCB found by its signature (APM vol.2 appendix B: VMRUN intercept set,
 * nested paging on, ASID != 0, page-aligned bitmap and NPT pointers) in the
 * pages outside L2 RAM, and the check says so.
 *
 *   l1check --ram FILE --elf FILE --console FILE [--baseline FILE]
 *           [--write-baseline FILE] [--npt eager|lazy]
 *
 * Prints one "INTEGRITY <part> ok|FAIL|skip: ..." line per part; exit 0 if
 * nothing failed, 1 if something did, 2 on a usage or I/O error.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE        4096ull
#define IOPM_SIZE   (3 * PAGE)      /* APM vol.2 15.10.1 */
#define MSRPM_SIZE  (2 * PAGE)      /* APM vol.2 15.11 */
#define PTE_P       1ull
#define PTE_PS      (1ull << 7)
#define PTE_ADDR    0x000FFFFFFFFFF000ull
#define PTE_AD      (3ull << 5 | 1ull << 7) /* accessed, dirty (the walker's), PS */

struct ram {
	const uint8_t *p;
	uint64_t size;
	int fd;
};

struct vmcb_view {
	uint64_t pa;
	uint32_t icpt[6];           /* 0x000..0x017: CR, DR, exceptions, misc */
	uint64_t iopm, msrpm, ncr3, np_control;
	uint32_t asid;
};

static int failed;

static void report(const char *part, const char *verdict, const char *fmt, ...)
{
	va_list ap;

	printf("INTEGRITY %s %s: ", part, verdict);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!strcmp(verdict, "FAIL"))
		failed = 1;
}

static int ram_has(const struct ram *r, uint64_t pa, uint64_t len)
{
	return pa <= r->size && len <= r->size - pa;
}

static uint64_t ld64(const struct ram *r, uint64_t pa)
{
	uint64_t v;

	memcpy(&v, r->p + pa, 8);
	return v;
}

static uint32_t ld32(const struct ram *r, uint64_t pa)
{
	uint32_t v;

	memcpy(&v, r->p + pa, 4);
	return v;
}

static uint64_t fnv1a(const uint8_t *p, uint64_t n)
{
	uint64_t h = 0xCBF29CE484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001B3ull;
	return h;
}

static void *map_file(const char *path, uint64_t *size, int *fd_out)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "l1check: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "l1check: mmap %s: %s\n", path, strerror(errno));
		exit(2);
	}
	*size = (uint64_t)st.st_size;
	*fd_out = fd;
	return p;
}

/* [*lo, *hi) of L1's boot GDT, from the symbol table: it lies in .rodata,
 * and the CPU sets the accessed bit of a descriptor it loads (APM vol.2
 * 4.7.1), so that one bit per descriptor may differ. */
static void gdt_range(const uint8_t *e, uint64_t esize, const Elf64_Shdr *sh, unsigned n,
		      uint64_t *lo, uint64_t *hi)
{
	unsigned i;

	*lo = *hi = 0;
	for (i = 0; i < n; i++) {
		const Elf64_Sym *sym;
		const char *str;
		uint64_t k;

		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= n ||
		    sh[i].sh_offset + sh[i].sh_size > esize)
			continue;
		sym = (const void *)(e + sh[i].sh_offset);
		str = (const char *)e + sh[sh[i].sh_link].sh_offset;
		for (k = 0; k < sh[i].sh_size / sizeof(*sym); k++) {
			if (!strcmp(str + sym[k].st_name, "boot_gdt"))
				*lo = sym[k].st_value;
			else if (!strcmp(str + sym[k].st_name, "boot_gdt_end"))
				*hi = sym[k].st_value;
		}
	}
}

/* L1's code and read-only data against its ELF file. */
static void check_code(const struct ram *r, const char *elf_path)
{
	uint64_t esize, total = 0;
	int fd;
	const uint8_t *e = map_file(elf_path, &esize, &fd);
	const Elf64_Ehdr *eh = (const void *)e;
	const Elf64_Shdr *sh;
	const char *names;
	char list[256] = "";
	uint64_t gdt_lo, gdt_hi;
	unsigned i;

	if (esize < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shoff + (uint64_t)eh->e_shnum *
	    sizeof(*sh) > esize || eh->e_shstrndx >= eh->e_shnum) {
		report("code", "FAIL", "%s is not a 64-bit ELF file", elf_path);
		return;
	}
	sh = (const void *)(e + eh->e_shoff);
	names = (const char *)e + sh[eh->e_shstrndx].sh_offset;
	gdt_range(e, esize, sh, eh->e_shnum, &gdt_lo, &gdt_hi);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *s = &sh[i];
		uint64_t j, diff = 0, first = 0;

		if (s->sh_type != SHT_PROGBITS || !(s->sh_flags & SHF_ALLOC) ||
		    (s->sh_flags & SHF_WRITE) || !s->sh_size)
			continue;
		if (!ram_has(r, s->sh_addr, s->sh_size) || s->sh_offset + s->sh_size > esize) {
			report("code", "FAIL", "section %s [%" PRIx64 ", +%" PRIx64 ") outside RAM",
			       names + s->sh_name, s->sh_addr, s->sh_size);
			continue;
		}
		for (j = 0; j < s->sh_size; j++) {
			uint64_t a = s->sh_addr + j;
			uint8_t x = r->p[a] ^ e[s->sh_offset + j];

			if (a >= gdt_lo && a < gdt_hi && (a - gdt_lo) % 8 == 5)
				x &= (uint8_t)~1u;  /* descriptor accessed bit */
			if (x && !diff++)
				first = a;
		}
		if (diff)
			report("code", "FAIL", "%s: %" PRIu64 " bytes differ, first at %" PRIx64,
			       names + s->sh_name, diff, first);
		total += s->sh_size;
		if (strlen(list) + strlen(names + s->sh_name) + 2 < sizeof(list))
			strcat(strcat(list, " "), names + s->sh_name);
	}
	if (!failed)
		report("code", "ok", "%" PRIu64 " bytes of%s unchanged%s", total, list,
		       gdt_hi > gdt_lo ? " (GDT accessed bits aside)" : "");
	munmap((void *)e, esize);
	close(fd);
}

static int vmcb_at(const struct ram *r, uint64_t pa, struct vmcb_view *v)
{
	unsigned i;

	if (!ram_has(r, pa, PAGE))
		return 0;
	for (i = 0; i < 6; i++)
		v->icpt[i] = ld32(r, pa + 4 * i);
	v->pa = pa;
	v->iopm = ld64(r, pa + 0x40);
	v->msrpm = ld64(r, pa + 0x48);
	v->asid = ld32(r, pa + 0x58);
	v->np_control = ld64(r, pa + 0x90);
	v->ncr3 = ld64(r, pa + 0xB0);
	return (v->icpt[4] & 1) && (v->np_control & 1) && v->asid &&
	       v->iopm && !(v->iopm & 0xFFF) && ram_has(r, v->iopm, IOPM_SIZE) &&
	       v->msrpm && !(v->msrpm & 0xFFF) && ram_has(r, v->msrpm, MSRPM_SIZE) &&
	       v->ncr3 && !(v->ncr3 & 0xFFF) && ram_has(r, v->ncr3, PAGE);
}

/* The baseline: "key value" lines, hexadecimal values. */
struct kv {
	char key[32];
	uint64_t val;
};

static struct kv base[64];
static unsigned nbase;

static void base_load(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "l1check: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (nbase < 64 && fscanf(f, "%31s %" SCNx64, base[nbase].key, &base[nbase].val) == 2)
		nbase++;
	fclose(f);
}

static int base_get(const char *key, uint64_t *val)
{
	unsigned i;

	for (i = 0; i < nbase; i++)
		if (!strcmp(base[i].key, key)) {
			*val = base[i].val;
			return 1;
		}
	return 0;
}

static struct kv now[64];
static unsigned nnow;

static void put(const char *key, uint64_t val)
{
	if (nnow < 64) {
		snprintf(now[nnow].key, sizeof(now[nnow].key), "%s", key);
		now[nnow++].val = val;
	}
}

/* Compares the current values of `part` (put() since *first) with the
 * baseline's. */
static void compare(const char *part, unsigned first)
{
	unsigned i, bad = 0;
	uint64_t want;

	if (!nbase)
		return;
	for (i = first; i < nnow; i++) {
		if (!base_get(now[i].key, &want)) {
			report(part, "FAIL", "%s missing from the baseline", now[i].key);
			bad = 1;
		} else if (want != now[i].val) {
			report(part, "FAIL", "%s is %" PRIx64 ", baseline %" PRIx64,
			       now[i].key, now[i].val, want);
			bad = 1;
		}
	}
	if (!bad)
		report(part, "ok", "as in the baseline");
}

struct npt_walk {
	const struct ram *r;
	uint64_t l2_hpa, l2_size, mapped, tables, flags_or, flags_and;
	int bad;
};

static int in_l2(const struct npt_walk *w, uint64_t pa, uint64_t len)
{
	return pa < w->l2_hpa + w->l2_size && w->l2_hpa < pa + len;
}

/* Long-mode 4-level tables (APM vol.2 15.25.5: the nested table format). */
static void npt_table(struct npt_walk *w, uint64_t table, unsigned level, uint64_t gpa)
{
	unsigned i;

	w->tables++;
	if (!ram_has(w->r, table, PAGE) || in_l2(w, table, PAGE)) {
		if (!w->bad++)
			report("npt", "FAIL", "level-%u table at %" PRIx64 " %s", level, table,
			       ram_has(w->r, table, PAGE) ? "inside L2 RAM" : "outside RAM");
		return;
	}
	for (i = 0; i < 512; i++) {
		uint64_t e = ld64(w->r, table + 8 * i);
		uint64_t g = gpa | ((uint64_t)i << (12 + 9 * (level - 1)));
		uint64_t size = 1ull << (12 + 9 * (level - 1));

		if (!(e & PTE_P))
			continue;
		if (level > 1 && !(level <= 3 && (e & PTE_PS))) {
			npt_table(w, e & PTE_ADDR, level - 1, g);
			continue;
		}
		if (g + size > w->l2_size || (e & PTE_ADDR & ~(size - 1)) != w->l2_hpa + g) {
			if (!w->bad++)
				report("npt", "FAIL", "GPA %" PRIx64 " (+%" PRIx64 ") maps HPA %" PRIx64
				       ", want %" PRIx64 " inside L2 RAM [0, %" PRIx64 ")", g, size,
				       e & PTE_ADDR, w->l2_hpa + g, w->l2_size);
			continue;
		}
		w->mapped += size;
		w->flags_or |= e & ~PTE_ADDR & ~PTE_AD;
		w->flags_and &= e & ~PTE_ADDR & ~PTE_AD;
	}
}

static void check_npt(const struct ram *r, const struct vmcb_view *v, uint64_t l2_hpa,
		      uint64_t l2_size, const char *npt)
{
	struct npt_walk w = { .r = r, .l2_hpa = l2_hpa, .l2_size = l2_size,
			      .flags_and = ~0ull };
	unsigned first = nnow;

	npt_table(&w, v->ncr3 & PTE_ADDR, 4, 0);
	if (w.bad)
		return;
	if (!strcmp(npt, "eager") && w.mapped != l2_size) {
		report("npt", "FAIL", "eager NPT maps %" PRIx64 " of %" PRIx64 " bytes",
		       w.mapped, l2_size);
		return;
	}
	if (w.mapped && w.flags_or != w.flags_and) {
		report("npt", "FAIL", "leaf permissions differ: %" PRIx64 " / %" PRIx64,
		       w.flags_or, w.flags_and);
		return;
	}
	put("npt_leaf_flags", w.mapped ? w.flags_or : 0);
	report("npt", "ok", "%" PRIx64 " bytes identity-mapped in %" PRIu64 " tables, "
	       "all inside L2 RAM, tables outside it", w.mapped, w.tables);
	compare("npt", first);
}

static void check_vmcb(const struct ram *r, const char *console, const char *npt)
{
	struct vmcb_view v, cand;
	uint64_t l2_hpa = 0, l2_mib = 0, pa, vmcb_pa = 0, iopm = 0, msrpm = 0, ncr3 = 0;
	unsigned found = 0, first;
	char line[512];
	FILE *f = fopen(console, "r");
	const char *how = "found by signature (L1 does not print it)";

	if (!f) {
		fprintf(stderr, "l1check: %s: %s\n", console, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "nestlab-l1: L2 RAM ");

		if (p)
			sscanf(p, "nestlab-l1: L2 RAM %" SCNu64 " MiB at host-physical %" SCNx64,
			       &l2_mib, &l2_hpa);
		if (p && (p = strstr(p, " root ")))
			sscanf(p, " root %" SCNx64, &ncr3);
		p = strstr(line, "nestlab-l1: layout: vmcb ");
		if (p)
			sscanf(p, "nestlab-l1: layout: vmcb %" SCNx64 " iopm %" SCNx64
			       " msrpm %" SCNx64, &vmcb_pa, &iopm, &msrpm);
	}
	fclose(f);
	if (!l2_mib) {
		report("vmcb", "skip", "no \"L2 RAM\" line on L1's console (L1 did not get "
		       "that far)");
		return;
	}
	if (vmcb_pa) {
		how = "at the address L1 printed";
		if (!vmcb_at(r, vmcb_pa, &v) || v.iopm != iopm || v.msrpm != msrpm ||
		    (v.ncr3 & PTE_ADDR) != ncr3) {
			report("vmcb", "FAIL", "the VMCB L1 printed at %" PRIx64 " does not hold "
			       "the IOPM/MSRPM/NPT root it printed", vmcb_pa);
			return;
		}
		found = 1;
	} else {
		/* Only the file's data extents: never-written pages are holes. */
		off_t d = 0, h;

		while ((d = lseek(r->fd, d, SEEK_DATA)) >= 0) {
			h = lseek(r->fd, d, SEEK_HOLE);
			if (h < 0)
				h = (off_t)r->size;
			for (pa = (uint64_t)d & ~(PAGE - 1); pa + PAGE <= (uint64_t)h; pa += PAGE) {
				if (pa >= l2_hpa && pa < l2_hpa + (l2_mib << 20))
					continue;
				if (vmcb_at(r, pa, &cand)) {
					v = cand;
					found++;
				}
			}
			d = h;
		}
	}
	if (found != 1) {
		report("vmcb", found ? "FAIL" : "skip", "%u pages look like a VMCB", found);
		return;
	}
	first = nnow;
	put("intercept_cr", v.icpt[0]);
	put("intercept_dr", v.icpt[1]);
	put("intercept_exceptions", v.icpt[2]);
	put("intercept_misc1", v.icpt[3]);
	put("intercept_misc2", v.icpt[4]);
	put("intercept_misc3", v.icpt[5]);
	/* Addresses are not compared: they follow the sizes of the image and
	 * command line L1 was given. */
	put("asid", v.asid);
	put("np_control", v.np_control);
	printf("INTEGRITY vmcb info: VMCB %s at %" PRIx64 ", IOPM %" PRIx64 ", MSRPM %" PRIx64
	       ", NPT root %" PRIx64 "\n", how, v.pa, v.iopm, v.msrpm, v.ncr3);
	if (in_l2(&(struct npt_walk){ .l2_hpa = l2_hpa, .l2_size = l2_mib << 20 }, v.pa, PAGE) ||
	    in_l2(&(struct npt_walk){ .l2_hpa = l2_hpa, .l2_size = l2_mib << 20 }, v.iopm,
		  IOPM_SIZE + MSRPM_SIZE))
		report("vmcb", "FAIL", "VMCB or bitmaps inside L2 RAM");
	compare("vmcb", first);
	first = nnow;
	put("iopm_fnv", fnv1a(r->p + v.iopm, IOPM_SIZE));
	compare("iopm", first);
	first = nnow;
	put("msrpm_fnv", fnv1a(r->p + v.msrpm, MSRPM_SIZE));
	compare("msrpm", first);
	if (!nbase)
		report("vmcb", "skip", "no baseline to compare the VMCB, bitmaps and NPT with");
	check_npt(r, &v, l2_hpa, l2_mib << 20, npt);
}

int main(int argc, char **argv)
{
	const char *ram_path = 0, *elf = 0, *console = 0, *npt = "eager", *wbase = 0;
	struct ram r;
	int i, fd;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--ram"))
			ram_path = argv[i + 1];
		else if (!strcmp(argv[i], "--elf"))
			elf = argv[i + 1];
		else if (!strcmp(argv[i], "--console"))
			console = argv[i + 1];
		else if (!strcmp(argv[i], "--baseline"))
			base_load(argv[i + 1]);
		else if (!strcmp(argv[i], "--write-baseline"))
			wbase = argv[i + 1];
		else if (!strcmp(argv[i], "--npt"))
			npt = argv[i + 1];
		else
			break;
	}
	if (i != argc || !ram_path || !elf || !console) {
		fprintf(stderr, "usage: l1check --ram FILE --elf FILE --console FILE "
			"[--baseline FILE] [--write-baseline FILE] [--npt eager|lazy]\n");
		return 2;
	}
	r.p = map_file(ram_path, &r.size, &fd);
	r.fd = fd;
	check_code(&r, elf);
	check_vmcb(&r, console, npt);
	if (wbase) {
		FILE *f = fopen(wbase, "w");
		unsigned k;

		if (!f) {
			fprintf(stderr, "l1check: %s: %s\n", wbase, strerror(errno));
			return 2;
		}
		for (k = 0; k < nnow; k++)
			fprintf(f, "%s %" PRIx64 "\n", now[k].key, now[k].val);
		fclose(f);
	}
	return failed;
}
