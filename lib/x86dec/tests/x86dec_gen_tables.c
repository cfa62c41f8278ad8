/*
 * Table generator for lib/x86dec: probes Zydis (the reference decoder the
 * differential campaign compares against) to learn which opcode/prefix/ModRM
 * combinations exist, and writes them as compact deduplicated tables
 * (lib/x86dec/x86dec_tables.c). Only *existence* facts are taken this way;
 * the decoder's structure (prefixes, REX/VEX/EVEX/XOP parsing, ModRM/SIB,
 * displacement and immediate sizes, the 15-byte rule, fetch faults) is written
 * by hand from the AMD APM vol. 3 ch. 1-2 and Intel SDM vol. 2 ch. 2-3, and
 * the campaign checks those independently. See docs/x86dec.md, "Tables".
 *
 * Register choices. Zydis rejects some encodings only because two register
 * fields name the same register (SDM vol. 2: gathers #UD when destination,
 * index and, for VEX, mask are not distinct; the FP16 complex multiplies
 * when the destination equals a source; AMX TDP* when two tiles are equal),
 * with ZYDIS_STATUS_BAD_REGISTER and only after the whole instruction was
 * read. Such a rejection says nothing about whether the encoding exists, so
 * a probe rejected with BAD_REGISTER is retried with other choices for the
 * register fields it does not test (R, EVEX R', SIB.index and X: see
 * reg_alt[]) before the entry bit is left clear. The equality rules
 * themselves are not table data except for one: for VSIB memory forms the
 * generator probes equal destination/index/mask registers and records
 * X86DEC_T_GATHER where Zydis rejects them, checking that what it sees is
 * exactly the SDM's gather rule for that encoding (it stops otherwise).
 * Scatters, the AVX512PF gather/scatter prefetches (ModRM.reg is an opcode
 * extension there) and the AMX tile loads/stores (SIB-addressed, not VSIB)
 * have no such rule.
 *
 * Key space per opcode (see x86dec_tables.h): mandatory-prefix class p
 * (none/66/F3/F2), vector length L, slot (0 = memory ModRM, 1+reg = register
 * ModRM with that reg field); a row then holds 16 entries indexed W*8 + reg
 * (memory slot) or W*8 + rm (register slots). Entry bits: see X86DEC_T_*.
 *
 *   x86dec_gen_tables > lib/x86dec/x86dec_tables.c
 */
#include <Zydis/Zydis.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../x86dec_tables.h"

static ZydisDecoder dec64, dec32;
static const ZydisDecoder *dec;
static int m64;

static int probe_pad = 0;   /* number of 2E prefixes put in front of a probe */
static ZyanStatus last_status;
static int zok(const uint8_t *b, size_t n)
{
	ZydisDecodedInstruction in;
	uint8_t buf[64];
	memset(buf, 0x2E, (size_t)probe_pad);
	memcpy(buf + probe_pad, b, n);
	last_status = ZydisDecoderDecodeInstruction(dec, NULL, buf, 15 + 8, &in);
	return ZYAN_SUCCESS(last_status);
}

/* Length of the probe up to and including ModRM (+SIB) for a memory slot. */
static int probe_len;

/* pattern / row pools with dedup (linear hash) */
#define MAXROWS 65536
#define MAXPATS 16384
static uint16_t rows[MAXROWS][16];
static int nrows = 0; /* row 0 = all zero (inserted first) */
static uint16_t pats[MAXPATS][X86DEC_T_PFX][X86DEC_T_L][X86DEC_T_SLOTS];
static int npats = 2; /* pattern 0: no such opcode; 1: no such opcode, rejected after its ModRM is read */

#define HSZ (1 << 20)
static int rhash[HSZ], phash[HSZ];
static uint32_t fnv(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;
	while (n--) h = (h ^ *b++) * 16777619u;
	return h;
}

