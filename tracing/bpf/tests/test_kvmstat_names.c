/*
 * Unit tests for kvmstat_names.c: tracepoint/event name mapping, the SVM
 * (APM vol 2, appendix C) and VMX (SDM vol 3, appendix C) exit-reason
 * tables, KVM_EXIT_* names and the detail labels of the report.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "kvmstat_names.h"

Test(kvmstat_names, event_lookup)
{
	cr_assert(eq(int, ks_event_lookup("kvm_pio"), KS_EV_PIO));
	cr_assert(eq(int, ks_event_lookup("pio"), KS_EV_PIO));
	cr_assert(eq(int, ks_event_lookup("nested_vmrun"), KS_EV_NESTED_VMRUN));
	cr_assert(eq(int, ks_event_lookup("kvm_userspace_exit"), KS_EV_USERSPACE_EXIT));
	cr_assert(eq(int, ks_event_lookup("bogus"), -1));
	cr_assert(eq(int, ks_event_lookup("kvm_"), -1));
	cr_assert(eq(str, (char *)ks_event_tracepoint(KS_EV_INJ_EXCEPTION), "kvm_inj_exception"));
	cr_assert(eq(str, (char *)ks_event_short(KS_EV_EXIT), "exit"));
	cr_assert(eq(ptr, (void *)ks_event_tracepoint(KS_EV_COUNT), NULL));
	for (unsigned e = 0; e < KS_EV_COUNT; e++)
		cr_assert(eq(int, ks_event_lookup(ks_event_tracepoint(e)), (int)e));
}

Test(kvmstat_names, svm_exit_codes)
{
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x72), "VMEXIT_CPUID"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x7b), "VMEXIT_IOIO"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x7c), "VMEXIT_MSR"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x81), "VMEXIT_VMMCALL"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x78), "VMEXIT_HLT"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x400), "VMEXIT_NPF"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x03), "VMEXIT_CR3_READ"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x14), "VMEXIT_CR4_WRITE"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x27), "VMEXIT_DR7_READ"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x4e), "VMEXIT_EXCP14"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0x93), "VMEXIT_CR3_WRITE_TRAP"));
	cr_assert(eq(str, (char *)ks_svm_exit_name(0xffffffffu), "VMEXIT_INVALID"));
	cr_assert(eq(ptr, (void *)ks_svm_exit_name(0x300), NULL));
	cr_assert(eq(ptr, (void *)ks_svm_exit_name(0xa7), NULL));
}

Test(kvmstat_names, vmx_exit_reasons)
{
	cr_assert(eq(str, (char *)ks_vmx_exit_name(10), "CPUID"));
	cr_assert(eq(str, (char *)ks_vmx_exit_name(18), "VMCALL"));
	cr_assert(eq(str, (char *)ks_vmx_exit_name(30), "IO_INSTRUCTION"));
	cr_assert(eq(str, (char *)ks_vmx_exit_name(31), "RDMSR"));
	cr_assert(eq(str, (char *)ks_vmx_exit_name(48), "EPT_VIOLATION"));
	cr_assert(eq(ptr, (void *)ks_vmx_exit_name(35), NULL));
	cr_assert(eq(ptr, (void *)ks_vmx_exit_name(1000), NULL));
}

Test(kvmstat_names, exit_labels)
{
	char b[64];
	ks_exit_label(b, sizeof(b), KS_ISA_SVM, 0x7b);
	cr_assert(eq(str, b, "VMEXIT_IOIO"));
	ks_exit_label(b, sizeof(b), KS_ISA_VMX, 30);
	cr_assert(eq(str, b, "IO_INSTRUCTION"));
	ks_exit_label(b, sizeof(b), KS_ISA_VMX, 0x80000021u);
	cr_assert(eq(str, b, "ENTRY_FAIL_GUEST_STATE (entry failed)"));
	ks_exit_label(b, sizeof(b), KS_ISA_VMX, 0x10000a);
	cr_assert(eq(str, b, "reason 0x10000a"));
	ks_exit_label(b, sizeof(b), 0, 0x72);
	cr_assert(eq(str, b, "reason 0x72"));
	ks_exit_label(b, sizeof(b), KS_ISA_SVM, 0x555);
	cr_assert(eq(str, b, "reason 0x555"));
}

Test(kvmstat_names, detail_labels)
{
	char b[64];
	ks_detail_label(b, sizeof(b), KS_EV_PIO, 1, 0x500);
	cr_assert(eq(str, b, "port 0x0500 write"));
	ks_detail_label(b, sizeof(b), KS_EV_PIO, 0, 0x3f8);
	cr_assert(eq(str, b, "port 0x03f8 read"));
	ks_detail_label(b, sizeof(b), KS_EV_MSR, KS_MSR_WRITE | KS_MSR_GP, 0xc0000082);
	cr_assert(eq(str, b, "msr 0xc0000082 write #GP"));
	ks_detail_label(b, sizeof(b), KS_EV_MSR, 0, 0x10);
	cr_assert(eq(str, b, "msr 0x00000010 read"));
	ks_detail_label(b, sizeof(b), KS_EV_CPUID, 0, 0x80000001u);
	cr_assert(eq(str, b, "leaf 0x80000001"));
	ks_detail_label(b, sizeof(b), KS_EV_HYPERCALL, 0, 0x6e6c);
	cr_assert(eq(str, b, "nr 0x6e6c"));
	ks_detail_label(b, sizeof(b), KS_EV_USERSPACE_EXIT, 0, 2);
	cr_assert(eq(str, b, "KVM_EXIT_IO"));
	ks_detail_label(b, sizeof(b), KS_EV_USERSPACE_EXIT, 0, 5);
	cr_assert(eq(str, b, "KVM_EXIT_HLT"));
	ks_detail_label(b, sizeof(b), KS_EV_USERSPACE_EXIT, KS_UEXIT_ERROR, 4);
	cr_assert(eq(str, b, "restart (EINTR)"));
	ks_detail_label(b, sizeof(b), KS_EV_USERSPACE_EXIT, KS_UEXIT_ERROR, 14);
	cr_assert(eq(str, b, "error 14"));
	ks_detail_label(b, sizeof(b), KS_EV_USERSPACE_EXIT, 0, 999);
	cr_assert(eq(str, b, "KVM_EXIT 999"));
	ks_detail_label(b, sizeof(b), KS_EV_INJ_EXCEPTION, 0, 6);
	cr_assert(eq(str, b, "#UD"));
	ks_detail_label(b, sizeof(b), KS_EV_INJ_EXCEPTION, 0, 15);
	cr_assert(eq(str, b, "vector 15"));
	ks_detail_label(b, sizeof(b), KS_EV_MMIO, 2, 0);
	cr_assert(eq(str, b, "write"));
	ks_detail_label(b, sizeof(b), KS_EV_EMULATE_INSN, 1, 0);
	cr_assert(eq(str, b, "failed"));
	ks_detail_label(b, sizeof(b), KS_EV_EXIT, KS_ISA_SVM, 0x72);
	cr_assert(eq(str, b, "VMEXIT_CPUID"));
	ks_detail_label(b, sizeof(b), KS_EV_ENTRY, 0, 0);
	cr_assert(eq(str, b, "-"));
}
