/*
 * The block fuzzer's instruction templates (see tmpl.h). Each emitter
 * builds its bytes in a small buffer and commits them only if they fit the
 * block; registers a template needs are pinned in the block's initial
 * register file (so a template costs few code bytes), data it needs goes
 * to the pool (BLOCK_POOL) or the initial stack (BLOCK_RSP). Encodings:
 * AMD APM vol.3 (opcode maps, appendix A), vol.2 for the system
 * instructions. Pure C.
 */
#include "tmpl.h"
#include "../fuzz_abi.h"
#include <nestlab/hypercall.h>
#include <nestlab/platform.h>
#include "freestanding/x86_regs.h"

#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RSP 4
#define RSI 6
#define RDI 7

struct eb {
	uint8_t b[BLOCK_CODE_LEN];
	unsigned n;
	int over;
};

static void e1(struct eb *e, uint8_t x)
{
	if (e->n < sizeof(e->b))
		e->b[e->n++] = x;
	else
		e->over = 1;
}

static void e16(struct eb *e, uint16_t v)
{
	e1(e, (uint8_t)v);
	e1(e, (uint8_t)(v >> 8));
}

static void e32(struct eb *e, uint32_t v)
{
	e16(e, (uint16_t)v);
	e16(e, (uint16_t)(v >> 16));
}

static int commit(struct gen_ctx *c, const struct eb *e)
{
	unsigned i;

	if (e->over || e->n > BLOCK_CODE_LEN - c->len)
		return -1;
	for (i = 0; i < e->n; i++)
		c->b->code[c->len + i] = e->b[i];
	c->len += e->n;
	return 0;
}

static void pin(struct gen_ctx *c, unsigned reg, uint64_t v)
{
	if (reg != RSP) {
		c->b->gpr[reg] = v;
		c->pinned |= (uint16_t)(1u << reg);
	}
}

/* One of regs[0..n), preferring one no earlier template pinned (its
 * instruction would otherwise see this template's value). */
static unsigned pick_reg(struct gen_ctx *c, const uint8_t *regs, unsigned n)
{
	unsigned i, r = regs[prng_below(c->p, n)];

	for (i = 0; i < 8 && (c->pinned & (1u << r)); i++)
		r = regs[prng_below(c->p, n)];
	return r;
}

/* A register for a ModRM register operand: never RSP. */
static unsigned reg_any(struct gen_ctx *c)
{
	static const uint8_t r[] = { RAX, RCX, RDX, RBX, 5, RSI, RDI };

	return pick_reg(c, r, sizeof(r));
}

/* A register for an operand a later intercepted instruction does not
 * clobber (CPUID, RDMSR, IN and hypercalls write RAX/RBX/RCX/RDX/RSI):
 * RBP, RDI or R8-R15, in REX numbering. `mem`: usable as [reg] with
 * mod = 00 (not R12: SIB; not R13: RIP-relative). */