static int row_id(const uint16_t r[16])
{
	uint32_t h = fnv(r, 32) & (HSZ - 1);
	for (; rhash[h]; h = (h + 1) & (HSZ - 1))
		if (!memcmp(rows[rhash[h] - 1], r, 32))
			return rhash[h] - 1;
	rhash[h] = nrows + 1;
	if (nrows == MAXROWS) { fprintf(stderr, "rows overflow\n"); exit(1); }
	memcpy(rows[nrows], r, 32);
	return nrows++;
}

static int pat_id(uint16_t p[X86DEC_T_PFX][X86DEC_T_L][X86DEC_T_SLOTS])
{
	int allzero = 1;
	for (int a = 0; a < X86DEC_T_PFX; a++)
		for (int b = 0; b < X86DEC_T_L; b++)
			for (int c = 0; c < X86DEC_T_SLOTS; c++)
				if (p[a][b][c]) allzero = 0;
	if (allzero)
		return 0;
	uint32_t h = fnv(p, sizeof(pats[0])) & (HSZ - 1);
	for (; phash[h]; h = (h + 1) & (HSZ - 1))
		if (!memcmp(pats[phash[h]], p, sizeof(pats[0])))
			return phash[h];
	phash[h] = npats;
	if (npats == MAXPATS) { fprintf(stderr, "pats overflow\n"); exit(1); }
	memcpy(pats[npats], p, sizeof(pats[npats]));
	return npats++;
}

#define p_pp(p) (p)
static const uint8_t pfx_byte[4] = { 0, 0x66, 0xF3, 0xF2 };

/* ModRM (+SIB) for a probe: memory slot uses [base + index] with an index
 * register distinct from reg and from register 0 (gathers reject overlaps). */
static int probe_mod = 0;   /* memory slot: ModRM.mod used (2 for deferral probes) */
static int probe_nosib = 0; /* memory slot: no SIB (rm = 0) */
static int probe_idx = -1;  /* memory slot: SIB.index (low 3 bits), -1 = default */
static int put_modrm(uint8_t *b, int mem, int reg, int rm)
{
	if (mem && probe_nosib) {
		b[0] = (uint8_t)((reg << 3) | 0);
		return 1;
	}
	if (mem) {
		/* default: not reg, not the vvvv probes 0/1/2/13/14 */
		int idx = probe_idx >= 0 ? probe_idx : (reg == 3) ? 4 : 3;
		b[0] = (uint8_t)((probe_mod << 6) | (reg << 3) | 4);
		b[1] = (uint8_t)((idx << 3) | 0);
		return 2;
	}
	b[0] = (uint8_t)(0xC0 | (reg << 3) | rm);
	return 1;
}

/* ---- legacy maps: space 0 (1-byte), 1 (0F), 2 (0F38), 3 (0F3A) ---- */
static int legacy_probe(int space, int op, int p, int w, int mem, int reg, int rm,
			int lock, int rexr, int rexb)
{
	uint8_t b[32] = { 0 };
	int n = 0;
	if (lock) b[n++] = 0xF0;
	if (p) b[n++] = pfx_byte[p];
	if (m64 && (w || rexr || rexb))
		b[n++] = (uint8_t)(0x40 | (w << 3) | (rexr << 2) | (rexb ? 1 : 0));
	else if (!m64 && (w || rexr || rexb))
		return 0;
	if (space >= 1) b[n++] = 0x0F;
	if (space == 2) b[n++] = 0x38;
	if (space == 3) b[n++] = 0x3A;
	b[n++] = (uint8_t)op;
	n += put_modrm(b + n, mem, reg, rm);
	probe_len = n;
	return zok(b, 15 + 8);
}

static uint16_t legacy_entry(int space, int op, int p, int w, int mem, int reg, int rm)
{
	if (!m64 && w)
		return 0;
	uint16_t e = 0;
	if (legacy_probe(space, op, p, w, mem, reg, rm, 0, 0, 0)) {
		e |= X86DEC_T_VALID;
		if (mem && legacy_probe(space, op, p, w, mem, reg, rm, 1, 0, 0))
			e |= X86DEC_T_LOCK;
		if (!m64 || legacy_probe(space, op, p, w, mem, reg, rm, 0, 1, 0))
			e |= X86DEC_T_R;
		if (!m64 || mem || legacy_probe(space, op, p, w, mem, reg, rm, 0, 0, 1))
			e |= X86DEC_T_B;
	}
	return e;
}

