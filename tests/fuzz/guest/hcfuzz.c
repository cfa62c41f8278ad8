/*
 * Hypercall fuzzing (mode=hypercalls, see hcfuzz.h). Call I of seed S is
 * drawn from its own PRNG stream: transport (VMMCALL, or the backdoor IN
 * with operand size 4, or 1 and 2, which are plain port reads), CPL, magic
 * (right, wrong, right with high bits), command (the valid ones, edge
 * values around them, random), pointer and length arguments from classes
 * with known answers (user, supervisor-only, read-only, unmapped and
 * beyond-RAM pages, page and canonical-boundary crossings, the top of the
 * address space, wrap-arounds) and random values in every other register.
 * It runs as a two-instruction unit (the transport instruction, then INT3)
 * at its CPL, and the registers at the INT3 are checked against the model
 * (hcmodel.h): status, ret0/ret1 where the ABI defines them, every other
 * register and RFLAGS unchanged, RIP right after the instruction.
 * NESTLAB_HC_EXIT is issued only where it must fail (CPL3, or a status
 * above 127), so the run can only end here through the guest's own exit.
 */
#include <nestlab/hypercall.h>
#include <nestlab/hypercall_guest.h>
#include <nestlab/exit_reason.h>
#include <nestlab/platform.h>
#include <nestlab/results.h>
#include <nestlab/mem.h>
#include "freestanding/x86.h"
#include "freestanding/x86_regs.h"
#include "block.h"
#include "console.h"
#include "crumb.h"
#include "gen.h"
#include "hcfuzz.h"
#include "hcmodel.h"
#include "unit.h"
#include "vm.h"

#define NST 9                       /* statuses 0..7, then "portread" */

static const char *const st_names[NST] = {
	"ok", "e_unknown", "e_perm", "e_inval", "e_fault", "e_range", "e_state",
	"e_magic", "portread",
};

static unsigned st_counts[NST], mismatches;

static const char name_chars[] =
	"hcfuzz.payload-0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* Text in every page a buffer may point into: printable, and all of it
 * valid phase-name characters, except a marked region of the pool. */
static void fill_text(uint8_t *p, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)name_chars[i % (sizeof(name_chars) - 1)];
}

#define POOL_BADNAME  (BLOCK_POOL + 0x100)  /* "bad name!" */

static void pages_init(void)
{
	fill_text(vm_block_ptr(BLOCK_SCRATCH), BLOCK_SCRATCH_END - BLOCK_SCRATCH);
	fill_text(vm_block_ptr(BLOCK_RO), PAGE_SIZE);
	fill_text(vm_block_ptr(BLOCK_SUPER), PAGE_SIZE);
	fill_text(vm_block_ptr(BLOCK_POOL), PAGE_SIZE);
	fill_text((uint8_t *)(uintptr_t)(vm.ram_top - PAGE_SIZE), PAGE_SIZE);
	memcpy(vm_block_ptr(POOL_BADNAME), "bad name!\n", 10);
}

static uint64_t hc_pointer(struct prng *p, uint64_t len)
{
	uint64_t off = prng_below(p, 4096), k = 1 + prng_below(p, 32);

	switch (prng_below(p, 18)) {
	case 0:
	case 1:  return BLOCK_SCRATCH + prng_below(p, BLOCK_SCRATCH_END - BLOCK_SCRATCH);
	case 2:  return BLOCK_SCRATCH_END - k;                  /* into the RO page */
	case 3:  return BLOCK_RO + off;
	case 4:  return BLOCK_SUPER + off;
	case 5:  return BLOCK_SUPER + PAGE_SIZE - k;            /* into the hole */
	case 6:  return BLOCK_HOLE + off;
	case 7:  return BLOCK_RAMEND + off;
	case 8:  return BLOCK_RAMEND + PAGE_SIZE - k;           /* into a guard page */
	case 9:  return BLOCK_BEYOND + off;                     /* outside L2 RAM */
	case 10: return prng_below(p, 64);                      /* page 0 */
	case 11: return 0x100000 + prng_below(p, 0x8000);       /* the guest's code */
	case 12: return 0x00007FFFFFFFF000ull + off;            /* canonical edge */
	case 13: return 0x0000800000000000ull + prng_below(p, 16);
	case 14: return 0xFFFFFFFFFFFFF000ull + off;
	case 15: return len ? 0 - len : ~0ull;                  /* ends at the top */
	case 16: return POOL_BADNAME + prng_below(p, 4);
	default: return prng_next(p);
	}
}

