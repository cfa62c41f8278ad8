/*
 * Block fuzzing (see block.h) and what it shares with the hypercall
 * fuzzer: the per-unit page contents, entering a unit at CPL0 or CPL3 and
 * the full restore after it. How a block ends is counted by kind (the
 * exception vector, SYSCALL, watchdog, escape, a refused instruction);
 * an exception that no instruction of the block explains is a finding
 * (class vector): NMI, #DF without a descriptor-table or CR3 change,
 * #MC and the reserved vectors can only come from L1 or L0.
 */
#include <nestlab/mem.h>
#include "../fuzz_abi.h"
#include "freestanding/x86.h"
#include "freestanding/x86_regs.h"
#include "block.h"
#include "console.h"
#include "crumb.h"
#include "desc.h"
#include "step.h"
#include "tmpl.h"
#include "unit.h"
#include "vm.h"

_Static_assert(__builtin_offsetof(struct block_ctx, rip) == CTX_RIP, "CTX_RIP");
_Static_assert(__builtin_offsetof(struct block_ctx, rflags) == CTX_RFLAGS, "CTX_RFLAGS");
_Static_assert(__builtin_offsetof(struct block_ctx, cs) == CTX_CS, "CTX_CS");
_Static_assert(__builtin_offsetof(struct block_ctx, ss) == CTX_SS, "CTX_SS");
_Static_assert(__builtin_offsetof(struct block_ctx, cr3) == CTX_CR3, "CTX_CR3");
_Static_assert(__builtin_offsetof(struct block_ctx, ds) == CTX_DS, "CTX_DS");

#define DR6_STATUS 0x600Full    /* B0-B3, BD, BS */

#define EC_SYSCALL  FUZZ_END_SYSCALL
#define EC_WATCHDOG FUZZ_END_WATCHDOG
#define EC_ESCAPED  FUZZ_END_ESCAPED
#define EC_AVOIDED  FUZZ_END_AVOIDED

_Static_assert(EC_AVOIDED + AV_NR <= FUZZ_END_NR, "crumb end counters");

/* The counters live in the breadcrumb (fuzz_abi.h), for the host. */
#define end_counts   (crumb->ends)
#define avoid_counts (crumb->ends + EC_AVOIDED)

static const char *const vec_names[32] = {
	"de", "db", "nmi", "bp", "of", "br", "ud", "nm", "df", "v9", "ts", "np",
	"ss", "gp", "pf", "v15", "mf", "ac", "mc", "xm", "ve", "cp", "v22", "v23",
	"v24", "v25", "v26", "v27", "hv", "vc", "sx", "v31",
};

static const char *const avoid_names[AV_NR] = {
	"none", "hlt", "debug_exit", "strio", "hc_cmd", "tf", "mode", "lookahead",
	"quirk",
};

static void fill_qwords(uint64_t gva, uint64_t bytes, uint64_t v)
{
	uint64_t *p = vm_block_ptr(gva), n = bytes / 8;

	__asm__ __volatile__("rep stosq" : "+D"(p), "+c"(n) : "a"(v) : "memory");
}

/* Deterministic contents for every page a unit can see: a per-unit
 * pattern, with random bytes around the initial RSP and at the start of
 * the scratch pages; the code page is INT3 throughout. */
void unit_pages_reset(uint64_t seed, uint64_t domain, uint64_t index)
{
	struct prng p;
	uint64_t *q;
	unsigned i;

	prng_seed(&p, seed, domain + 0x100, index);
	memset(vm_block_ptr(BLOCK_CODE), 0xCC, PAGE_SIZE);
	fill_qwords(BLOCK_POOL, PAGE_SIZE, prng_next(&p));
	fill_qwords(BLOCK_STACK, BLOCK_STACK_END - BLOCK_STACK, prng_next(&p));
	fill_qwords(BLOCK_SCRATCH, BLOCK_SCRATCH_END - BLOCK_SCRATCH, prng_next(&p));
	fill_qwords(BLOCK_RO, PAGE_SIZE, prng_next(&p));
	fill_qwords(BLOCK_SUPER, PAGE_SIZE, prng_next(&p));
	q = vm_block_ptr(BLOCK_RSP - 256);
	for (i = 0; i < 64; i++)
		q[i] = prng_next(&p);
	q = vm_block_ptr(BLOCK_SCRATCH);
	for (i = 0; i < 64; i++)
		q[i] = prng_next(&p);
}