/*
 * Other register choices for a probe that Zydis rejected with BAD_REGISTER:
 * set R and/or, EVEX only, R' (ModRM.reg names register 8-15, 16-23 or
 * 24-31 instead of 0-7) where the probe does not test that bit itself,
 * and/or move the SIB index (low bits, X) of a memory form. Registers 8-31
 * only exist in 64-bit mode (outside it, C4/62 with those bits clear are
 * LES/BOUND), so there only the index moves.
 */
static const struct { int r, rp, idx, x; } reg_alt[] = {
	{ 1, 0, -1, 0 }, { 0, 1, -1, 0 }, { 1, 1, -1, 0 },
	{ 0, 0, 5, 0 }, { 1, 0, 5, 0 }, { 0, 0, 6, 1 }, { 1, 0, 6, 1 }, { 0, 0, 1, 1 }, { 1, 0, 1, 1 },
};
#define N_REG_ALT ((int)(sizeof(reg_alt) / sizeof(reg_alt[0])))

static int reg_alt_usable(int i, int mem, int r_free)
{
	if (reg_alt[i].r && !r_free)
		return 0;
	if (reg_alt[i].rp && !m64)
		return 0;
	if (!mem && (reg_alt[i].idx >= 0 || reg_alt[i].x))
		return 0;
	if (mem && probe_nosib && reg_alt[i].idx >= 0)
		return 0;
	return m64 || (!reg_alt[i].r && !reg_alt[i].x);
}

/* ---- VEX (spaces 4-6, maps 1-3) and XOP (spaces 7-9, maps 8-A) ---- */
static int vex_probe1(int xop, int map, int op, int p, int w, int l, int mem, int reg, int rm,
		      int vvvv, int r, int x, int bb)
{
	uint8_t b[32] = { 0 };
	int n = 0;
	b[n++] = xop ? 0x8F : 0xC4;
	/* byte 1: ~R ~X ~B mmmmm (R/X/B given as the inverted bit value) */
	b[n++] = (uint8_t)((r << 7) | (x << 6) | (bb << 5) | map);
	b[n++] = (uint8_t)((w << 7) | (vvvv << 3) | (l << 2) | p_pp(p));
	b[n++] = (uint8_t)op;
	n += put_modrm(b + n, mem, reg, rm);
	probe_len = n;
	return zok(b, 15 + 8);
}

/* r = 1 (no R) leaves R free for the retries; r = 0 is R under test */
static int vex_probe(int xop, int map, int op, int p, int w, int l, int mem, int reg, int rm,
		     int vvvv, int r, int bb)
{
	if (vex_probe1(xop, map, op, p, w, l, mem, reg, rm, vvvv, r, 1, bb))
		return 1;
	if (last_status != ZYDIS_STATUS_BAD_REGISTER)
		return 0;
	for (int i = 0; i < N_REG_ALT; i++) {
		if (!reg_alt_usable(i, mem, r == 1) || reg_alt[i].rp)
			continue; /* VEX has no R' */
		probe_idx = reg_alt[i].idx;
		int ok = vex_probe1(xop, map, op, p, w, l, mem, reg, rm, vvvv,
				    reg_alt[i].r ? 0 : r, !reg_alt[i].x, bb);
		probe_idx = -1;
		if (ok)
			return 1;
	}
	return 0;
}

static void die(const char *what, int map, int op, int p, int w, int l, int reg)
{
	fprintf(stderr, "x86dec_gen_tables: %s (mode %d map %d op %02x pp %d W%d L%d reg %d): "
		"register rule not understood, tables not written\n", what, m64 ? 64 : 32, map, op, p, w, l, reg);
	exit(1);
}

/* VEX probe with full register numbers: dst = ModRM.reg + R, idx = SIB.index
 * + X, msk = vvvv; 1 = accepted, 0 = BAD_REGISTER, -1 = rejected otherwise */