static unsigned reg_safe(struct gen_ctx *c, int mem)
{
	static const uint8_t any[] = { 5, RDI, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const uint8_t m[] = { RDI, 8, 9, 10, 11, 14, 15 };

	return mem ? pick_reg(c, m, sizeof(m)) : pick_reg(c, any, sizeof(any));
}

/* REX.B for a register operand >= 8 (and R for a CR/DR number >= 8). */
static void rex_for(struct eb *e, unsigned rm, unsigned reg)
{
	if (rm >= 8 || reg >= 8)
		e1(e, (uint8_t)(0x40 | (reg >= 8 ? 4 : 0) | (rm >= 8 ? 1 : 0)));
}

/* The guest-virtual address of the next code byte. */
static uint64_t code_va(const struct gen_ctx *c, unsigned extra)
{
	return BLOCK_CODE + BLOCK_CODE_OFF + c->len + extra;
}

/* Reserves n bytes of the pool, returns their address (or 0: full). */
static uint64_t pool_alloc(struct gen_ctx *c, unsigned n, uint8_t **p)
{
	if (c->pool_used + n > GEN_POOL_BYTES)
		return 0;
	*p = c->b->pool + c->pool_used;
	c->pool_used += n;
	return BLOCK_POOL + c->pool_used - n;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* ---------------- interesting values ----------------------------------- */

uint64_t gen_pointer(struct gen_ctx *c)
{
	uint64_t off = prng_below(c->p, 4096);

	switch (prng_below(c->p, 16)) {
	case 0:  return BLOCK_CODE + off;
	case 1:  return BLOCK_POOL + off;
	case 2:  return BLOCK_STACK + prng_below(c->p, BLOCK_STACK_END - BLOCK_STACK);
	case 3:  return BLOCK_SCRATCH + prng_below(c->p, BLOCK_SCRATCH_END - BLOCK_SCRATCH);
	case 4:  return BLOCK_RO + off;
	case 5:  return BLOCK_SUPER + off;
	case 6:  return BLOCK_HOLE + off;
	case 7:  return BLOCK_ALIAS + off;
	case 8:  return BLOCK_RAMEND + (off & ~0xFFull);  /* not at its end */
	case 9:  return BLOCK_SCRATCH_END - 1 - prng_below(c->p, 8); /* into RO */
	case 10: return off;                                /* page 0 */
	case 11: return 0x0000800000000000ull - 8 + (off & 15); /* canonical edge */
	case 12: return 0xFFFF800000000000ull + off;
	case 13: return 0xFFFFFFFFFFFFF000ull + off;
	case 14: return c->env->ram_top - 4096 + off;       /* a GPA, as a GVA */
	default: return prng_next(c->p);
	}
}

uint64_t gen_value(struct gen_ctx *c)
{
	static const uint64_t consts[] = {
		0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF,
		0x80000000, 0xFFFFFFFF, 0x100000000ull, 0x7FFFFFFFFFFFFFFFull,
		0x8000000000000000ull, ~0ull, NESTLAB_HC_MAGIC,
		NESTLAB_HC_BACKDOOR_PORT, NESTLAB_COM1_PORT, 0x00007FFFFFFFFFFFull,
		0xFFFF800000000000ull, 0x0000800000000000ull,
	};
	unsigned k = (unsigned)prng_below(c->p, 20);

	if (k < 4)
		return prng_below(c->p, 256);
	if (k < 6)
		return gen_pointer(c);
	if (k < 9)
		return PRNG_PICK(c->p, consts);
	if (k < 10)
		return c->env->ram_top - prng_below(c->p, 3);
	return prng_next(c->p);
}

/* ---------------- templates -------------------------------------------- */

static int t_raw(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	unsigned n = 1 + (unsigned)prng_below(c->p, 4), i;

	for (i = 0; i < n; i++)
		e1(&e, (uint8_t)prng_next(c->p));
	return commit(c, &e);
}

static const uint32_t cpuid_leaves[] = {
	0, 1, 2, 4, 6, 7, 0xB, 0xD, 0x14, 0x40000000, 0x40000001, 0x40000002,
	0x40000003, 0x400000FF, 0x40000100, 0x80000000, 0x80000001, 0x80000008,
	0x8000000A, 0x8000001F, 0x80000021, 0xC0000000, 0x8FFFFFFF, 0xFFFFFFFF,
};

static int t_cpuid(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	uint32_t leaf = prng_chance(c->p, 1, 5) ? (uint32_t)prng_next(c->p)
					       : PRNG_PICK(c->p, cpuid_leaves);
	uint32_t sub = prng_chance(c->p, 1, 2) ? (uint32_t)prng_below(c->p, 4)
					      : (uint32_t)prng_next(c->p);

	if (prng_chance(c->p, 1, 2)) {
		e1(&e, 0xB8);                       /* mov eax, imm32 */
		e32(&e, leaf);
	} else {
		pin(c, RAX, (prng_next(c->p) << 32) | leaf);
	}
	pin(c, RCX, sub);
	e1(&e, 0x0F);
	e1(&e, 0xA2);                               /* cpuid */
	return commit(c, &e);
}

static const uint32_t msrs[] = {
	MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_FS_BASE,
	MSR_GS_BASE, MSR_KERNEL_GS_BASE, 0xC0000103 /* TSC_AUX */, MSR_TSC,
	0x1B /* APIC_BASE */, MSR_PAT, MSR_SYSENTER_CS, MSR_SYSENTER_ESP,
	MSR_SYSENTER_EIP, 0xFE /* MTRRcap */, 0x2FF /* MTRRdefType */,
	0x1A0 /* MISC_ENABLE */, 0x48 /* SPEC_CTRL */, 0x49 /* PRED_CMD */,
	0xC0010114 /* VM_CR */, 0xC0010117 /* VM_HSAVE_PA */,
	0xC0010115 /* IGNNE */, 0xC0010116 /* SMM_CTL */, 0xC0010118 /* SVM_KEY */,
	0xC0010015 /* HWCR */, 0xC0010010 /* SYSCFG */, 0xC001001A /* TOP_MEM */,
	0xC001001D /* TOM2 */, 0xC0010000 /* PERF_CTL0 */, 0xC0010004,
	0x802 /* x2APIC ID */, 0x80B /* x2APIC EOI */, 0x830 /* x2APIC ICR */,
	0x1D9 /* DEBUGCTL */, 0x179 /* MCG_CAP */, 0x401 /* MC0_STATUS */,
	0xDA0 /* XSS */, 0x8B /* PATCH_LEVEL */, 0x40000000, 0x4B564D00,
	0x4B564D01, 0x1FFF, 0x2000, 0xBFFFFFFF, 0xC0001FFF, 0xC0002000,
	0xC0011FFF, 0xC0012000, 0xFFFFFFFF,
};

static uint32_t gen_msr(struct gen_ctx *c)
{
	return prng_chance(c->p, 1, 6) ? (uint32_t)prng_next(c->p) : PRNG_PICK(c->p, msrs);
}

static void pin_msr(struct gen_ctx *c, struct eb *e, uint32_t msr)
{
	if (prng_chance(c->p, 1, 2)) {
		e1(e, 0xB9);                        /* mov ecx, imm32 */
		e32(e, msr);
	} else {
		pin(c, RCX, (prng_chance(c->p, 1, 8) ? prng_next(c->p) << 32 : 0) | msr);
	}
}

static int t_rdmsr(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };

	pin_msr(c, &e, gen_msr(c));
	e1(&e, 0x0F);
	e1(&e, 0x32);
	return commit(c, &e);
}

static uint64_t msr_value(struct gen_ctx *c, uint32_t msr)
{
	static const uint64_t efer[] = {
		0xD01, 0x501, 0x1501, 0x401, 0x101, 0x500, 0xD00, 0x2501, 0x4501,
		0x8501, 0x10501, 0x100000501ull, 0x1D01,
	};

	if (msr == MSR_EFER && prng_chance(c->p, 3, 4))
		return PRNG_PICK(c->p, efer);
	if (msr == MSR_PAT && prng_chance(c->p, 1, 2))
		return 0x0007040600070406ull ^ (prng_chance(c->p, 1, 2) ?
						(1ull << prng_below(c->p, 64)) : 0);
	return gen_value(c);
}

static int t_wrmsr(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	uint32_t msr = gen_msr(c);
	uint64_t v = msr_value(c, msr);

	pin_msr(c, &e, msr);
	pin(c, RAX, (prng_chance(c->p, 1, 8) ? prng_next(c->p) << 32 : 0) | (uint32_t)v);
	pin(c, RDX, v >> 32);
	e1(&e, 0x0F);
	e1(&e, 0x30);
	return commit(c, &e);
}

static const uint16_t ports[] = {
	0x3F8, 0x3F9, 0x3FA, 0x3FB, 0x3FC, 0x3FD, 0x3FE, 0x3FF, 0x2F8, 0x2FD,
	0x5658, 0x5659, 0x565B, 0x80, 0x20, 0x21, 0xA0, 0xA1, 0x40, 0x43, 0x60,
	0x64, 0x70, 0x71, 0xCF8, 0xCFC, 0x402, 0x510, 0x511, 0xF0, 0xF8, 0xFFFF,
};

/* A port and size an OUT may use: never one that touches the debug-exit
 * port (it would end the run with whatever is in AL). */
static int port_ends_run(unsigned port, unsigned size)
{
	return port <= NESTLAB_DEBUG_EXIT_PORT && NESTLAB_DEBUG_EXIT_PORT < port + size;
}

static uint16_t gen_port(struct gen_ctx *c, unsigned size, int out)
{
	uint16_t p;

	do {
		p = prng_chance(c->p, 1, 6) ? (uint16_t)prng_next(c->p) : PRNG_PICK(c->p, ports);
	} while (out && port_ends_run(p, size));
	return p;
}

static int t_pio(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	unsigned size = PRNG_PICK(c->p, ((const uint8_t[]){ 1, 1, 2, 4, 4 }));
	int out = prng_chance(c->p, 1, 2);
	uint16_t port = gen_port(c, size, out);
	uint8_t op = (uint8_t)((out ? 0xE6 : 0xE4) | (size > 1));

	if (size == 2)
		e1(&e, 0x66);
	if (port < 256 && prng_chance(c->p, 1, 2)) {
		e1(&e, op);                         /* in/out imm8 */
		e1(&e, (uint8_t)port);
	} else {
		if (prng_chance(c->p, 1, 2)) {
			struct eb m = { .n = 0 };   /* mov dx, imm16 first */

			e1(&m, 0x66);
			e1(&m, 0xBA);
			e16(&m, port);
			if (commit(c, &m))
				return -1;
		} else {
			pin(c, RDX, (prng_next(c->p) & ~0xFFFFull) | port);
		}
		e1(&e, (uint8_t)(op | 0x08));       /* in/out dx */
	}
	if (out)
		pin(c, RAX, gen_value(c));
	return commit(c, &e);
}

/* Hypercall commands a block may issue: never PHASE_BEGIN/END (they would
 * change the run's phase table) or EXIT (it would end the run). */
static uint64_t block_hc_cmd(struct gen_ctx *c)
{
	static const uint64_t cmds[] = {
		NESTLAB_HC_VERSION, NESTLAB_HC_NOP, NESTLAB_HC_CONSOLE_WRITE,
		NESTLAB_HC_COUNTER_QUERY, NESTLAB_HC_NR_CMDS, 0xFF, 0xFFFFFFFF,
		0x100000001ull, ~0ull,
	};

	return PRNG_PICK(c->p, cmds);
}

static void pin_hc_args(struct gen_ctx *c, uint64_t cmd)
{
	pin(c, RCX, cmd);
	pin(c, RBX, prng_chance(c->p, 1, 2) ? gen_pointer(c) : gen_value(c));
	pin(c, RSI, prng_chance(c->p, 1, 2) ? prng_below(c->p, 64) : gen_value(c));
	pin(c, RDI, gen_value(c));
}

static int t_backdoor(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };

	pin(c, RAX, (prng_chance(c->p, 1, 10) ? prng_next(c->p) << 32 : 0) | NESTLAB_HC_MAGIC);
	pin_hc_args(c, block_hc_cmd(c));
	if (prng_chance(c->p, 1, 2)) {
		e1(&e, 0x66);
		e1(&e, 0xBA);
		e16(&e, NESTLAB_HC_BACKDOOR_PORT);  /* mov dx, 0x5658 */
	} else {
		pin(c, RDX, NESTLAB_HC_BACKDOOR_PORT);
	}
	switch (prng_below(c->p, 6)) {
	case 0: e1(&e, 0xEC); break;                /* in al, dx: not a hypercall */
	case 1: e1(&e, 0x66); e1(&e, 0xED); break;  /* in ax, dx: neither */
	default: e1(&e, 0xED); break;               /* in eax, dx */
	}
	return commit(c, &e);
}

