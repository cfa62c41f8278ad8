/*
 * Workload "batch-fault" (a negative test): a system call followed by an
 * instruction that faults, so the batching look-ahead must stop before it
 * and ring 3 must take the fault at that instruction, with the same
 * registers as without batching (docs/batching.md, "Bad input"). The case
 * is iterations mod 8; cases 0-3 are one getpid inside the phase, then:
 *
 *   0  an over-long instruction, 15 x 66 + 90 (16 bytes): #GP
 *      (look-ahead: invalid, x86dec's TOO_LONG)
 *   1  an instruction crossing into an unmapped page: the 8 bytes
 *      b8 02 00 00 00 0f 05 48 (mov $getpid, %eax; syscall; a REX prefix)
 *      at the stack's top, [L2_USER_STACK_TOP - 8, L2_USER_STACK_TOP) (the
 *      slot user_start, which never returns, does not use); the page above
 *      is unmapped: #PF at L2_USER_STACK_TOP - 1 with CR2 =
 *      L2_USER_STACK_TOP (look-ahead: fetch)
 *   2  a LOCK prefix on a register operand (f0 48 01 c3): #UD
 *      (look-ahead: invalid; x86dec knows LOCK is only for memory forms)
 *   3  a load from an unmapped user address (0x5A000000): #PF
 *      (look-ahead: mem)
 *
 * and cases 4-7 the same four with a CPUID (leaf 0; at level 2 an exit
 * whose L1 look-ahead, --batch l1, must stop before the faulting
 * instruction: invalid, fetch, invalid, mem) in place of the getpid; for
 * case 5 the 8 bytes at the stack's top are b8 00 00 00 00 0f a2 48 (mov
 * $0, %eax; cpuid; a REX prefix).
 *
 * The run ends with NESTLAB_STATUS_L2_EXCEPTION and the kernel's report
 * (vector, RIP, CR2, all registers), at both levels. The phase never
 * ends; batch=kernel's counters for it show the one entry and why it
 * ended.
 */
#include "ulib.h"

#define FAULT_UNMAPPED_VA 0x5A000000ull

int wl_batch_fault(const struct wl_args *a)
{
	volatile uint8_t *top = (volatile uint8_t *)(uintptr_t)(L2_USER_STACK_TOP - 8);
	static const uint8_t crossing[8] = { 0xb8, L2_SYS_GETPID, 0, 0, 0, 0x0f, 0x05, 0x48 };
	static const uint8_t crossing_cpuid[8] = { 0xb8, 0, 0, 0, 0, 0x0f, 0xa2, 0x48 };
	unsigned which = (unsigned)(a->iterations % 8);

	if (which == 1 || which == 5)
		for (unsigned i = 0; i < 8; i++)
			top[i] = which == 1 ? crossing[i] : crossing_cpuid[i];
	if (u_phase_begin(a) < 0)
		return NESTLAB_STATUS_WORKLOAD_FAIL;
	switch (which) {
	case 0:
		__asm__ __volatile__("mov $%c[nr], %%eax\n\t"
				     "syscall\n\t"
				     ".fill 15, 1, 0x66\n\t"
				     "nop\n\t"
				     : : [nr] "i"(L2_SYS_GETPID) : "rax", "rcx", "r11", "memory");
		break;
	case 1:
	case 5:
		__asm__ __volatile__("jmp *%0" : : "r"(L2_USER_STACK_TOP - 8) : "memory");
		break;
	case 2:
		__asm__ __volatile__("mov $%c[nr], %%eax\n\t"
				     "syscall\n\t"
				     ".byte 0xf0, 0x48, 0x01, 0xc3\n\t"   /* lock add %rax, %rbx */
				     : : [nr] "i"(L2_SYS_GETPID)
				     : "rax", "rbx", "rcx", "r11", "memory", "cc");
		break;
	case 3:
		__asm__ __volatile__("mov $%c[nr], %%eax\n\t"
				     "syscall\n\t"
				     "mov (%0), %%rax\n\t"
				     : : "r"(FAULT_UNMAPPED_VA), [nr] "i"(L2_SYS_GETPID)
				     : "rax", "rcx", "r11", "memory");
		break;
	case 4:
		__asm__ __volatile__("xor %%eax, %%eax\n\t"
				     "cpuid\n\t"
				     ".fill 15, 1, 0x66\n\t"
				     "nop\n\t"
				     : : : "rax", "rbx", "rcx", "rdx", "memory");
		break;
	case 6:
		__asm__ __volatile__("xor %%eax, %%eax\n\t"
				     "cpuid\n\t"
				     ".byte 0xf0, 0x48, 0x01, 0xc3\n\t"   /* lock add %rax, %rbx */
				     : : : "rax", "rbx", "rcx", "rdx", "memory", "cc");
		break;
	case 7:
		__asm__ __volatile__("xor %%eax, %%eax\n\t"
				     "cpuid\n\t"
				     "mov (%%rsi), %%rax\n\t"
				     : : "S"(FAULT_UNMAPPED_VA)
				     : "rax", "rbx", "rcx", "rdx", "memory");
		break;
	}
	u_printf("batch-fault: case %u did not fault\n", which);
	return NESTLAB_STATUS_WORKLOAD_FAIL;
}
