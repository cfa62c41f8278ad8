/*
 * kvmstat_names.c: the name tables behind nestlab-kvmstat's report: kvm
 * tracepoints per event kind, SVM exit codes (AMD APM vol 2, appendix C,
 * "SVM Intercept Exit Codes"), VMX basic exit reasons (Intel SDM vol 3,
 * appendix C, "VMX Basic Exit Reasons"), KVM_EXIT_* codes
 * (include/uapi/linux/kvm.h) and exception mnemonics (SDM vol 3, 6.3.1), and
 * the detail label of each counter key.
 */
#include <stdio.h>
#include <string.h>
#include "kvmstat_names.h"

static const char *const ks_tracepoints[KS_EV_COUNT] = {
	[KS_EV_EXIT] = "kvm_exit",
	[KS_EV_ENTRY] = "kvm_entry",
	[KS_EV_NESTED_VMEXIT] = "kvm_nested_vmexit",
	[KS_EV_NESTED_VMEXIT_INJECT] = "kvm_nested_vmexit_inject",
	[KS_EV_NESTED_VMENTER] = "kvm_nested_vmenter",
	[KS_EV_NESTED_VMRUN] = "kvm_nested_vmrun",
	[KS_EV_PIO] = "kvm_pio",
	[KS_EV_MMIO] = "kvm_mmio",
	[KS_EV_MSR] = "kvm_msr",
	[KS_EV_CPUID] = "kvm_cpuid",
	[KS_EV_HYPERCALL] = "kvm_hypercall",
	[KS_EV_PAGE_FAULT] = "kvm_page_fault",
	[KS_EV_EMULATE_INSN] = "kvm_emulate_insn",
	[KS_EV_USERSPACE_EXIT] = "kvm_userspace_exit",
	[KS_EV_INJ_EXCEPTION] = "kvm_inj_exception",
};

const char *ks_event_tracepoint(unsigned event)
{
	return event < KS_EV_COUNT ? ks_tracepoints[event] : NULL;
}

const char *ks_event_short(unsigned event)
{
	return event < KS_EV_COUNT ? ks_tracepoints[event] + 4 : NULL;
}

int ks_event_lookup(const char *name)
{
	for (unsigned i = 0; i < KS_EV_COUNT; i++)
		if (!strcmp(name, ks_tracepoints[i]) || !strcmp(name, ks_tracepoints[i] + 4))
			return (int)i;
	return -1;
}

