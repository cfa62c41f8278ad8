/*
 * Entry point of the ring-3 program image. The kernel enters user_start at
 * L2_USER_BASE in each process with the run's and the process's parameters
 * in registers (uapi.h); it picks the workload from the table generated from
 * NESTLAB_WORKLOADS, runs it and exits with its status. One image holds every workload: each is a separate
 * function in its own file, so "a program" is the image plus a workload id.
 */
#include "ulib.h"

#include <nestlab/bootargs.h>

typedef int (*wl_fn)(const struct wl_args *);

static const char *const workload_names[] = {
#define WL_NAME_(id, name, what) name,
	NESTLAB_WORKLOADS(WL_NAME_)
#undef WL_NAME_
};

static const wl_fn workload_fns[NESTLAB_WL_NR] = {
	[NESTLAB_WL_NULL_]       = wl_null,
	[NESTLAB_WL_CPUID]       = wl_cpuid,
	[NESTLAB_WL_HYPERCALL]   = wl_hypercall,
	[NESTLAB_WL_PIO]         = wl_pio,
	[NESTLAB_WL_GETPID]      = wl_getpid,
	[NESTLAB_WL_WRITE]       = wl_write,
	[NESTLAB_WL_PAGEFAULT]   = wl_pagefault,
	[NESTLAB_WL_SYSCALL_MIX] = wl_syscall_mix,
	[NESTLAB_WL_HCERRORS]    = wl_hcerrors,
	[NESTLAB_WL_INTERCEPTS]  = wl_intercepts,
	[NESTLAB_WL_TIMER]       = wl_timer,
	[NESTLAB_WL_MULTI]       = wl_multi,
	[NESTLAB_WL_MBEC_KEXEC_USER]   = wl_mbec_kexec_user,
	[NESTLAB_WL_MBEC_UEXEC_KERNEL] = wl_mbec_uexec_kernel,
	[NESTLAB_WL_MBEC_KALIAS_USER] = wl_mbec_kalias_user,
	[NESTLAB_WL_MBEC_ERRORS]       = wl_mbec_errors,
	[NESTLAB_WL_BATCH_PAIRS]       = wl_batch_pairs,
	[NESTLAB_WL_BATCH_CHAIN]       = wl_batch_chain,
	[NESTLAB_WL_BATCH_HOSTILE]     = wl_batch_hostile,
	[NESTLAB_WL_PIO_PAIRS]         = wl_pio_pairs,
	[NESTLAB_WL_EXIT_PAIRS]        = wl_exit_pairs,
	[NESTLAB_WL_EXIT_RANDOM]       = wl_exit_random,
	[NESTLAB_WL_BATCH_RANDOM]      = wl_batch_random,
	[NESTLAB_WL_INTERPOSE_CHECK] = wl_interpose_check,
	[NESTLAB_WL_SYSCALL_RANDOM] = wl_syscall_random,
	[NESTLAB_WL_DISPATCH_SKEWED] = wl_dispatch_skewed,
	[NESTLAB_WL_DISPATCH_UNIFORM] = wl_dispatch_uniform,
	[NESTLAB_WL_DOMAIN] = wl_domain,
	[NESTLAB_WL_INTN] = wl_intn,
	[NESTLAB_WL_TRIPLEFAULT] = wl_triplefault,
	[NESTLAB_WL_BADACCESS]   = wl_badaccess,
	[NESTLAB_WL_BATCH_FAULT] = wl_batch_fault,
};
_Static_assert(NESTLAB_WL_NR == 32, "a workload was added to bootargs.h: add it here");

__attribute__((section(".text.user_start"), noreturn, used))
void user_start(uint64_t workload, uint64_t iterations, uint64_t transport, uint64_t level,
		uint64_t program, uint64_t index)
{
	struct wl_args a;

	if (workload >= NESTLAB_WL_NR || !workload_fns[workload]) {
		u_printf("user: no workload %lu\n", workload);
		u_exit(NESTLAB_STATUS_BAD_CONFIG);
	}
	a.name = workload_names[workload];
	a.iterations = iterations;
	a.transport = (unsigned)transport;
	a.level = (unsigned)level;
	a.program = (unsigned)program;
	a.index = (unsigned)index;
	u_exit((unsigned)workload_fns[workload](&a));
}
