/*
 * kvmstat_names.h: names for what nestlab-kvmstat counts: the kvm
 * tracepoint behind each event kind, SVM and VMX exit reasons as the ISA
 * manuals name them, KVM_EXIT_* user-space exit reasons, exception vectors,
 * and the one-line detail label of a counter key. Pure functions, tested by
 * tests/test_kvmstat_names.c.
 */
#ifndef NESTLAB_KVMSTAT_NAMES_H
#define NESTLAB_KVMSTAT_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "kvmstat.h"

/* "kvm_pio" for KS_EV_PIO; NULL when out of range. */
const char *ks_event_tracepoint(unsigned event);
/* "pio": the tracepoint name without "kvm_". */
const char *ks_event_short(unsigned event);
/* Event kind for "kvm_pio" or "pio"; -1 when unknown. */
int ks_event_lookup(const char *name);

/* AMD APM vol 2, appendix C: "VMEXIT_CPUID" for 0x72; NULL when unnamed. */
const char *ks_svm_exit_name(uint32_t code);
/* Intel SDM vol 3, appendix C: "CPUID" for basic reason 10; NULL when unnamed. */
const char *ks_vmx_exit_name(uint32_t reason);
/* KVM_EXIT_* name without the prefix ("IO" for 2); NULL when unnamed. */
const char *ks_kvm_exit_name(uint32_t reason);
/* "UD" for vector 6; NULL when reserved. */
const char *ks_exception_name(uint32_t vector);

/* Exit reason label by isa: "VMEXIT_IOIO", "IO_INSTRUCTION", "reason 0x..." */
void ks_exit_label(char *buf, size_t len, uint32_t isa, uint32_t reason);
/* The detail column of one counter: "port 0x0500 write", "KVM_EXIT_IO", ... */
void ks_detail_label(char *buf, size_t len, uint32_t event, uint32_t arg, uint64_t code);

#endif