/* APM vol 2, table C-1, codes 0x60..0xa6 (0x00..0x5f are CR/DR/exception ranges). */
static const char *const ks_svm_misc[] = {
	[0x60 - 0x60] = "VMEXIT_INTR", [0x61 - 0x60] = "VMEXIT_NMI",
	[0x62 - 0x60] = "VMEXIT_SMI", [0x63 - 0x60] = "VMEXIT_INIT",
	[0x64 - 0x60] = "VMEXIT_VINTR", [0x65 - 0x60] = "VMEXIT_CR0_SEL_WRITE",
	[0x66 - 0x60] = "VMEXIT_IDTR_READ", [0x67 - 0x60] = "VMEXIT_GDTR_READ",
	[0x68 - 0x60] = "VMEXIT_LDTR_READ", [0x69 - 0x60] = "VMEXIT_TR_READ",
	[0x6a - 0x60] = "VMEXIT_IDTR_WRITE", [0x6b - 0x60] = "VMEXIT_GDTR_WRITE",
	[0x6c - 0x60] = "VMEXIT_LDTR_WRITE", [0x6d - 0x60] = "VMEXIT_TR_WRITE",
	[0x6e - 0x60] = "VMEXIT_RDTSC", [0x6f - 0x60] = "VMEXIT_RDPMC",
	[0x70 - 0x60] = "VMEXIT_PUSHF", [0x71 - 0x60] = "VMEXIT_POPF",
	[0x72 - 0x60] = "VMEXIT_CPUID", [0x73 - 0x60] = "VMEXIT_RSM",
	[0x74 - 0x60] = "VMEXIT_IRET", [0x75 - 0x60] = "VMEXIT_SWINT",
	[0x76 - 0x60] = "VMEXIT_INVD", [0x77 - 0x60] = "VMEXIT_PAUSE",
	[0x78 - 0x60] = "VMEXIT_HLT", [0x79 - 0x60] = "VMEXIT_INVLPG",
	[0x7a - 0x60] = "VMEXIT_INVLPGA", [0x7b - 0x60] = "VMEXIT_IOIO",
	[0x7c - 0x60] = "VMEXIT_MSR", [0x7d - 0x60] = "VMEXIT_TASK_SWITCH",
	[0x7e - 0x60] = "VMEXIT_FERR_FREEZE", [0x7f - 0x60] = "VMEXIT_SHUTDOWN",
	[0x80 - 0x60] = "VMEXIT_VMRUN", [0x81 - 0x60] = "VMEXIT_VMMCALL",
	[0x82 - 0x60] = "VMEXIT_VMLOAD", [0x83 - 0x60] = "VMEXIT_VMSAVE",
	[0x84 - 0x60] = "VMEXIT_STGI", [0x85 - 0x60] = "VMEXIT_CLGI",
	[0x86 - 0x60] = "VMEXIT_SKINIT", [0x87 - 0x60] = "VMEXIT_RDTSCP",
	[0x88 - 0x60] = "VMEXIT_ICEBP", [0x89 - 0x60] = "VMEXIT_WBINVD",
	[0x8a - 0x60] = "VMEXIT_MONITOR", [0x8b - 0x60] = "VMEXIT_MWAIT",
	[0x8c - 0x60] = "VMEXIT_MWAIT_CONDITIONAL", [0x8d - 0x60] = "VMEXIT_XSETBV",
	[0x8e - 0x60] = "VMEXIT_RDPRU", [0x8f - 0x60] = "VMEXIT_EFER_WRITE_TRAP",
	[0xa0 - 0x60] = "VMEXIT_INVLPGB", [0xa1 - 0x60] = "VMEXIT_INVLPGB_ILLEGAL",
	[0xa2 - 0x60] = "VMEXIT_INVPCID", [0xa3 - 0x60] = "VMEXIT_MCOMMIT",
	[0xa4 - 0x60] = "VMEXIT_TLBSYNC", [0xa5 - 0x60] = "VMEXIT_BUSLOCK",
	[0xa6 - 0x60] = "VMEXIT_IDLE_HLT",
};

/* Range names need a number: built into a small static table once. */
static char ks_svm_range[0x60 + 0x10][24];

const char *ks_svm_exit_name(uint32_t code)
{
	if (code < 0x60 || (code >= 0x90 && code < 0xa0)) {
		uint32_t slot = code < 0x60 ? code : 0x60 + (code - 0x90);
		char *s = ks_svm_range[slot];
		if (!s[0]) {
			if (code < 0x10)
				snprintf(s, sizeof(ks_svm_range[0]), "VMEXIT_CR%u_READ", code);
			else if (code < 0x20)
				snprintf(s, sizeof(ks_svm_range[0]), "VMEXIT_CR%u_WRITE", code - 0x10);
			else if (code < 0x30)
				snprintf(s, sizeof(ks_svm_range[0]), "VMEXIT_DR%u_READ", code - 0x20);
			else if (code < 0x40)
				snprintf(s, sizeof(ks_svm_range[0]), "VMEXIT_DR%u_WRITE", code - 0x30);
			else if (code < 0x60)
				snprintf(s, sizeof(ks_svm_range[0]), "VMEXIT_EXCP%u", code - 0x40);
			else
				snprintf(s, sizeof(ks_svm_range[0]), "VMEXIT_CR%u_WRITE_TRAP", code - 0x90);
		}
		return s;
	}
	if (code < 0x60 + sizeof(ks_svm_misc) / sizeof(ks_svm_misc[0]))
		return ks_svm_misc[code - 0x60];
	switch (code) {
	case 0x400: return "VMEXIT_NPF";
	case 0x401: return "VMEXIT_AVIC_INCOMPLETE_IPI";
	case 0x402: return "VMEXIT_AVIC_NOACCEL";
	case 0x403: return "VMEXIT_VMGEXIT";
	case 0xffffffffu: return "VMEXIT_INVALID";
	case 0xfffffffeu: return "VMEXIT_BUSY";
	}
	return NULL;
}

