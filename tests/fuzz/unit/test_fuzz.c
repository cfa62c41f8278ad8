/*
 * Host tests of the fuzz guest's pure modules: the command line and list
 * syntax, the block generator (deterministic per (seed, block); templates
 * never emit HLT or an OUT to the debug-exit port; the "raw" switch), and
 * the hypercall ABI model against the cases docs/hypercall-abi.md lists.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include <nestlab/hypercall.h>
#include <nestlab/results.h>
#include <nestlab/platform.h>
#include "cmdline.h"
#include "gen.h"
#include "tmpl.h"
#include "hcmodel.h"
#include "x86dec.h"

static const struct gen_env env = {
	.ram_top = 64 << 20, .block_cr3 = 0x150000, .alt_cr3 = 0x151000,
	.cr0 = 0x80050031, .cr4 = 0x20, .gdt_base = 0x138000, .gdt_limit = 79,
	.idt_base = 0x13b000, .idt_limit = 4095,
};

Test(cmdline, keys_and_first_word)
{
	struct fuzz_opts o;
	char why[128];
	const char *l = "/path/fuzz.bin mode=blocks seed=0x10 blocks=7 cpl=mix tmpl=cpuid,-raw";

	fuzz_opts_default(&o);
	cr_assert(eq(int, fuzz_cmdline_parse(l, strlen(l), &o, why, sizeof(why)), 0), "%s", why);
	cr_assert(eq(u64, o.mode, FUZZ_MODE_BLOCKS));
	cr_assert(eq(u64, o.seed, 16));
	cr_assert(eq(u64, o.blocks, 7));
	cr_assert(eq(u64, o.cpl, FUZZ_CPL_MIX));
	cr_assert(eq(str, o.tmpl, "cpuid,-raw"));
}

Test(cmdline, launcher_keys_accepted_bad_ones_refused)
{
	struct fuzz_opts o;
	char why[128];
	const char *ok = "img workload=null iterations=1 transport=backdoor";
	const char *bad[] = { "img seed=x", "img mode=other", "img nokey", "img blocks=99999999999999999999" };
	unsigned i;

	fuzz_opts_default(&o);
	cr_assert(eq(int, fuzz_cmdline_parse(ok, strlen(ok), &o, why, sizeof(why)), 0));
	cr_assert(eq(u64, o.transport, FUZZ_TR_BACKDOOR));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(eq(int, fuzz_cmdline_parse(bad[i], strlen(bad[i]), &o, why, sizeof(why)), -1), "%s", bad[i]);
}

Test(cmdline, lists)
{
	static const char *const names[] = { "a", "b", "c" };
	uint64_t m;
	char why[64];

	cr_assert(eq(int, fuzz_list_resolve("", names, 3, 3, &m, why, 64), 0));
	cr_assert(eq(u64, m, 3));
	cr_assert(eq(int, fuzz_list_resolve("all", names, 3, 3, &m, why, 64), 0));
	cr_assert(eq(u64, m, 7));
	cr_assert(eq(int, fuzz_list_resolve("-a", names, 3, 3, &m, why, 64), 0));
	cr_assert(eq(u64, m, 2));
	cr_assert(eq(int, fuzz_list_resolve("all,-b,-c", names, 3, 3, &m, why, 64), 0));
	cr_assert(eq(u64, m, 1));
	cr_assert(eq(int, fuzz_list_resolve("c", names, 3, 3, &m, why, 64), 0));
	cr_assert(eq(u64, m, 4));
	cr_assert(eq(int, fuzz_list_resolve("d", names, 3, 3, &m, why, 64), -1));
}

Test(gen, deterministic_per_block)
{
	struct gen_block a, b, c;

	gen_block(42, 1000, 2, ~0ull, &env, &a);
	gen_block(42, 1000, 2, ~0ull, &env, &b);
	gen_block(42, 1001, 2, ~0ull, &env, &c);
	cr_assert(eq(int, memcmp(&a, &b, sizeof(a)), 0));
	cr_assert(ne(int, memcmp(a.code, c.code, sizeof(a.code)) == 0 &&
		      memcmp(a.gpr, c.gpr, sizeof(a.gpr)) == 0, 1));
	cr_assert(eq(u64, a.gpr[4], BLOCK_RSP));
}

/* Decodes the block's bytes in order: templates alone (no raw bytes) must
 * never give HLT or an OUT imm8 to the debug-exit port. */
