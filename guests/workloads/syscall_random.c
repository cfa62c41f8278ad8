/*
 * Workload "syscall-random": the differential test of system-call
 * interposition (docs/interpose.md) and of anything else that sits on the
 * system-call path. Each of the N iterations makes one system call chosen
 * by a fixed pseudo-random sequence (a 64-bit LCG, Knuth's MMIX constants)
 * from getpid, getppid, getuid, level, yield, an unknown number and a
 * bad L2_SYS_TEST kind, with every general-purpose register but RSP loaded
 * with further numbers of the sequence (u_syscall_regs below, in assembly,
 * so that nothing but the SYSCALL runs between the loads and the stores).
 * After it, each call's user-visible state is checked against what the
 * kernel and SYSCALL/SYSRET define (AMD APM vol.3 SYSCALL, SYSRET): RAX the
 * call's result, RCX the address after the SYSCALL, RFLAGS what SYSRET
 * loads from R11 ((R11 & 3C7FD7h) | 2), every other register as loaded;
 * and all of it is folded into one hash that the run prints. The hash is
 * the same whatever L1 does on the path (interposition off, inguest,
 * hypercall or trap: tests/integration/interpose.sh compares it); one
 * check. No exit at level 2 without interposition.
 */
#include "ulib.h"

#define R_RAX 0
#define R_RCX 2
#define R_RSI 4
#define R_RDI 5
#define R_R11 10
#define NREGS 15        /* RAX RBX RCX RDX RSI RDI RBP R8..R15 */
#define R_FLAGS 15
#define SYSRET_RFLAGS_KEPT 0x3C7FD7ull  /* APM vol.3 SYSRET: RFLAGS.{RF,VM} cleared */

/* in[0..14]: RAX (the number) RBX RCX RDX RSI RDI RBP R8..R15, loaded
 * before the SYSCALL; out[0..14] the same after it, out[15] RFLAGS. */
void u_syscall_regs(const uint64_t *in, uint64_t *out);
extern const char u_syscall_regs_ret[];

__asm__(".pushsection .text\n"
	".globl u_syscall_regs, u_syscall_regs_ret\n"
	"u_syscall_regs:\n\t"
	"push %rbx\n\tpush %rbp\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
	"push %rsi\n\t"
	"mov 0(%rdi), %rax\n\tmov 8(%rdi), %rbx\n\tmov 16(%rdi), %rcx\n\t"
	"mov 24(%rdi), %rdx\n\tmov 32(%rdi), %rsi\n\tmov 48(%rdi), %rbp\n\t"
	"mov 56(%rdi), %r8\n\tmov 64(%rdi), %r9\n\tmov 72(%rdi), %r10\n\t"
	"mov 80(%rdi), %r11\n\tmov 88(%rdi), %r12\n\tmov 96(%rdi), %r13\n\t"
	"mov 104(%rdi), %r14\n\tmov 112(%rdi), %r15\n\tmov 40(%rdi), %rdi\n\t"
	"syscall\n"
	"u_syscall_regs_ret:\n\t"
	"push %rdi\n\t"
	"mov 8(%rsp), %rdi\n\t"
	"mov %rax, 0(%rdi)\n\tmov %rbx, 8(%rdi)\n\tmov %rcx, 16(%rdi)\n\t"
	"mov %rdx, 24(%rdi)\n\tmov %rsi, 32(%rdi)\n\tmov %rbp, 48(%rdi)\n\t"
	"mov %r8, 56(%rdi)\n\tmov %r9, 64(%rdi)\n\tmov %r10, 72(%rdi)\n\t"
	"mov %r11, 80(%rdi)\n\tmov %r12, 88(%rdi)\n\tmov %r13, 96(%rdi)\n\t"
	"mov %r14, 104(%rdi)\n\tmov %r15, 112(%rdi)\n\t"
	"pushfq\n\tpop %rax\n\tmov %rax, 120(%rdi)\n\t"
	"pop %rax\n\tmov %rax, 40(%rdi)\n\t"
	"pop %rsi\n\t"
	"pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbp\n\tpop %rbx\n\t"
	"ret\n"
	".popsection");

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 11;
}

static const uint64_t calls[] = {
	L2_SYS_GETPID, L2_SYS_GETPPID, L2_SYS_GETUID, L2_SYS_LEVEL, L2_SYS_YIELD,
	L2_SYS_NR + 17, L2_SYS_TEST,
};

/* What call nr returns, by the kernel's definitions (uapi.h). */
static int64_t expected(uint64_t nr, int64_t pid, const struct wl_args *a)
{
	switch (nr) {
	case L2_SYS_GETPID:  return pid;
	case L2_SYS_GETPPID: return 0;
	case L2_SYS_GETUID:  return L2_UID;
	case L2_SYS_LEVEL:   return a->level;
	case L2_SYS_YIELD:   return 0;
	case L2_SYS_TEST:    return -L2_EINVAL;   /* kind: never a valid one */
	}
	return -L2_ENOSYS;
}

int wl_syscall_random(const struct wl_args *a)
{
	uint64_t seed = 0x6e65737466616221ull, hash = 0xcbf29ce484222325ull, bad = 0;
	uint64_t in[NREGS], out[NREGS + 1];
	int64_t pid = u_getpid(), ph = u_phase_begin(a);

	if (ph < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	for (uint64_t i = 0; i < a->iterations; i++) {
		for (unsigned r = 0; r < NREGS; r++)
			in[r] = lcg(&seed);
		in[R_RAX] = calls[in[R_RAX] % (sizeof(calls) / sizeof(calls[0]))];
		if (in[R_RAX] == L2_SYS_TEST)
			in[R_RDI] = 1000 + (in[R_RDI] & 0xFF);  /* an unknown test kind */
		u_syscall_regs(in, out);
		for (unsigned r = 0; r <= NREGS; r++) {
			uint64_t want = r == R_RAX ? (uint64_t)expected(in[R_RAX], pid, a) :
					r == R_RCX ? (uint64_t)(uintptr_t)u_syscall_regs_ret :
					r == R_R11 ? out[R_R11] :
					r == R_FLAGS ? ((out[R_R11] & SYSRET_RFLAGS_KEPT) | 2) : in[r];

			if (out[r] != want && !bad++)
				u_printf("syscall-random: call %lu (number %lu): register %u is "
					 "%lx, want %lx\n", i, in[R_RAX], r, out[r], want);
			hash = (hash ^ out[r]) * 0x100000001b3ull;
		}
	}
	if (u_phase_end(ph) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	u_printf("syscall-random: %lu calls, state hash %016lx\n", a->iterations, hash);
	if (bad) {
		u_printf("FAIL: syscall-random: %lu registers not as defined\n", bad);
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	}
	u_printf("PASS: syscall-random: every result, RCX, RFLAGS and register as defined\n");
	return NESTLAB_STATUS_PASS;
}