/* SDM vol 3, appendix C (table C-1). */
static const char *const ks_vmx_names[] = {
	[0] = "EXCEPTION_OR_NMI", [1] = "EXTERNAL_INTERRUPT", [2] = "TRIPLE_FAULT",
	[3] = "INIT_SIGNAL", [4] = "SIPI", [5] = "IO_SMI", [6] = "OTHER_SMI",
	[7] = "INTERRUPT_WINDOW", [8] = "NMI_WINDOW", [9] = "TASK_SWITCH",
	[10] = "CPUID", [11] = "GETSEC", [12] = "HLT", [13] = "INVD", [14] = "INVLPG",
	[15] = "RDPMC", [16] = "RDTSC", [17] = "RSM", [18] = "VMCALL", [19] = "VMCLEAR",
	[20] = "VMLAUNCH", [21] = "VMPTRLD", [22] = "VMPTRST", [23] = "VMREAD",
	[24] = "VMRESUME", [25] = "VMWRITE", [26] = "VMXOFF", [27] = "VMXON",
	[28] = "CR_ACCESS", [29] = "MOV_DR", [30] = "IO_INSTRUCTION", [31] = "RDMSR",
	[32] = "WRMSR", [33] = "ENTRY_FAIL_GUEST_STATE", [34] = "ENTRY_FAIL_MSR_LOADING",
	[36] = "MWAIT", [37] = "MONITOR_TRAP_FLAG", [39] = "MONITOR", [40] = "PAUSE",
	[41] = "ENTRY_FAIL_MACHINE_CHECK", [43] = "TPR_BELOW_THRESHOLD",
	[44] = "APIC_ACCESS", [45] = "VIRTUALIZED_EOI", [46] = "GDTR_IDTR_ACCESS",
	[47] = "LDTR_TR_ACCESS", [48] = "EPT_VIOLATION", [49] = "EPT_MISCONFIG",
	[50] = "INVEPT", [51] = "RDTSCP", [52] = "PREEMPTION_TIMER", [53] = "INVVPID",
	[54] = "WBINVD", [55] = "XSETBV", [56] = "APIC_WRITE", [57] = "RDRAND",
	[58] = "INVPCID", [59] = "VMFUNC", [60] = "ENCLS", [61] = "RDSEED",
	[62] = "PML_FULL", [63] = "XSAVES", [64] = "XRSTORS", [65] = "PCONFIG",
	[66] = "SPP_EVENT", [67] = "UMWAIT", [68] = "TPAUSE", [69] = "LOADIWKEY",
	[70] = "ENCLV", [72] = "ENQCMD_PASID_FAIL", [73] = "ENQCMDS_PASID_FAIL",
	[74] = "BUS_LOCK", [75] = "NOTIFY", [76] = "SEAMCALL", [77] = "TDCALL",
	[78] = "RDMSRLIST", [79] = "WRMSRLIST", [84] = "RDMSR_IMM", [85] = "WRMSR_IMM",
};

const char *ks_vmx_exit_name(uint32_t reason)
{
	if (reason < sizeof(ks_vmx_names) / sizeof(ks_vmx_names[0]))
		return ks_vmx_names[reason];
	return NULL;
}

static const char *const ks_kvm_exits[] = {
	"UNKNOWN", "EXCEPTION", "IO", "HYPERCALL", "DEBUG", "HLT", "MMIO",
	"IRQ_WINDOW_OPEN", "SHUTDOWN", "FAIL_ENTRY", "INTR", "SET_TPR", "TPR_ACCESS",
	"S390_SIEIC", "S390_RESET", "DCR", "NMI", "INTERNAL_ERROR", "OSI",
	"PAPR_HCALL", "S390_UCONTROL", "WATCHDOG", "S390_TSCH", "EPR",
	"SYSTEM_EVENT", "S390_STSI", "IOAPIC_EOI", "HYPERV", "ARM_NISV",
	"X86_RDMSR", "X86_WRMSR", "DIRTY_RING_FULL", "AP_RESET_HOLD",
	"X86_BUS_LOCK", "XEN", "RISCV_SBI", "RISCV_CSR", "NOTIFY",
	"LOONGARCH_IOCSR", "MEMORY_FAULT",
};

