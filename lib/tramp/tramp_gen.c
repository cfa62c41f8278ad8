/*
 * The trampoline's machine code (tramp.h). Encodings, Intel SDM vol.2
 * (AMD APM vol.3 agrees):
 *   CMP r/m64, imm8   REX.W 83 /7 ib     (an index below 128: 4 bytes)
 *   CMP r/m64, imm32  REX.W 81 /7 id     (sign-extended; 7 bytes)
 *   JE rel32          0F 84 cd           (6 bytes)
 *   MOV r64, imm64    REX.W B8+r io      (10 bytes)
 *   MOV r64, r/m64    REX.W 8B /r        ((%r11,%idx,8): SIB, 4 bytes)
 *   JMP rel32         E9 cd              (5 bytes)
 *   JMP r/m64         FF /4              (jmp *%r11: 41 FF E3, 3 bytes)
 * REX = 0100WRXB: W 64-bit operand, R extends ModRM.reg, X SIB.index,
 * B ModRM.rm / SIB.base (SDM vol.2 2.2.1).
 */
#include "tramp.h"

#define REG_RSP 4u
#define REX_W 0x48u
#define REX_R 0x04u
#define REX_X 0x02u
#define REX_B 0x01u

struct out {
	uint8_t *p;
	size_t n, cap;
	int err;
};

static void put8(struct out *o, uint8_t b)
{
	if (o->n < o->cap)
		o->p[o->n] = b;
	o->n++;
}

static void put32(struct out *o, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		put8(o, (uint8_t)(v >> (8 * i)));
}

static void put64(struct out *o, uint64_t v)
{
	put32(o, (uint32_t)v);
	put32(o, (uint32_t)(v >> 32));
}

/* rel32 of a jump ending at code offset end (load_addr-relative) to target */
static void put_rel32(struct out *o, uint64_t load_addr, size_t end, uint64_t target)
{
	int64_t rel = (int64_t)(target - (load_addr + end));

	if (rel < INT32_MIN || rel > INT32_MAX)
		o->err = TRAMP_E_RANGE;
	put32(o, (uint32_t)(int32_t)rel);
}

static void emit(const struct tramp_spec *s, struct out *o)
{
	unsigned r = s->index_reg;

	for (unsigned i = 0; i < s->nhot; i++) {
		uint32_t idx = s->hot[i].index;

		put8(o, (uint8_t)(REX_W | (r >= 8 ? REX_B : 0)));
		if (idx < 0x80) {
			put8(o, 0x83);
			put8(o, (uint8_t)(0xC0 | 7u << 3 | (r & 7)));   /* mod 11, /7 */
			put8(o, (uint8_t)idx);
		} else {
			put8(o, 0x81);
			put8(o, (uint8_t)(0xC0 | 7u << 3 | (r & 7)));
			put32(o, idx);
		}
		put8(o, 0x0F);
		put8(o, 0x84);
		put_rel32(o, s->load_addr, o->n + 4, s->hot[i].target);
	}
	/* movabs $table, %r11 */
	put8(o, REX_W | REX_B);
	put8(o, (uint8_t)(0xB8 + (TRAMP_SCRATCH_REG & 7)));
	put64(o, s->table);
	/* mov (%r11,%idx,8), %r11: ModRM mod 00 reg r11 rm 100 (SIB), SIB
	 * scale 11 index idx base r11 (011: no disp32 special case) */
	put8(o, (uint8_t)(REX_W | REX_R | (r >= 8 ? REX_X : 0) | REX_B));
	put8(o, 0x8B);
	put8(o, (uint8_t)(0x00 | (TRAMP_SCRATCH_REG & 7) << 3 | 4u));
	put8(o, (uint8_t)(3u << 6 | (r & 7) << 3 | (TRAMP_SCRATCH_REG & 7)));
	if (s->thunk) {
		put8(o, 0xE9);
		put_rel32(o, s->load_addr, o->n + 4, s->thunk);
	} else {
		put8(o, 0x40 | REX_B);                          /* jmp *%r11 */
		put8(o, 0xFF);
		put8(o, (uint8_t)(0xC0 | 4u << 3 | (TRAMP_SCRATCH_REG & 7)));
	}
}

static int check(const struct tramp_spec *s)
{
	if (!s || s->index_reg > 15 || s->index_reg == REG_RSP ||
	    s->index_reg == TRAMP_SCRATCH_REG || s->nhot > TRAMP_MAX_HOT ||
	    (s->nhot && !s->hot))
		return TRAMP_E_INVAL;
	for (unsigned i = 0; i < s->nhot; i++) {
		if (s->hot[i].index > TRAMP_MAX_INDEX)
			return TRAMP_E_INVAL;
		for (unsigned j = 0; j < i; j++)
			if (s->hot[j].index == s->hot[i].index)
				return TRAMP_E_INVAL;
	}
	return 0;
}

size_t tramp_size(const struct tramp_spec *spec)
{
	struct out o = { 0 };

	if (check(spec))
		return 0;
	emit(spec, &o);
	return o.n;
}

int tramp_generate(const struct tramp_spec *spec, uint8_t *buf, size_t cap, size_t *len)
{
	struct out o = { .p = buf, .cap = cap };
	int rc = check(spec);

	if (rc)
		return rc;
	emit(spec, &o);
	if (o.err)
		return o.err;
	if (o.n > cap)
		return TRAMP_E_SPACE;
	*len = o.n;
	return 0;
}

const char *tramp_strerror(int rc)
{
	switch (rc) {
	case TRAMP_E_INVAL: return "TRAMP_E_INVAL (bad index register, or a hot index that "
				   "repeats or does not fit imm32, or too many hot entries)";
	case TRAMP_E_SPACE: return "TRAMP_E_SPACE (the code does not fit the buffer)";
	case TRAMP_E_RANGE: return "TRAMP_E_RANGE (a target beyond rel32 reach of the code)";
	}
	return "unknown error";
}
