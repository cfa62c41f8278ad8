/*
 * Fault-safe access to guest memory: reads (l1_copy_safe,
 * l1_read_u64_safe), writes (l1_write_safe) and the compare-and-exchange
 * of A/D-bit updates (l1_cmpxchg_u64_safe). If an access faults (#PF, #GP),
 * isr_dispatch (trap.c) finds the faulting RIP in the exception table
 * (.extable: pairs of instruction address, fixup address) and resumes at
 * the fixup, which returns -1 instead of crashing L1.
 *
 *   int l1_copy_safe(void *dst, const void *src, size_t len);  0 or -1
 *
 * Quadwords first (MOVSQ), then the tail bytes (MOVSB): under TCG every REP
 * iteration is a separately executed instruction, so this is 8x cheaper
 * than a byte loop for page-table entries, the common case on the exit path.
 */
	.text
	.code64
	.global l1_copy_safe
l1_copy_safe:
	movq %rdx, %rcx
	shrq $3, %rcx
1:	rep movsq
	movq %rdx, %rcx
	andq $7, %rcx
2:	rep movsb
	xorl %eax, %eax
	ret
3:	movl $-1, %eax
	ret

	.section .extable, "a"
	.align 8
	.quad 1b, 3b
	.quad 2b, 3b

/*
 *   int l1_read_u64_safe(const uint64_t *src, uint64_t *val);  0 or -1
 * One load with a fixup: the page-table-entry read of L2 page walks.
 */
	.text
	.global l1_read_u64_safe
l1_read_u64_safe:
4:	movq (%rdi), %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
5:	movl $-1, %eax
	ret

	.section .extable, "a"
	.quad 4b, 5b

/*
 *   int l1_write_safe(void *dst, const void *src, uint64_t len);  0 or -1
 * The write direction of l1_copy_safe (dst is L2 memory, src L1's): the
 * same quadwords-then-bytes copy, each REP with its own fixup, so a fault
 * on either side returns -1. Bytes before the faulting one may have been
 * written.
 */
	.text
	.global l1_write_safe
l1_write_safe:
	movq %rdx, %rcx
	shrq $3, %rcx
6:	rep movsq
	movq %rdx, %rcx
	andq $7, %rcx
7:	rep movsb
	xorl %eax, %eax
	ret
8:	movl $-1, %eax
	ret

	.section .extable, "a"
	.quad 6b, 8b
	.quad 7b, 8b

/*
 *   int l1_cmpxchg_u64_safe(uint64_t *p, uint64_t old, uint64_t new_);
 * One LOCK CMPXCHG with a fixup: the A/D-bit update of L2 page walks
 * (AMD APM vol.2 5.4.2: the processor sets them atomically too).
 * 0: *p was old and is now new_; 1: *p was not old, unchanged; -1: fault.
 */
	.text
	.global l1_cmpxchg_u64_safe
l1_cmpxchg_u64_safe:
	movq %rsi, %rax
9:	lock cmpxchgq %rdx, (%rdi)
	jne 10f
	xorl %eax, %eax
	ret
10:	movl $1, %eax
	ret
11:	movl $-1, %eax
	ret

	.section .extable, "a"
	.quad 9b, 11b

/*
 *   int l1_entries_equal_safe(uint64_t base, const uint64_t *off,
 *                             const uint64_t *val, unsigned n);
 * 1 if the 8 bytes at base + off[i] equal val[i] for every i < n, 0 at the
 * first that differs, -1 if a load faults: the walk cache's check that the
 * page-table entries of its last walk are unchanged, one load and one
 * compare per entry.
 */
	.text
	.global l1_entries_equal_safe
l1_entries_equal_safe:
	testl %ecx, %ecx
	jz 14f
12:	movq (%rsi), %rax
13:	movq (%rdi,%rax), %rax
	cmpq (%rdx), %rax
	jne 15f
	addq $8, %rsi
	addq $8, %rdx
	decl %ecx
	jnz 12b
14:	movl $1, %eax
	ret
15:	xorl %eax, %eax
	ret
16:	movl $-1, %eax
	ret

	.section .extable, "a"
	.quad 13b, 16b
