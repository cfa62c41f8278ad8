/*
 * The register frame entry.S's isr_common builds on the kernel stack, from
 * the lowest address up: the general registers in reverse push order, the
 * vector and error code the stub pushed, then the CPU's interrupt frame
 * (AMD APM vol.2 8.9.3, long-mode stack frame).
 */
#ifndef L2_TRAP_H
#define L2_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void trap_handler(struct trap_frame *f);

#endif
