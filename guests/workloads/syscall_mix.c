/*
 * Workload "syscall-mix": the target of decoded-syscall batching. Each of
 * the N iterations is this fixed sequence (written in assembly so the
 * instructions between the SYSCALLs are exactly these):
 *
 *   mov  $L2_SYS_GETPID, %eax ; syscall      pid
 *   mov  %rax, %r14                          r14 = pid
 *   add  %rax, %r12                          sum += pid
 *   mov  $L2_SYS_GETUID, %eax ; syscall      uid
 *   add  %rax, %r12                          sum += uid
 *   xor  %r14, %r13                          x ^= pid
 *   mov  $L2_SYS_GETPPID, %eax ; syscall     ppid
 *   add  %rax, %r12                          sum += ppid
 *   add  $3, %r15                            k += 3
 *   mov  $L2_SYS_GETPID, %eax ; syscall      pid
 *   sub  %rax, %r12                          sum -= pid
 *   sub  $1, %rbx ; jnz (loop back)
 *
 * 4 system calls per iteration (getpid, getuid, getppid, getpid), only
 * register moves, immediates and ALU operations between them; the loop's
 * back edge is the only branch. No exit at level 2. Check: sum = N *
 * (uid + ppid), x = pid if N is odd else 0, k = 3N. The loop's final
 * registers are printed after the phase ("syscall-mix: state ..."), for
 * batching's differential check (docs/batching.md).
 */
#include "ulib.h"

int wl_syscall_mix(const struct wl_args *a)
{
	int64_t pid = u_getpid(), ppid = u_syscall(L2_SYS_GETPPID, 0, 0, 0);
	int64_t uid = u_syscall(L2_SYS_GETUID, 0, 0, 0), ph;
	uint64_t n = a->iterations;
	register uint64_t count __asm__("rbx") = n;
	register uint64_t sum __asm__("r12") = 0;
	register uint64_t x __asm__("r13") = 0;
	register uint64_t k __asm__("r15") = 0;

	ph = u_phase_begin(a);
	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	if (n) {
		__asm__ __volatile__(
			"1:\n\t"
			"mov $%c[getpid], %%eax\n\t"
			"syscall\n\t"
			"mov %%rax, %%r14\n\t"
			"add %%rax, %[sum]\n\t"
			"mov $%c[getuid], %%eax\n\t"
			"syscall\n\t"
			"add %%rax, %[sum]\n\t"
			"xor %%r14, %[x]\n\t"
			"mov $%c[getppid], %%eax\n\t"
			"syscall\n\t"
			"add %%rax, %[sum]\n\t"
			"add $3, %[k]\n\t"
			"mov $%c[getpid], %%eax\n\t"
			"syscall\n\t"
			"sub %%rax, %[sum]\n\t"
			"sub $1, %[count]\n\t"
			"jnz 1b\n\t"
			: [count] "+r"(count), [sum] "+r"(sum), [x] "+r"(x), [k] "+r"(k)
			: [getpid] "i"(L2_SYS_GETPID), [getuid] "i"(L2_SYS_GETUID),
			  [getppid] "i"(L2_SYS_GETPPID)
			: "rax", "rcx", "r11", "r14", "memory", "cc");
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	u_printf("syscall-mix: state rbx=%lx r12=%lx r13=%lx r15=%lx\n", count, sum, x, k);
	if (sum != n * (uint64_t)(uid + ppid) || x != ((n & 1) ? (uint64_t)pid : 0) ||
	    k != 3 * n) {
		u_printf("syscall-mix: sum %lu x %lu k %lu, expected %lu %lu %lu\n", sum, x, k,
			 n * (uint64_t)(uid + ppid), (n & 1) ? (uint64_t)pid : 0, 3 * n);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	return NESTLAB_STATUS_PASS;
}