static int vex_regs(int map, int op, int p, int w, int l, int dst, int idx, int msk)
{
	probe_idx = idx & 7;
	int ok = vex_probe1(0, map, op, p, w, l, 1, dst & 7, 0, (~msk) & 0xF, !(dst >> 3), !(idx >> 3), 1);
	probe_idx = -1;
	return ok ? 1 : last_status == ZYDIS_STATUS_BAD_REGISTER ? 0 : -1;
}

/*
 * VEX VSIB memory form: does the gather rule (SDM vol. 2 VGATHERDPS etc.:
 * #UD if any two of destination, index and mask are the same register)
 * hold? Find an accepted encoding with three distinct registers (low bits
 * of the destination = reg), then make each pair equal in turn.
 */
static int vex_gather_rule(int map, int op, int p, int w, int l, int reg, uint16_t e)
{
	int nreg = m64 ? 16 : 8, d = -1, i = -1, m = -1;
	for (int dd = reg; dd < nreg && d < 0; dd += 8) {
		if (dd >= 8 && !(e & X86DEC_T_R))
			break;
		for (int mm = 0; mm < nreg && d < 0; mm++) {
			if (mm == dd || !(e & (mm == 0 ? X86DEC_T_VALID : mm < 8 ? X86DEC_T_VV : X86DEC_T_VVH)))
				continue;
			for (int ii = 0; ii < nreg; ii++) {
				if (ii == dd || ii == mm || (ii & 7) == 4)
					continue;
				if (vex_regs(map, op, p, w, l, dd, ii, mm) == 1) {
					d = dd; i = ii; m = mm;
					break;
				}
			}
		}
	}
	if (d < 0)
		return 0; /* no register choice decodes: nothing to learn */
	/* a mask equal to d or i is only a test where that vvvv value is
	 * accepted at all (the AMX tile loads take vvvv = 1111b only) */
#define VV_OK(x) (e & ((x) == 0 ? X86DEC_T_VALID : (x) < 8 ? X86DEC_T_VV : X86DEC_T_VVH))
	int res[3] = {
		vex_regs(map, op, p, w, l, d, d, m),
		VV_OK(d) ? vex_regs(map, op, p, w, l, d, i, d) : 2, /* 2: not tested */
		VV_OK(i) ? vex_regs(map, op, p, w, l, d, i, i) : 2,
	};
#undef VV_OK
	int acc = 0, conflict = 0, other = 0;
	for (int k = 0; k < 3; k++) {
		acc += res[k] == 1;
		conflict += res[k] == 0;
		other += res[k] == -1;
	}
	if (!conflict && !other)
		return 0; /* not a gather: e.g. the AMX tile loads (SIB, not VSIB) */
	if (!acc && !other && res[0] == 0)
		return 1;
	die("VEX VSIB form rejects only some equal register pairs", map, op, p, w, l, reg);
	return 0;
}

static uint16_t vex_entry(int xop, int map, int op, int p, int w, int l, int mem, int reg, int rm)
{
	uint16_t e = 0;
	if (vex_probe(xop, map, op, p, w, l, mem, reg, rm, 0xF, 1, 1)) e |= X86DEC_T_VALID;
	/* vvvv probes avoid the reg field (some forms forbid dst == src) */
	int vlo = (~(reg == 1 ? 2 : 1)) & 0xF, vhi = (~(reg == 5 ? 14 : 13)) & 0xF;
	if (vex_probe(xop, map, op, p, w, l, mem, reg, rm, vlo, 1, 1)) e |= X86DEC_T_VV;
	if (vex_probe(xop, map, op, p, w, l, mem, reg, rm, vhi, 1, 1)) e |= X86DEC_T_VVH;
	if (!e)
		return 0;
	int vb = (e & X86DEC_T_VALID) ? 0xF : (e & X86DEC_T_VV) ? vlo : vhi;
	if (vex_probe(xop, map, op, p, w, l, mem, reg, rm, vb, 0, 1))
		e |= X86DEC_T_R;
	if (mem || vex_probe(xop, map, op, p, w, l, mem, reg, rm, vb, 1, 0))
		e |= X86DEC_T_B;
	if (mem) {
		probe_nosib = 1;
		if (!vex_probe(xop, map, op, p, w, l, mem, reg, rm, vb, 1, 1))
			e |= X86DEC_T_VSIB;
		probe_nosib = 0;
		if ((e & X86DEC_T_VSIB) && !xop && vex_gather_rule(map, op, p, w, l, reg, e))
			e |= X86DEC_T_GATHER;
	}
	return e;
}

