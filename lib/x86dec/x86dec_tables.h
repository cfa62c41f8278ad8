/*
 * Layout of the opcode-existence tables (generated into x86dec_tables.c by
 * tests/x86dec_gen_tables.c). For each decoding mode and opcode space
 * (legacy 1-byte/0F/0F38/0F3A, VEX maps 1-3, XOP maps 8-A, EVEX maps
 * 1/2/3/5/6) an opcode selects a pattern (0 = the opcode does not exist);
 * a pattern selects, per mandatory-prefix class, vector length and ModRM slot,
 * a row of 16 entries indexed W*8 + reg (memory ModRM) or W*8 + rm (register
 * ModRM, slot 1 + reg). x86dec_t_op bits 0-11 hold the pattern, bits 12-15
 * which prefix classes have any encoding at all. Entry bits say whether the encoding exists and which
 * optional encodings of the other fields it tolerates.
 * Internal to lib/x86dec: not part of the public API.
 */
#ifndef X86DEC_TABLES_H
#define X86DEC_TABLES_H

#include <stdint.h>

#define X86DEC_T_SPACES 15
#define X86DEC_T_PFX    4   /* none, 66, F3, F2 (= VEX/EVEX pp encoding) */
#define X86DEC_T_L      4   /* VEX.L / EVEX.L'L; legacy uses 0 */
#define X86DEC_T_SLOTS  9   /* 0: ModRM.mod != 3; 1 + reg: mod == 3 */

enum x86dec_t_space {
	X86DEC_SP_LEG1, X86DEC_SP_0F, X86DEC_SP_0F38, X86DEC_SP_0F3A,
	X86DEC_SP_VEX1, X86DEC_SP_VEX2, X86DEC_SP_VEX3,
	X86DEC_SP_XOP8, X86DEC_SP_XOP9, X86DEC_SP_XOPA,
	X86DEC_SP_EVEX1, X86DEC_SP_EVEX2, X86DEC_SP_EVEX3, X86DEC_SP_EVEX5, X86DEC_SP_EVEX6,
};

/* entry bits */
#define X86DEC_T_VALID 0x001 /* exists (EVEX: with aaa == 0) */
#define X86DEC_T_LOCK  0x002 /* legacy: accepts LOCK (memory form) */
#define X86DEC_T_GATHER 0x002 /* VEX/EVEX VSIB memory form (the same bit, never
			       * legacy): a gather, so destination != index and,
			       * VEX, mask distinct from both (SDM vol. 2
			       * VGATHERDPS, VPGATHERDD: #UD otherwise) */
#define X86DEC_T_R     0x004 /* accepts REX.R / VEX.R / EVEX.R selecting reg 8-15 */
#define X86DEC_T_B     0x008 /* register form accepts REX.B / VEX.B / EVEX.B */
#define X86DEC_T_VV    0x010 /* VEX/XOP/EVEX: accepts vvvv selecting register 1-7 */
#define X86DEC_T_A1    0x020 /* EVEX: exists with aaa != 0 */
#define X86DEC_T_Z1    0x040 /* EVEX: accepts z with aaa != 0 */
#define X86DEC_T_Z0    0x080 /* EVEX: accepts z with aaa == 0 */
#define X86DEC_T_BC    0x100 /* EVEX: accepts b (broadcast / rounding / SAE) */
#define X86DEC_T_VP    0x200 /* EVEX: accepts V' == 0 (inverted) */
#define X86DEC_T_RP    0x400 /* EVEX: accepts R' == 0 (inverted) */
#define X86DEC_T_X     0x800 /* EVEX register form: accepts X == 0 (inverted) */
#define X86DEC_T_VVH   0x1000 /* VEX/XOP/EVEX: accepts vvvv selecting register 8-15 */
#define X86DEC_T_DEFER 0x2000 /* does not exist, but is only rejected after the
			       * whole instruction (ModRM, SIB, disp, imm) was read */
#define X86DEC_T_VSIB  0x4000 /* memory form requires a SIB byte (VSIB, SDM 2.3.12;
			       * also the SIB-addressed AMX tile loads/stores) */
#define X86DEC_T_V0    0x8000 /* EVEX: accepts vvvv == 0 (1111b) */

extern const uint16_t x86dec_t_op[2][X86DEC_T_SPACES][256];
extern const uint16_t x86dec_t_pat[][X86DEC_T_PFX][X86DEC_T_L][X86DEC_T_SLOTS];
extern const uint16_t x86dec_t_row[][16];
extern const uint8_t x86dec_t_3dnow[2][32];
extern const uint8_t x86dec_t_pp[2][X86DEC_T_SPACES];
extern const uint32_t x86dec_t_pl[2][X86DEC_T_SPACES][256];

#endif