const char *ks_kvm_exit_name(uint32_t reason)
{
	if (reason < sizeof(ks_kvm_exits) / sizeof(ks_kvm_exits[0]))
		return ks_kvm_exits[reason];
	return NULL;
}

static const char *const ks_exceptions[32] = {
	"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", NULL, "TS", "NP",
	"SS", "GP", "PF", NULL, "MF", "AC", "MC", "XM", "VE", "CP", NULL, NULL,
	NULL, NULL, NULL, NULL, "HV", "VC", "SX", NULL,
};

const char *ks_exception_name(uint32_t vector)
{
	return vector < 32 ? ks_exceptions[vector] : NULL;
}

void ks_exit_label(char *buf, size_t len, uint32_t isa, uint32_t reason)
{
	const char *n = NULL;
	if (isa == KS_ISA_SVM) {
		n = ks_svm_exit_name(reason);
	} else if (isa == KS_ISA_VMX) {
		/* SDM vol 3, 28.2.1: bits 15:0 basic reason, bit 31 VM-entry failure. */
		n = ks_vmx_exit_name(reason & 0xffff);
		if (n && (reason & 0x80000000u)) {
			snprintf(buf, len, "%s (entry failed)", n);
			return;
		}
		if (reason & 0xffff0000u)
			n = NULL;
	}
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "reason 0x%x", reason);
}

void ks_detail_label(char *buf, size_t len, uint32_t event, uint32_t arg, uint64_t code)
{
	const char *n;
	switch (event) {
	case KS_EV_EXIT:
	case KS_EV_NESTED_VMEXIT:
	case KS_EV_NESTED_VMEXIT_INJECT:
		ks_exit_label(buf, len, arg, (uint32_t)code);
		break;
	case KS_EV_PIO:
		snprintf(buf, len, "port 0x%04x %s", (unsigned)code, arg ? "write" : "read");
		break;
	case KS_EV_MSR:
		snprintf(buf, len, "msr 0x%08x %s%s", (unsigned)code,
			 (arg & KS_MSR_WRITE) ? "write" : "read", (arg & KS_MSR_GP) ? " #GP" : "");
		break;
	case KS_EV_MMIO:
		snprintf(buf, len, "%s", arg == 0 ? "unsatisfied-read" : arg == 1 ? "read" :
			 arg == 2 ? "write" : "type?");
		break;
	case KS_EV_CPUID:
		snprintf(buf, len, "leaf 0x%08x", (unsigned)code);
		break;
	case KS_EV_HYPERCALL:
		snprintf(buf, len, "nr 0x%llx", (unsigned long long)code);
		break;
	case KS_EV_PAGE_FAULT:
		snprintf(buf, len, "error code 0x%llx", (unsigned long long)code);
		break;
	case KS_EV_EMULATE_INSN:
		snprintf(buf, len, "%s", arg ? "failed" : "ok");
		break;
	case KS_EV_USERSPACE_EXIT:
		if (arg == KS_UEXIT_ERROR)
			snprintf(buf, len, code == 4 ? "restart (EINTR)" : "error %llu",
				 (unsigned long long)code);
		else if ((n = ks_kvm_exit_name((uint32_t)code)))
			snprintf(buf, len, "KVM_EXIT_%s", n);
		else
			snprintf(buf, len, "KVM_EXIT %llu", (unsigned long long)code);
		break;
	case KS_EV_INJ_EXCEPTION:
		if ((n = ks_exception_name((uint32_t)code)))
			snprintf(buf, len, "#%s", n);
		else
			snprintf(buf, len, "vector %llu", (unsigned long long)code);
		break;
	default:
		snprintf(buf, len, "-");
		break;
	}
}
