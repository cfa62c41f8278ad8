/*
 * Workload "batch-hostile": system calls followed by glue the batching
 * look-ahead must refuse, so every batch breaks after its first call and
 * only the look-ahead's cost remains (docs/batching.md). Each of the N
 * iterations is exactly (assembly):
 *
 *   mov $L2_SYS_GETPID, %eax ; syscall
 *   imul $3, %rax, %rbx             outside the subset      -> not_emulable
 *   mov $L2_SYS_GETPID, %eax ; syscall
 *   bswap %rbx                      outside the subset      -> not_emulable
 *   mov $L2_SYS_GETPID, %eax ; syscall
 *   movb $0x05, 3f+1(%rip)          a store into the code ahead (the same
 *                                   byte again: SYSCALL's 05)  -> code_write
 *   mov $L2_SYS_GETPID, %eax
 *   3: syscall
 *   pause                           F3 90: a REP prefix      -> not_emulable
 *   mov $L2_SYS_GETPID, %eax ; syscall
 *   add %rax, %r12
 *   sub $1, %r15 ; jnz (loop back)                          -> branch
 *
 * Under batch=kernel: 5 kernel entries of 1 call per iteration, ending 3
 * not_emulable, 1 code_write, 1 branch (NESTLAB_WM_BATCH_HOSTILE_*); the
 * look-ahead decodes at most one instruction per call (two for the store:
 * none is committed). Check: r12 = N pid; the final state is printed for
 * the differential check.
 *
 * After the phase the same loop (the same code, so the same return RIPs)
 * runs HOSTILE_TAIL more iterations outside any phase: the negative cache
 * still skips most of their look-aheads, on the kernel's fast path, and
 * those entries must count in no phase (the phase's batch object stays
 * exactly the model's: tests/integration/batching.sh).
 */
#include "ulib.h"
#include "batch_state.h"

#define HOSTILE_TAIL 64u

/* n (>= 1) iterations of the loop above; the state after it into *p. */
static __attribute__((noinline)) void hostile_loop(struct batch_state *p, uint64_t n)
{
	__asm__ __volatile__(
		BATCH_STATE_LOAD_ASM
		"1:\n\t"
		"mov $%c[getpid], %%eax\n\t"
		"syscall\n\t"
		"imul $3, %%rax, %%rbx\n\t"
		"mov $%c[getpid], %%eax\n\t"
		"syscall\n\t"
		"bswap %%rbx\n\t"
		"mov $%c[getpid], %%eax\n\t"
		"syscall\n\t"
		"movb $0x05, 3f+1(%%rip)\n\t"
		"mov $%c[getpid], %%eax\n\t"
		"3:\n\t"
		"syscall\n\t"
		"pause\n\t"
		"mov $%c[getpid], %%eax\n\t"
		"syscall\n\t"
		"add %%rax, %%r12\n\t"
		"sub $1, %%r15\n\t"
		"jnz 1b\n\t"
		BATCH_STATE_END_ASM
		: "+D"(p), "+S"(n)
		: [getpid] "i"(L2_SYS_GETPID)
		: "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13",
		  "r14", "r15", "memory", "cc");
}

int wl_batch_hostile(const struct wl_args *a)
{
	static struct batch_state st, tail;
	int64_t pid = u_getpid(), ph;
	uint64_t n = a->iterations;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (n)
		hostile_loop(&st, n);
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	hostile_loop(&tail, HOSTILE_TAIL);
	if (tail.gpr[12] != HOSTILE_TAIL * (uint64_t)pid) {
		u_printf("batch-hostile: after the phase r12 %lu, expected %lu\n", tail.gpr[12],
			 HOSTILE_TAIL * (uint64_t)pid);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	batch_state_print(a->name, &st);
	if (st.gpr[12] != a->iterations * (uint64_t)pid) {
		u_printf("batch-hostile: r12 %lu, expected %lu\n", st.gpr[12],
			 a->iterations * (uint64_t)pid);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