static int t_vmmcall(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	unsigned k = (unsigned)prng_below(c->p, 10);

	pin(c, RAX, k < 7 ? NESTLAB_HC_MAGIC : k < 8 ? (1ull << 32) | NESTLAB_HC_MAGIC
						    : gen_value(c));
	pin_hc_args(c, block_hc_cmd(c));
	e1(&e, 0x0F);
	e1(&e, 0x01);
	e1(&e, 0xD9);
	return commit(c, &e);
}

/* The SVM instructions with rAX a page-aligned physical address below
 * 4 GiB (svmbad: any rAX). */
static int emit_svm(struct gen_ctx *c, int any_rax)
{
	static const uint8_t ops[] = { 0xD8, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF };
	struct eb e = { .n = 0 };
	uint64_t pa[] = {
		0, 0x1000, 0x7000, c->env->ram_top - 4096, c->env->ram_top,
		c->env->ram_top + 0x1000000, 0xFFFFF000,
		prng_below(c->p, c->env->ram_top) & ~0xFFFull,
	};
	uint64_t bad[] = {
		~0ull, 0x0000800000000000ull, 0x1000000000000ull, 0x7001, prng_next(c->p),
	};

	pin(c, RAX, any_rax ? PRNG_PICK(c->p, bad) : PRNG_PICK(c->p, pa));
	pin(c, RCX, prng_below(c->p, 20));          /* INVLPGA's ASID */
	e1(&e, 0x0F);
	e1(&e, 0x01);
	e1(&e, PRNG_PICK(c->p, ops));               /* VMRUN .. INVLPGA */
	return commit(c, &e);
}

static int t_svm(struct gen_ctx *c)
{
	return emit_svm(c, 0);
}

