/*
 * Workload "exit-pairs": exiting instructions in pairs with glue between,
 * for L1's exit-level batching beyond port I/O (--batch l1, docs/batching.md;
 * Agesen et al.'s exit pairs). Meant for level 2 under nestlab's L1. Each of the N iterations is exactly (assembly, ring 3):
 *
 *   xor  %eax, %eax ; xor %ecx, %ecx
 *   cpuid                      exit 1: CPUID leaf 0
 *   add  %ebx, %r13d           glue: 5 instructions, a store, a push and
 *   mov  %r13, 136(%rdi)         a pop (memory glue through L1's guest
 *   push %r13 ; pop %r9          access)
 *   mov  $1, %eax
 *   cpuid                      2: CPUID leaf 1
 *   add  136(%rdi), %r14       glue: 3, a load of the word stored above
 *   mov  $MAGIC, %eax ; mov $NOP, %ecx
 *   vmmcall                    3: the null hypercall
 *   add  %rax, %r12            glue: 3
 *   mov  $MAGIC, %eax ; mov $VERSION, %ecx
 *   vmmcall                    4: VERSION (RBX = the ABI version)
 *   add  %rbx, %r12
 *   sub  $1, %r15 ; jnz        the look-ahead after 4 ends at the branch
 *
 * then, per iteration again, an MSR pair in the kernel (the system call
 * L2_TEST_PROBE / L2_PROBE_MSR_PAIR: RDMSR EFER, 3 register instructions,
 * WRMSR EFER, JMP). Model (workload_model.h, NESTLAB_WM_EXIT_PAIRS_*):
 * off, per iteration 2 CPUID, 2 VMMCALL and 2 MSR exits; under --batch l1
 * with batch_max m the run C C V V is handled in exits at its positions 0,
 * m, 2m, ... and the run R W likewise (`nestlab expect --batch l1`).
 * Check at level 2: r12 = N * (ABI version) (NOP answers 0); at level 1
 * nobody answers the VMMCALLs (the kernel completes their #UD with all
 * ones), so only the probe is checked there. The state is printed for the
 * differential check (batching off against on).
 */
#include "ulib.h"
#include "batch_state.h"
#include <nestlab/hypercall.h>

int wl_exit_pairs(const struct wl_args *a)
{
	static struct batch_state st;
	uint64_t n = a->iterations;
	struct batch_state *p = &st;
	int64_t ph = u_phase_begin(a);
	int ok = 1;

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (n) {
		__asm__ __volatile__(
			"push %%rbp\n\t"
			"push %%rdi\n\t"               /* &st, for the store */
			"mov %%rsi, %%r15\n\t"
			"mov $0x0202020202020202, %%rbp\n\t"
			"mov $0x0606060606060606, %%r8\n\t"
			"mov $0x0707070707070707, %%r9\n\t"
			"mov $0x0808080808080808, %%r10\n\t"
			"xor %%r12d, %%r12d\n\t"
			"mov $0x0909090909090909, %%r13\n\t"
			"mov $0x0a0a0a0a0a0a0a0a, %%r14\n\t"
			"1:\n\t"
			"xor %%eax, %%eax\n\t"
			"xor %%ecx, %%ecx\n\t"
			"cpuid\n\t"
			"add %%ebx, %%r13d\n\t"
			"mov %%r13, %c[mem](%%rdi)\n\t"
			"push %%r13\n\t"
			"pop %%r9\n\t"
			"mov $1, %%eax\n\t"
			"cpuid\n\t"
			"add %c[mem](%%rdi), %%r14\n\t"
			"mov $%c[magic], %%eax\n\t"
			"mov $%c[nop], %%ecx\n\t"
			"vmmcall\n\t"
			"add %%rax, %%r12\n\t"
			"mov $%c[magic], %%eax\n\t"
			"mov $%c[version], %%ecx\n\t"
			"vmmcall\n\t"
			"add %%rbx, %%r12\n\t"
			"sub $1, %%r15\n\t"
			"jnz 1b\n\t"
			BATCH_STATE_END_ASM
			: "+D"(p), "+S"(n)
			: [mem] "i"(BATCH_STATE_MEM), [magic] "i"(NESTLAB_HC_MAGIC),
			  [nop] "i"(NESTLAB_HC_NOP), [version] "i"(NESTLAB_HC_VERSION)
			: "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13",
			  "r14", "r15", "memory", "cc");
	}
	for (uint64_t i = 0; i < a->iterations; i++)
		if (u_syscall(L2_SYS_TEST, L2_TEST_PROBE, L2_PROBE_MSR_PAIR, 0) < 0)
			ok = 0;
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	st.mem = 0;                         /* the last r13: in the state already */
	batch_state_print(a->name, &st);
	if (!ok) {
		u_printf("exit-pairs: the MSR pair probe failed\n");
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	if (a->level == 2 && st.gpr[12] != a->iterations * NESTLAB_HC_ABI_VERSION) {
		u_printf("exit-pairs: r12 %lu, expected %lu\n", st.gpr[12],
			 a->iterations * NESTLAB_HC_ABI_VERSION);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
