/*
 * x86 exception vectors and their mnemonics (AMD APM vol.2 8.2 table 8-1;
 * Intel SDM vol.3 6.3.1 table 6-1), written once for L1, the L2 kernel and
 * host tests. Constants and one name function, no assembly.
 */
#ifndef NESTLAB_X86_EXCEPTIONS_H
#define NESTLAB_X86_EXCEPTIONS_H

#define X86_EXC_DE   0   /* divide error */
#define X86_EXC_DB   1   /* debug */
#define X86_EXC_NMI  2
#define X86_EXC_BP   3   /* breakpoint (INT3) */
#define X86_EXC_OF   4   /* overflow (INTO) */
#define X86_EXC_BR   5   /* bound range */
#define X86_EXC_UD   6   /* invalid opcode */
#define X86_EXC_NM   7   /* device not available */
#define X86_EXC_DF   8   /* double fault */
#define X86_EXC_TS   10  /* invalid TSS */
#define X86_EXC_NP   11  /* segment not present */
#define X86_EXC_SS   12  /* stack fault */
#define X86_EXC_GP   13  /* general protection */
#define X86_EXC_PF   14  /* page fault */
#define X86_EXC_MF   16  /* x87 floating point */
#define X86_EXC_AC   17  /* alignment check */
#define X86_EXC_MC   18  /* machine check */
#define X86_EXC_XM   19  /* SIMD floating point */
#define X86_EXC_VE   20  /* virtualization exception (Intel) */
#define X86_EXC_CP   21  /* control protection */
#define X86_EXC_HV   28  /* hypervisor injection (AMD SEV-SNP) */
#define X86_EXC_VC   29  /* VMM communication (AMD SEV-ES) */
#define X86_EXC_SX   30  /* security exception (AMD) */
#define X86_EXC_NR   32

/* "#GP" for 13; "#15" and the like for reserved vectors; "#?" beyond 31. */
static inline const char *x86_exception_name(unsigned long vector)
{
	static const char *const names[X86_EXC_NR] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
		"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
		"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
		"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
	};

	return vector < X86_EXC_NR ? names[vector] : "#?";
}

#endif