static int t_svmbad(struct gen_ctx *c)
{
	return emit_svm(c, 1);
}

/* MOV CRn, reg (0F 22 /r; CR8 needs REX.R, APM vol.3 "MOV CRn"). */
static int emit_mov_cr(struct gen_ctx *c, unsigned cr, uint64_t v)
{
	struct eb e = { .n = 0 };
	unsigned r = reg_safe(c, 0);

	pin(c, r, v);
	rex_for(&e, r, cr);
	e1(&e, 0x0F);
	e1(&e, 0x22);
	e1(&e, (uint8_t)(0xC0 | ((cr & 7) << 3) | (r & 7)));
	return commit(c, &e);
}

/* CR4 bits the architecture defines (APM vol.2 3.1.3): whether this CPU
 * model offers their feature is for L0 and L1 to get right. */
static const uint8_t cr4_defined_bits[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 20, 21, 22, 23,
};

static int t_crw(struct gen_ctx *c)
{
	const struct gen_env *env = c->env;

	uint64_t cr3s[] = {
		env->block_cr3, env->block_cr3, env->block_cr3 | 0x18, env->alt_cr3,
		env->alt_cr3, env->block_cr3, env->block_cr3 | 0x8, env->alt_cr3 | 0x10,
		env->block_cr3 | 0x7, env->alt_cr3 | 0x800,
	};
	/* Rarely a root that ends the run: garbage tables (a triple fault)
	 * or one outside RAM (an NPF outside L2 RAM during the walk). */
	uint64_t cr3 = prng_chance(c->p, 1, 32) ?
		       (prng_chance(c->p, 1, 2) ? prng_below(c->p, env->ram_top) & ~0xFFFull
						: env->ram_top) : PRNG_PICK(c->p, cr3s);

	switch (prng_below(c->p, 4)) {
	case 0: {
		uint64_t v = env->cr0 ^ (1ull << PRNG_PICK(c->p, ((const uint8_t[]){
			0, 1, 2, 3, 4, 5, 16, 18, 29, 30, 31, 6, 15 })));

		if (prng_chance(c->p, 1, 4))
			v ^= 1ull << prng_below(c->p, 32);
		return emit_mov_cr(c, 0, v);
	}
	case 1:
		return emit_mov_cr(c, 3, cr3);
	case 2:
		return emit_mov_cr(c, 8, prng_below(c->p, 16));
	default:
		return emit_mov_cr(c, 2, gen_value(c));
	}
}

/* MOV DRn, reg (0F 23 /r). */
static int emit_mov_dr(struct gen_ctx *c, unsigned dr, uint64_t v)
{
	struct eb e = { .n = 0 };
	unsigned r = reg_safe(c, 0);

	pin(c, r, v);
	rex_for(&e, r, 0);
	e1(&e, 0x0F);
	e1(&e, 0x23);
	e1(&e, (uint8_t)(0xC0 | (dr << 3) | (r & 7)));
	return commit(c, &e);
}

/* Values the architecture reserves in CR0 (63:32), CR3 (63:52 and above
 * MAXPHYADDR), CR8 (63:4), DR6 and DR7 (63:32): each must be #GP. */
static int t_crrsv(struct gen_ctx *c)
{
	uint64_t hi = 1ull << (32 + prng_below(c->p, 32));

	switch (prng_below(c->p, 5)) {
	case 0:  return emit_mov_cr(c, 0, c->env->cr0 | hi);
	case 1:  return emit_mov_cr(c, 3, c->env->block_cr3 |
				    (1ull << (40 + prng_below(c->p, 23))));
	case 2:  return emit_mov_cr(c, 8, 16 + prng_below(c->p, 1000));
	case 3:  return emit_mov_dr(c, 6, 0xFFFF0FF0 | hi);
	default: return emit_mov_dr(c, 7, 0x400 | hi);
	}
}

/* CR4 with one architecturally defined bit flipped. */
static int t_cr4(struct gen_ctx *c)
{
	return emit_mov_cr(c, 4, c->env->cr4 ^ (1ull << PRNG_PICK(c->p, cr4_defined_bits)));
}

/* CR4 with a bit no AMD64 CPU defines (15, 19, 24..63): must be #GP. */
static int t_cr4rsv(struct gen_ctx *c)
{
	static const uint8_t bits[] = { 15, 19, 24, 25, 26, 27, 28, 31, 32, 40, 63 };

	return emit_mov_cr(c, 4, c->env->cr4 | (1ull << PRNG_PICK(c->p, bits)));
}

static int t_drw(struct gen_ctx *c)
{
	static const uint8_t drs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 7, 7 };
	unsigned dr = PRNG_PICK(c->p, drs);
	uint64_t v;

	if (dr < 4)
		v = prng_chance(c->p, 1, 2) ? code_va(c, 3 + (unsigned)prng_below(c->p, 8))
					    : gen_pointer(c);
	else if (dr == 7 || dr == 5)
		v = 0x400 | (prng_next(c->p) & (prng_chance(c->p, 1, 2) ? 0xFFFF27FFull
									: 0xFFFFFFFFull));
	else
		v = (uint32_t)gen_value(c);
	return emit_mov_dr(c, dr, v);
}

