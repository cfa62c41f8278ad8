/*
 * The full differential campaign against Zydis (make x86dec-campaign):
 * N biased random inputs per mode (default 10^7) plus every instruction of the
 * executable sections of the ELF files named on the command line, plus N/10
 * inputs per mode cut to 1-14 bytes (truncated input), plus N/2 inputs per
 * mode of the register-field sweep (diff_gen_regs). Prints the
 * counts per mode and exits non-zero on any disagreement.
 *   x86dec_campaign [-n N] [-s SEED] [-l LOGFILE] [elf...]
 */
#include "x86dec_diffcore.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void report(const char *what, const struct diff_stats *st)
{
	printf("%-40s inputs %12llu  both-valid %12llu  both-invalid %12llu  mvex-exception %llu  disagreements %llu (length %llu, width %llu)\n",
	       what, (unsigned long long)st->inputs, (unsigned long long)st->both_valid,
	       (unsigned long long)st->both_invalid, (unsigned long long)st->exceptions,
	       (unsigned long long)st->disagreements, (unsigned long long)st->len_mismatch,
	       (unsigned long long)st->width_mismatch);
	static const char *cn[4] = { "ok", "invalid", "too-long", "truncated" };
	for (int z = 0; z < 4; z++)
		for (int m = 0; m < 4; m++)
			if (st->by_class[z][m])
				printf("    zydis %-9s ours %-9s : %llu\n", cn[z], cn[m], (unsigned long long)st->by_class[z][m]);
}

int main(int argc, char **argv)
{
	uint64_t n = 10000000, seed = 1;
	FILE *log = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "n:s:l:")) != -1) {
		switch (opt) {
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'l': log = fopen(optarg, "w"); break;
		default: fprintf(stderr, "usage: %s [-n N] [-s SEED] [-l LOG] [elf...]\n", argv[0]); return 2;
		}
	}
	uint64_t total_bad = 0;
	struct diff_stats s64 = { 0 }, s32 = { 0 }, se = { 0 };
	diff_random(X86DEC_MODE_64, n, seed, &s64, log);
	report("random, 64-bit mode", &s64);
	diff_random(X86DEC_MODE_32, n, seed + 1, &s32, log);
	report("random, 32-bit mode", &s32);
	total_bad += s64.disagreements + s32.disagreements;
	struct diff_stats t64 = { 0 }, t32 = { 0 };
	diff_random_truncated(X86DEC_MODE_64, n / 10, seed + 2, &t64, log);
	report("random truncated to 1-14 bytes, 64-bit", &t64);
	diff_random_truncated(X86DEC_MODE_32, n / 10, seed + 3, &t32, log);
	report("random truncated to 1-14 bytes, 32-bit", &t32);
	total_bad += t64.disagreements + t32.disagreements;
	struct diff_stats r64 = { 0 }, r32 = { 0 };
	diff_random_regs(X86DEC_MODE_64, n / 2, seed + 4, &r64, log);
	report("register-field sweep, 64-bit", &r64);
	diff_random_regs(X86DEC_MODE_32, n / 2, seed + 5, &r32, log);
	report("register-field sweep, 32-bit", &r32);
	total_bad += r64.disagreements + r32.disagreements;
	for (int i = optind; i < argc; i++) {
		struct diff_stats st = { 0 };
		long c = diff_elf(argv[i], &st, log);
		if (c < 0) {
			printf("%-40s SKIP (not a readable x86-64 ELF)\n", argv[i]);
			continue;
		}
		report(argv[i], &st);
		se.inputs += st.inputs;
		se.disagreements += st.disagreements;
		total_bad += st.disagreements;
	}
	printf("TOTAL random %llu (64) + %llu (32), truncated %llu, register sweep %llu, binaries %llu instructions: "
	       "%llu disagreements\n",
	       (unsigned long long)s64.inputs, (unsigned long long)s32.inputs,
	       (unsigned long long)(t64.inputs + t32.inputs), (unsigned long long)(r64.inputs + r32.inputs),
	       (unsigned long long)se.inputs, (unsigned long long)total_bad);
	if (log) fclose(log);
	return total_bad ? 1 : 0;
}
