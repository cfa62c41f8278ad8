/*
 * The random sequence generator of batch_random.c (batch_gen.h). Encodings
 * from Intel SDM vol. 2 (AMD APM vol. 3): REX = 0100WRXB, ModRM =
 * mod:reg:rm, SIB = scale:index:base; R15 as a base is rm 111 with REX.B
 * (no SIB, no RIP-relative form). Destinations never include RSP or R15;
 * without REX, 8-bit registers 4..7 are AH, CH, DH, BH.
 */
#include "batch_gen.h"
#include <nestlab/hypercall.h>

struct out {
	uint8_t *p;
	size_t n;
};

static void b(struct out *o, unsigned x)
{
	if (o->n < BATCH_GEN_CODE_MAX)
		o->p[o->n++] = (uint8_t)x;
}

static void b32(struct out *o, uint32_t x)
{
	for (unsigned i = 0; i < 4; i++)
		b(o, (x >> (8 * i)) & 0xFF);
}

uint64_t batch_gen_rand(struct batch_gen *g)
{
	uint64_t x = g->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static unsigned rnd(struct batch_gen *g, unsigned n)
{
	return (unsigned)(batch_gen_rand(g) >> 33) % n;
}

static const uint8_t dst_regs[14] = { 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };

static unsigned dreg(struct batch_gen *g)
{
	return dst_regs[rnd(g, 14)];
}

static unsigned sreg(struct batch_gen *g)
{
	return rnd(g, 15) < 14 ? dreg(g) : 15;
}

static void rex(struct out *o, unsigned w, unsigned reg, unsigned x, unsigned rm, int force)
{
	unsigned r = 0x40 | w << 3 | (reg >> 3) << 2 | (x >> 3) << 1 | (rm >> 3);

	if (r != 0x40 || force)
		b(o, r);
}

static void modrm(struct out *o, unsigned mod, unsigned reg, unsigned rm)
{
	b(o, mod << 6 | (reg & 7) << 3 | (rm & 7));
}

/* CMP r64, r64: defines CF, PF, AF, ZF, SF, OF (after an instruction that
 * leaves one undefined). */
static void fix_flags(struct batch_gen *g, struct out *o)
{
	unsigned s = sreg(g), d = sreg(g);

	rex(o, 1, s, 0, d, 1);
	b(o, 0x39);
	modrm(o, 3, s, d);
}

static int is_logic(unsigned op)
{
	op &= 0xF8;
	return op == 0x08 || op == 0x20 || op == 0x30 || op == 0x80 /* test */;
}

static const uint8_t alu_ops[10] = { 0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39, 0x85, 0x89 };

static void alu_rr(struct batch_gen *g, struct out *o)
{
	unsigned op = alu_ops[rnd(g, 10)], d = dreg(g), s = sreg(g);

	switch (rnd(g, 5)) {
	case 0: case 1:                         /* 64-bit */
		rex(o, 1, s, 0, d, 1);
		b(o, op);
		modrm(o, 3, s, d);
		break;
	case 2:                                 /* 32-bit: zero-extends */
		rex(o, 0, s, 0, d, 0);
		b(o, op);
		modrm(o, 3, s, d);
		break;
	case 3:                                 /* 16-bit: merges */
		b(o, 0x66);
		rex(o, 0, s, 0, d, 0);
		b(o, op);
		modrm(o, 3, s, d);
		break;
	default:                                /* 8-bit */
		if (rnd(g, 2)) {                /* no REX: AH..BH for 4..7 */
			b(o, op - 1);
			modrm(o, 3, rnd(g, 8), rnd(g, 8));
		} else {
			rex(o, 0, s, 0, d, 1);
			b(o, op - 1);
			modrm(o, 3, s, d);
		}
		break;
	}
	if (is_logic(op))
		fix_flags(g, o);
}

static void alu_imm(struct batch_gen *g, struct out *o)
{
	unsigned x = rnd(g, 8), d = dreg(g);

	rex(o, 1, 0, 0, d, 1);
	if (rnd(g, 2)) {
		b(o, 0x83);
		modrm(o, 3, x, d);
		b(o, rnd(g, 256));
	} else {
		b(o, 0x81);
		modrm(o, 3, x, d);
		b32(o, (uint32_t)batch_gen_rand(g));
	}
	if (x == 1 || x == 4 || x == 6)         /* OR, AND, XOR */
		fix_flags(g, o);
}

static void mov_imm(struct batch_gen *g, struct out *o)
{
	unsigned d = dreg(g);

	switch (rnd(g, 3)) {
	case 0:                                 /* REX.W C7 /0 id: sign-extended */
		rex(o, 1, 0, 0, d, 1);
		b(o, 0xC7);
		modrm(o, 3, 0, d);
		b32(o, (uint32_t)batch_gen_rand(g));
		break;
	case 1:                                 /* B8+r id: 32-bit */
		rex(o, 0, 0, 0, d, 0);
		b(o, 0xB8 + (d & 7));
		b32(o, (uint32_t)batch_gen_rand(g));
		break;
	default: {                              /* REX.W B8+r iq */
		uint64_t v = batch_gen_rand(g);

		rex(o, 1, 0, 0, d, 1);
		b(o, 0xB8 + (d & 7));
		b32(o, (uint32_t)v);
		b32(o, (uint32_t)(v >> 32));
	}
	}
}

static void lea(struct batch_gen *g, struct out *o)
{
	unsigned d = dreg(g), base = sreg(g), index = sreg(g);

	if (rnd(g, 4) == 0)
		b(o, 0x67);                     /* 32-bit address size: truncated */
	rex(o, 1, d, index, base, 1);
	b(o, 0x8D);
	modrm(o, 1, d, 4);                      /* SIB + disp8 */
	b(o, rnd(g, 4) << 6 | (index & 7) << 3 | (base & 7));
	b(o, rnd(g, 256));
}

static void unary(struct batch_gen *g, struct out *o)
{
	static const uint8_t ext[4] = { 0, 1, 2, 3 };  /* FF /0 inc, /1 dec; F7 /2 not, /3 neg */
	unsigned k = ext[rnd(g, 4)], d = dreg(g);

	rex(o, 1, 0, 0, d, 1);
	b(o, k < 2 ? 0xFF : 0xF7);
	modrm(o, 3, k, d);
}

static void shift(struct batch_gen *g, struct out *o)
{
	static const uint8_t ext[5] = { 0, 1, 4, 5, 7 };  /* rol ror shl shr sar */
	unsigned x = ext[rnd(g, 5)], d = dreg(g);

	rex(o, 1, 0, 0, d, 1);
	if (rnd(g, 3)) {
		b(o, 0xC1);
		modrm(o, 3, x, d);
		b(o, rnd(g, 64));
	} else {
		b(o, 0xD1);
		modrm(o, 3, x, d);
	}
	fix_flags(g, o);                        /* AF (and OF beyond 1) undefined */
}

static void movx(struct batch_gen *g, struct out *o)
{
	static const uint8_t ops[4] = { 0xB6, 0xB7, 0xBE, 0xBF };
	unsigned d = dreg(g), s = sreg(g);

	if (rnd(g, 5) == 0) {                   /* MOVSXD r64, r32 */
		rex(o, 1, d, 0, s, 1);
		b(o, 0x63);
		modrm(o, 3, d, s);
		return;
	}
	rex(o, rnd(g, 2), d, 0, s, 1);          /* REX: SIL/DIL, not AH..BH */
	b(o, 0x0F);
	b(o, ops[rnd(g, 4)]);
	modrm(o, 3, d, s);
}

static void xchg(struct batch_gen *g, struct out *o)
{
	unsigned a = dreg(g), c = dreg(g);

	rex(o, 1, a, 0, c, 1);
	b(o, 0x87);
	modrm(o, 3, a, c);
}

static void push_pop(struct batch_gen *g, struct out *o)
{
	unsigned s = sreg(g), d = dreg(g);

	rex(o, 0, 0, 0, s, 0);
	b(o, 0x50 + (s & 7));
	rex(o, 0, 0, 0, d, 0);
	b(o, 0x58 + (d & 7));
}

/* A disp8 into the scratch half of the block, leaving room for 8 bytes. */
static unsigned scratch_disp(struct batch_gen *g)
{
	return (unsigned)(uint8_t)(int8_t)(-128 + (int)rnd(g, 121));
}

static void memory(struct batch_gen *g, struct out *o)
{
	unsigned r = sreg(g), d = dreg(g), k = rnd(g, 6);

	switch (k) {
	case 0:                                 /* MOV r64, [r15 + d8] */
		rex(o, 1, d, 0, 15, 1);
		b(o, 0x8B);
		modrm(o, 1, d, 15);
		b(o, scratch_disp(g));
		break;
	case 1:                                 /* MOV [r15 + d8], r64 */
		rex(o, 1, r, 0, 15, 1);
		b(o, 0x89);
		modrm(o, 1, r, 15);
		b(o, scratch_disp(g));
		break;
	case 2:                                 /* MOV [r15 + d8], r8 / r32 */
		rex(o, 0, r, 0, 15, 1);
		b(o, rnd(g, 2) ? 0x88 : 0x89);
		modrm(o, 1, r, 15);
		b(o, scratch_disp(g));
		break;
	case 3: {                               /* ALU [r15 + d8], r64 */
		unsigned op = alu_ops[rnd(g, 8)];   /* not TEST/MOV */

		rex(o, 1, r, 0, 15, 1);
		b(o, op);
		modrm(o, 1, r, 15);
		b(o, scratch_disp(g));
		if (is_logic(op))
			fix_flags(g, o);
		break;
	}
	case 4: {                               /* ALU r64, [r15 + d8] */
		unsigned op = alu_ops[rnd(g, 8)] + 2;

		rex(o, 1, d, 0, 15, 1);
		b(o, op);
		modrm(o, 1, d, 15);
		b(o, scratch_disp(g));
		if (is_logic(op))
			fix_flags(g, o);
		break;
	}
	default: {                              /* MOV r64, demand region (may be absent) */
		int64_t disp = g->demand_disp + (int64_t)rnd(g, g->demand_pages) * 4096 +
			       (int64_t)rnd(g, 4089);

		rex(o, 1, d, 0, 15, 1);
		b(o, 0x8B);
		modrm(o, 2, d, 15);
		b32(o, (uint32_t)disp);
		break;
	}
	}
}

/* Valid instructions outside the emulated subset. */
static void outside(struct batch_gen *g, struct out *o)
{
	unsigned d = dreg(g), s = sreg(g), cc = rnd(g, 16);

	switch (rnd(g, 9)) {
	case 0:                                 /* IMUL r64, r/m64 */
		rex(o, 1, d, 0, s, 1);
		b(o, 0x0F);
		b(o, 0xAF);
		modrm(o, 3, d, s);
		fix_flags(g, o);
		break;
	case 1:                                 /* BSWAP r64 */
		rex(o, 1, 0, 0, d, 1);
		b(o, 0x0F);
		b(o, 0xC8 + (d & 7));
		break;
	case 2:                                 /* CMOVcc r64, r/m64 */
		rex(o, 1, d, 0, s, 1);
		b(o, 0x0F);
		b(o, 0x40 + cc);
		modrm(o, 3, d, s);
		break;
	case 3:                                 /* SETcc r/m8 (REX: no AH..BH) */
		rex(o, 0, 0, 0, d, 1);
		b(o, 0x0F);
		b(o, 0x90 + cc);
		modrm(o, 3, 0, d);
		break;
	case 4:                                 /* BT r/m64, r64 */
		rex(o, 1, s, 0, d, 1);
		b(o, 0x0F);
		b(o, 0xA3);
		modrm(o, 3, s, d);
		fix_flags(g, o);
		break;
	case 5:                                 /* PAUSE (F3 90) */
		b(o, 0xF3);
		b(o, 0x90);
		break;
	case 6:                                 /* FS: ADD r64, r64 (the override is ignored) */
		b(o, 0x64);
		rex(o, 1, s, 0, d, 1);
		b(o, 0x01);
		modrm(o, 3, s, d);
		break;
	case 7:                                 /* JMP +0 */
		b(o, 0xEB);
		b(o, 0x00);
		break;
	default:                                /* Jcc +0 */
		b(o, 0x70 + cc);
		b(o, 0x00);
		break;
	}
}

static void glue(struct batch_gen *g, struct out *o, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned k = rnd(g, 20);

		if (k < 5)
			alu_rr(g, o);
		else if (k < 7)
			alu_imm(g, o);
		else if (k < 8)
			mov_imm(g, o);
		else if (k < 9)
			lea(g, o);
		else if (k < 10)
			unary(g, o);
		else if (k < 11)
			shift(g, o);
		else if (k < 12)
			movx(g, o);
		else if (k < 13)
			xchg(g, o);
		else if (k < 14)
			push_pop(g, o);
		else if (k < 17)
			memory(g, o);
		else if (k < 18 || rnd(g, 2))
			outside(g, o);
		else
			alu_rr(g, o);
	}
}

