/*
 * One world switch into L2 and back (AMD APM vol.2 15.5 "VMRUN", 15.6
 * "#VMEXIT", 15.5.2 "VMSAVE and VMLOAD").
 *
 *   void svm_vmrun(uint64_t *gprs, uint64_t guest_vmcb_pa,
 *                  uint64_t host_save_pa);
 *
 * VMRUN saves and restores only part of the host state and loads only part
 * of the guest's: FS/GS/TR/LDTR bases, KernelGsBase, STAR/LSTAR/CSTAR/SFMASK
 * and SYSENTER_* move with VMLOAD/VMSAVE, so the switch is
 *   CLGI; STI; VMLOAD guest; VMRUN; VMSAVE guest; VMLOAD host; CLI; STGI.
 * RAX and RSP travel in the VMCB; every other GPR is loaded from and stored
 * back to gprs[] here, which is struct x86emu_regs.gpr in architectural
 * (REX) order: RAX 0x00, RCX 0x08, RDX 0x10, RBX 0x18, RSP 0x20, RBP 0x28,
 * RSI 0x30, RDI 0x38, R8..R15 0x40..0x78 (the RAX and RSP slots are the
 * caller's to sync with the VMCB).
 */
	.text
	.code64
	.global svm_vmrun
svm_vmrun:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdx                 /* host save area */
	pushq %rdi                 /* gprs */

	movq %rsi, %rax            /* guest VMCB */
	clgi
	/* Run L2 with L1's RFLAGS.IF = 1: under V_INTR_MASKING the host's IF
	 * gates physical interrupts in the guest (APM 15.21.1), so L1's own
	 * timer interrupt ends L2's run as #VMEXIT(INTR). GIF = 0 keeps it
	 * from being taken here; L1 is back to IF = 0 before STGI. */
	sti
	vmload %rax

	movq 0x08(%rdi), %rcx
	movq 0x10(%rdi), %rdx
	movq 0x18(%rdi), %rbx
	movq 0x28(%rdi), %rbp
	movq 0x30(%rdi), %rsi
	movq 0x40(%rdi), %r8
	movq 0x48(%rdi), %r9
	movq 0x50(%rdi), %r10
	movq 0x58(%rdi), %r11
	movq 0x60(%rdi), %r12
	movq 0x68(%rdi), %r13
	movq 0x70(%rdi), %r14
	movq 0x78(%rdi), %r15
	movq 0x38(%rdi), %rdi

	vmrun %rax                 /* returns here on #VMEXIT, RAX/RSP = host's */

	pushq %rdi                 /* guest RDI */
	movq 8(%rsp), %rdi         /* gprs */
	movq %rcx, 0x08(%rdi)
	movq %rdx, 0x10(%rdi)
	movq %rbx, 0x18(%rdi)
	movq %rbp, 0x28(%rdi)
	movq %rsi, 0x30(%rdi)
	popq 0x38(%rdi)
	movq %r8,  0x40(%rdi)
	movq %r9,  0x48(%rdi)
	movq %r10, 0x50(%rdi)
	movq %r11, 0x58(%rdi)
	movq %r12, 0x60(%rdi)
	movq %r13, 0x68(%rdi)
	movq %r14, 0x70(%rdi)
	movq %r15, 0x78(%rdi)

	vmsave %rax
	popq %rdi
	popq %rax                  /* host save area */
	vmload %rax
	cli
	stgi

	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
