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

/*
 * Register-field sweep. Byte-random inputs almost never make two register
 * fields of a VEX/EVEX instruction name the same register on purpose, yet
 * that is where the register-equality rules live (SDM vol. 2: gathers,
 * FP16 complex multiplies, AMX TDP*) and where a table generator that
 * probes with too few register choices goes wrong. Here every register
 * field (ModRM.reg + R + R', vvvv + V', SIB.index + X (+ V' for VSIB),
 * ModRM.rm + B (+ X), the EVEX mask aaa) is drawn from a pool of two or
 * three register numbers, so equal and distinct registers are both common,
 * over any opcode half of the time and over the opcodes with such rules
 * (and their neighbours: scatters, AVX512PF prefetches, AMX tile loads)
 * the other half. A quarter of the inputs are legacy stack operations and
 * near branches (d64/f64) under random 66/REX/other prefix combinations,
 * for the operand-size rule (SDM vol. 2 table A-1).
 */
static const uint8_t sweep_ops[][3] = { /* encoding (0 VEX, 1 EVEX, 2 XOP), map, opcode */
	{ 0, 2, 0x90 }, { 0, 2, 0x91 }, { 0, 2, 0x92 }, { 0, 2, 0x93 }, /* VEX gathers */
	{ 0, 2, 0x4B }, { 0, 2, 0x49 }, { 0, 2, 0x5C }, { 0, 2, 0x5E }, /* AMX */
	{ 0, 2, 0x5D }, { 0, 2, 0x5F }, { 0, 2, 0x8C }, { 0, 2, 0x8E }, /* neighbours: maskmov */
	{ 1, 2, 0x90 }, { 1, 2, 0x91 }, { 1, 2, 0x92 }, { 1, 2, 0x93 }, /* EVEX gathers */
	{ 1, 2, 0xA0 }, { 1, 2, 0xA1 }, { 1, 2, 0xA2 }, { 1, 2, 0xA3 }, /* scatters */
	{ 1, 2, 0xC6 }, { 1, 2, 0xC7 }, { 1, 2, 0x68 }, { 1, 2, 0x8A }, /* PF, VP2INTERSECT, compress */
	{ 1, 6, 0x56 }, { 1, 6, 0x57 }, { 1, 6, 0xD6 }, { 1, 6, 0xD7 }, /* FP16 complex */
	{ 2, 9, 0x01 }, { 2, 8, 0xA2 },
};

static const uint8_t stack_ops[][2] = { /* map, opcode (d64 and f64 in 64-bit mode) */
	{ 0, 0x50 }, { 0, 0x53 }, { 0, 0x57 }, { 0, 0x58 }, { 0, 0x5C }, { 0, 0x5F }, { 0, 0x68 },
	{ 0, 0x6A }, { 0, 0x8F }, { 0, 0xFF }, { 0, 0xFF }, { 0, 0x9C }, { 0, 0x9D }, { 0, 0xC8 },
	{ 0, 0xC9 }, { 0, 0xE8 }, { 0, 0xE9 }, { 0, 0xEB }, { 0, 0x74 }, { 0, 0xC2 }, { 0, 0xC3 },
	{ 0, 0xE2 }, { 1, 0xA0 }, { 1, 0xA1 }, { 1, 0xA8 }, { 1, 0xA9 }, { 1, 0x84 },
};

static void gen_stack(uint64_t *state, enum x86dec_mode mode, uint8_t buf[16])
{
	static const uint8_t pfx[] = { 0x66, 0x66, 0x66, 0x48, 0x40, 0x2E, 0x67, 0xF3, 0xF2, 0xF0, 0x64 };
	uint64_t q = xs(state);
	int n = 0, np = (int)(q & 3);
	q >>= 2;
	for (int i = 0; i < np; i++, q >>= 5) {
		uint8_t b = pfx[(q & 31) % sizeof(pfx)];
		if (b == 0x48 || b == 0x40) {
			if (mode != X86DEC_MODE_64)
				b = 0x66;
			else
				b |= (uint8_t)(xs(state) & 7); /* R, X, B */
		}
		buf[n++] = b;
	}
	if (mode == X86DEC_MODE_64 && (q & 1)) /* REX last, W half of the time */
		buf[n++] = (uint8_t)(0x40 | (xs(state) & 15));
	q = xs(state);
	const uint8_t *o = stack_ops[q % (sizeof(stack_ops) / sizeof(stack_ops[0]))];
	if (o[0])
		buf[n++] = 0x0F;
	buf[n++] = o[1];
	if (o[0] == 0 && (o[1] == 0x8F || o[1] == 0xFF)) {
		static const uint8_t ext[] = { 0, 6, 6, 2, 4 };
		int e = o[1] == 0x8F ? 0 : ext[1 + (q >> 8) % 4];
		buf[n] = (uint8_t)((buf[n] & 0xC7) | (e << 3));
	}
}

