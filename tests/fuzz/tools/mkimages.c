/*
 * mkimages: malformed variants of a valid multiboot image (Multiboot
 * 0.6.96 3.1: header magic, flags, checksum, the a.out-kludge addresses),
 * for L1's L2 loader (l1hyp/boot/mb_loader.c and load_l2). Each variant is
 * written as DIR/NN-name.bin, and one line per variant to stdout:
 *   <file> <expect> <what>
 * where expect is "bad_config" (L1 must refuse the image) or "l2" (L1 may
 * load it: any status but an L1 failure will do, the guest then runs what
 * it finds). The campaign runs each with `nestlab run --workload null
 * --l2-image FILE` and counts l1_error, qemu_failed, timeout or a failed
 * integrity check as a finding.
 *
 *   mkimages BASE DIR N SEED [RAM_MIB]
 *
 * BASE is a valid image (the L2 kernel); the fixed variants come first,
 * then random ones (header fields mutated, checksum fixed or not) up to N.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/multiboot.h>

#define KLUDGE MULTIBOOT_HDR_AOUT_KLUDGE

struct img {
	uint8_t *b;
	size_t len;
	size_t hdr;              /* offset of the header in b */
};

struct hdr {
	uint32_t magic, flags, sum, header_addr, load_addr, load_end, bss_end, entry;
};

static const char *dir;
static unsigned count, limit;
static uint64_t rng;
static uint32_t ram;         /* L2 RAM bytes the launcher gives L1's L2 */