void ctx_for_cpl(struct block_ctx *ctx, unsigned cpl)
{
	ctx->cs = cpl ? (SEL_UCODE | 3) : SEL_KCODE;
	ctx->ss = cpl ? (SEL_UDATA | 3) : SEL_KDATA;
	ctx->ds = ctx->ss;
	ctx->cr3 = vm.block_cr3;
	ctx->rip = BLOCK_CODE + BLOCK_CODE_OFF;
}

void gen_env_get(struct gen_env *env)
{
	*env = (struct gen_env){
		.ram_top = vm.ram_top, .block_cr3 = vm.block_cr3, .alt_cr3 = vm.alt_cr3,
		.cr0 = cpu0.cr0, .cr4 = cpu0.cr4,
		.gdt_base = fuzz_gdtr.base, .gdt_limit = fuzz_gdtr.limit,
		.idt_base = fuzz_idtr.base, .idt_limit = fuzz_idtr.limit,
	};
}

static void frame_from_ctx(struct trap_frame *f, const struct block_ctx *c)
{
	unsigned i;

	*f = (struct trap_frame){ .rip = c->rip, .cs = c->cs, .rflags = c->rflags,
				  .ss = c->ss, .cr3 = c->cr3 };
	for (i = 0; i < 16; i++)
		*frame_gpr(f, i) = c->gpr[i];
}

/* Runs one unit to its end (unit.end, unit.f). A stepped unit's first
 * instruction is prechecked here; the rest by the #DB handler. */
void unit_run(struct block_ctx *ctx, int stepped)
{
	struct trap_frame f;
	unsigned i;

	unit.stepping = stepped;
	if (stepped)
		ctx->rflags |= RFLAGS_TF;
	frame_from_ctx(&f, ctx);
	unit.active = 1;
	if (stepped && step_precheck(&f)) {
		unit.f = f;
	} else {
		for (i = 0; i < 16; i++)
			ctx->gpr[i] = *frame_gpr(&f, i);
		block_enter(ctx);
	}
	unit.active = 0;
	oracle_disarm();
}

/* Everything back as the guest set it; a guest that cannot is lost. */
void unit_after(void)
{
	char why[160];
	int svme = 0;

	crumb->state = FUZZ_CRUMB_RESTORE;
	if (desc_restore(&svme, why, sizeof(why)))
		fuzz_lost(why, 0);
	if (svme)
		unit_finding(CHECK_STATE, "EFER.SVME visible to L2 after the block");
	if (unit.flags & U_TOUCHED_UART) {
		con_reset();
		con_puts("\n");
	}
}

static int vector_explained(unsigned v)
{
	if ((unit.flags & U_SOFTINT) && v < 32 && (unit.softint & (1u << v)))
		return 1;
	switch (v) {
	case 2: case 9: case 15: case 18:
		return 0;
	case 8:
		return !!(unit.flags & U_DESC);
	case 1:
		return !!(unit.end_dr6 & DR6_STATUS);
	default:
		return v < 20;
	}
}

static void count_end(void)
{
	unsigned v = (unsigned)unit.f.vector;

	switch (unit.end) {
	case END_EXC:
		if (v < 32) {
			end_counts[v]++;
			if (!vector_explained(v))
				unit_finding(CHECK_VECTOR, "vector %u (%s) error %lx at +%lx",
					     v, vec_names[v], unit.f.error,
					     unit.f.rip - BLOCK_CODE);
		}
		break;
	case END_SYSCALL:  end_counts[EC_SYSCALL]++; break;
	case END_WATCHDOG: end_counts[EC_WATCHDOG]++; break;
	case END_ESCAPED:  end_counts[EC_ESCAPED]++; break;
	case END_AVOIDED:
		end_counts[EC_AVOIDED]++;
		if (unit.avoid)
			avoid_counts[unit.avoid]++;
		break;
	case END_NONE:
		break;
	}
}

