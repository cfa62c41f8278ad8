/*
 * Block generation (see gen.h): the CPL, random registers with interesting
 * values, then templates picked by weight among the enabled ones until the
 * BLOCK_CODE_LEN bytes are used. A template that does not fit the room left
 * is retried a few times with others; the rest is raw random bytes, or
 * NOPs when "raw" is not enabled (so that tmpl=cpuid gives blocks of CPUIDs
 * and nothing else).
 */
#include "gen.h"
#include "tmpl.h"

#define RFLAGS_ARITH 0x8D5ull   /* CF PF AF ZF SF OF */

static unsigned pick_template(struct prng *p, uint64_t mask, unsigned total)
{
	uint64_t x = prng_below(p, total);
	unsigned i;

	for (i = 0; i < tmpl_count; i++) {
		if (!(mask & (1ull << i)))
			continue;
		if (x < tmpl_table[i].weight)
			return i;
		x -= tmpl_table[i].weight;
	}
	return 0;
}

void gen_block(uint64_t seed, uint64_t block, unsigned cpl_mode, uint64_t tmpl_mask,
	       const struct gen_env *env, struct gen_block *out)
{
	struct prng p;
	struct gen_ctx c = { .p = &p, .env = env, .b = out };
	unsigned total = 0, fails = 0, i;
	int raw = (int)(tmpl_mask & 1);     /* tmpl_table[0] is "raw" */

	prng_seed(&p, seed, GEN_DOMAIN_BLOCK, block);
	*out = (struct gen_block){ .cpl = 0 };
	out->cpl = cpl_mode == 2 ? (unsigned)(prng_next(&p) & 1) * 3 : cpl_mode;
	for (i = 0; i < 16; i++)
		out->gpr[i] = gen_value(&c);
	out->gpr[4] = BLOCK_RSP;
	out->rflags = 0x2 | (prng_next(&p) & RFLAGS_ARITH);
	if (prng_chance(&p, 1, 8))
		out->rflags |= 1ull << 10;          /* DF */
	if (prng_chance(&p, 1, 8))
		out->rflags |= 1ull << 18;          /* AC */
	if (out->cpl == 0 && prng_chance(&p, 1, 8))
		out->rflags |= 3ull << 12;          /* IOPL 3 */

	for (i = 0; i < tmpl_count; i++)
		if (tmpl_mask & (1ull << i))
			total += tmpl_table[i].weight;
	while (total && c.len < BLOCK_CODE_LEN && fails < 6) {
		unsigned t = pick_template(&p, tmpl_mask, total);

		if (tmpl_table[t].emit(&c)) {
			fails++;
			continue;
		}
		out->tmpl_mask |= 1ull << t;
		if (t && out->ntmpl < GEN_MAX_TMPLS)
			out->tmpl[out->ntmpl++] = (uint8_t)t;
	}
	for (; c.len < BLOCK_CODE_LEN; c.len++)
		out->code[c.len] = raw ? (uint8_t)prng_next(&p) : 0x90;
}
