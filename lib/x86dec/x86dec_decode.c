/*
 * The decoder proper: legacy prefixes (Intel SDM vol. 2 2.1.1, AMD APM vol. 3
 * 1.2), REX (SDM 2.2.1, APM 1.2.7; ignored unless it is the last prefix),
 * VEX/XOP (SDM 2.3, APM 1.9 / vol. 4), EVEX (SDM 2.7), the 1-byte, 0F, 0F38
 * and 0F3A opcode maps, ModRM/SIB/displacement (SDM 2.1.5, APM 1.4-1.5,
 * 16-bit forms SDM table 2-1), immediates and the 15-byte limit. Opcode
 * existence comes from the generated tables (x86dec_tables.h); every length
 * rule is here. Reads are issued in instruction order, each one checked
 * against the 15-byte limit before it is attempted.
 */
#include "x86dec_internal.h"
#include "x86dec_tables.h"
#include <nestlab/mem.h>

/* 1-byte map: has ModRM (bit per opcode), SDM vol. 2 table A-2 */
static const uint32_t leg1_modrm[8] = {
	0x0F0F0F0F, 0x0F0F0F0F, /* 00-3F: ALU r/m forms */
	0x00000000, 0x00000A0C, /* 62 63, 69 6B */
	0x0000FFFF,             /* 80-8F */
	0x00000000,
	0xFF0F00F3,             /* C0 C1 C4-C7, D0-D3, D8-DF */
	0xC0C00000,             /* F6 F7 FE FF */
};

enum imm_kind {
	IK_NONE, IK_B, IK_W, IK_Z, IK_V, IK_MOFFS, IK_ENTER, IK_FAR, IK_RELB, IK_RELZ,
	IK_GRP_F6, IK_GRP_F7, IK_GRP_C6, IK_GRP_C7,
};

static uint8_t leg1_imm(uint8_t op)
{
	if (op < 0x40) {
		switch (op & 7) {
		case 4: return (op & 0xF) == 4 || (op & 0xF) == 0xC ? IK_B : IK_NONE;
		case 5: return IK_Z;
		default: return IK_NONE;
		}
	}
	if (op >= 0x70 && op <= 0x7F) return IK_RELB;
	if (op >= 0xB0 && op <= 0xB7) return IK_B;
	if (op >= 0xB8 && op <= 0xBF) return IK_V;
	if (op >= 0xA0 && op <= 0xA3) return IK_MOFFS;
	if (op >= 0xE0 && op <= 0xE3) return IK_RELB;
	if (op >= 0xE4 && op <= 0xE7) return IK_B;
	switch (op) {
	case 0x68: case 0x69: case 0x81: case 0xA9: return IK_Z;
	case 0x6A: case 0x6B: case 0x80: case 0x82: case 0x83: case 0xA8:
	case 0xC0: case 0xC1: case 0xCD: case 0xD4: case 0xD5: return IK_B;
	case 0xC2: case 0xCA: return IK_W;
	case 0xC8: return IK_ENTER;
	case 0x9A: case 0xEA: return IK_FAR;
	case 0xE8: case 0xE9: return IK_RELZ;
	case 0xEB: return IK_RELB;
	case 0xF6: return IK_GRP_F6;
	case 0xF7: return IK_GRP_F7;
	case 0xC6: return IK_GRP_C6;
	case 0xC7: return IK_GRP_C7;
	default: return IK_NONE;
	}
}

/* 0F map opcodes without ModRM (SDM table A-3) */
static int map1_no_modrm(uint8_t op)
{
	switch (op) {
	case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0B: case 0x0E:
	case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37:
	case 0x77: case 0xA0: case 0xA1: case 0xA2: case 0xA8: case 0xA9: case 0xAA:
		return 1;
	default:
		return (op >= 0x80 && op <= 0x8F) || (op >= 0xC8 && op <= 0xCF);
	}
}

