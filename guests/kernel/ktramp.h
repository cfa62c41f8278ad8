/*
 * trampoline=global (ktramp.c, docs/tramp.md): the system-call table's call
 * through a trampoline learned from the calls (lib/tramp). syscall.c
 * calls the live trampoline inline and ktramp_learn before; ktramp_init runs at boot after
 * the kernel's page tables are built; ktramp_report prints the counters at
 * the end of the run.
 */
#ifndef L2_KTRAMP_H
#define L2_KTRAMP_H

#include <stdint.h>
#include "uapi.h"

typedef int64_t (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

extern const syscall_fn syscall_table[L2_SYS_NR];
extern uint64_t syscall_counts[L2_SYS_NR];

#define KTRAMP_HOT 4u          /* hot entries the trampoline compares */

/* ktramp_state: KTRAMP_OFF (the table), KTRAMP_LEARN (ktramp_learn),
 * KTRAMP_LIVE (the published trampoline, called inline by syscall.c). */
#define KTRAMP_OFF   0
#define KTRAMP_LEARN 1
#define KTRAMP_LIVE  (-1)  /* negative: one test tells all three apart */
extern int ktramp_state;
extern uint8_t ktramp_page[4096]; /* the trampoline's page (its own PTE) */

/* Set up the page (W^X: writable and NX) and the counters; NULL or why not. */
const char *ktramp_init(void);

/* One system call nr < L2_SYS_NR while learning: through the table,
 * counted; the window's last call publishes the trampoline. */
int64_t ktramp_learn(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		     uint64_t a4);

/* call ktramp_page with nr in RBX (callee-saved: the caller keeps nr
 * there anyway) and the arguments where a syscall_fn
 * takes them; everything the SysV ABI lets a callee clobber is clobbered
 * (the kernel has no SSE state, -mgeneral-regs-only, and no red zone). */
static inline int64_t ktramp_call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
				  uint64_t a3, uint64_t a4)
{
	register uint64_t rax __asm__("rax");
	register uint64_t rdi __asm__("rdi") = a0;
	register uint64_t rsi __asm__("rsi") = a1;
	register uint64_t rdx __asm__("rdx") = a2;
	register uint64_t rcx __asm__("rcx") = a3;
	register uint64_t r8 __asm__("r8") = a4;

	__asm__ __volatile__("call ktramp_page"
			     : "=r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(rcx), "+r"(r8)
			     : "b"(nr)
			     : "r9", "r10", "r11", "memory", "cc");
	return (int64_t)rax;
}

/* Phase markers (phase.c): the evaluation starts at a phase's begin; at
 * its end the phase's calls since then (or since the generation) decide,
 * with tramp_decide's hysteresis, whether a new trampoline replaces the
 * live one. Both run outside the phase's measured part. */
void ktramp_phase_begin(void);
void ktramp_phase_end(uint64_t index);

/* The end of the run: the generation and the direct/table counters. */
void ktramp_report(void);

#endif