static int t_desc(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	const struct gen_env *env = c->env;
	unsigned k = (unsigned)prng_below(c->p, 16), r = reg_safe(c, 1);
	uint8_t *d;
	uint64_t va;

	if (k < 1) {                                /* LGDT / LIDT [reg] */
		int idt = (int)(prng_next(c->p) & 1);
		uint64_t base = idt ? env->idt_base : env->gdt_base;
		uint16_t lim = idt ? env->idt_limit : env->gdt_limit;

		va = pool_alloc(c, 10, &d);
		if (!va)
			return -1;
		switch (prng_below(c->p, 4)) {
		case 0: lim = (uint16_t)prng_below(c->p, lim + 1); break;
		case 1: lim = (uint16_t)prng_next(c->p); break;
		case 2: base = gen_pointer(c); break;
		default: break;                     /* the guest's own */
		}
		put16(d, lim);
		put64(d + 2, base);
		pin(c, r, va);
		rex_for(&e, r, 0);
		e1(&e, 0x0F);
		e1(&e, 0x01);
		e1(&e, (uint8_t)((idt ? 0x18 : 0x10) | (r & 7)));
	} else if (k < 7) {                         /* LLDT reg */
		static const uint16_t sels[] = { 0, SEL_TSS, SEL_KCODE, 0x50, 0xFFFF, 4 };

		pin(c, r, PRNG_PICK(c->p, sels));
		rex_for(&e, r, 0);
		e1(&e, 0x0F);
		e1(&e, 0x00);
		e1(&e, (uint8_t)(0xD0 | (r & 7)));
	} else if (k < 12) {                        /* SGDT / SIDT [reg] */
		pin(c, r, prng_chance(c->p, 3, 4) ? BLOCK_SCRATCH + prng_below(c->p, 8192)
						  : gen_pointer(c));
		rex_for(&e, r, 0);
		e1(&e, 0x0F);
		e1(&e, 0x01);
		e1(&e, (uint8_t)((k & 1) << 3 | (r & 7)));
	} else if (prng_chance(c->p, 1, 3)) {       /* SMSW reg */
		rex_for(&e, r, 0);
		e1(&e, 0x0F);
		e1(&e, 0x01);
		e1(&e, (uint8_t)(0xE0 | (r & 7)));
	} else {                                    /* STR / SLDT reg */
		rex_for(&e, r, 0);
		e1(&e, 0x0F);
		e1(&e, 0x00);
		e1(&e, (uint8_t)(0xC0 | (prng_chance(c->p, 1, 2) ? 1 : 0) << 3 | (r & 7)));
	}
	return commit(c, &e);
}

static int t_ltr(struct gen_ctx *c)
{
	static const uint16_t sels[] = {
		SEL_TSS, SEL_TSS | 3, SEL_KCODE, SEL_KDATA, 0x38, 0x50, 0xFFF8, 4,
	};
	struct eb e = { .n = 0 };
	unsigned r = reg_safe(c, 0);
	uint16_t sel = prng_chance(c->p, 1, 4) ? (uint16_t)(prng_next(c->p) | 4)
					      : PRNG_PICK(c->p, sels);

	pin(c, r, sel ? sel : 4);                   /* never the null selector */
	rex_for(&e, r, 0);
	e1(&e, 0x0F);
	e1(&e, 0x00);
	e1(&e, (uint8_t)(0xD8 | (r & 7)));          /* ltr reg */
	return commit(c, &e);
}

/* xor eax, eax; ltr ax: the null selector (#GP(0), APM vol.3 "LTR"). */
static int t_ltrnull(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };

	e1(&e, 0x31);
	e1(&e, 0xC0);
	e1(&e, 0x0F);
	e1(&e, 0x00);
	e1(&e, 0xD8);
	return commit(c, &e);
}

static int t_intn(struct gen_ctx *c)
{
	static const uint8_t vecs[] = { 0, 1, 2, 3, 4, 6, 8, 13, 14, 18, 21, 29, 31,
					32, 0x80, 0xFF };
	struct eb e = { .n = 0 };

	switch (prng_below(c->p, 7)) {
	case 0: e1(&e, 0xCC); break;                /* int3 */
	case 1: e1(&e, 0xCE); break;                /* into: #UD in 64-bit */
	case 2: e1(&e, 0x0F); e1(&e, 0x0B); break;  /* ud2 */
	case 3: e1(&e, 0xF1); break;                /* int1 / icebp */
	case 4: e1(&e, 0x0F); e1(&e, 0xFF); e1(&e, 0xC0); break; /* ud0 */
	default:
		e1(&e, 0xCD);
		e1(&e, prng_chance(c->p, 1, 3) ? (uint8_t)prng_next(c->p)
					       : PRNG_PICK(c->p, vecs));
	}
	return commit(c, &e);
}

/* A far pointer (m16:32) in the pool; returns its address. */
static uint64_t far_ptr(struct gen_ctx *c, uint32_t off, uint16_t sel)
{
	uint8_t *d;
	uint64_t va = pool_alloc(c, 6, &d);

	if (va) {
		put32(d, off);
		put16(d + 4, sel);
	}
	return va;
}

static uint16_t far_sel(struct gen_ctx *c)
{
	static const uint16_t sels[] = {
		SEL_KCODE, SEL_UCODE | 3, SEL_KCODE32, SEL_UCODE32 | 3, SEL_KDATA, 0,
		SEL_NP_CODE, SEL_TSS, SEL_UCODE, SEL_KCODE | 3, 0xFFFF,
	};

	return prng_chance(c->p, 1, 8) ? (uint16_t)prng_next(c->p) : PRNG_PICK(c->p, sels);
}

static uint32_t far_off(struct gen_ctx *c, unsigned insn_len)
{
	if (prng_chance(c->p, 1, 2))
		return (uint32_t)code_va(c, insn_len);  /* right after itself */
	return (uint32_t)(BLOCK_CODE + prng_below(c->p, 4096));
}

static int t_far(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	uint64_t *st = c->b->stack;
	uint16_t sel = far_sel(c);
	unsigned k = (unsigned)prng_below(c->p, 5);
	uint64_t va;

	if (k < 2) {                                /* jmp/call far [rbx] */
		va = far_ptr(c, far_off(c, 2), sel);
		if (!va)
			return -1;
		pin(c, RBX, va);
		e1(&e, 0xFF);
		e1(&e, k ? 0x1B : 0x2B);
	} else if (k < 4) {                         /* retf / retfq */
		int q = k == 3;

		st[0] = far_off(c, 1u + q);
		st[1] = sel;
		if (!q)
			st[0] = (uint32_t)st[0] | ((uint64_t)sel << 32);
		if (q)
			e1(&e, 0x48);
		e1(&e, 0xCB);
	} else {                                    /* iretq */
		st[0] = far_off(c, 2);
		st[1] = sel;
		st[2] = 0x102 | (prng_next(c->p) & 0x40CD5ull);
		st[3] = BLOCK_RSP - 0x100;
		st[4] = PRNG_PICK(c->p, ((const uint16_t[]){ SEL_KDATA, SEL_UDATA | 3, 0, 3 }));
		e1(&e, 0x48);
		e1(&e, 0xCF);
	}
	return commit(c, &e);
}

