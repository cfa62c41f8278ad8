/*
 * Architectural register numbers and bits (MSRs, EFER, CR0, CR4, RFLAGS)
 * and exception vectors, constants only: included by the inline wrappers
 * (x86.h) and, since it has no assembly, by pure modules and host tests too
 * (guest page walk). Page-table formats: x86_paging.h.
 */
#ifndef NESTLAB_X86_REGS_H
#define NESTLAB_X86_REGS_H

/* MSRs (AMD APM vol.2 appendix A) */
#define MSR_TSC            0x00000010u
#define MSR_APIC_BASE      0x0000001Bu  /* SDM vol.3 11.4.4 */
#define MSR_SYSENTER_CS    0x00000174u
#define MSR_SYSENTER_ESP   0x00000175u
#define MSR_SYSENTER_EIP   0x00000176u
#define MSR_PAT            0x00000277u
#define MSR_EFER           0xC0000080u  /* APM vol.2 3.1.7 */
#define MSR_STAR           0xC0000081u  /* APM vol.2 6.1.1 SYSCALL/SYSRET */
#define MSR_LSTAR          0xC0000082u
#define MSR_CSTAR          0xC0000083u
#define MSR_SFMASK         0xC0000084u
#define MSR_FS_BASE        0xC0000100u
#define MSR_GS_BASE        0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u

#define EFER_SCE   (1ull << 0)
#define EFER_LME   (1ull << 8)
#define EFER_LMA   (1ull << 10)
#define EFER_NXE   (1ull << 11)
#define EFER_SVME  (1ull << 12)

/* CR0, CR4 (AMD APM vol.2 3.1.1, 3.1.3) */
#define CR0_PE     (1ull << 0)
#define CR0_MP     (1ull << 1)
#define CR0_EM     (1ull << 2)
#define CR0_TS     (1ull << 3)
#define CR0_ET     (1ull << 4)
#define CR0_NE     (1ull << 5)
#define CR0_WP     (1ull << 16)
#define CR0_AM     (1ull << 18)
#define CR0_NW     (1ull << 29)
#define CR0_CD     (1ull << 30)
#define CR0_PG     (1ull << 31)
#define CR4_VME    (1ull << 0)
#define CR4_PVI    (1ull << 1)
#define CR4_TSD    (1ull << 2)
#define CR4_DE     (1ull << 3)
#define CR4_PSE    (1ull << 4)   /* 4 MiB pages in 32-bit paging (APM 5.2) */
#define CR4_PAE    (1ull << 5)
#define CR4_MCE    (1ull << 6)
#define CR4_PGE    (1ull << 7)
#define CR4_PCE    (1ull << 8)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP   (1ull << 11)
#define CR4_LA57   (1ull << 12)  /* 5-level paging (long mode) */
#define CR4_VMXE   (1ull << 13)  /* Intel VMX */
#define CR4_SMXE   (1ull << 14)  /* Intel SMX */
#define CR4_FSGSBASE (1ull << 16)
#define CR4_PCIDE  (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP   (1ull << 20)  /* supervisor-mode execution prevention */
#define CR4_SMAP   (1ull << 21)  /* supervisor-mode access prevention */
#define CR4_PKE    (1ull << 22)  /* protection keys for user pages */
#define CR4_CET    (1ull << 23)  /* control-flow enforcement */

/* RFLAGS (AMD APM vol.2 3.1.6) */
#define RFLAGS_TF  (1ull << 8)
#define RFLAGS_IF  (1ull << 9)
#define RFLAGS_DF  (1ull << 10)
#define RFLAGS_VM  (1ull << 17)   /* virtual-8086 mode */
#define RFLAGS_AC  (1ull << 18)

/* DR6 (AMD APM vol.2 13.1.1.3) */
#define X86_DR6_BS (1ull << 14)   /* single-step trap */

#endif
