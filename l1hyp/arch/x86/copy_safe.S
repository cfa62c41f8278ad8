/*
 * Fault-safe memory copy for reading guest memory (seed 003): if the copy
 * faults (#PF, #GP), l1_exception finds the faulting RIP in the exception
 * table and resumes at the fixup, which returns -1 instead of crashing L1.
 *
 *   int l1_copy_safe(void *dst, const void *src, size_t len);  0 or -1
 */
	.text
	.code64
	.global l1_copy_safe
l1_copy_safe:
	movq %rdx, %rcx
1:	rep movsb
	xorl %eax, %eax
	ret
2:	movl $-1, %eax
	ret

	.section .extable, "a"
	.align 8
	.quad 1b, 2b