/* A far jump into a 32-bit code segment (compatibility mode), landing on
 * the rest of the block, which then runs as 32-bit code. */
static int t_compat(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	uint16_t sel = c->b->cpl ? SEL_UCODE32 | 3 : SEL_KCODE32;
	uint64_t va = far_ptr(c, (uint32_t)code_va(c, 2), sel);

	if (!va)
		return -1;
	pin(c, RBX, va);
	e1(&e, 0xFF);
	e1(&e, 0x2B);                               /* jmp far [rbx] */
	return commit(c, &e);
}

static int t_tf(struct gen_ctx *c)
{
	static const uint32_t flips[] = {
		0x40000, 0x400, 0x3000, 0x4000, 0x200, 0x100, 0x10000, 0x20000,
		0x200000, 0x80000, 0x40CD5, 0x1,
	};
	struct eb e = { .n = 0 };

	if (prng_chance(c->p, 1, 4)) {
		if (prng_chance(c->p, 1, 2))
			e1(&e, 0x66);
		e1(&e, 0x9C);                       /* pushf */
		e1(&e, 0x9D);                       /* popf */
		return commit(c, &e);
	}
	e1(&e, 0x9C);                               /* pushfq */
	e1(&e, 0x48);
	e1(&e, 0x81);
	e1(&e, 0x34);
	e1(&e, 0x24);                               /* xor qword [rsp], imm32 */
	e32(&e, PRNG_PICK(c->p, flips));
	e1(&e, 0x9D);                               /* popfq */
	return commit(c, &e);
}

static int t_sys(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };

	switch (prng_below(c->p, 6)) {
	case 0:
	case 1: e1(&e, 0x0F); e1(&e, 0x05); break;  /* syscall */
	case 2:                                     /* sysretq */
		pin(c, RCX, prng_chance(c->p, 1, 2) ? code_va(c, 3) : gen_pointer(c));
		pin(c, 11, 0x102 | (prng_next(c->p) & 0x3CD5));
		e1(&e, 0x48); e1(&e, 0x0F); e1(&e, 0x07);
		break;
	case 3: e1(&e, 0x0F); e1(&e, 0x01); e1(&e, 0xF8); break; /* swapgs */
	case 4: e1(&e, 0x0F); e1(&e, 0x34); break;  /* sysenter */
	default: e1(&e, 0x0F); e1(&e, 0x35); break; /* sysexit */
	}
	return commit(c, &e);
}

static uint64_t special_pointer(struct gen_ctx *c, unsigned width)
{
	uint64_t v[] = {
		BLOCK_RO + prng_below(c->p, 4096), BLOCK_SUPER + prng_below(c->p, 4096),
		BLOCK_HOLE, BLOCK_ALIAS + prng_below(c->p, 4096),
		BLOCK_SCRATCH_END - width + 1 + prng_below(c->p, width - 1 ? width - 1 : 1),
		BLOCK_RAMEND, BLOCK_RAMEND + 4096 - 64, 0x0000800000000000ull,
		0x8000000000000000ull, 0, BLOCK_SCRATCH + prng_below(c->p, 4096),
		BLOCK_HOLE - 2, 0xFFFFFFFFFFFFFFF8ull,
	};

	return PRNG_PICK(c->p, v);
}

static int t_mem(struct gen_ctx *c)
{
	static const uint8_t forms[][6] = {
		{ 3, 0x48, 0x8B, 0x03 },                   /* mov rax, [rbx] */
		{ 3, 0x48, 0x89, 0x03 },                   /* mov [rbx], rax */
		{ 5, 0xF0, 0x48, 0x0F, 0xC1, 0x03 },       /* lock xadd [rbx], rax */
		{ 3, 0x48, 0x87, 0x03 },                   /* xchg [rbx], rax */
		{ 2, 0xF3, 0xA4 },                         /* rep movsb */
		{ 2, 0xF3, 0xAA },                         /* rep stosb */
		{ 3, 0x0F, 0xAE, 0x3B },                   /* clflush [rbx] */
		{ 5, 0xF0, 0x48, 0x0F, 0xC7, 0x0B },       /* lock cmpxchg16b [rbx] */
		{ 3, 0x0F, 0x01, 0x3B },                   /* invlpg [rbx] */
		{ 2, 0x8B, 0x03 },                         /* mov eax, [rbx] */
		{ 3, 0x48, 0x8B, 0x45 },                   /* mov rax, [rbp+d8] */
	};
	struct eb e = { .n = 0 };
	const uint8_t *f = forms[prng_below(c->p, sizeof(forms) / sizeof(forms[0]))];
	unsigned i;

	pin(c, RBX, special_pointer(c, 16));
	pin(c, 5, special_pointer(c, 8));
	pin(c, RSI, special_pointer(c, 1));
	pin(c, RDI, special_pointer(c, 1));
	pin(c, RCX, prng_below(c->p, 48));         /* a rep stays in its page */
	for (i = 1; i <= f[0]; i++)
		e1(&e, f[i]);
	if (f[2] == 0x8B && f[3] == 0x45)
		e1(&e, (uint8_t)prng_next(c->p));
	return commit(c, &e);
}

/* Through the page that maps the first guest-physical byte past L2 RAM:
 * L1's nested page tables refuse it (l2_bad_access ends the run). */