static uint64_t hc_length(struct prng *p, uint64_t max_ok)
{
	static const uint64_t edges[] = {
		0, 1, 31, 32, 64, 4095, 4096, 4097, 8192, 1ull << 32, ~0ull,
		0x8000000000000000ull,
	};

	if (prng_chance(p, 1, 2))
		return 1 + prng_below(p, max_ok);
	return PRNG_PICK(p, edges);
}

static void gen_call(struct prng *p, const struct fuzz_opts *o, const struct hc_model *m,
		     struct hc_call *c)
{
	static const uint64_t unknown[] = {
		NESTLAB_HC_NR_CMDS, NESTLAB_HC_NR_CMDS + 1, 0xFF, 0xFFFF, 0xFFFFFFFF,
		0x100000000ull | NESTLAB_HC_NOP, 0x100000000ull | NESTLAB_HC_EXIT,
		0x8000000000000000ull, ~0ull,
	};
	unsigned k = (unsigned)prng_below(p, 20);

	*c = (struct hc_call){ .size = 4 };
	c->cpl = o->cpl == FUZZ_CPL_MIX ? (unsigned)(prng_next(p) & 1) * 3
					: o->cpl == FUZZ_CPL_3 ? 3 : 0;
	c->transport = o->transport == FUZZ_TR_MIX ? (enum hc_transport)(prng_next(p) & 1)
		       : o->transport == FUZZ_TR_BACKDOOR ? HC_BACKDOOR : HC_VMMCALL;
	if (c->transport == HC_BACKDOOR && prng_chance(p, 1, 10))
		c->size = prng_chance(p, 1, 2) ? 1 : 2;
	c->rax = k < 17 ? NESTLAB_HC_MAGIC : k == 17 ? (1ull << 32) | NESTLAB_HC_MAGIC :
		 k == 18 ? NESTLAB_HC_MAGIC ^ (1u << prng_below(p, 32)) : prng_next(p);
	k = (unsigned)prng_below(p, 20);
	c->rcx = k < 14 ? prng_below(p, NESTLAB_HC_NR_CMDS) : k < 18 ? PRNG_PICK(p, unknown)
								   : prng_next(p);
	c->rbx = prng_next(p);
	c->rsi = prng_next(p);
	c->rdi = prng_next(p);
	switch (c->rcx) {
	case NESTLAB_HC_PHASE_BEGIN:
		c->rsi = hc_length(p, NESTLAB_PHASE_NAME_MAX);
		c->rbx = hc_pointer(p, c->rsi);
		break;
	case NESTLAB_HC_PHASE_END:
		c->rbx = m->open >= 0 && prng_chance(p, 2, 3) ? (uint64_t)m->open
			 : PRNG_PICK(p, ((const uint64_t[]){ 0, 1, m->nr_phases,
							     NESTLAB_MAX_PHASES, ~0ull,
							     prng_below(p, 20) }));
		break;
	case NESTLAB_HC_CONSOLE_WRITE:
		c->rsi = hc_length(p, 96);
		c->rbx = hc_pointer(p, c->rsi);
		break;
	case NESTLAB_HC_COUNTER_QUERY:
		c->rbx = prng_chance(p, 3, 4) ? prng_below(p, NESTLAB_EXIT_NR + 2) : prng_next(p);
		c->rsi = PRNG_PICK(p, ((const uint64_t[]){ 0, m->nr_phases ? m->nr_phases - 1 : 0,
							   m->nr_phases, NESTLAB_HC_TOTALS,
							   0x1FFFFFFFFull, prng_next(p) }));
		break;
	case NESTLAB_HC_EXIT:
		/* Must fail: at CPL3 (E_PERM), or with a status over 127. */
		c->rbx = 128 + (prng_next(p) >> 1);
		if (c->cpl == 3 && prng_chance(p, 1, 2))
			c->rbx = 126;
		break;
	}
}