/* Exit mode: one exiting instruction with the register it needs loaded
 * right before (AMD APM vol.3: OUT DX,AL EE, IN AL,DX EC, CPUID 0F A2,
 * VMMCALL 0F 01 D9). */
static void exiting(struct batch_gen *g, struct out *o)
{
	static const uint32_t leaves[4] = { 0, 1, 0x40000000u, 0x40000001u };
	unsigned k = rnd(g, 4);

	switch (k) {
	case 0:
	case 1:                                 /* OUT / IN of the scratch port */
		b(o, 0xBA);                     /* MOV EDX, port */
		b32(o, g->port);
		b(o, k == 0 ? 0xEE : 0xEC);
		g->kinds[NESTLAB_L1_BATCH_KIND_IOIO]++;
		break;
	case 2:
		b(o, 0xB8);                     /* MOV EAX, leaf */
		b32(o, leaves[rnd(g, 4)]);
		b(o, 0x0F);
		b(o, 0xA2);
		g->kinds[NESTLAB_L1_BATCH_KIND_CPUID]++;
		break;
	default:
		b(o, 0xB8);                     /* MOV EAX, NESTLAB_HC_MAGIC */
		b32(o, NESTLAB_HC_MAGIC);
		b(o, 0xB9);                     /* MOV ECX, NOP or VERSION */
		b32(o, rnd(g, 2) ? NESTLAB_HC_NOP : NESTLAB_HC_VERSION);
		b(o, 0x0F);
		b(o, 0x01);
		b(o, 0xD9);
		g->kinds[NESTLAB_L1_BATCH_KIND_VMMCALL]++;
		break;
	}
}

