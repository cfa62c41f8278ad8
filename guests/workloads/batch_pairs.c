/*
 * Workload "batch-pairs": system-call pairs with register-only glue, the
 * read/lseek or clock-loop pattern decoded-syscall batching is for
 * (docs/batching.md). Each of the N iterations is exactly (assembly, so
 * the instructions are these):
 *
 *   mov  $L2_SYS_GETPID, %eax ; syscall     call 1
 *   mov  %rax, %rbx                         glue: 5 instructions, registers
 *   add  %rbx, %r12                           only (the last loads the next
 *   lea  7(%r12,%rbx,2), %r13                 call's number)
 *   xor  %r13, %r14
 *   mov  $L2_SYS_GETUID, %eax ; syscall     call 2
 *   adc  %rax, %r12
 *   sub  $1, %r15 ; jnz (loop back)
 *
 * Under batch=kernel each iteration is one kernel entry of 2 calls that
 * emulates the 5 glue instructions and ends at the jnz (a branch): the
 * model's NESTLAB_WM_BATCH_PAIRS_*. Every register starts from a constant
 * and the loop's final state (batch_state.h) is printed after the phase,
 * for the differential check against batch=off. Check: r12 = N * (pid +
 * uid) (the ADCs add no carry: the XOR before the second call clears CF,
 * and SYSRET restores those flags).
 */
#include "ulib.h"
#include "batch_state.h"

int wl_batch_pairs(const struct wl_args *a)
{
	static struct batch_state st;
	int64_t pid = u_getpid(), ph;
	uint64_t n = a->iterations;
	struct batch_state *p = &st;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (n) {
		__asm__ __volatile__(
			BATCH_STATE_LOAD_ASM
			"1:\n\t"
			"mov $%c[getpid], %%eax\n\t"
			"syscall\n\t"
			"mov %%rax, %%rbx\n\t"
			"add %%rbx, %%r12\n\t"
			"lea 7(%%r12,%%rbx,2), %%r13\n\t"
			"xor %%r13, %%r14\n\t"
			"mov $%c[getuid], %%eax\n\t"
			"syscall\n\t"
			"adc %%rax, %%r12\n\t"
			"sub $1, %%r15\n\t"
			"jnz 1b\n\t"
			BATCH_STATE_END_ASM
			: "+D"(p), "+S"(n)
			: [getpid] "i"(L2_SYS_GETPID), [getuid] "i"(L2_SYS_GETUID)
			: "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13",
			  "r14", "r15", "memory", "cc");
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	batch_state_print(a->name, &st);
	n = a->iterations;
	if (st.gpr[12] != n * ((uint64_t)pid + L2_UID)) {
		u_printf("batch-pairs: r12 %lu, expected %lu\n", st.gpr[12],
			 n * ((uint64_t)pid + L2_UID));
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
