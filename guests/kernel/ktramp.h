/*
 * trampoline=global|process (ktramp.c, docs/tramp.md): the system-call
 * table's call through a trampoline learned from the calls (lib/tramp), one
 * for the kernel or one per process. syscall.c calls the live trampoline
 * inline and ktramp_learn before; ktramp_init runs at
 * boot after the kernel's page tables are built, ktramp_proc_map as each
 * process's tables are (process.c); ktramp_report prints the generations
 * and the results counters at the end of the run.
 */
#ifndef L2_KTRAMP_H
#define L2_KTRAMP_H

#include <stdint.h>
#include <nestlab/ktramp.h>
#include <nestlab/procs.h>
#include "uapi.h"

typedef int64_t (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

extern const syscall_fn syscall_table[L2_SYS_NR];
/*
 * The dispatch's state and its counts per entry, alone in one page
 * (ktramp_local): with trampoline=process each process's tables map that
 * page's address to the process's own copy (ktramp.c), so the same loads
 * read the running process's state and counts, and a context switch needs
 * nothing but its CR3 load. In the other modes it is the one page.
 */
union ktramp_local_page {
	struct {
		int state;                      /* ktramp_state below */
		uint64_t counts[L2_SYS_NR];     /* calls per entry, counted on return */
	} v;
	uint8_t page[4096];
};
extern union ktramp_local_page ktramp_local;
#define ktramp_state   (ktramp_local.v.state)
#define syscall_counts (ktramp_local.v.counts)

#define KTRAMP_HOT NESTLAB_KTRAMP_HOT /* hot entries the trampoline compares */

/* Error codes of the kernel's trampoline (lib/tramp's are -150..-152). */
#define KTRAMP_E_NOALIAS (-160) /* process: no 4 KiB alias to write a frame through */
#define KTRAMP_E_MBEC    (-161) /* mbec=on: the page's MBEC_SET failed */

/* ktramp_state: KTRAMP_OFF (the table), KTRAMP_LEARN (ktramp_learn),
 * KTRAMP_LIVE (the published trampoline, called inline by syscall.c); with
 * trampoline=process the running process's. */
#define KTRAMP_OFF     0
#define KTRAMP_LEARN   1
#define KTRAMP_LIVE    (-1)  /* negative: one test tells all three apart */
extern uint8_t ktramp_page[4096]; /* where the trampoline runs (its own PTE) */

/* Set up the page (W^X: writable and NX) and the counters; NULL or why not. */
const char *ktramp_init(void);

/* trampoline=process: give process index (in creation order) its own page
 * directory and page table above ktramp_page, mapping its own frames there
 * and at ktramp_local (the trampoline read-only, NX until published; the
 * state writable, NX); root is its PML4, pdpt its PDPT with the kernel half
 * copied. NULL, or why not. Nothing in other modes. */
const char *ktramp_proc_map(unsigned index, uint64_t root, uint64_t *pdpt);

/* One system call nr < L2_SYS_NR while learning: through the table,
 * counted; the window's last call publishes the (running process's)
 * trampoline. */
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

/* Registered (kphase_hook_add) with a trampoline on: the evaluation
 * starts at a phase's begin; at its end the phase's calls since then (or
 * since the generation) decide, with tramp_decide's hysteresis, whether a
 * new trampoline replaces the live one. Both run outside the phase's
 * measured part. */
extern const struct kphase_hook ktramp_phase_hook;

/* mbec=on, as the policy is declared: X_SUPER for every trampoline page
 * published before (0, or mbec_set's error with the reason in why). */
int ktramp_mbec_declare(char *why, size_t whylen);

/* The end of the run: the generations, the direct/table counts, the W^X
 * probe and the phases' results counters (include/nestlab/ktramp.h). */
void ktramp_report(void);

#endif