static void print_summary(const struct fuzz_opts *o, uint64_t ran)
{
	unsigned i, total = 0;

	for (i = 0; i < CHECK_NR; i++)
		total += fuzz_findings[i];
	con_printf("FUZZ-SUMMARY mode=blocks seed=%lu start=%lu blocks=%lu ran=%lu findings=%u",
		   o->seed, o->start, o->blocks, ran, total);
	for (i = 0; i < 32; i++)
		if (end_counts[i])
			con_printf(" %s=%u", vec_names[i], end_counts[i]);
	con_printf(" syscall=%u watchdog=%u escaped=%u avoided=%u",
		   end_counts[EC_SYSCALL], end_counts[EC_WATCHDOG],
		   end_counts[EC_ESCAPED], end_counts[EC_AVOIDED]);
	for (i = 1; i < AV_NR; i++)
		if (avoid_counts[i])
			con_printf(" av_%s=%u", avoid_names[i], avoid_counts[i]);
	for (i = 0; i < CHECK_NR; i++)
		if (fuzz_findings[i])
			con_printf(" f_%s=%u", check_names[i], fuzz_findings[i]);
	con_puts("\n");
}

/* The names of the breadcrumb's counters, for the host (campaign.sh). */
void print_counter_names(void)
{
	unsigned i;

	con_puts("nestlab-fuzz: ends ");
	for (i = 0; i < 32; i++)
		con_printf("%s,", vec_names[i]);
	con_puts("syscall,watchdog,escaped,avoided");
	for (i = 1; i < AV_NR; i++)
		con_printf(",av_%s", avoid_names[i]);
	con_puts("\nnestlab-fuzz: checks ");
	for (i = 0; i < CHECK_NR; i++)
		con_printf("%s%s", i ? "," : "", check_names[i]);
	con_puts("\n");
}

static void verbose_block(const struct gen_block *g, uint64_t b)
{
	unsigned i;

	con_printf("block %lu cpl %u tmpl", b, g->cpl);
	for (i = 0; i < g->ntmpl; i++)
		con_printf(" %s", tmpl_names[g->tmpl[i]]);
	con_puts(" code");
	for (i = 0; i < BLOCK_CODE_LEN; i++)
		con_printf(" %02x", g->code[i]);
	con_printf("\nblock %lu regs", b);
	for (i = 0; i < 16; i++)
		con_printf(" %lx", g->gpr[i]);
	con_printf(" rflags %lx\n", g->rflags);
}

void run_blocks(const struct fuzz_opts *o, uint64_t tmpl_mask, uint64_t checks,
		uint64_t quirks)
{
	unsigned cpl_mode = o->cpl == FUZZ_CPL_MIX ? 2 : o->cpl == FUZZ_CPL_3 ? 3 : 0;
	int strio = tmpl_index("strio");
	struct gen_env env;
	struct gen_block g;
	struct block_ctx ctx;
	uint64_t b, ran = 0;
	unsigned i;

	gen_env_get(&env);
	for (b = o->start; b < o->start + o->blocks; b++) {
		gen_block(o->seed, b, cpl_mode, tmpl_mask, &env, &g);
		crumb->unit = b;
		crumb->tmpl_mask = g.tmpl_mask;
		crumb->cpl = g.cpl;
		for (i = 0; i < BLOCK_CODE_LEN; i++)
			crumb->code[i] = g.code[i];
		crumb->state = FUZZ_CRUMB_IN_UNIT;
		if (o->verbose)
			verbose_block(&g, b);

		unit_pages_reset(o->seed, GEN_DOMAIN_FILL, b);
		memcpy(vm_block_ptr(BLOCK_CODE + BLOCK_CODE_OFF), g.code, BLOCK_CODE_LEN);
		memcpy(vm_block_ptr(BLOCK_POOL), g.pool, GEN_POOL_BYTES);
		memcpy(vm_block_ptr(BLOCK_RSP), g.stack, sizeof(g.stack));

		memcpy(ctx.gpr, g.gpr, sizeof(ctx.gpr));
		ctx.rflags = g.rflags;
		ctx_for_cpl(&ctx, g.cpl);
		unit = (struct unit){
			.seed = o->seed, .index = b, .cpl = g.cpl, .checks = checks,
			.quirks = quirks,
			.allow_strio = strio >= 0 && (g.tmpl_mask & (1ull << strio)),
		};
		unit_run(&ctx, 1);
		crumb->steps = unit.steps;
		unit_after();
		count_end();
		unit_flush();
		ran++;
		crumb->done = ran;
		crumb->state = FUZZ_CRUMB_IDLE;
		if (o->progress && ran % o->progress == 0)
			con_printf("FUZZ-PROGRESS blocks=%lu next=%lu\n", ran, b + 1);
	}
	print_summary(o, ran);
}