/* ---- EVEX (spaces 10-14, maps 1,2,3,5,6) ---- */
struct evf { int z, b, aaa, vvvv, vp, rp, r, x, bb; };

static int evex_probe1(int map, int op, int p, int w, int l, int mem, int reg, int rm, struct evf f)
{
	uint8_t b[32] = { 0 };
	int n = 0;
	b[n++] = 0x62;
	b[n++] = (uint8_t)((f.r << 7) | (f.x << 6) | (f.bb << 5) | (f.rp << 4) | map);
	b[n++] = (uint8_t)((w << 7) | (f.vvvv << 3) | 4 | p_pp(p));
	b[n++] = (uint8_t)((f.z << 7) | (l << 5) | (f.b << 4) | (f.vp << 3) | f.aaa);
	b[n++] = (uint8_t)op;
	n += put_modrm(b + n, mem, reg, rm);
	probe_len = n;
	return zok(b, 15 + 8);
}

/* f.r = 1 (no R) and f.rp = 1 (no R') leave them free for the retries,
 * f.x = 1 leaves X free (memory forms) */
static int evex_probe(int map, int op, int p, int w, int l, int mem, int reg, int rm, struct evf f)
{
	if (evex_probe1(map, op, p, w, l, mem, reg, rm, f))
		return 1;
	if (last_status != ZYDIS_STATUS_BAD_REGISTER)
		return 0;
	for (int i = 0; i < N_REG_ALT; i++) {
		if (!reg_alt_usable(i, mem, f.r == 1) || (reg_alt[i].x && f.x != 1) ||
		    (reg_alt[i].rp && f.rp != 1))
			continue;
		struct evf g = f;
		if (reg_alt[i].r)
			g.r = 0;
		if (reg_alt[i].rp)
			g.rp = 0;
		if (reg_alt[i].x)
			g.x = 0;
		probe_idx = reg_alt[i].idx;
		int ok = evex_probe1(map, op, p, w, l, mem, reg, rm, g);
		probe_idx = -1;
		if (ok)
			return 1;
	}
	return 0;
}

/*
 * EVEX VSIB memory form: does the gather rule (SDM vol. 2 VPGATHERDD etc.:
 * #UD if the destination is the index register) hold? base is an accepted
 * encoding with destination reg (R = R' = 0) and index 3 or 4; make the
 * index equal to the destination.
 */
static int evex_gather_rule(int map, int op, int p, int w, int l, int reg, struct evf base)
{
	probe_idx = reg;
	base.x = 1;
	base.vp = 1;
	int ok = evex_probe1(map, op, p, w, l, 1, reg, 0, base);
	probe_idx = -1;
	if (ok)
		return 0; /* scatters, the AVX512PF prefetches */
	if (last_status == ZYDIS_STATUS_BAD_REGISTER)
		return 1;
	die("EVEX VSIB form rejects index == reg other than as a register conflict", map, op, p, w, l, reg);
	return 0;
}

