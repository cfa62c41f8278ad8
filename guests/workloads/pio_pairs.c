/*
 * Workload "pio-pairs": port I/O in pairs with a few register instructions
 * between, Agesen et al.'s exit-pair pattern (an index/data port pair; here
 * a write and a read back of COM1's scratch register,
 * NESTLAB_PIO_WORKLOAD_PORT, the one port the TSS bitmap gives ring 3).
 * Each of the N iterations is exactly (assembly):
 *
 *   mov  %r12d, %eax
 *   out  %al, (%dx)            the first access: an IOIO exit at level 2
 *   add  $7, %r13              glue: 3 register instructions
 *   xor  %r13, %r14
 *   lea  1(%r12), %r12
 *   in   (%dx), %al            the second: under L1's batching handled in
 *                              the first's exit
 *   movzbl %al, %eax
 *   add  %rax, %rbx
 *   sub  $1, %r15 ; jnz (loop back)
 *
 * Level 2: 2 IOIO exits per iteration; with --batch l1 one, which handles
 * both accesses and whose look-ahead ends at the jnz (branch): the model's
 * NESTLAB_WM_PIO_PAIRS_*. Check: rbx = the sum of the bytes written,
 * (0 + 1 + ... + N-1) mod 256 each; the final state is printed for the
 * differential check.
 */
#include "ulib.h"
#include "batch_state.h"

int wl_pio_pairs(const struct wl_args *a)
{
	static struct batch_state st;
	uint64_t n = a->iterations, want = 0;
	struct batch_state *p = &st;
	int64_t ph = u_phase_begin(a);

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (n) {
		__asm__ __volatile__(
			"push %%rbp\n\t"
			"push %%rdi\n\t"               /* &st, for the store */
			"mov %%rsi, %%r15\n\t"
			"mov $%c[port], %%edx\n\t"
			"xor %%ebx, %%ebx\n\t"
			"mov $0x0202020202020202, %%rbp\n\t"
			"mov $0x0404040404040404, %%rsi\n\t"
			"mov $0x0505050505050505, %%rdi\n\t"
			"mov $0x0606060606060606, %%r8\n\t"
			"mov $0x0707070707070707, %%r9\n\t"
			"mov $0x0808080808080808, %%r10\n\t"
			"xor %%r12d, %%r12d\n\t"
			"mov $0x0909090909090909, %%r13\n\t"
			"mov $0x0a0a0a0a0a0a0a0a, %%r14\n\t"
			"1:\n\t"
			"mov %%r12d, %%eax\n\t"
			"out %%al, (%%dx)\n\t"
			"add $7, %%r13\n\t"
			"xor %%r13, %%r14\n\t"
			"lea 1(%%r12), %%r12\n\t"
			"in (%%dx), %%al\n\t"
			"movzbl %%al, %%eax\n\t"
			"add %%rax, %%rbx\n\t"
			"sub $1, %%r15\n\t"
			"jnz 1b\n\t"
			BATCH_STATE_END_ASM
			: "+D"(p), "+S"(n)
			: [port] "i"(NESTLAB_PIO_WORKLOAD_PORT)
			: "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13",
			  "r14", "r15", "memory", "cc");
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	batch_state_print(a->name, &st);
	for (uint64_t i = 0; i < a->iterations; i++)
		want += i & 0xFF;
	if (st.gpr[3] != want) {
		u_printf("pio-pairs: rbx %lu, expected %lu\n", st.gpr[3], want);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
