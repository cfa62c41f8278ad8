/*
 * The L2 kernel's side of L1's MBEC emulation (docs/mbec.md): the execute
 * policy it declares with mbec=on (mbec.c), and the kernel halves of the
 * MBEC workloads (mbec-kexec-user, mbec-uexec-kernel, mbec-errors): a
 * pass-through of the MBEC hypercalls at CPL0, and the fetch probes with
 * their #PF guard (mbec_probe.c). The requests and answers user space sees
 * are in uapi.h (struct l2_mbec_hc, struct l2_mbec_fault).
 */
#ifndef L2_MBEC_H
#define L2_MBEC_H

#include <stddef.h>
#include <stdint.h>
#include "trap.h"

/* With mbec=on, at boot: declare the policy, or end the run with
 * WORKLOAD_FAIL saying which call failed. Nothing for mbec-errors (it asks
 * itself) or without mbec=on. */
void mbec_policy_boot(void);

/* Declare the policy now (ENABLE, then the SETs; one console line): the
 * number of pages of L2 RAM, or a negative error with the reason in why:
 * -L2_EPERM without mbec=on or when declared already, -(L2_EHC_BASE +
 * status) for the first hypercall that failed. */
int64_t mbec_policy_declare(char *why, size_t whylen);

/* One page's execute rights (NESTLAB_MBEC_X_*) in the declared policy, for
 * code the kernel makes at run time (the trampoline, ktramp.c): 0 without
 * mbec=on or before the policy is declared (mbec_policy_declare then asks
 * ktramp_mbec_declare for the pages already published), else MBEC_SET's
 * result as mbec_set gives it (the reason in why). */
int mbec_page_rights(uint64_t pa, unsigned rights, char *why, size_t whylen);

/* L2_TEST_MBEC_HC: the MBEC hypercall described by the struct l2_mbec_hc at
 * user address req (ENABLE, SET or QUERY only), made at CPL0; its status and
 * results written back. 0, -L2_EFAULT or -L2_EINVAL. */
int64_t mbec_hc_for_user(uint64_t req);

/* L2_TEST_MBEC_KEXEC: call the one-instruction `ret` at user address va
 * (inside the running process's user code) at CPL0, under the guard. 0;
 * -L2_EINVAL if va is not in the user code; -L2_EPERM if CR4.SMEP is set
 * (the fetch would fault in L2's own paging, whatever L1 does). */
int64_t mbec_probe_kexec(uint64_t va);

/* L2_TEST_MBEC_ALIAS: map the kernel code page holding the kernel's `ret`
 * stub at L2_USER_KALIAS_VA in the running process, user-accessible, and
 * guard a CPL3 fetch of the stub there: its user address (once per
 * process), or -L2_EINVAL / -L2_ENOMEM. */
int64_t mbec_probe_alias(void);
/* L2_TEST_MBEC_KALIAS: map the user code page holding va (a `ret`) at
 * L2_KERNEL_UALIAS_VA, supervisor-only, in the running process, and call
 * the alias at CPL0 under the guard: execute rights follow the
 * guest-physical page, so under MBEC the alias is refused like the page.
 * 0, or -L2_EINVAL (va not in the user code), -L2_ENOMEM. */
int64_t mbec_probe_kalias(uint64_t va);

/* L2_TEST_MBEC_FAULT: what the guard saw, into the struct l2_mbec_fault at
 * user address out; disarms it. 0 or -L2_EFAULT. */
int64_t mbec_probe_fault(uint64_t out);

/* Called by the #PF path first: 1 if the fault is the guarded fetch (it is
 * recorded and the stub's `ret` completed: the frame resumes at the return
 * address), 0 otherwise. */
int mbec_probe_catch(struct isr_frame *f, uint64_t cr2);

#endif
