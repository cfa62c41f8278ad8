/*
 * The interface of entry.S: the trap frame its stubs build, the block
 * context block_enter loads, and the pseudo-vectors of a SYSCALL out of a
 * block. The CTX_* offsets are checked against struct block_ctx at compile
 * time (block.c).
 */
#ifndef FUZZ_ENTRY_H
#define FUZZ_ENTRY_H

#define FUZZ_VEC_SYSCALL    0x100 /* SYSCALL from 64-bit mode (LSTAR) */
#define FUZZ_VEC_SYSCALL32  0x101 /* SYSCALL from compatibility mode (CSTAR) */

#define CTX_GPR(n)   ((n) * 8)
#define CTX_RIP      128
#define CTX_RFLAGS   136
#define CTX_CS       144
#define CTX_SS       152
#define CTX_CR3      160
#define CTX_DS       168

#ifndef __ASSEMBLY__
#include <stdint.h>

/* From the lowest address: the interrupted CR3, the GPRs in reverse push
 * order, vector and error code, the CPU's frame (APM vol.2 8.9.3). */
struct trap_frame {
	uint64_t cr3;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* GPRs in REX order (RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15). */
struct block_ctx {
	uint64_t gpr[16];
	uint64_t rip, rflags, cs, ss, cr3, ds;
};

extern const uint64_t fuzz_trap_stubs[32];
extern char fuzz_syscall_entry[], fuzz_cstar_entry[];
extern uint64_t fuzz_kernel_cr3, fuzz_saved_cr0, fuzz_saved_cr4;

int block_enter(const struct block_ctx *ctx);
__attribute__((noreturn)) void block_resume(void);

/* Defined by trap.c: returns to resume the interrupted block (a #DB step),
 * or ends the block through block_resume(). */
void fuzz_trap(struct trap_frame *f);

/* The frame's GPR n in REX order, for decoders and models. */
static inline uint64_t *frame_gpr(struct trap_frame *f, unsigned n)
{
	static const unsigned char off[16] = {
		15, 13, 12, 14, 0xFF, 9, 11, 10, 8, 7, 6, 5, 4, 3, 2, 1,
	};
	uint64_t *base = &f->cr3;

	return n == 4 ? &f->rsp : &base[off[n]];
}
#endif

#endif
