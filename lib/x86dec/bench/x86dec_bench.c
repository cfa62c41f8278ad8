/*
 * Decode-throughput benchmark (make x86dec-bench): walks the executable
 * sections of one ELF file (default: the C library) instruction by
 * instruction, and times, on that same byte stream and in one run, this
 * decoder and Zydis 4: length-only (x86dec_length vs ZydisDecoderDecode-
 * Instruction in Zydis' MINIMAL mode and in its default mode) and full decode
 * (x86dec_decode_buf with the structured form vs ZydisDecoderDecodeFull with
 * operands). Prints instructions per second and our/Zydis ratios; best of
 * several repetitions. Prints figures; it is not a pass/fail test.
 *   x86dec_bench [elf] [repetitions]
 */
#include <Zydis/Zydis.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "../x86dec.h"

static uint8_t *text;
static size_t text_len;

static int load_text(const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0)
		return -1;
	const uint8_t *f = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f == MAP_FAILED)
		return -1;
	const Elf64_Ehdr *eh = (const void *)f;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64)
		return -1;
	const Elf64_Shdr *sh = (const void *)(f + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_PROGBITS && (sh[i].sh_flags & SHF_EXECINSTR))
			text_len += sh[i].sh_size;
	text = malloc(text_len + 16);
	size_t o = 0;
	for (int i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_PROGBITS && (sh[i].sh_flags & SHF_EXECINSTR)) {
			memcpy(text + o, f + sh[i].sh_offset, sh[i].sh_size);
			o += sh[i].sh_size;
		}
	memset(text + o, 0x90, 16);
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static ZydisDecoder zfull, zmin;
static volatile uint64_t sink;

/* each walker returns the number of instructions decoded */
static uint64_t walk_ours_len(void)
{
	uint64_t n = 0, sum = 0;
	for (size_t o = 0; o < text_len; n++) {
		unsigned l = x86dec_length(X86DEC_MODE_64, text + o, text_len - o);
		sum += l;
		o += l ? l : 1;
	}
	sink = sum;
	return n;
}

static uint64_t walk_ours_full(void)
{
	uint64_t n = 0, sum = 0;
	struct x86dec_insn in;
	for (size_t o = 0; o < text_len; n++) {
		unsigned l = x86dec_decode_buf(&in, X86DEC_MODE_64, text + o, text_len - o) == X86DEC_OK ? in.length : 0;
		sum += l + in.mnemonic;
		o += l ? l : 1;
	}
	sink = sum;
	return n;
}

static uint64_t walk_zydis(const ZydisDecoder *d, int full)
{
	uint64_t n = 0, sum = 0;
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	for (size_t o = 0; o < text_len; n++) {
		ZyanStatus s = full ? ZydisDecoderDecodeFull(d, text + o, text_len - o, &in, ops)
				    : ZydisDecoderDecodeInstruction(d, NULL, text + o, text_len - o, &in);
		unsigned l = ZYAN_SUCCESS(s) ? in.length : 0;
		sum += l;
		o += l ? l : 1;
	}
	sink = sum;
	return n;
}

static double best(uint64_t (*fn)(void), int reps, uint64_t *count)
{
	double b = 1e30;
	for (int r = 0; r < reps; r++) {
		double t0 = now();
		*count = fn();
		double t = now() - t0;
		if (t < b) b = t;
	}
	return b;
}

static uint64_t z_min(void) { return walk_zydis(&zmin, 0); }
static uint64_t z_insn(void) { return walk_zydis(&zfull, 0); }
static uint64_t z_full(void) { return walk_zydis(&zfull, 1); }

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/usr/lib/x86_64-linux-gnu/libc.so.6";
	int reps = argc > 2 ? atoi(argv[2]) : 7;
	if (load_text(path) < 0) {
		fprintf(stderr, "cannot read executable sections of %s\n", path);
		return 1;
	}
	ZydisDecoderInit(&zfull, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderInit(&zmin, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderEnableMode(&zmin, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE);

	uint64_t n1, n2, n3, n4, n5;
	double t_ol = best(walk_ours_len, reps, &n1);
	double t_zm = best(z_min, reps, &n2);
	double t_zi = best(z_insn, reps, &n3);
	double t_of = best(walk_ours_full, reps, &n4);
	double t_zf = best(z_full, reps, &n5);
	printf("x86dec-bench: %s, %zu bytes of text, best of %d runs\n", path, text_len, reps);
	printf("  %-52s %10.2f M insn/s  (%llu insns)\n", "length, x86dec_length", n1 / t_ol / 1e6, (unsigned long long)n1);
	printf("  %-52s %10.2f M insn/s  (%llu insns)\n", "length, Zydis DecodeInstruction MINIMAL mode", n2 / t_zm / 1e6, (unsigned long long)n2);
	printf("  %-52s %10.2f M insn/s  (%llu insns)\n", "length, Zydis DecodeInstruction default mode", n3 / t_zi / 1e6, (unsigned long long)n3);
	printf("  %-52s %10.2f M insn/s  (%llu insns)\n", "full, x86dec_decode_buf (structured form)", n4 / t_of / 1e6, (unsigned long long)n4);
	printf("  %-52s %10.2f M insn/s  (%llu insns)\n", "full, Zydis DecodeFull (operands)", n5 / t_zf / 1e6, (unsigned long long)n5);
	printf("  ratio length ours/Zydis-minimal %.2fx, ours/Zydis-default %.2fx; full ours/Zydis %.2fx\n",
	       (n1 / t_ol) / (n2 / t_zm), (n1 / t_ol) / (n3 / t_zi), (n4 / t_of) / (n5 / t_zf));
	return 0;
}