/* one of the first np numbers of the pool, two random bits of *q each */
static int pick(const int pool[3], int np, uint64_t *q)
{
	int v = pool[(*q & 3) % (unsigned)np];
	*q >>= 2;
	return v;
}

static void gen_regs_vec(uint64_t *state, enum x86dec_mode mode, uint8_t buf[16])
{
	const int m64 = mode == X86DEC_MODE_64;
	uint64_t q = xs(state), q2 = xs(state);
	int enc, map, op;
	if (q & 1) {
		const uint8_t *o = sweep_ops[(q >> 1) % (sizeof(sweep_ops) / sizeof(sweep_ops[0]))];
		enc = o[0];
		map = o[1];
		op = o[2];
	} else {
		static const uint8_t emaps[] = { 1, 2, 3, 5, 6 };
		enc = (int)((q >> 1) % 5) < 2 ? 0 : (int)((q >> 1) % 5) < 4 ? 1 : 2;
		map = enc == 0 ? 1 + (int)((q >> 4) % 3) : enc == 1 ? emaps[(q >> 4) % 5] : 8 + (int)((q >> 4) % 3);
		op = (int)((q >> 8) & 0xFF);
	}
	q >>= 16;
	/* the register pool: 2 or 3 numbers (32 registers with EVEX in 64-bit
	 * mode, 16 with VEX/XOP, 8 outside 64-bit mode) */
	int nreg = !m64 ? 8 : enc == 1 ? 32 : 16, pool[3];
	for (int i = 0; i < 3; i++)
		pool[i] = (int)(xs(state) % (unsigned)nreg);
	/* often two numbers with the same low three bits (xmm0 and xmm8):
	 * distinct registers that a table indexed by ModRM.reg cannot tell apart */
	if (nreg > 8 && (q & 6) == 0)
		pool[1] = pool[0] ^ (nreg > 16 && (q & 8) ? 16 : 8);
	int np = 2 + (int)(q & 1);
	q >>= 4;
	int dst = pick(pool, np, &q2), src = pick(pool, np, &q2);
	int idx = pick(pool, np, &q2), rm = pick(pool, np, &q2);
	int w = (int)(q & 1), l = (int)((q >> 1) & 3), pp = (int)((q >> 3) & 3);
	int aaa = (q >> 5) & 1 ? (int)((q >> 6) & 7) : pick(pool, np, &q2) & 7;
	int z = ((q >> 9) & 7) == 0, bc = ((q >> 12) & 7) == 0;
	int regform = ((q >> 15) & 3) == 0;
	int mod = regform ? 3 : (int)((q >> 17) % 3);
	int sib = !regform && ((q >> 19) & 3) != 0;
	int base = (int)((q >> 21) & 7);
	q >>= 24;
	int n = 0;
	int vp = sib ? idx >> 4 : src >> 4; /* EVEX.V': vvvv, or the VSIB index */
	int xbit = regform ? (rm >> 4) & 1 : (idx >> 3) & 1;
	int bbit = regform ? (rm >> 3) & 1 : (int)(q & 1);
	if (!m64)
		bbit = 0;
	if (enc == 1) {
		buf[n++] = 0x62;
		buf[n++] = (uint8_t)((!((dst >> 3) & 1) << 7) | (!xbit << 6) | (!bbit << 5) |
				     (!((dst >> 4) & 1) << 4) | map);
		buf[n++] = (uint8_t)((w << 7) | ((~src & 15) << 3) | 4 | pp);
		buf[n++] = (uint8_t)((z << 7) | ((l == 3 && !bc ? 2 : l) << 5) | (bc << 4) | (!vp << 3) | aaa);
	} else {
		buf[n++] = enc == 0 ? 0xC4 : 0x8F;
		buf[n++] = (uint8_t)((!((dst >> 3) & 1) << 7) | (!xbit << 6) | (!bbit << 5) | map);
		buf[n++] = (uint8_t)((w << 7) | ((~src & 15) << 3) | ((l & 1) << 2) | pp);
	}
	buf[n++] = (uint8_t)op;
	buf[n++] = (uint8_t)((mod << 6) | ((dst & 7) << 3) | (regform ? (rm & 7) : sib ? 4 : base));
	if (sib)
		buf[n++] = (uint8_t)((((q >> 1) & 3) << 6) | ((idx & 7) << 3) | base);
	/* the rest (displacement, immediate) stays random */
}

void diff_gen_regs(uint64_t *state, enum x86dec_mode mode, uint8_t buf[16])
{
	for (int i = 0; i < 16; i++)
		buf[i] = (uint8_t)xs(state);
	if ((xs(state) & 3) == 0)
		gen_stack(state, mode, buf);
	else
		gen_regs_vec(state, mode, buf);
}

void diff_random_regs(enum x86dec_mode mode, uint64_t n, uint64_t seed, struct diff_stats *st, FILE *log)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 5;
	uint8_t buf[16];
	for (uint64_t i = 0; i < n; i++) {
		diff_gen_regs(&s, mode, buf);
		diff_one(mode, buf, 15, st, log);
	}
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