static uint16_t evex_entry(int map, int op, int p, int w, int l, int mem, int reg, int rm)
{
	struct evf base = { 0, 0, 0, 0xF, 1, 1, 1, 1, 1 };
	uint16_t e = 0;

	struct evf f = base;
	int found = 0;
	int vlo = (~(reg == 1 ? 2 : 1)) & 0xF, vhi = (~(reg == 5 ? 14 : 13)) & 0xF;
	const int vv[3] = { 0xF, vlo, vhi };
	for (int i = 0; i < 3 && !found; i++)
		for (int a = 0; a < 2 && !found; a++) {
			f = base; f.vvvv = vv[i]; f.aaa = a;
			if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) { base = f; found = 1; }
		}
	if (!found)
		return 0;
	f = base; f.aaa = 0;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_VALID;
	f = base; f.aaa = 1;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_A1;
	f = base; f.aaa = 1; f.z = 1;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_Z1;
	f = base; f.aaa = 0; f.z = 1;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_Z0;
	f = base; f.b = 1;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_BC;
	f = base; f.vvvv = vlo;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_VV;
	f = base; f.vvvv = vhi;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_VVH;
	f = base; f.vp = 0;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_VP;
	f = base; f.rp = 0;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_RP;
	f = base; f.r = 0;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_R;
	f = base; f.bb = 0;
	if (mem || evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_B;
	f = base; f.x = 0;
	if (mem || evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_X;
	if (mem) {
		probe_nosib = 1;
		if (!evex_probe(map, op, p, w, l, mem, reg, rm, base))
			e |= X86DEC_T_VSIB;
		probe_nosib = 0;
		if (e & X86DEC_T_VSIB) {
			if (!evex_probe1(map, op, p, w, l, mem, reg, rm, base))
				die("EVEX VSIB form needs other registers than the base probe's", map, op, p, w, l, reg);
			if (evex_gather_rule(map, op, p, w, l, reg, base))
				e |= X86DEC_T_GATHER;
		}
	}
	f = base; f.vvvv = 0xF;
	if (evex_probe(map, op, p, w, l, mem, reg, rm, f)) e |= X86DEC_T_V0;
	return e;
}

static const int space_map[X86DEC_T_SPACES] = { 0, 1, 2, 3, 1, 2, 3, 8, 9, 10, 1, 2, 3, 5, 6 };

static uint16_t entry0(int space, int op, int p, int w, int l, int mem, int reg, int rm)
{
	if (space <= 3)
		return l ? 0 : legacy_entry(space, op, p, w, mem, reg, rm);
	if (space <= 9)
		return l > 1 ? 0 : vex_entry(space >= 7, space_map[space], op, p, w, l, mem, reg, rm);
	return evex_entry(space_map[space], op, p, w, l, mem, reg, rm);
}

/* An encoding that does not exist: does Zydis read the rest of it before
 * saying so? Probe with 2E padding so that the bytes through ModRM (+SIB)
 * end exactly at byte 15: a deferred rejection then reports TOO_LONG. */
static uint16_t entry(int space, int op, int p, int w, int l, int mem, int reg, int rm)
{
	uint16_t e = entry0(space, op, p, w, l, mem, reg, rm);
	if (e || (space <= 3 && l) || (space > 3 && space <= 9 && l > 1) || (!m64 && space <= 3 && w))
		return e;
	probe_mod = 2;
	probe_pad = 0;
	entry0(space, op, p, w, l, mem, reg, rm); /* sets probe_len */
	int pad = 15 - probe_len;
	if (pad >= 0) {
		probe_pad = pad;
		entry0(space, op, p, w, l, mem, reg, rm);
		if (last_status == ZYDIS_STATUS_INSTRUCTION_TOO_LONG)
			e = X86DEC_T_DEFER;
	}
	probe_pad = 0;
	probe_mod = 0;
	return e;
}

static int opmap[2][X86DEC_T_SPACES][256];

/* bit p: some encoding of the pattern exists (or is deferred) with prefix class p */
static uint32_t pl_probe(int mode, int s, int op)
{
	uint32_t bits = 0;
	const ZydisDecoder *d = mode == 0 ? &dec64 : &dec32;
	for (int w = 0; w < 2; w++)
		for (int pf = 0; pf < 4; pf++)
			for (int l = 0; l < 4; l++) {
				uint8_t b[16];
				int n = 0;
				if (s <= 3) {
					if (l) continue;
					if (pf) b[n++] = pfx_byte[pf];
					if (w) { if (mode) continue; b[n++] = 0x48; }
					if (s >= 1) b[n++] = 0x0F;
					if (s == 2) b[n++] = 0x38;
					if (s == 3) b[n++] = 0x3A;
				} else if (s <= 9) {
					if (l > 1) continue;
					b[n++] = s >= 7 ? 0x8F : 0xC4;
					b[n++] = (uint8_t)(0xE0 | space_map[s]);
					b[n++] = (uint8_t)((w << 7) | 0x78 | (l << 2) | pf);
				} else {
					b[n++] = 0x62;
					b[n++] = (uint8_t)(0xF0 | space_map[s]);
					b[n++] = (uint8_t)((w << 7) | 0x7C | pf);
					b[n++] = (uint8_t)((l << 5) | 0x08);
				}
				b[n++] = (uint8_t)op;
				ZydisDecodedInstruction in;
				ZyanStatus st = ZydisDecoderDecodeInstruction(d, NULL, b, (size_t)n, &in);
				if (ZYAN_SUCCESS(st) || st == ZYDIS_STATUS_NO_MORE_DATA)
					bits |= 1u << (w * 16 + pf * 4 + l);
			}
	return bits;
}

static int pfx_exists(int pid)
{
	int bits = 0;
	for (int pf = 0; pf < 4; pf++)
		for (int l = 0; l < 4; l++)
			for (int sl = 0; sl < 9; sl++)
				for (int k = 0; k < 16; k++)
					if (rows[pats[pid][pf][l][sl]][k])
						bits |= 1 << pf;
	return bits;
}
static uint8_t dnow[2][32];

int main(void)
{
	static const uint16_t zero_row[16];
	row_id(zero_row);
	ZydisDecoderInit(&dec64, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderInit(&dec32, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
	for (int mode = 0; mode < 2; mode++) {
		m64 = mode == 0;
		dec = m64 ? &dec64 : &dec32;
		for (int space = 0; space < X86DEC_T_SPACES; space++) {
			for (int op = 0; op < 256; op++) {
				static uint16_t p[X86DEC_T_PFX][X86DEC_T_L][X86DEC_T_SLOTS];
				memset(p, 0, sizeof(p));
				for (int pf = 0; pf < 4; pf++)
					for (int l = 0; l < 4; l++)
						for (int slot = 0; slot < 9; slot++) {
							uint16_t r[16];
							for (int w = 0; w < 2; w++)
								for (int k = 0; k < 8; k++)
									r[w * 8 + k] = slot == 0
										? entry(space, op, pf, w, l, 1, k, 0)
										: entry(space, op, pf, w, l, 0, slot - 1, k);
							p[pf][l][slot] = (uint16_t)row_id(r);
						}
				opmap[mode][space][op] = pat_id(p);
				if (opmap[mode][space][op] == 0) {
					/* does Zydis read a ModRM before rejecting? put the
					 * opcode at byte 14 so that a ModRM read is TOO_LONG */
					uint8_t b[32];
					memset(b, 0x2E, sizeof(b));
					int n = 0;
					static const uint8_t esc[X86DEC_T_SPACES][4] = {
						{0}, {1, 0x0F}, {2, 0x0F, 0x38}, {2, 0x0F, 0x3A},
						{3, 0xC4, 0xE1, 0x78}, {3, 0xC4, 0xE2, 0x78}, {3, 0xC4, 0xE3, 0x78},
						{3, 0x8F, 0xE8, 0x78}, {3, 0x8F, 0xE9, 0x78}, {3, 0x8F, 0xEA, 0x78},
					};
					if (space <= 9) {
						n = 14 - esc[space][0];
						memcpy(b + n, esc[space] + 1, esc[space][0]);
						b[14] = (uint8_t)op;
						ZydisDecodedInstruction in;
						if (ZydisDecoderDecodeInstruction(dec, NULL, b, 20, &in) ==
						    ZYDIS_STATUS_INSTRUCTION_TOO_LONG)
							opmap[mode][space][op] = 1;
					}
				}
			}
			fprintf(stderr, "mode %d space %d: %d patterns %d rows\n", mode, space, npats, nrows);
		}
		/* 3DNow! suffix bytes: 0F 0F modrm imm8 */
		for (int s = 0; s < 256; s++) {
			uint8_t b[24] = { 0x0F, 0x0F, 0x00, (uint8_t)s };
			if (zok(b, 23)) dnow[mode][s >> 3] |= (uint8_t)(1 << (s & 7));
		}
	}
	printf("/*\n * GENERATED by lib/x86dec/tests/x86dec_gen_tables.c (make x86dec-regen):\n"
	       " * opcode-existence tables probed from Zydis %d.%d. Do not edit by hand.\n"
	       " * Layout and entry bits: lib/x86dec/x86dec_tables.h.\n */\n",
	       (int)(ZYDIS_VERSION >> 48), (int)((ZYDIS_VERSION >> 32) & 0xFFFF));
	printf("#include \"x86dec_tables.h\"\n\n");
	printf("const uint16_t x86dec_t_op[2][X86DEC_T_SPACES][256] = {\n");
	for (int mode = 0; mode < 2; mode++) {
		printf("{\n");
		for (int s = 0; s < X86DEC_T_SPACES; s++) {
			printf("\t{");
			for (int op = 0; op < 256; op++)
				printf("%s0x%x,", (op % 16) ? "" : "\n\t\t", opmap[mode][s][op] | (pfx_exists(opmap[mode][s][op]) << 12));
			printf("\n\t},\n");
		}
		printf("},\n");
	}
	printf("};\n\nconst uint16_t x86dec_t_pat[%d][X86DEC_T_PFX][X86DEC_T_L][X86DEC_T_SLOTS] = {\n", npats);
	for (int i = 0; i < npats; i++) {
		printf("\t{");
		for (int a = 0; a < 4; a++) {
			printf("{");
			for (int b = 0; b < 4; b++) {
				printf("{");
				for (int c = 0; c < 9; c++)
					printf("%d,", pats[i][a][b][c]);
				printf("},");
			}
			printf("},");
		}
		printf("},\n");
	}
	printf("};\n\nconst uint16_t x86dec_t_row[%d][16] = {\n", nrows);
	for (int i = 0; i < nrows; i++) {
		printf("\t{");
		for (int k = 0; k < 16; k++)
			printf("0x%x,", rows[i][k]);
		printf("},\n");
	}
	printf("};\n\n/* bit W*16 + p*4 + L: Zydis goes on reading after the opcode (else it\n"
	       " * rejects the encoding right there): probed with the input cut after the opcode */\n");
	printf("const uint32_t x86dec_t_pl[2][X86DEC_T_SPACES][256] = {\n");
	for (int mode = 0; mode < 2; mode++) {
		printf("{\n");
		for (int s = 0; s < X86DEC_T_SPACES; s++) {
			printf("\t{");
			for (int op = 0; op < 256; op++)
				printf("%s0x%x,", (op % 8) ? "" : "\n\t\t", pl_probe(mode, s, op));
			printf("\n\t},\n");
		}
		printf("},\n");
	}
	printf("};\n\n/* VEX/XOP/EVEX: bit p set when some opcode of the space exists with pp = p */\n");
	printf("const uint8_t x86dec_t_pp[2][X86DEC_T_SPACES] = {\n");
	for (int mode = 0; mode < 2; mode++) {
		printf("\t{");
		for (int s = 0; s < X86DEC_T_SPACES; s++) {
			int bits = 0;
			for (int op = 0; op < 256; op++) {
				int pid = opmap[mode][s][op];
				for (int pf = 0; pf < 4; pf++)
					for (int l = 0; l < 4; l++)
						for (int sl = 0; sl < 9; sl++)
							for (int k = 0; k < 16; k++)
								if (rows[pats[pid][pf][l][sl]][k] & ~X86DEC_T_DEFER)
									bits |= 1 << pf;
			}
			printf("0x%x,", bits);
		}
		printf("},\n");
	}
	printf("};\n\nconst uint8_t x86dec_t_3dnow[2][32] = {\n");
	for (int mode = 0; mode < 2; mode++) {
		printf("\t{");
		for (int i = 0; i < 32; i++)
			printf("0x%02x,", dnow[mode][i]);
		printf("},\n");
	}
	printf("};\n");
	fprintf(stderr, "patterns %d rows %d\n", npats, nrows);
	return 0;
}