static int t_badram(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };

	pin(c, RBX, prng_chance(c->p, 1, 3) ? BLOCK_RAMEND + 4096 - 4
					    : BLOCK_BEYOND + prng_below(c->p, 4088));
	e1(&e, 0x48);
	e1(&e, prng_chance(c->p, 1, 2) ? 0x8B : 0x89);
	e1(&e, 0x03);                               /* mov rax, [rbx] / mov [rbx], rax */
	return commit(c, &e);
}

/* Self-modifying code: rewrite two NOPs ahead into CPUID / a port IN, or
 * four into VMMCALL, through the code page itself (RIP-relative) or
 * through its second mapping (BLOCK_ALIAS), before they are reached. */
static int t_smc(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	static const uint16_t two[] = { 0xA20F, 0x80E4, 0xFDE4 }; /* cpuid, in al,0x80, in al,0xFD */
	int alias = prng_chance(c->p, 1, 2);

	if (prng_chance(c->p, 1, 3)) {              /* 4 bytes: vmmcall; nop */
		uint32_t v = 0x90D9010F;

		pin(c, RAX, NESTLAB_HC_MAGIC);
		pin(c, RCX, NESTLAB_HC_NOP);
		if (alias) {
			e1(&e, 0xC7); e1(&e, 0x03); e32(&e, v);       /* mov dword [rbx], imm32 */
			pin(c, RBX, BLOCK_ALIAS + BLOCK_CODE_OFF + c->len + 6);
		} else {
			e1(&e, 0xC7); e1(&e, 0x05); e32(&e, 0); e32(&e, v); /* mov [rip+0] */
		}
		e32(&e, 0x90909090);
	} else {
		uint16_t v = PRNG_PICK(c->p, two);

		if (alias) {
			e1(&e, 0x66); e1(&e, 0xC7); e1(&e, 0x03); e16(&e, v);
			pin(c, RBX, BLOCK_ALIAS + BLOCK_CODE_OFF + c->len + 5);
		} else {
			e1(&e, 0x66); e1(&e, 0xC7); e1(&e, 0x05); e32(&e, 0); e16(&e, v);
		}
		e16(&e, 0x9090);
	}
	return commit(c, &e);
}

static int t_strio(struct gen_ctx *c)
{
	static const uint8_t ops[] = { 0x6C, 0x6D, 0x6E, 0x6F };
	struct eb e = { .n = 0 };
	uint8_t op = PRNG_PICK(c->p, ops);

	pin(c, RDX, gen_port(c, 4, op >= 0x6E));
	pin(c, RSI, BLOCK_SCRATCH + prng_below(c->p, 4096));
	pin(c, RDI, BLOCK_SCRATCH + prng_below(c->p, 4096));
	pin(c, RCX, prng_below(c->p, 8));
	if (prng_chance(c->p, 1, 2))
		e1(&e, 0xF3);
	e1(&e, op);
	return commit(c, &e);
}

/* MOV SS, reg then an intercepted instruction in its interrupt shadow
 * (APM vol.2 8.4: MOV SS holds off debug traps for one instruction). */
static int t_movss(struct gen_ctx *c)
{
	struct eb e = { .n = 0 };
	unsigned r = reg_any(c);

	pin(c, r, c->b->cpl ? (SEL_UDATA | 3) : (prng_chance(c->p, 3, 4) ? SEL_KDATA : 0));
	e1(&e, 0x8E);
	e1(&e, (uint8_t)(0xD0 | r));                /* mov ss, reg */
	switch (prng_below(c->p, 3)) {
	case 0: e1(&e, 0x0F); e1(&e, 0xA2); break;  /* cpuid */
	case 1: e1(&e, 0xE4); e1(&e, 0x80); break;  /* in al, 0x80 */
	default:
		pin(c, RAX, NESTLAB_HC_MAGIC);
		pin(c, RCX, NESTLAB_HC_NOP);
		e1(&e, 0x0F); e1(&e, 0x01); e1(&e, 0xD9);   /* vmmcall */
	}
	return commit(c, &e);
}

static int t_misc(struct gen_ctx *c)
{
	static const uint8_t forms[][4] = {
		{ 3, 0x0F, 0x01, 0x3B },    /* invlpg [rbx] */
		{ 2, 0x0F, 0x09 },          /* wbinvd */
		{ 2, 0x0F, 0x08 },          /* invd */
		{ 2, 0x0F, 0x06 },          /* clts */
		{ 3, 0x0F, 0x01, 0xF0 },    /* lmsw ax */
		{ 2, 0x0F, 0x31 },          /* rdtsc */
		{ 3, 0x0F, 0x01, 0xF9 },    /* rdtscp */
		{ 2, 0x0F, 0x33 },          /* rdpmc */
		{ 3, 0x0F, 0x01, 0xD1 },    /* xsetbv */
		{ 3, 0x0F, 0x01, 0xD0 },    /* xgetbv */
		{ 3, 0x0F, 0x01, 0xC8 },    /* monitor */
		{ 3, 0x0F, 0x01, 0xC9 },    /* mwait */
		{ 1, 0xFA },                /* cli */
		{ 1, 0xFB },                /* sti */
		{ 2, 0xF3, 0x90 },          /* pause */
		{ 3, 0x0F, 0x01, 0xCA },    /* clac */
		{ 3, 0x0F, 0x01, 0xEE },    /* rdpkru */
		{ 3, 0x0F, 0x01, 0xFA },    /* monitorx */
		{ 3, 0x0F, 0x01, 0xFB },    /* mwaitx */
		{ 3, 0x0F, 0x01, 0xFC },    /* clzero */
		{ 3, 0x0F, 0xC7, 0xF8 },    /* rdpid / rdseed */
	};
	struct eb e = { .n = 0 };
	const uint8_t *f = forms[prng_below(c->p, sizeof(forms) / sizeof(forms[0]))];
	unsigned i;

	pin(c, RBX, gen_pointer(c));
	pin(c, RAX, prng_chance(c->p, 1, 2) ? BLOCK_SCRATCH : gen_value(c));
	pin(c, RCX, prng_below(c->p, 3));
	pin(c, RDX, gen_value(c));
	for (i = 1; i <= f[0]; i++)
		e1(&e, f[i]);
	return commit(c, &e);
}

