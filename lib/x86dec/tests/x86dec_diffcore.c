/*
 * Differential decoding against Zydis 4 (Debian's libzydis-dev): see
 * x86dec_diffcore.h. Zydis statuses map onto ours as: success -> OK,
 * NO_MORE_DATA -> TRUNCATED, INSTRUCTION_TOO_LONG -> TOO_LONG, any other
 * error -> INVALID. Where both decode, the lengths must be equal, and for
 * the structured subset the width of the first operand must equal Zydis's
 * operand_width (effective operand size: catches the d64/f64 stack and
 * branch rules, SDM vol. 2 table A-1). Deliberate exceptions: see is_mvex()
 * below.
 */
#include "x86dec_diffcore.h"
#include <Zydis/Zydis.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const ZydisDecoder *zdec(enum x86dec_mode mode)
{
	static ZydisDecoder d64, d32;
	static int init;
	if (!init) {
		ZydisDecoderInit(&d64, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
		ZydisDecoderInit(&d32, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
		init = 1;
	}
	return mode == X86DEC_MODE_64 ? &d64 : &d32;
}

static int zclass(ZyanStatus s)
{
	if (ZYAN_SUCCESS(s)) return X86DEC_OK;
	if (s == ZYDIS_STATUS_NO_MORE_DATA) return X86DEC_TRUNCATED;
	if (s == ZYDIS_STATUS_INSTRUCTION_TOO_LONG) return X86DEC_TOO_LONG;
	return X86DEC_INVALID;
}

/* Deliberate exception: Knights Corner MVEX (62 with P1[2] = 0 in 64-bit
 * mode). Zydis 4.0 decodes MVEX even with its KNC mode off; the SDM requires
 * P1[2] = 1 and every CPU that can run nestlab raises #UD, so we report
 * INVALID. Such inputs are counted, not compared. */
static int is_mvex(enum x86dec_mode mode, const uint8_t *b, size_t len)
{
	size_t i = 0;
	if (mode != X86DEC_MODE_64)
		return 0;
	while (i < len && i < 15 && ((b[i] & 0xF0) == 0x40 || b[i] == 0xF0 || b[i] == 0xF2 || b[i] == 0xF3 ||
				     b[i] == 0x2E || b[i] == 0x36 || b[i] == 0x3E || b[i] == 0x26 ||
				     b[i] == 0x64 || b[i] == 0x65 || b[i] == 0x66 || b[i] == 0x67))
		i++;
	return i + 2 < len && i + 2 < 15 && b[i] == 0x62 && !(b[i + 2] & 0x04);
}

int diff_one(enum x86dec_mode mode, const uint8_t *buf, size_t len, struct diff_stats *st, FILE *log)
{
	if (is_mvex(mode, buf, len)) {
		st->inputs++;
		st->exceptions++;
		return 0;
	}
	ZydisDecodedInstruction zi;
	struct x86dec_insn mi;
	ZyanStatus zs = ZydisDecoderDecodeInstruction(zdec(mode), NULL, buf, len, &zi);
	int zc = zclass(zs);
	int mc = x86dec_decode_buf(&mi, mode, buf, len);
	int bad = 0;
	st->inputs++;
	if (zc != mc) {
		bad = 1;
		st->by_class[zc][mc < 4 ? mc : 3]++;
	} else if (zc == X86DEC_OK) {
		st->both_valid++;
		if (zi.length != mi.length) {
			bad = 1;
			st->len_mismatch++;
		} else if (mi.mnemonic != X86DEC_MN_OTHER && mi.mnemonic != X86DEC_MN_RET &&
			   mi.operand_count && mi.op[0].size * 8u != zi.operand_width) {
			/* the structured form's first operand has the effective
			 * operand size (RET's imm16 is a byte count, not sized) */
			bad = 1;
			st->width_mismatch++;
		}
	} else {
		st->both_invalid++;
	}
	if (bad) {
		st->disagreements++;
		if (log) {
			fprintf(log, "%s zydis=%d(%08x) len=%u ours=%d len=%u", mode == X86DEC_MODE_64 ? "m64" : "m32",
				zc, (unsigned)zs, zc == X86DEC_OK ? zi.length : 0, mc, mc == X86DEC_OK ? mi.length : 0);
			if (zc == X86DEC_OK && mc == X86DEC_OK && mi.operand_count)
				fprintf(log, " width zydis=%u ours=%u", (unsigned)zi.operand_width, mi.op[0].size * 8u);
			fprintf(log, " :");
			for (size_t i = 0; i < len && i < 15; i++)
				fprintf(log, " %02x", buf[i]);
			fprintf(log, "\n");
		}
	}
	return bad;
}

static inline uint64_t xs(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static const uint8_t legacy_pfx[] = { 0xF0, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0x66, 0x67 };

void diff_gen(uint64_t *state, enum x86dec_mode mode, uint8_t buf[16])
{
	uint64_t r = xs(state), r2 = xs(state);
	for (int i = 0; i < 16; i++)
		buf[i] = (uint8_t)(i < 8 ? r2 >> (8 * i) : xs(state));
	if ((r & 15) == 0)
		return; /* 1/16 fully random */
	r >>= 4;
	int n = 0;
	/* prefixes: 0-3 typically, occasionally many (15-byte limit) */
	int np = (r & 3) == 3 ? (int)((r >> 2) & 15) : (int)((r >> 2) & 3);
	r >>= 6;
	if ((r & 1) == 0) np = 0;
	r >>= 1;
	for (int i = 0; i < np && n < 15; i++) {
		uint64_t q = xs(state);
		if (mode == X86DEC_MODE_64 && (q & 3) == 0)
			buf[n++] = (uint8_t)(0x40 | ((q >> 2) & 15));
		else
			buf[n++] = legacy_pfx[(q >> 2) % sizeof(legacy_pfx)];
	}
	if (mode == X86DEC_MODE_64 && (r & 3) == 0 && n < 15) /* REX last */
		buf[n++] = (uint8_t)(0x40 | ((r >> 2) & 15));
	r >>= 6;
	uint64_t q = xs(state);
	switch (r % 10) {
	case 0: case 1: break; /* 1-byte map */
	case 2: buf[n++ & 15] = 0x0F; break;
	case 3: buf[n++ & 15] = 0x0F; buf[n++ & 15] = (q & 1) ? 0x38 : 0x3A; break;
	case 4: /* VEX2 */
		buf[n++ & 15] = 0xC5;
		if (mode == X86DEC_MODE_32) buf[n & 15] |= 0xC0;
		break;
	case 5: /* VEX3 with a likely-valid map */
		buf[n++ & 15] = 0xC4;
		if (q & 15) /* mostly maps 1-3, sometimes any map field (0: KNC, >3: invalid) */
			buf[n & 15] = (uint8_t)((buf[n & 15] & 0xE0) | (1 + q % 3));
		if (mode == X86DEC_MODE_32) buf[n & 15] |= 0xC0;
		break;
	case 6: case 7: /* EVEX with likely-valid fixed bits */
		buf[n++ & 15] = 0x62;
		if (q & 7) {
			static const uint8_t maps[] = { 1, 2, 3, 5, 6 };
			buf[n & 15] = (uint8_t)((buf[n & 15] & 0xF0) | maps[(q >> 3) % 5]);
			buf[(n + 1) & 15] |= 0x04;
		}
		if (mode == X86DEC_MODE_32) buf[n & 15] |= 0xC0;
		break;
	case 8: /* XOP */
		buf[n++ & 15] = 0x8F;
		if (q & 3)
			buf[n & 15] = (uint8_t)((buf[n & 15] & 0xE0) | (8 + (q >> 2) % 3));
		break;
	case 9: /* 3DNow! or x87 */
		if (q & 1) { buf[n++ & 15] = 0x0F; buf[n++ & 15] = 0x0F; }
		else buf[n++ & 15] = (uint8_t)(0xD8 + ((q >> 1) & 7));
		break;
	}
	/* ModRM/SIB bias: sometimes force SIB or RIP-relative forms */
	uint64_t m = xs(state);
	int mpos = n + 1 + ((m & 1) ? 0 : 1);
	if (mpos < 15 && (m & 6) == 0)
		buf[mpos] = (uint8_t)((buf[mpos] & 0xF8) | 4);
	else if (mpos < 15 && (m & 6) == 2)
		buf[mpos] = (uint8_t)((buf[mpos] & 0x38) | 5);
}

void diff_random(enum x86dec_mode mode, uint64_t n, uint64_t seed, struct diff_stats *st, FILE *log)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
	uint8_t buf[16];
	for (uint64_t i = 0; i < n; i++) {
		diff_gen(&s, mode, buf);
		diff_one(mode, buf, 15, st, log);
	}
}

void diff_random_truncated(enum x86dec_mode mode, uint64_t n, uint64_t seed, struct diff_stats *st, FILE *log)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 3;
	uint8_t buf[16];
	for (uint64_t i = 0; i < n; i++) {
		diff_gen(&s, mode, buf);
		diff_one(mode, buf, (size_t)(1 + (xs(&s) % 14)), st, log);
	}
}

long diff_elf(const char *path, struct diff_stats *st, FILE *log)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct stat sb;
	if (fstat(fd, &sb) < 0 || (size_t)sb.st_size < sizeof(Elf64_Ehdr)) {
		close(fd);
		return -1;
	}
	const uint8_t *f = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f == MAP_FAILED)
		return -1;
	const Elf64_Ehdr *eh = (const void *)f;
	long count = 0;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64 || eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > (uint64_t)sb.st_size) {
		munmap((void *)f, sb.st_size);
		return -1;
	}
	const Elf64_Shdr *sh = (const void *)(f + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_PROGBITS || !(sh[i].sh_flags & SHF_EXECINSTR))
			continue;
		if (sh[i].sh_offset + sh[i].sh_size > (uint64_t)sb.st_size)
			continue;
		const uint8_t *p = f + sh[i].sh_offset;
		uint64_t len = sh[i].sh_size, off = 0;
		while (off < len) {
			ZydisDecodedInstruction zi;
			size_t avail = len - off;
			ZyanStatus zs = ZydisDecoderDecodeInstruction(zdec(X86DEC_MODE_64), NULL, p + off, avail, &zi);
			diff_one(X86DEC_MODE_64, p + off, avail, st, log);
			count++;
			off += ZYAN_SUCCESS(zs) ? zi.length : 1;
		}
	}
	munmap((void *)f, sb.st_size);
	return count;
}