/* Whether the bytes at gva (readable, len <= 31) form a valid phase name. */
static int name_ok(uint64_t gva, uint64_t len, unsigned cpl)
{
	uint64_t i, gpa;

	for (i = 0; i < len; i++) {
		char ch;

		if (vm_translate(vm.block_cr3, gva + i, cpl == 3, 0, &gpa))
			return 0;
		ch = *(const volatile char *)(uintptr_t)gpa;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			return 0;
	}
	return 1;
}

static const char *tr_name(const struct hc_call *c)
{
	if (c->transport == HC_VMMCALL)
		return "vmmcall";
	return c->size == 4 ? "backdoor" : c->size == 2 ? "backdoor16" : "backdoor8";
}

static void mismatch(const struct fuzz_opts *o, uint64_t i, const struct hc_call *c,
		     const char *what, uint64_t want, uint64_t got)
{
	if (mismatches++ < 200 || o->verbose)
		con_printf("FINDING hypercall seed=%lu index=%lu cmd=%lx cpl=%u transport=%s "
			   "rax=%lx rbx=%lx rsi=%lx %s want=%lx got=%lx\n", o->seed, i,
			   c->rcx, c->cpl, tr_name(c), c->rax, c->rbx, c->rsi, what, want, got);
	crumb->findings++;
}

static const char *const reg_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static void check(const struct fuzz_opts *o, uint64_t i, const struct hc_call *c,
		  const struct hc_expect *e, const struct block_ctx *ctx, unsigned len)
{
	struct trap_frame *f = &unit.f;
	uint64_t end = BLOCK_CODE + BLOCK_CODE_OFF + len + 1;
	unsigned r;

	if (unit.end != END_EXC || f->vector != 3 || f->rip != end) {
		mismatch(o, i, c, "end(vector<<32|rip)", 3ull << 32 | end,
			 unit.end == END_EXC ? f->vector << 32 | (uint32_t)f->rip : unit.end);
		return;
	}
	if (f->rax != e->rax)
		mismatch(o, i, c, e->hypercall ? "status" : "portread-rax", e->rax, f->rax);
	if (e->check_ret0 && f->rbx != e->ret0)
		mismatch(o, i, c, "ret0", e->ret0, f->rbx);
	if (e->check_ret1 && f->rsi != e->ret1)
		mismatch(o, i, c, "ret1", e->ret1, f->rsi);
	for (r = 1; r < 16; r++) {
		uint64_t now = *frame_gpr(f, r);

		if (e->hypercall && (r == X86_RBX || r == X86_RSI))
			continue;
		if (now != ctx->gpr[r]) {
			mismatch(o, i, c, reg_names[r], ctx->gpr[r], now);
			break;
		}
	}
	if ((f->rflags ^ ctx->rflags) & ~(RFLAGS_TF | (1ull << 16) | (3ull << 19)))
		mismatch(o, i, c, "rflags", ctx->rflags, f->rflags);
}

static unsigned put_stub(const struct hc_call *c)
{
	uint8_t *p = vm_block_ptr(BLOCK_CODE + BLOCK_CODE_OFF);
	unsigned n = 0;

	if (c->transport == HC_VMMCALL) {
		p[n++] = 0x0F;
		p[n++] = 0x01;
		p[n++] = 0xD9;
	} else if (c->size == 1) {
		p[n++] = 0xEC;                      /* in al, dx */
	} else {
		if (c->size == 2)
			p[n++] = 0x66;
		p[n++] = 0xED;                      /* in eax/ax, dx */
	}
	p[n] = 0xCC;
	return n;
}