/* Weights are relative (a block picks about four templates); templates
 * that usually end the run weigh little, so that a run of 2,000 blocks
 * restarts a few times only. Names are the tmpl= list names. */
const struct tmpl tmpl_table[] = {
	{ "raw",       3000, TMPL_DEFAULT, t_raw,      "1-4 random bytes" },
	{ "cpuid",      800, TMPL_DEFAULT, t_cpuid,    "CPUID, interesting and random leaves" },
	{ "rdmsr",      600, TMPL_DEFAULT, t_rdmsr,    "RDMSR, interesting and out-of-range MSRs" },
	{ "wrmsr",      600, TMPL_DEFAULT, t_wrmsr,    "WRMSR, EFER/PAT/bases with edge values" },
	{ "pio",        800, TMPL_DEFAULT, t_pio,      "IN/OUT imm8 and DX, UART/backdoor/PC ports" },
	{ "backdoor",   300, TMPL_DEFAULT, t_backdoor, "backdoor IN with the magic, random command" },
	{ "vmmcall",    400, TMPL_DEFAULT, t_vmmcall,  "VMMCALL, random command and arguments" },
	{ "svm",        400, TMPL_DEFAULT, t_svm,      "VMRUN/VMLOAD/VMSAVE/STGI/CLGI/SKINIT/INVLPGA" },
	{ "svmbad",      30, TMPL_DEFAULT, t_svmbad,   "the same with rAX unaligned or beyond MAXPHYADDR" },
	{ "crw",        300, TMPL_DEFAULT, t_crw,      "MOV CR0/CR2/CR3/CR8: bit flips, other roots" },
	{ "crrsv",       10, TMPL_DEFAULT, t_crrsv,    "MOV CR0/CR3/CR8/DR6/DR7 with reserved bits" },
	{ "cr4",         10, TMPL_DEFAULT, t_cr4,      "MOV CR4 with a defined bit flipped" },
	{ "cr4rsv",       5, TMPL_DEFAULT, t_cr4rsv,   "MOV CR4 with an architecturally reserved bit" },
	{ "drw",        300, TMPL_DEFAULT, t_drw,      "MOV DR0-DR7, breakpoints on the block" },
	{ "desc",       100, TMPL_DEFAULT, t_desc,     "LGDT/LIDT/LLDT/SGDT/SIDT/STR/SLDT/SMSW" },
	{ "ltr",         10, TMPL_DEFAULT, t_ltr,      "LTR with a non-null selector" },
	{ "ltrnull",      5, TMPL_DEFAULT, t_ltrnull,  "xor eax,eax; ltr ax (null selector)" },
	{ "intn",       400, TMPL_DEFAULT, t_intn,     "INT n, INT3, INTO, INT1, UD0, UD2" },
	{ "far",        300, TMPL_DEFAULT, t_far,      "far JMP/CALL/RETF/IRETQ, odd selectors" },
	{ "compat",     100, TMPL_DEFAULT, t_compat,   "far JMP into 32-bit compatibility mode" },
	{ "tf",         300, TMPL_DEFAULT, t_tf,       "PUSHF/POPF flipping TF/AC/DF/IOPL/NT/IF" },
	{ "sys",        200, TMPL_DEFAULT, t_sys,      "SYSCALL/SYSRET/SWAPGS/SYSENTER/SYSEXIT" },
	{ "mem",        500, TMPL_DEFAULT, t_mem,      "loads/stores/rep/invlpg on edge pages" },
	{ "badram",       5, TMPL_DEFAULT | TMPL_ENDS_RUN, t_badram, "access past L2 RAM (l2_bad_access)" },
	{ "smc",        200, TMPL_DEFAULT, t_smc,      "self-modifying code, direct and via an alias" },
	{ "strio",        5, TMPL_DEFAULT | TMPL_ENDS_RUN, t_strio, "INS/OUTS (L1 stops L2: l2_bad_insn)" },
	{ "movss",      200, TMPL_DEFAULT, t_movss,    "MOV SS shadow over an intercepted instruction" },
	{ "misc",       400, TMPL_DEFAULT, t_misc,     "INVLPG/WBINVD/INVD/XSETBV/MONITOR/RDTSCP/..." },
};

const unsigned tmpl_count = sizeof(tmpl_table) / sizeof(tmpl_table[0]);

const char *const tmpl_names[] = {
	"raw", "cpuid", "rdmsr", "wrmsr", "pio", "backdoor", "vmmcall", "svm", "svmbad",
	"crw", "crrsv", "cr4", "cr4rsv", "drw", "desc", "ltr", "ltrnull", "intn", "far", "compat",
	"tf", "sys", "mem", "badram", "smc", "strio", "movss", "misc",
};

_Static_assert(sizeof(tmpl_table) / sizeof(tmpl_table[0]) ==
	       sizeof(tmpl_names) / sizeof(tmpl_names[0]), "tmpl_names");

uint64_t tmpl_default_mask(void)
{
	uint64_t m = 0;
	unsigned i;

	for (i = 0; i < tmpl_count; i++)
		if (tmpl_table[i].flags & TMPL_DEFAULT)
			m |= 1ull << i;
	return m;
}

int tmpl_index(const char *name)
{
	unsigned i, j;

	for (i = 0; i < tmpl_count; i++) {
		for (j = 0; name[j] && name[j] == tmpl_table[i].name[j]; j++)
			;
		if (!name[j] && !tmpl_table[i].name[j])
			return (int)i;
	}
	return -1;
}
