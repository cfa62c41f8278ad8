/*
 * The test kernel's shared contract (guests/tests/testkernel/, docs/platform.md
 * "The test kernel"): a freestanding multiboot v1 ELF kernel that checks the
 * PC platform it boots on - exceptions, the local APIC (xAPIC, x2APIC,
 * timer, priorities), fw_cfg, the 8254 PIT and the 8259 PICs - and prints
 * kvm-unit-tests-style lines on COM1. It prints the same lines booted by
 * QEMU directly (level 1) and under nestlab's L1 (level 2), so nothing
 * machine-dependent may appear in a PASS or SKIP line.
 *
 * This header declares the reporting (report.c), traps and interrupts
 * (trap.c, entry.S), port I/O not in lib/freestanding/x86.h, and one entry
 * point per test group (t_*.c), run in order by main.c.
 */
#ifndef TK_H
#define TK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "freestanding/x86.h"

/* ---- reporting (report.c) ---------------------------------------------- */

/* "PASS: <group>: <what>" when ok, else "FAIL: <group>: <what> (got G,
 * expected W)" with both values in hex; returns ok. */
bool tk_check(const char *group, bool ok, uint64_t got, uint64_t want, const char *what, ...)
	__attribute__((format(printf, 5, 6)));
/* tk_check of got == want. */
bool tk_expect(const char *group, uint64_t got, uint64_t want, const char *what, ...)
	__attribute__((format(printf, 4, 5)));
/* "SKIP: <group>: <why>" */
void tk_skip(const char *group, const char *why, ...) __attribute__((format(printf, 2, 3)));
/* "SUMMARY: N tests, F unexpected failures, S skipped", then the run's
 * status through isa-debug-exit (include/nestlab/status.h). */
__attribute__((noreturn)) void tk_finish(void);

/* ---- traps and interrupts (trap.c, entry.S) ----------------------------- */

/* The frame entry.S builds: the GPRs in reverse push order, the vector and
 * error code (0 where the CPU pushes none), then the CPU's long-mode
 * interrupt frame (AMD APM vol.2 8.9.3, Intel SDM vol.3 6.14.2). */
struct tk_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define TK_NO_FAULT  (-1)      /* the guarded instruction raised nothing */
#define TK_VEC_GP    13
#define TK_VEC_UD    6

void tk_trap_init(void);
/* A handler for an interrupt vector (32..255); NULL restores the default
 * one, which counts the vector as unexpected. */
typedef void (*tk_irq_fn)(struct tk_frame *f);
void tk_irq_set(unsigned vector, tk_irq_fn fn);
/* Interrupts that reached the default handler since boot, and the last. */
extern volatile unsigned tk_unexpected_irqs, tk_unexpected_vector;

/* An instruction that may fault, for inline assembly: its address and the
 * next one's go to the exception table, so an exception it raises sets
 * tk_fault_vector (and its error code tk_fault_error) and execution
 * resumes after it. Set tk_fault_vector to TK_NO_FAULT before. */
#define TK_GUARDED(insn) \
	"1: " insn "\n2:\n" \
	".pushsection tk_extable, \"a\"\n.balign 8\n.quad 1b, 2b\n.popsection\n"
extern volatile int tk_fault_vector;
extern volatile uint64_t tk_fault_error;

/* RDMSR/WRMSR that return the exception vector they raised, or TK_NO_FAULT
 * (an exception table entry resumes after the instruction). */
int tk_rdmsr_safe(uint32_t msr, uint64_t *val);
int tk_wrmsr_safe(uint32_t msr, uint64_t val);

static inline void tk_sti(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline void tk_cli(void) { __asm__ __volatile__("cli" ::: "memory"); }
/* STI, one instruction of interrupt shadow, a window to take what is
 * pending (SDM vol.3 6.8.3), CLI. */
static inline void tk_irq_window(void)
{
	__asm__ __volatile__("sti; nop; nop; cli" ::: "memory");
}
/* STI; HLT: the shadow of STI covers HLT, so an interrupt pending before
 * it wakes the HLT rather than being taken before it (SDM vol.3 6.8.3). */
static inline void tk_sti_hlt(void) { __asm__ __volatile__("sti; hlt; cli" ::: "memory"); }
static inline void tk_pause(void) { __asm__ __volatile__("pause" ::: "memory"); }
/* A busy loop of n iterations the compiler cannot drop. */
static inline void tk_spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		tk_pause();
}

static inline void tk_outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

/* ---- the multiboot information (boot.S saves it) ------------------------ */
extern uint32_t tk_mb_magic, tk_mb_info;

/* ---- test groups, in the order main.c runs them ------------------------- */
void tk_test_trap(void);
void tk_test_pic(void);
void tk_test_pit(void);
void tk_test_fw_cfg(void);
void tk_test_xapic(void);
void tk_test_irq(void);
void tk_test_eoi(void);
void tk_test_tpr(void);
void tk_test_timer(void);
void tk_test_tsc_deadline(void);
void tk_test_x2apic(void);

#endif
