/*
 * Workload "batch-chain": runs of 2..16 system calls, each followed by the
 * same glue (registers, the stack and one memory word). The chain is 16
 * elements of exactly 20 bytes (assembly; the assembler checks the size):
 *
 *   mov  $nr_k, %eax                5    nr_k: getpid, getuid, getppid, level, ...
 *   syscall                         2
 *   add  %rax, %r12                 3    glue: 5 instructions + the next mov
 *   rol  $3, %r12                   4
 *   push %r12                       2    a store to the user stack
 *   pop  %rbx                       1    and its load
 *   xor  %r12, (%rsi)               3    a read-modify-write of st.mem
 *
 * Iteration i runs the last L = 2 + (i mod 15) elements: it jumps
 * (indirectly, natively) to element 16 - L, and after the chain counts i
 * mod 15 and loops (branches). Under batch=kernel with batch_max >= 16 each
 * iteration is one kernel entry of L calls that emulates 6 (L - 1)
 * instructions and ends at the branch after the chain; with a smaller
 * batch_max M the run splits into entries of M (ending "limit") and the
 * rest (the model: NESTLAB_WM_BATCH_CHAIN_*, nestlab_wm_batch_runs).
 * Check: r12 and st.mem as the C code below computes them; the final
 * state is printed for the differential check.
 */
#include "ulib.h"
#include "batch_state.h"

#define CHAIN_ELEMS 16
#define CHAIN_ELEM_BYTES 20

static uint64_t rol3(uint64_t v)
{
	return (v << 3) | (v >> 61);
}

int wl_batch_chain(const struct wl_args *a)
{
	static struct batch_state st;
	int64_t pid = u_getpid(), ph;
	uint64_t n = a->iterations, r12 = 0, mem = 0, ret[4];
	struct batch_state *p = &st;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (n) {
		__asm__ __volatile__(
			"push %%rbp\n\t"
			"push %%rdi\n\t"               /* &st, for the store */
			"mov %%rsi, %%r15\n\t"
			"lea %c[mem](%%rdi), %%rsi\n\t"
			"xor %%r14d, %%r14d\n\t"
			"mov $0x0101010101010101, %%rbx\n\t"
			"mov $0x0202020202020202, %%rbp\n\t"
			"mov $0x0303030303030303, %%rdx\n\t"
			"mov $0x0505050505050505, %%rdi\n\t"
			"mov $0x0606060606060606, %%r8\n\t"
			"mov $0x0707070707070707, %%r9\n\t"
			"mov $0x0808080808080808, %%r10\n\t"
			"xor %%r12d, %%r12d\n\t"
			"mov $0x0909090909090909, %%r13\n\t"
			"1:\n\t"
			"mov $14, %%eax\n\t"
			"sub %%r14d, %%eax\n\t"
			"imul $%c[elem], %%eax, %%eax\n\t"
			"lea 2f(%%rip), %%rcx\n\t"
			"add %%rcx, %%rax\n\t"
			"jmp *%%rax\n\t"
			"2:\n\t"
			".irp nr, %c[n0],%c[n1],%c[n2],%c[n3],%c[n0],%c[n1],%c[n2],%c[n3],"
			"%c[n0],%c[n1],%c[n2],%c[n3],%c[n0],%c[n1],%c[n2],%c[n3]\n\t"
			".byte 0xb8\n\t.long \\nr\n\t"          /* mov $nr, %eax */
			".byte 0x0f, 0x05\n\t"                  /* syscall */
			".byte 0x49, 0x01, 0xc4\n\t"            /* add %rax, %r12 */
			".byte 0x49, 0xc1, 0xc4, 0x03\n\t"      /* rol $3, %r12 */
			".byte 0x41, 0x54\n\t"                  /* push %r12 */
			".byte 0x5b\n\t"                        /* pop %rbx */
			".byte 0x4c, 0x31, 0x26\n\t"            /* xor %r12, (%rsi) */
			".endr\n\t"
			"3:\n\t"
			".if (3b - 2b) - %c[elems] * %c[elem]\n\t"
			".error \"batch-chain: an element is not 20 bytes\"\n\t"
			".endif\n\t"
			"inc %%r14\n\t"
			"cmp $15, %%r14\n\t"
			"jb 4f\n\t"
			"xor %%r14d, %%r14d\n\t"
			"4:\n\t"
			"sub $1, %%r15\n\t"
			"jnz 1b\n\t"
			BATCH_STATE_END_ASM
			: "+D"(p), "+S"(n)
			: [n0] "i"(L2_SYS_GETPID), [n1] "i"(L2_SYS_GETUID),
			  [n2] "i"(L2_SYS_GETPPID), [n3] "i"(L2_SYS_LEVEL),
			  [elem] "i"(CHAIN_ELEM_BYTES), [elems] "i"(CHAIN_ELEMS),
			  [mem] "i"(BATCH_STATE_MEM)
			: "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13",
			  "r14", "r15", "memory", "cc");
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	batch_state_print(a->name, &st);

	/* what the calls of element k % 4 return */
	ret[0] = (uint64_t)pid;
	ret[1] = L2_UID;
	ret[2] = 0;
	ret[3] = a->level;
	for (uint64_t i = 0; i < a->iterations; i++)
		for (unsigned k = CHAIN_ELEMS - (2 + (unsigned)(i % 15)); k < CHAIN_ELEMS; k++) {
			r12 = rol3(r12 + ret[k % 4]);
			mem ^= r12;
		}
	if (st.gpr[12] != r12 || st.mem != mem) {
		u_printf("batch-chain: r12 %lx mem %lx, expected %lx %lx\n", st.gpr[12], st.mem,
			 r12, mem);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