static void summary(const struct fuzz_opts *o, uint64_t ran, unsigned skipped)
{
	unsigned s;

	con_printf("FUZZ-SUMMARY mode=hypercalls seed=%lu start=%lu count=%lu ran=%lu "
		   "findings=%u skipped=%u", o->seed, o->start, o->count, ran, mismatches,
		   skipped);
	for (s = 0; s < NST; s++)
		if (st_counts[s])
			con_printf(" %s=%u", st_names[s], st_counts[s]);
	con_puts("\n");
}

void run_hypercalls(const struct fuzz_opts *o)
{
	struct cpuid_regs id;
	struct hc_model m;
	uint64_t i, ran = 0;
	unsigned skipped = 0;

	cpuid_count(NESTLAB_CPUID_LEAF_INFO, 0, &id);
	hc_model_init(&m, id.ebx);
	unit_pages_reset(o->seed, GEN_DOMAIN_HCALL, 0);
	pages_init();
	for (i = o->start; i < o->start + o->count; i++) {
		struct prng p;
		struct hc_call c;
		struct hc_expect e;
		struct block_ctx ctx;
		unsigned len, r;

		prng_seed(&p, o->seed, GEN_DOMAIN_HCALL, i);
		gen_call(&p, o, &m, &c);
		if (c.rsi && c.rsi <= (1ull << 32))
			c.readable = vm_readable(vm.block_cr3, c.rbx, c.rsi, c.cpl);
		else
			c.readable = c.rsi == 0;
		c.name_ok = c.readable && c.rsi <= NESTLAB_PHASE_NAME_MAX &&
			    name_ok(c.rbx, c.rsi, c.cpl);
		hc_model_predict(&m, &c, &e);
		if (e.ends_run) {                   /* never: EXIT is the guest's */
			skipped++;
			continue;
		}
		crumb->unit = i;
		crumb->cpl = c.cpl;
		crumb->state = FUZZ_CRUMB_IN_UNIT;

		for (r = 0; r < 16; r++)
			ctx.gpr[r] = prng_next(&p);
		ctx.gpr[X86_RAX] = c.rax;
		ctx.gpr[X86_RCX] = c.rcx;
		ctx.gpr[X86_RBX] = c.rbx;
		ctx.gpr[X86_RSI] = c.rsi;
		ctx.gpr[X86_RDI] = c.rdi;
		ctx.gpr[X86_RSP] = BLOCK_RSP;
		if (c.transport == HC_BACKDOOR)
			ctx.gpr[X86_RDX] = (ctx.gpr[X86_RDX] & ~0xFFFFull) |
					   NESTLAB_HC_BACKDOOR_PORT;
		ctx.rflags = 0x2 | (prng_next(&p) & 0x8D5);
		ctx_for_cpl(&ctx, c.cpl);
		len = put_stub(&c);
		unit = (struct unit){ .seed = o->seed, .index = i, .cpl = c.cpl };
		unit_run(&ctx, 0);
		unit_after();
		unit_flush();
		check(o, i, &c, &e, &ctx, len);
		if (unit.end == END_EXC && unit.f.vector == 3) {
			hc_model_update(&m, &c, unit.f.rax, unit.f.rbx);
			if (!e.hypercall)
				st_counts[NST - 1]++;
			else if (unit.f.rax < NST - 1)
				st_counts[unit.f.rax]++;
			if (e.hypercall && c.rcx == NESTLAB_HC_CONSOLE_WRITE &&
			    unit.f.rax == NESTLAB_HC_OK && c.rsi)
				con_puts("\n");
		}
		ran++;
		crumb->done = ran;
		crumb->state = FUZZ_CRUMB_IDLE;
		if (o->progress && ran % o->progress == 0)
			con_printf("FUZZ-PROGRESS hypercalls=%lu next=%lu\n", ran, i + 1);
	}
	if (m.open >= 0)
		nestlab_hc_vmmcall(NESTLAB_HC_PHASE_END, (uint64_t)m.open, 0, 0);
	summary(o, ran, skipped);
}
