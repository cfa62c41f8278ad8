/*
 * Fault-safe memory copy for reading guest memory (seed 003): if a load
 * faults (#PF, #GP), isr_dispatch (trap.c) finds the faulting RIP in the exception
 * table and resumes at the fixup, which returns -1 instead of crashing L1.
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
