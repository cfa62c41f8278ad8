/*
 * The user register state a batching workload ends its loop with
 * (batch_pairs.c, batch_chain.c, batch_hostile.c): every GPR and RFLAGS,
 * stored by the loop's own assembly right after its last instruction, and
 * printed as one console line after the phase,
 *
 *   <workload>: state rax=... rcx=... ... r15=... rflags=... mem=...
 *
 * so that a run with batch=off and one with batch=kernel can be compared
 * line for line (tests/integration/batching.sh: the differential check).
 * `mem` is the workload's memory word the glue wrote (0 if none).
 */
#ifndef L2_BATCH_STATE_H
#define L2_BATCH_STATE_H

#include <stdint.h>

struct batch_state {
	uint64_t gpr[16];     /* RAX..R15 (REX order), as x86emu_regs */
	uint64_t rflags;
	uint64_t mem;
};

/* Offsets for the assembly: gpr[i] at 8*i, rflags at 128, mem at 136. */
#define BATCH_STATE_RFLAGS 128
#define BATCH_STATE_MEM    136

/*
 * The assembly that ends each loop: with the struct's address at 0(%rsp)
 * (pushed before the loop) store every GPR and RFLAGS into it; clobbers
 * nothing but the flags' copy on the stack. RSP is stored as it was
 * before this sequence (8 above: the pushed address stays).
 */
#define BATCH_STATE_STORE_ASM                                                  \
	"pushfq\n\t"                                                          \
	"push %%rax\n\t"                                                      \
	"mov 16(%%rsp), %%rax\n\t"                                            \
	"mov %%rcx, 8(%%rax)\n\t"                                             \
	"mov %%rdx, 16(%%rax)\n\t"                                            \
	"mov %%rbx, 24(%%rax)\n\t"                                            \
	"mov %%rbp, 40(%%rax)\n\t"                                            \
	"mov %%rsi, 48(%%rax)\n\t"                                            \
	"mov %%rdi, 56(%%rax)\n\t"                                            \
	"mov %%r8, 64(%%rax)\n\t"                                             \
	"mov %%r9, 72(%%rax)\n\t"                                             \
	"mov %%r10, 80(%%rax)\n\t"                                            \
	"mov %%r11, 88(%%rax)\n\t"                                            \
	"mov %%r12, 96(%%rax)\n\t"                                            \
	"mov %%r13, 104(%%rax)\n\t"                                           \
	"mov %%r14, 112(%%rax)\n\t"                                           \
	"mov %%r15, 120(%%rax)\n\t"                                           \
	"lea 16(%%rsp), %%rcx\n\t"                                            \
	"mov %%rcx, 32(%%rax)\n\t"                                            \
	"pop %%rcx\n\t"                                                       \
	"mov %%rcx, 0(%%rax)\n\t"                                             \
	"pop %%rcx\n\t"                                                       \
	"mov %%rcx, 128(%%rax)\n\t"

/*
 * The constant start of batch-pairs and batch-hostile (the assembly's
 * inputs: RDI = &state, RSI = the iteration count): RBP and RDI saved for
 * the end, R15 the counter, every other register but RAX, RCX, R11 and R12
 * (the sum) a known pattern, so the final state shows any register the
 * kernel got wrong.
 */
#define BATCH_STATE_LOAD_ASM                                                   \
	"push %%rbp\n\t"                                                      \
	"push %%rdi\n\t"                                                      \
	"mov %%rsi, %%r15\n\t"                                                \
	"mov $0x0101010101010101, %%rbx\n\t"                                  \
	"mov $0x0202020202020202, %%rbp\n\t"                                  \
	"mov $0x0303030303030303, %%rdx\n\t"                                  \
	"mov $0x0404040404040404, %%rsi\n\t"                                  \
	"mov $0x0505050505050505, %%rdi\n\t"                                  \
	"mov $0x0606060606060606, %%r8\n\t"                                   \
	"mov $0x0707070707070707, %%r9\n\t"                                   \
	"mov $0x0808080808080808, %%r10\n\t"                                  \
	"xor %%r12d, %%r12d\n\t"                                              \
	"mov $0x0909090909090909, %%r13\n\t"                                  \
	"mov $0x0a0a0a0a0a0a0a0a, %%r14\n\t"

/* The end of every batching workload's assembly: the state stored (the
 * &state pushed at the start), RDI and RBP back. */
#define BATCH_STATE_END_ASM BATCH_STATE_STORE_ASM "pop %%rdi\n\t" "pop %%rbp\n\t"

/* Print the state line (prefix: the workload's name). */
void batch_state_print(const char *name, const struct batch_state *s);

#endif