/*
 * Effective operand size in 64-bit mode of the instructions whose operand size
 * does not follow the usual REX.W > 66 > 32-bit rule (Intel SDM vol. 2
 * table A-1 superscripts and tables, SDM vol. 1 3.6.1; AMD APM
 * vol. 3 1.2.7 and table 1-7):
 *  d64 (PUSH/POP reg, imm, r/m, FS/GS; PUSHF/POPF; ENTER/LEAVE): 64 bits by
 *      default; 66 selects 16 bits, unless REX.W is also present, which
 *      wins (REX.W = 1 always means 64 bits); 32 bits cannot be encoded.
 *  f64 (near Jcc/JMP/CALL/RET, LOOP/JrCXZ): 64 bits whatever the prefixes
 *      (Intel; AMD CPUs honour 66 on the near branches, see docs/x86dec.md).
 * Returns the size in bytes, or 0 for the ordinary rule.
 */
static unsigned opsize_64(unsigned space, uint8_t op, uint8_t reg, uint8_t rex, uint8_t pfx66)
{
	int d64 = 0, f64 = 0;
	if (space == X86DEC_SP_LEG1) {
		d64 = (op >= 0x50 && op <= 0x5F) || op == 0x68 || op == 0x6A ||
		      (op == 0x8F && reg == 0) || op == 0x9C || op == 0x9D ||
		      op == 0xC8 || op == 0xC9 || (op == 0xFF && reg == 6);
		f64 = (op >= 0x70 && op <= 0x7F) || (op >= 0xE0 && op <= 0xE3) ||
		      op == 0xE8 || op == 0xE9 || op == 0xEB || op == 0xC2 || op == 0xC3 ||
		      (op == 0xFF && (reg == 2 || reg == 4));
	} else if (space == X86DEC_SP_0F) {
		d64 = op == 0xA0 || op == 0xA1 || op == 0xA8 || op == 0xA9;
		f64 = op >= 0x80 && op <= 0x8F;
	}
	if (f64)
		return 8;
	if (d64)
		return (rex & 8) || !pfx66 ? 8 : 2;
	return 0;
}

/* Read n bytes at offset pos (= the instruction length so far). */
static inline int need(struct x86dec_insn *insn, struct x86dec_cursor *c, unsigned pos, unsigned n)
{
	unsigned end = pos + n;
	if (end > X86DEC_MAX_LEN)
		return insn->status = X86DEC_TOO_LONG;
	if (__builtin_expect(end <= c->have, 1))
		return X86DEC_OK;
	if (c->fetch) {
		int fault = 0;
		unsigned got = c->fetch(c->ctx, c->have, c->local + c->have, end - c->have, &fault);
		if (got > end - c->have)
			got = end - c->have;
		c->have += got;
		if (c->have >= end)
			return X86DEC_OK;
		insn->fault_offset = (uint8_t)c->have;
		return insn->status = fault ? X86DEC_FETCH_FAULT : X86DEC_TRUNCATED;
	}
	insn->fault_offset = (uint8_t)c->have;
	return insn->status = X86DEC_TRUNCATED;
}

#define NEED(pos, n) do { if (need(insn, c, (pos), (n))) return insn->status; } while (0)

