/*
 * The exception entry shared by L1 and the L2 kernel (isr_entry.S): 32
 * stubs for vectors 0-31 that push a uniform frame (a zero error code where
 * the CPU pushes none, AMD APM vol.2 8.2 table 8-1), save the GPRs and call
 * isr_dispatch(frame), which each kernel defines. If it returns, the frame
 * (possibly edited: RIP of a fixup, RAX of a result) is restored and IRETQ
 * resumes.
 */
#ifndef NESTLAB_ISR_H
#define NESTLAB_ISR_H

#include <stdint.h>

/* From the lowest address up: the GPRs in reverse push order, the vector
 * and error code the stub pushed, then the CPU's long-mode interrupt frame
 * (AMD APM vol.2 8.9.3). */
struct isr_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Addresses of the 32 stubs, for building an IDT. */
extern const uint64_t isr_table[32];

/* Defined by each kernel. */
void isr_dispatch(struct isr_frame *f);

#endif
