/*
 * What the trampoline test and the native benchmark both need to run
 * generated code in this process: a retpoline thunk to *R11 (the
 * construction of Linux's __x86_indirect_thunk_r11: call 1f; 2: pause;
 * lfence; jmp 2b; 1: mov %r11, (%rsp); ret), a call that puts the index in
 * RAX as a call site does (below the red zone, caller-saved registers
 * clobbered), and a page within rel32 reach of the binary's code (a
 * trampoline sits next to the code it calls, as in a kernel).
 */
#ifndef LIB_TRAMP_TESTS_NATIVE_H
#define LIB_TRAMP_TESTS_NATIVE_H

#include <stdint.h>
#include <sys/mman.h>

static const uint8_t tramp_retpoline_r11[] = {
	0xE8, 0x07, 0x00, 0x00, 0x00, 0xF3, 0x90, 0x0F, 0xAE, 0xE8, 0xEB, 0xF9,
	0x4C, 0x89, 0x1C, 0x24, 0xC3,
};

/* call the code at t with the index in RAX and a in RDI */
static inline long tramp_call(const void *t, long index, long a)
{
	long ret;

	__asm__ volatile("sub $128, %%rsp\n\tcall *%[t]\n\tadd $128, %%rsp"
			 : "=a"(ret), "+D"(a) : [t] "r"(t), "a"(index)
			 : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

/* A read-write page of the first free ones above near (a code address), or
 * NULL when none is free within 4 GiB above it. */
static inline uint8_t *tramp_page_near(const void *near)
{
	uintptr_t at = ((uintptr_t)near & ~(uintptr_t)0xFFF) + (16u << 20);

	for (unsigned i = 0; i < 4096; i++, at += 1u << 20) {
		void *p = mmap((void *)at, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p != MAP_FAILED)
			return p;
	}
	return NULL;
}

#endif