static inline uint64_t rd_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline int64_t sext(uint64_t v, unsigned n)
{
	unsigned sh = 64 - 8 * n;
	return n >= 8 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

static inline int invalid(struct x86dec_insn *insn)
{
	return insn->status = X86DEC_INVALID;
}

/* ModRM addressing: SIB and displacement (SDM 2.1.5 tables 2-1..2-3). */
static int decode_modrm_mem(struct x86dec_insn *insn, struct x86dec_cursor *c, unsigned *pos)
{
	uint8_t mod = insn->modrm >> 6, rm = insn->modrm & 7;
	unsigned dsz = 0;
	if (mod == 3)
		return X86DEC_OK;
	if (insn->addrsize == 2) {
		if (mod == 1) dsz = 1;
		else if (mod == 2 || rm == 6) dsz = 2;
	} else {
		if (rm == 4) {
			NEED(*pos, 1);
			insn->sib = c->p[*pos];
			insn->has_sib = 1;
			(*pos)++;
		}
		if (mod == 1) dsz = 1;
		else if (mod == 2) dsz = 4;
		else if (rm == 5 || (rm == 4 && (insn->sib & 7) == 5)) dsz = 4;
	}
	if (dsz) {
		NEED(*pos, dsz);
		insn->disp_offset = (uint8_t)*pos;
		insn->disp_size = (uint8_t)dsz;
		insn->disp = sext(rd_le(c->p + *pos, dsz), dsz);
		*pos += dsz;
	}
	return X86DEC_OK;
}

static int read_imm(struct x86dec_insn *insn, struct x86dec_cursor *c, unsigned *pos, unsigned n, int second)
{
	NEED(*pos, n);
	uint64_t v = rd_le(c->p + *pos, n);
	if (second) {
		insn->imm2 = v;
		insn->imm2_size = (uint8_t)n;
	} else {
		insn->imm = v;
		insn->imm_offset = (uint8_t)*pos;
		insn->imm_size = (uint8_t)n;
	}
	*pos += n;
	return X86DEC_OK;
}

#define IMM(n, second) do { if (read_imm(insn, c, &pos, (n), (second))) return insn->status; } while (0)

int x86dec_decode_raw(struct x86dec_insn *insn, enum x86dec_mode mode, struct x86dec_cursor *c)
{
	const int m64 = mode == X86DEC_MODE_64;
	unsigned pos = 0;
	uint8_t b, rex = 0, mand = 0;

	insn->mode = (uint8_t)mode;
	/* Legacy prefixes in any order and number, REX only if last (SDM 2.2.1). */
	for (;;) {
		NEED(pos, 1);
		b = c->p[pos];
		switch (b) {
		case 0xF0: insn->pfx_lock = 1; rex = 0; break;
		case 0xF2: case 0xF3: insn->pfx_rep = b; mand = b; rex = 0; break;
		case 0x66: insn->pfx_opsize = 1; if (!mand) mand = 0x66; rex = 0; break;
		case 0x67: insn->pfx_addrsize = 1; rex = 0; break;
		case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
			insn->pfx_seg = b; rex = 0; break;
		default:
			if (m64 && (b & 0xF0) == 0x40) { rex = b; break; }
			goto prefixes_done;
		}
		pos++;
		insn->prefix_count++;
	}
prefixes_done:
	insn->rex = rex;
	insn->mandatory = mand;
	insn->addrsize = m64 ? (insn->pfx_addrsize ? 4 : 8) : (insn->pfx_addrsize ? 2 : 4);
	insn->opsize = (rex & 8) ? 8 : insn->pfx_opsize ? 2 : 4;

	unsigned space, pclass = mand == 0x66 ? 1 : mand == 0xF3 ? 2 : mand == 0xF2 ? 3 : 0;
	unsigned L = 0, W = (rex >> 3) & 1, has_modrm;
	uint8_t rbit = (rex >> 2) & 1, xbit = (rex >> 1) & 1, bbit = rex & 1;
	uint8_t rpbit = 0, vpbit = 0, zbit = 0, bcbit = 0, aaa = 0, vvvv = 0;
	uint8_t op = b;
	int dnow = 0;
	pos++;

	if (b == 0x0F) {
		NEED(pos, 1);
		op = c->p[pos++];
		insn->map = 1;
		space = X86DEC_SP_0F;
		if (op == 0x38 || op == 0x3A) {
			insn->map = op == 0x38 ? 2 : 3;
			space = op == 0x38 ? X86DEC_SP_0F38 : X86DEC_SP_0F3A;
			NEED(pos, 1);
			op = c->p[pos++];
		} else if (op == 0x0F) {
			dnow = 1;
		}
		has_modrm = space != X86DEC_SP_0F || !map1_no_modrm(op);
	} else if ((b == 0xC4 || b == 0xC5 || b == 0x62 || b == 0x8F)) {
		/* VEX/EVEX need mod == 11b in the next byte outside 64-bit mode
		 * (SDM 2.3.5, 2.7.1); XOP needs map_select >= 8 (APM vol. 3 1.9). */
		NEED(pos, 1);
		uint8_t nb = c->p[pos];
		int ext = b == 0x8F ? (nb & 0x1F) >= 8 : (m64 || (nb >> 6) == 3);
		if (!ext) {
			space = X86DEC_SP_LEG1;
			has_modrm = 1;
			goto lookup;
		}
		if (rex || mand || insn->pfx_lock)
			return invalid(insn); /* SDM 2.3.2: #UD with 66/F2/F3/REX/LOCK */
		if (b == 0xC5) {
			NEED(pos, 1);
			uint8_t v1 = c->p[pos++];
			insn->encoding = X86DEC_ENC_VEX;
			insn->map = 1;
			rbit = !(v1 >> 7);
			xbit = bbit = 0;
			W = 0;
			vvvv = (~v1 >> 3) & 0xF;
			L = (v1 >> 2) & 1;
			pclass = v1 & 3;
		} else if (b == 0xC4 || b == 0x8F) {
			NEED(pos, 2);
			uint8_t v1 = c->p[pos], v2 = c->p[pos + 1];
			pos += 2;
			insn->encoding = b == 0xC4 ? X86DEC_ENC_VEX : X86DEC_ENC_XOP;
			insn->map = v1 & 0x1F;
			rbit = !(v1 >> 7);
			xbit = !((v1 >> 6) & 1);
			bbit = !((v1 >> 5) & 1);
			W = v2 >> 7;
			vvvv = (~v2 >> 3) & 0xF;
			L = (v2 >> 2) & 1;
			pclass = v2 & 3;
		} else {
			NEED(pos, 3);
			uint8_t p0 = c->p[pos], p1 = c->p[pos + 1], p2 = c->p[pos + 2];
			pos += 3;
			/* SDM 2.7.1: P0[3] reserved 0, P1[2] fixed 1 (0 would be
			 * Knights Corner MVEX, a deliberate exception: docs/x86dec.md) */
			if ((p0 & 0x08) || !(p1 & 0x04))
				return invalid(insn);
			insn->encoding = X86DEC_ENC_EVEX;
			insn->map = p0 & 7;
			rbit = !(p0 >> 7);
			xbit = !((p0 >> 6) & 1);
			bbit = !((p0 >> 5) & 1);
			rpbit = !((p0 >> 4) & 1);
			W = p1 >> 7;
			vvvv = (~p1 >> 3) & 0xF;
			pclass = p1 & 3;
			zbit = p2 >> 7;
			L = (p2 >> 5) & 3;
			bcbit = (p2 >> 4) & 1;
			vpbit = !((p2 >> 3) & 1);
			aaa = p2 & 7;
			/* EVEX.V' must be 1 (inverted 0) outside 64-bit mode; L'L = 11b
			 * is reserved unless it encodes rounding; zeroing needs a
			 * mask register (SDM 2.7.3, 2.7.5, table 2-40) */
			if ((!m64 && vpbit) || (L == 3 && !bcbit) || (zbit && !aaa))
				return invalid(insn);
		}
		if (insn->encoding == X86DEC_ENC_VEX && insn->map == 0) {
			/* VEX3 map 0 holds only Knights Corner's JKZD/JKNZD k, rel8
			 * (opcode 74/75, W0, pp 00, k0-k7), which Zydis accepts in
			 * 64-bit mode; it reads the opcode before rejecting the rest */
			if (pclass != 0)
				return invalid(insn);
			NEED(pos, 1);
			op = c->p[pos++];
			insn->opcode = op;
			if (!m64 || W || vvvv >= 8 || (op != 0x74 && op != 0x75))
				return invalid(insn);
			IMM(1, 0);
			insn->length = (uint8_t)pos;
			return insn->status = X86DEC_OK;
		}
		switch (insn->encoding) {
		case X86DEC_ENC_VEX:
			if (insn->map < 1 || insn->map > 3) return invalid(insn);
			space = X86DEC_SP_VEX1 + insn->map - 1;
			break;
		case X86DEC_ENC_XOP:
			if (insn->map < 8 || insn->map > 10) return invalid(insn);
			space = X86DEC_SP_XOP8 + insn->map - 8;
			break;
		default:
			switch (insn->map) {
			case 1: space = X86DEC_SP_EVEX1; break;
			case 2: space = X86DEC_SP_EVEX2; break;
			case 3: space = X86DEC_SP_EVEX3; break;
			case 5: space = X86DEC_SP_EVEX5; break;
			case 6: space = X86DEC_SP_EVEX6; break;
			default: return invalid(insn);
			}
		}
		/* no opcode of this map exists with this pp: rejected before the opcode */
		if (!((x86dec_t_pp[mode][space] >> pclass) & 1))
			return invalid(insn);
		insn->vex_l = (uint8_t)L;
		insn->vex_w = (uint8_t)W;
		insn->vex_vvvv = vvvv;
		NEED(pos, 1);
		op = c->p[pos++];
		/* VEX.0F 77 (VZEROUPPER/ALL) has no ModRM; neither have the KNC
		 * mask branches VEX.0F 84/85 (JKZD/JKNZD rel32) that Zydis accepts */
		has_modrm = !(space == X86DEC_SP_VEX1 && (op == 0x77 || op == 0x84 || op == 0x85));
	} else {
		space = X86DEC_SP_LEG1;
		has_modrm = (leg1_modrm[op >> 5] >> (op & 31)) & 1;
	}
lookup:
	insn->opcode = op;
	unsigned pid = dnow ? 0 : x86dec_t_op[mode][space][op];
	if (!dnow && insn->encoding == X86DEC_ENC_EVEX && bcbit && !((pid >> (12 + pclass)) & 1))
		return invalid(insn);
	pid &= 0xFFF;
	if (!dnow && pid == 0) {
		/* no such opcode; Zydis still reads the ModRM first when it
		 * would go on after the opcode for these W/pp/L */
		if (has_modrm && !(insn->encoding == X86DEC_ENC_EVEX && bcbit) &&
		    ((x86dec_t_pl[mode][space][op] >> (W * 16 + pclass * 4 + L)) & 1))
			NEED(pos, 1);
		return invalid(insn);
	}
	/* Encodings rejected right after the opcode byte (W, prefix class and
	 * vector length known, nothing more read): the generator records where
	 * Zydis stops, so that truncated inputs classify alike. */
	if (!(insn->encoding == X86DEC_ENC_EVEX && bcbit) &&
	    !((x86dec_t_pl[mode][space][op] >> (W * 16 + pclass * 4 + L)) & 1))
		return invalid(insn);
	const uint16_t (*pat)[X86DEC_T_L][X86DEC_T_SLOTS] = x86dec_t_pat[pid];
	uint16_t e;
	uint8_t mod = 0;
	int late_amx = 0;
	if (dnow) {
		/* 3DNow! (AMD APM vol. 3 ch. 2): ModRM, then the opcode as an imm8 suffix */
		if (insn->pfx_lock)
			return invalid(insn);
		NEED(pos, 1);
		insn->modrm = c->p[pos++];
		insn->has_modrm = 1;
		mod = insn->modrm >> 6;
		e = X86DEC_T_VALID | X86DEC_T_R | X86DEC_T_B;
	} else if (has_modrm) {
		NEED(pos, 1);
		insn->modrm = c->p[pos++];
		insn->has_modrm = 1;
		mod = insn->modrm >> 6;
		uint8_t reg = (insn->modrm >> 3) & 7, rm = insn->modrm & 7;
		if (space == X86DEC_SP_0F && op >= 0x20 && op <= 0x23)
			mod = 3;
		/* EVEX register form with b set: L'L is the rounding control and
		 * the vector length is 512 bits (SDM 2.7.5, table 2-37) */
		unsigned lk = (insn->encoding == X86DEC_ENC_EVEX && mod == 3 && bcbit) ? 2 : L;
		/* AMX TDP* (VEX.0F38 5C/5E, register form): the three tile
		 * registers must differ (SDM vol. 2 TDPBSSD etc.). The table
		 * rows with reg == rm cannot be probed without that conflict
		 * (there are only tmm0-7, so the generator's other register
		 * choices do not help), so look the encoding up with two
		 * distinct tiles and apply the rule here. */
		if (space == X86DEC_SP_VEX2 && (op == 0x5C || op == 0x5E) && mod == 3) {
			if (reg == rm || reg == vvvv || rm == vvvv)
				late_amx = 1;
			reg = 5;
			rm = 6;
		}
		e = mod == 3 ? x86dec_t_row[pat[pclass][lk][1 + reg]][W * 8 + rm]
			     : x86dec_t_row[pat[pclass][lk][0]][W * 8 + reg];
	} else {
		e = x86dec_t_row[pat[pclass][L][0]][W * 8];
	}

	/* Existence is decided now; the checks on optional fields (LOCK, register
	 * extensions, vvvv, EVEX masking/broadcast) only after the whole
	 * instruction has been read, as Zydis does, so that an over-long form
	 * reports TOO_LONG rather than INVALID. */
	int late_bad = (e & X86DEC_T_DEFER) != 0 || late_amx, vsib = 0;
	if (insn->encoding == X86DEC_ENC_LEGACY) {
		if (!(e & (X86DEC_T_VALID | X86DEC_T_DEFER)))
			return invalid(insn);
		if (insn->pfx_lock && !(e & X86DEC_T_LOCK))
			late_bad = 1;
		/* MIB operands (BNDLDX/BNDSTX, SDM 3.2 "MIB") and BNDMK cannot be
		 * RIP-relative (SDM vol. 2 BNDMK: #UD) */
		if (space == X86DEC_SP_0F && (op == 0x1A || op == 0x1B) && m64 &&
		    (pclass == 0 || (op == 0x1B && pclass == 2)) && (insn->modrm & 0xC7) == 0x05)
			late_bad = 1;
	} else if (insn->encoding == X86DEC_ENC_EVEX) {
		if (!(e & (X86DEC_T_VALID | X86DEC_T_A1 | X86DEC_T_DEFER)))
			return invalid(insn);
		if (!(e & (aaa ? X86DEC_T_A1 : X86DEC_T_VALID)))
			late_bad = 1;
		if (zbit && !(e & (aaa ? X86DEC_T_Z1 : X86DEC_T_Z0)))
			late_bad = 1;
		if (bcbit && !(e & X86DEC_T_BC))
			return invalid(insn); /* Zydis rejects this before the displacement */
		if ((vpbit && !(e & X86DEC_T_VP)) ||
		    (rpbit && !(e & X86DEC_T_RP)))
			late_bad = 1;
		if (mod == 3 && xbit && !(e & X86DEC_T_X))
			late_bad = 1;
		if (!(e & (vvvv == 0 ? X86DEC_T_V0 : vvvv < 8 ? X86DEC_T_VV : X86DEC_T_VVH)))
			late_bad = 1;
	} else {
		if (!(e & (X86DEC_T_VALID | X86DEC_T_VV | X86DEC_T_VVH | X86DEC_T_DEFER)))
			return invalid(insn);
		if (!(e & (vvvv == 0 ? X86DEC_T_VALID : vvvv < 8 ? X86DEC_T_VV : X86DEC_T_VVH)))
			late_bad = 1;
	}
	if ((e & X86DEC_T_VSIB) && mod != 3) {
		if ((insn->modrm & 7) != 4 || insn->addrsize == 2)
			return invalid(insn);
		vsib = 1;
	}
	/* MPX (0F 1A/1B) memory forms #UD with 16-bit addressing (SDM vol. 1 17.3) */
	if (space == X86DEC_SP_0F && (op == 0x1A || op == 0x1B) && mod != 3 && insn->addrsize == 2)
		return invalid(insn);
	if (rbit && !(e & X86DEC_T_R))
		late_bad = 1;
	if (mod == 3 && bbit && has_modrm && !(e & X86DEC_T_B))
		late_bad = 1;

	/* MOV to/from CRn/DRn: ModRM.mod is ignored, always register operands
	 * (SDM vol. 2 MOV-Move to/from Control Registers) */
	if (has_modrm && !(space == X86DEC_SP_0F && op >= 0x20 && op <= 0x23) &&
	    decode_modrm_mem(insn, c, &pos))
		return insn->status;

	/* immediates */
	if (insn->encoding == X86DEC_ENC_LEGACY) {
		if (m64) {
			unsigned os = opsize_64(space, op, (insn->modrm >> 3) & 7, rex, insn->pfx_opsize);
			if (os)
				insn->opsize = (uint8_t)os;
		}
		unsigned z = insn->opsize == 2 ? 2 : 4;
		if (space == X86DEC_SP_LEG1) {
			uint8_t reg = (insn->modrm >> 3) & 7;
			switch (leg1_imm(op)) {
			case IK_B: case IK_RELB: IMM(1, 0); break;
			case IK_W: IMM(2, 0); break;
			case IK_Z: IMM(z, 0); break;
			case IK_V: IMM(W ? 8 : z, 0); break;
			case IK_MOFFS: IMM(insn->addrsize, 0); break;
			case IK_ENTER: IMM(2, 0); IMM(1, 1); break;
			case IK_FAR: IMM(z, 0); IMM(2, 1); break;
			case IK_RELZ: IMM(m64 ? 4 : z, 0); break;
			case IK_GRP_F6: if (reg < 2) IMM(1, 0); break;
			case IK_GRP_F7: if (reg < 2) IMM(z, 0); break;
			case IK_GRP_C6: IMM(1, 0); break;
			case IK_GRP_C7: IMM(z, 0); break;
			default: break;
			}
		} else if (space == X86DEC_SP_0F) {
			if (dnow) {
				IMM(1, 0);
				if (!((x86dec_t_3dnow[mode][insn->imm >> 3] >> (insn->imm & 7)) & 1))
					return invalid(insn);
			} else if ((op >= 0x70 && op <= 0x73) || op == 0xA4 || op == 0xAC || op == 0xBA ||
				   op == 0xC2 || (op >= 0xC4 && op <= 0xC6)) {
				IMM(1, 0);
			} else if (op == 0x78 && (pclass == 1 || pclass == 3)) {
				IMM(1, 0);
				IMM(1, 1);
			} else if (op >= 0x80 && op <= 0x8F) {
				IMM(m64 ? 4 : z, 0);
			}
		} else if (space == X86DEC_SP_0F3A) {
			IMM(1, 0);
		}
	} else {
		switch (space) {
		case X86DEC_SP_VEX1: case X86DEC_SP_EVEX1:
			if (space == X86DEC_SP_VEX1 && (op == 0x84 || op == 0x85))
				IMM(4, 0);
			else if ((op >= 0x70 && op <= 0x73) || op == 0xC2 || (op >= 0xC4 && op <= 0xC6))
				IMM(1, 0);
			break;
		case X86DEC_SP_VEX3: case X86DEC_SP_EVEX3: case X86DEC_SP_XOP8:
			IMM(1, 0);
			break;
		case X86DEC_SP_XOPA:
			IMM(4, 0);
			break;
		default:
			break;
		}
	}
	/* Gathers (table bit GATHER, which the generator learns from Zydis):
	 * VEX: destination, index and mask pairwise distinct (SDM vol. 2
	 * VGATHERDPS etc.); EVEX: destination != index (SDM vol. 2 VPGATHERDD
	 * etc.). Not for the other SIB-only forms: scatters (ModRM.reg is a
	 * source), the AVX512PF prefetches (ModRM.reg is an opcode extension)
	 * and the AMX tile loads/stores (SIB, not VSIB; vvvv unused). */
	if (vsib && (e & X86DEC_T_GATHER)) {
		unsigned dst = ((insn->modrm >> 3) & 7) | (rbit << 3) | (rpbit << 4);
		unsigned idx = ((insn->sib >> 3) & 7) | (xbit << 3) | (vpbit << 4), msk = vvvv;
		if (!m64) { /* only registers 0-7 exist outside 64-bit mode */
			dst &= 7; idx &= 7; msk &= 7;
		}
		if (dst == idx || (insn->encoding == X86DEC_ENC_VEX && (msk == dst || msk == idx)))
			late_bad = 1;
	}
	/* AVX512-FP16 complex multiplies (EVEX.F2/F3.MAP6 56/57/D6/D7): the
	 * destination must differ from both sources (SDM vol. 2 VFCMADDCPH etc.) */
	if (space == X86DEC_SP_EVEX6 && pclass >= 2 && (op & 0x7E) == 0x56) {
		unsigned dst = ((insn->modrm >> 3) & 7) | (rbit << 3) | (rpbit << 4);
		unsigned src1 = vvvv | (vpbit << 4);
		unsigned src2 = (insn->modrm & 7) | (bbit << 3) | (xbit << 4);
		if (!m64) {
			dst &= 7; src1 &= 7; src2 &= 7;
		}
		if (dst == src1 || (mod == 3 && dst == src2))
			late_bad = 1;
	}
	if (late_bad)
		return invalid(insn);
	insn->length = (uint8_t)pos;
	return insn->status = X86DEC_OK;
}

static void insn_reset(struct x86dec_insn *insn)
{
	memset(insn, 0, sizeof(*insn));
}

int x86dec_decode(struct x86dec_insn *insn, enum x86dec_mode mode, x86dec_fetch_fn fetch, void *ctx)
{
	struct x86dec_cursor c;
	insn_reset(insn);
	c.have = 0;
	c.fetch = fetch;
	c.ctx = ctx;
	c.p = c.local;
	if (x86dec_decode_raw(insn, mode, &c) == X86DEC_OK)
		x86dec_form(insn);
	return insn->status;
}

int x86dec_decode_buf(struct x86dec_insn *insn, enum x86dec_mode mode, const uint8_t *buf, size_t len)
{
	struct x86dec_cursor c;
	insn_reset(insn);
	c.p = buf;
	c.have = len > X86DEC_MAX_LEN ? X86DEC_MAX_LEN : (unsigned)len;
	c.fetch = NULL;
	c.ctx = NULL;
	if (x86dec_decode_raw(insn, mode, &c) == X86DEC_OK)
		x86dec_form(insn);
	return insn->status;
}

unsigned x86dec_length(enum x86dec_mode mode, const uint8_t *buf, size_t len)
{
	struct x86dec_insn insn;
	struct x86dec_cursor c;
	insn_reset(&insn);
	c.p = buf;
	c.have = len > X86DEC_MAX_LEN ? X86DEC_MAX_LEN : (unsigned)len;
	c.fetch = NULL;
	c.ctx = NULL;
	return x86dec_decode_raw(&insn, mode, &c) == X86DEC_OK ? insn.length : 0;
}