size_t batch_gen_sequence(struct batch_gen *g, uint8_t *code, uint8_t *r15)
{
	static const uint8_t nrs[4] = { 2, 4, 3, 9 };   /* getpid getuid getppid level */
	struct out o = { code, 0 };
	unsigned calls = 1 + rnd(g, 5);

	for (unsigned i = 0; i < 16; i++) {
		uint64_t v = batch_gen_rand(g);

		for (unsigned k = 0; k < 8; k++)
			r15[BATCH_GEN_IN + 8 * i + k] = (uint8_t)(v >> (8 * k));
	}
	{
		uint64_t f = batch_gen_rand(g) & 0x8D5; /* CF PF AF ZF SF OF */

		for (unsigned k = 0; k < 8; k++)
			r15[BATCH_GEN_IN_FLAGS + k] = (uint8_t)(f >> (8 * k));
	}
	for (int i = BATCH_GEN_SCRATCH; i < 0 + 128; i++)
		r15[i] = (uint8_t)batch_gen_rand(g);
	/* prologue: MOV r, [r15 + IN + 8r]; PUSH [r15 + IN_FLAGS]; POPFQ */
	for (unsigned i = 0; i < 15; i++) {
		if (i == 4)
			continue;
		rex(&o, 1, i, 0, 15, 1);
		b(&o, 0x8B);
		modrm(&o, 2, i, 15);
		b32(&o, BATCH_GEN_IN + 8 * i);
	}
	b(&o, 0x41);
	b(&o, 0xFF);
	modrm(&o, 2, 6, 15);
	b32(&o, BATCH_GEN_IN_FLAGS);
	b(&o, 0x9D);
	for (unsigned k = 0; k < NESTLAB_L1_BATCH_KIND_NR; k++)
		g->kinds[k] = 0;
	for (unsigned c = 0; c < calls; c++) {
		unsigned nr = rnd(g, 16) ? nrs[rnd(g, 4)] : 10; /* sometimes yield */

		glue(g, &o, rnd(g, 11));
		if (g->exits) {
			exiting(g, &o);
			continue;
		}
		b(&o, 0xB8);                    /* MOV EAX, nr */
		b32(&o, nr);
		b(&o, 0x0F);                    /* SYSCALL */
		b(&o, 0x05);
	}
	glue(g, &o, rnd(g, 7));
	/* epilogue: MOV [r15 + OUT + 8r], r; PUSHFQ; POP [r15 + OUT_FLAGS]; RET */
	for (unsigned i = 0; i < 15; i++) {
		if (i == 4)
			continue;
		rex(&o, 1, i, 0, 15, 1);
		b(&o, 0x89);
		modrm(&o, 2, i, 15);
		b32(&o, BATCH_GEN_OUT + 8 * i);
	}
	b(&o, 0x9C);
	b(&o, 0x41);
	b(&o, 0x8F);
	modrm(&o, 2, 0, 15);
	b32(&o, BATCH_GEN_OUT_FLAGS);
	b(&o, 0xC3);
	g->calls = calls;
	return o.n;
}