static uint64_t next(void)
{
	rng += 0x9E3779B97F4A7C15ull;
	uint64_t z = rng;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static struct hdr get(const struct img *m)
{
	struct hdr h;

	memcpy(&h, m->b + m->hdr, sizeof(h));
	return h;
}

static void set(struct img *m, const struct hdr *h)
{
	memcpy(m->b + m->hdr, h, sizeof(*h));
}

static void fix_sum(struct hdr *h)
{
	h->sum = (uint32_t)-(h->magic + h->flags);
}

static struct img copy(const struct img *base, size_t extra)
{
	struct img m = *base;

	m.b = calloc(1, base->len + extra + 1);
	if (!m.b) {
		perror("mkimages");
		exit(1);
	}
	memcpy(m.b, base->b, base->len);
	return m;
}

static void emit(struct img *m, size_t len, const char *expect, const char *what)
{
	char path[4096];
	FILE *f;

	if (count >= limit) {
		free(m->b);
		return;
	}
	snprintf(path, sizeof(path), "%s/%02u-%s.bin", dir, count++, what);
	f = fopen(path, "wb");
	if (!f || (len && fwrite(m->b, 1, len, f) != len) || fclose(f)) {
		fprintf(stderr, "mkimages: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	printf("%s %s %s\n", path, expect, what);
	free(m->b);
}

/* One header change, then the checksum fixed. */
#define VARIANT(name, expect, stmt)                                          \
	do {                                                                  \
		struct img m = copy(base, 0);                                 \
		struct hdr h = get(&m);                                       \
		stmt;                                                         \
		set(&m, &h);                                                  \
		emit(&m, m.len, expect, name);                                \
	} while (0)

static void fixed(const struct img *base)
{
	struct hdr b = get(base);
	uint32_t size = b.load_end - b.load_addr;

	VARIANT("bad-magic", "bad_config", (h.magic ^= 1, fix_sum(&h)));
	VARIANT("bad-checksum", "bad_config", h.sum += 1);
	VARIANT("no-aout-kludge", "bad_config", (h.flags &= ~KLUDGE, fix_sum(&h)));
	VARIANT("video-mode-required", "bad_config", (h.flags |= 1u << 2, fix_sum(&h)));
	VARIANT("unknown-required-bit", "bad_config", (h.flags |= 1u << 15, fix_sum(&h)));
	VARIANT("optional-bits-set", "l2", (h.flags |= 0xFFFE0000u & ~KLUDGE, fix_sum(&h)));
	VARIANT("load-below-1MiB", "bad_config",
		(h.header_addr -= b.load_addr - 0x8000, h.entry -= b.load_addr - 0x8000,
		 h.load_end -= b.load_addr - 0x8000, h.bss_end -= b.load_addr - 0x8000,
		 h.load_addr = 0x8000));
	VARIANT("load-over-L1-gdt", "bad_config",
		(h.header_addr -= b.load_addr - 0x7000, h.entry -= b.load_addr - 0x7000,
		 h.load_end -= b.load_addr - 0x7000, h.bss_end -= b.load_addr - 0x7000,
		 h.load_addr = 0x7000));
	VARIANT("load-at-0", "bad_config",
		(h.header_addr -= b.load_addr, h.entry -= b.load_addr, h.load_end -= b.load_addr,
		 h.bss_end -= b.load_addr, h.load_addr = 0));
	VARIANT("load-at-ram-top", "bad_config",
		(h.header_addr += ram - b.load_addr, h.entry += ram - b.load_addr,
		 h.load_end += ram - b.load_addr, h.bss_end += ram - b.load_addr,
		 h.load_addr = ram));
	VARIANT("load-moved-up", "l2",
		(h.header_addr += 0x200000, h.entry += 0x200000, h.load_end += 0x200000,
		 h.bss_end += 0x200000, h.load_addr += 0x200000));
	VARIANT("load-end-past-file", "bad_config", h.load_end = b.load_addr + size + 0x100000);
	VARIANT("load-end-before-load", "bad_config", h.load_end = b.load_addr - 1);
	VARIANT("load-end-equals-load", "bad_config", h.load_end = b.load_addr);
	VARIANT("load-end-zero", "l2", h.load_end = 0);
	VARIANT("load-wraps-4GiB", "bad_config",
		(h.header_addr += 0xFFFFF000u - b.load_addr, h.entry += 0xFFFFF000u - b.load_addr,
		 h.load_addr = 0xFFFFF000u, h.load_end = 0, h.bss_end = 0));
	VARIANT("header-addr-below-load", "bad_config", h.header_addr = b.load_addr - 4);
	VARIANT("header-addr-past-offset", "bad_config", h.header_addr = b.header_addr + 0x10000);
	VARIANT("bss-end-beyond-ram", "bad_config", h.bss_end = ram + 0x1000);
	VARIANT("bss-end-4GiB", "bad_config", h.bss_end = 0xFFFFFFFFu);
	VARIANT("bss-end-at-ram-top", "l2", h.bss_end = ram);
	VARIANT("bss-huge-in-ram", "l2", h.bss_end = ram - 0x100000);
	VARIANT("bss-end-before-load-end", "bad_config", h.bss_end = b.load_end - 4);
	VARIANT("bss-end-zero", "l2", h.bss_end = 0);
	VARIANT("entry-past-image", "bad_config", h.entry = b.load_end + 0x100);
	VARIANT("entry-in-bss", "bad_config", h.entry = b.load_end + 4);
	VARIANT("entry-zero", "bad_config", h.entry = 0);
	VARIANT("entry-before-load", "bad_config", h.entry = b.load_addr - 1);
	VARIANT("entry-on-header", "l2", h.entry = b.header_addr);
	VARIANT("entry-last-byte", "l2", h.entry = b.load_end - 1);

	/* Truncated files (the header's load_end then lies past the end). */
	{
		static const size_t cuts[] = { 0, 4, 12, 31 };
		char name[64];
		unsigned i;

		for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			struct img m = copy(base, 0);

			snprintf(name, sizeof(name), "truncated-%zu", base->hdr + cuts[i]);
			emit(&m, base->hdr + cuts[i], "bad_config", name);
		}
		for (i = 1; i <= 2; i++) {
			struct img m = copy(base, 0);

			snprintf(name, sizeof(name), "truncated-%s", i == 1 ? "half" : "minus-1");
			emit(&m, i == 1 ? base->len / 2 : base->len - 1, "bad_config", name);
		}
		{
			struct img m = copy(base, 0);
			struct hdr h = get(&m);

			h.load_end = 0;             /* load "the rest of the file" */
			set(&m, &h);
			emit(&m, base->len / 2, "l2", "truncated-half-load-end-zero");
		}
	}
	/* The header pushed past the 8 KiB the loader searches (3.1.1). */
	{
		struct img m = copy(base, 8192);

		memmove(m.b + 8192, m.b, base->len);
		memset(m.b, 0, 8192);
		emit(&m, base->len + 8192, "bad_config", "header-past-8KiB");
	}
	/* Larger than L2 RAM: refused before anything is allocated. */
	{
		struct img m = copy(base, ram + 0x100000 - base->len);

		emit(&m, ram + 0x100000, "bad_config", "larger-than-ram");
	}
}

/* Random header mutations: 1-3 fields replaced by edge or random values. */
static void random_variants(const struct img *base)
{
	static const uint32_t edges[] = {
		0, 1, 0xFFF, 0x1000, 0x7000, 0x8000, 0x9FC00, 0xA0000, 0xFFFFF,
		0x100000, 0x100020, 0x1FFFFF, 0x200000, 0xFFFFFFFF, 0x80000000,
	};
	char name[64];

	while (count < limit) {
		struct img m = copy(base, 0);
		struct hdr h = get(&m);
		uint32_t *f = &h.magic;
		unsigned n = 1 + (unsigned)(next() % 3), i;

		for (i = 0; i < n; i++) {
			unsigned field = 1 + (unsigned)(next() % 7);
			uint64_t k = next();

			if (k & 1)
				f[field] = edges[(k >> 1) % (sizeof(edges) / sizeof(edges[0]))];
			else if (k & 2)
				f[field] += (uint32_t)((k >> 8) % 0x20000) - 0x10000;
			else
				f[field] = (uint32_t)(k >> 32);
			if (field == 4 || (k >> 60) & 1)
				f[field] = (ram & 0xFFFFF000u) - (f[field] & 0xFFFFF);
		}
		if (next() % 4)
			fix_sum(&h);
		set(&m, &h);
		snprintf(name, sizeof(name), "random-%u", count);
		emit(&m, m.len, "l2", name);
	}
}

int main(int argc, char **argv)
{
	struct img base = { 0 };
	FILE *f;
	long n;
	size_t off;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: mkimages BASE DIR N SEED [RAM_MIB]\n");
		return 2;
	}
	dir = argv[2];
	limit = (unsigned)strtoul(argv[3], NULL, 0);
	rng = strtoull(argv[4], NULL, 0);
	ram = (uint32_t)(argc == 6 ? strtoul(argv[5], NULL, 0) : 64) << 20;
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 64 || fseek(f, 0, SEEK_SET) ||
	    !(base.b = malloc((size_t)n)) || fread(base.b, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "mkimages: %s: cannot read a multiboot image\n", argv[1]);
		return 1;
	}
	fclose(f);
	base.len = (size_t)n;
	for (off = 0; off + 32 <= base.len && off < 8192; off += 4) {
		uint32_t w[3];

		memcpy(w, base.b + off, sizeof(w));
		if (w[0] == MULTIBOOT_HEADER_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0 &&
		    (w[1] & KLUDGE))
			break;
	}
	if (off + 32 > base.len || off >= 8192) {
		fprintf(stderr, "mkimages: %s: no a.out-kludge multiboot header\n", argv[1]);
		return 1;
	}
	base.hdr = off;
	fixed(&base);
	random_variants(&base);
	return 0;
}