Test(gen, templates_never_halt_or_exit)
{
	unsigned t, blk;

	for (t = 1; t < tmpl_count; t++) {
		for (blk = 0; blk < 400; blk++) {
			struct gen_block g;
			unsigned off = 0;

			gen_block(7, blk, blk & 1 ? 3 : 0, 1ull << t, &env, &g);
			while (off < BLOCK_CODE_LEN) {
				struct x86dec_insn in;

				x86dec_decode_buf(&in, X86DEC_MODE_64, g.code + off,
						  BLOCK_CODE_LEN - off);
				if (in.status != X86DEC_OK)
					break;
				cr_assert(not(in.map == 0 && in.opcode == 0xF4), "%s: HLT",
					  tmpl_names[t]);
				cr_assert(not(in.map == 0 && (in.opcode == 0xE6 || in.opcode == 0xE7) &&
					    (in.imm & 0xFF) <= NESTLAB_DEBUG_EXIT_PORT &&
					    (in.imm & 0xFF) + 4 > NESTLAB_DEBUG_EXIT_PORT),
					  "%s: OUT to the debug-exit port", tmpl_names[t]);
				off += in.length;
			}
		}
	}
}

Test(gen, nops_without_raw)
{
	struct gen_block g;
	int idx = tmpl_index("cpuid");

	cr_assert(ge(int, idx, 0));
	gen_block(3, 3, 0, 1ull << idx, &env, &g);
	cr_assert(eq(int, g.code[BLOCK_CODE_LEN - 1] == 0x90 || g.code[BLOCK_CODE_LEN - 1] == 0xA2, 1));
	cr_assert(eq(u64, g.tmpl_mask, 1ull << idx));
}

static struct hc_expect predict(struct hc_model *m, struct hc_call c)
{
	struct hc_expect e;

	hc_model_predict(m, &c, &e);
	return e;
}

Test(hcmodel, abi_cases)
{
	struct hc_model m;
	struct hc_expect e;

	hc_model_init(&m, 5);
	e = predict(&m, (struct hc_call){ .rax = 1, .rcx = 0 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_MAGIC));
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC | (1ull << 32) });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_MAGIC));
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_NR_CMDS, .cpl = 3 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_UNKNOWN));
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_TRACE_REGISTER,
					  .cpl = 3 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_PERM));
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_TRACE_REGISTER,
					  .rbx = 0x100000, .rsi = 0x10000 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_STATE));   /* fuzz runs have no trace region */
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_TRACE_REGISTER,
					  .rbx = 0x100001, .rsi = 0x10000 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_INVAL));
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_EXIT, .cpl = 3 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_PERM));
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_EXIT, .rbx = 128 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_INVAL));
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_VERSION });
	cr_assert(e.rax == 0 && e.check_ret0 && e.ret0 == 1 && e.ret1 == 5);
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_CONSOLE_WRITE,
					  .rsi = 4097, .readable = 1 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_RANGE));
	e = predict(&m, (struct hc_call){ .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_CONSOLE_WRITE,
					  .rsi = 10 });
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_FAULT));
	e = predict(&m, (struct hc_call){ .transport = HC_BACKDOOR, .size = 2, .rax = 0x1234 });
	cr_assert(not(e.hypercall));
	cr_assert(eq(u64, e.rax, 0xFFFF));
	e = predict(&m, (struct hc_call){ .transport = HC_BACKDOOR, .size = 4, .rax = ~0ull << 32 });
	cr_assert(not(e.hypercall));
	cr_assert(eq(u64, e.rax, 0xFFFFFFFF));
}

Test(hcmodel, phases)
{
	struct hc_model m;
	struct hc_call begin = { .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_PHASE_BEGIN,
				 .rsi = 3, .readable = 1, .name_ok = 1 };
	struct hc_call end = { .rax = NESTLAB_HC_MAGIC, .rcx = NESTLAB_HC_PHASE_END };
	struct hc_expect e;
	unsigned i;

	hc_model_init(&m, 0);
	e = predict(&m, end);
	cr_assert(eq(u64, e.rax, NESTLAB_HC_E_INVAL));
	for (i = 0; i < NESTLAB_MAX_PHASES; i++) {
		e = predict(&m, begin);
		cr_assert(e.rax == 0 && e.ret0 == i);
		hc_model_update(&m, &begin, e.rax, e.ret0);
		cr_assert(eq(u64, predict(&m, begin).rax, NESTLAB_HC_E_STATE));
		end.rbx = i;
		e = predict(&m, end);
		cr_assert(eq(u64, e.rax, 0));
		hc_model_update(&m, &end, 0, 0);
	}
	cr_assert(eq(u64, predict(&m, begin).rax, NESTLAB_HC_E_RANGE));
	begin.name_ok = 0;
	cr_assert(eq(u64, predict(&m, begin).rax, NESTLAB_HC_E_INVAL));
}
