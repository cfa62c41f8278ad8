/*
 * Vendor-neutral exit reasons, the names every level and every results file
 * uses. A name is the AMD APM's VMEXIT_* name (APM vol.2, appendix C "SVM
 * Intercept Exit Codes") in lower case without the prefix: VMEXIT_CPUID ->
 * "cpuid", VMEXIT_EXCP6 -> "excp_ud" (exceptions take their mnemonic).
 * "vmcall" is Intel's (SDM vol.3 appendix C), for the VMX backend.
 *
 * NESTLAB_EXIT_REASONS(X) lists each as X(enum-suffix, "name"); include this
 * header and expand it where a table is needed, never copy the list.
 */
#ifndef NESTLAB_EXIT_REASON_H
#define NESTLAB_EXIT_REASON_H

#define NESTLAB_EXIT_REASONS(X)         \
	X(CPUID,      "cpuid")              \
	X(VMMCALL,    "vmmcall")            \
	X(VMCALL,     "vmcall")             \
	X(IOIO,       "ioio")               \
	X(MSR,        "msr")                \
	X(NPF,        "npf")                \
	X(HLT,        "hlt")                \
	X(SHUTDOWN,   "shutdown")           \
	X(INTR,       "intr")               \
	X(NMI,        "nmi")                \
	X(SMI,        "smi")                \
	X(INIT,       "init")               \
	X(VINTR,      "vintr")              \
	X(VMRUN,      "vmrun")              \
	X(VMLOAD,     "vmload")             \
	X(VMSAVE,     "vmsave")             \
	X(STGI,       "stgi")               \
	X(CLGI,       "clgi")               \
	X(SKINIT,     "skinit")             \
	X(INVLPGA,    "invlpga")            \
	X(RDTSCP,     "rdtscp")             \
	X(INVD,       "invd")               \
	X(PAUSE,      "pause")              \
	X(MONITOR,    "monitor")            \
	X(MWAIT,      "mwait")              \
	X(XSETBV,     "xsetbv")             \
	X(TASK_SWITCH,"task_switch")        \
	X(CR0_WRITE,  "cr0_write")          \
	X(CR4_WRITE,  "cr4_write")          \
	X(CR8_WRITE,  "cr8_write")          \
	X(TR_WRITE,   "tr_write")           \
	X(IRET,       "iret")               \
	X(SWINT,      "swint")              \
	X(EXCP_DE,    "excp_de")            \
	X(EXCP_DB,    "excp_db")            \
	X(EXCP_BP,    "excp_bp")            \
	X(EXCP_UD,    "excp_ud")            \
	X(EXCP_GP,    "excp_gp")            \
	X(EXCP_PF,    "excp_pf")            \
	X(EXCP_AC,    "excp_ac")            \
	X(EXCP_MC,    "excp_mc")            \
	X(EXCP_OTHER, "excp_other")         \
	X(INVALID,    "invalid")            \
	X(UNKNOWN,    "unknown")

enum nestlab_exit_reason {
#define NESTLAB_EXIT_ENUM_(id, name) NESTLAB_EXIT_##id,
	NESTLAB_EXIT_REASONS(NESTLAB_EXIT_ENUM_)
#undef NESTLAB_EXIT_ENUM_
	NESTLAB_EXIT_NR
};

/* Name of a reason, or "unknown" when out of range. */
static inline const char *nestlab_exit_reason_name(unsigned int reason)
{
	static const char *const names[] = {
#define NESTLAB_EXIT_NAME_(id, name) name,
		NESTLAB_EXIT_REASONS(NESTLAB_EXIT_NAME_)
#undef NESTLAB_EXIT_NAME_
	};
	return reason < NESTLAB_EXIT_NR ? names[reason] : "unknown";
}

#endif
