/*
 * The ring-3 side of the L2 kernel's system calls (uapi.h) and the small
 * library every workload uses: syscall stubs, console output, phase markers.
 * Each workload is one function wl_<name>() in its own file, called by
 * main.c's user_start() in every process of the run with the run's and the
 * process's parameters; it returns NESTLAB_STATUS_PASS or
 * NESTLAB_STATUS_WORKLOAD_FAIL, that process's exit status.
 */
#ifndef L2_ULIB_H
#define L2_ULIB_H

#include <stdint.h>
#include <stddef.h>
#include <nestlab/status.h>
#include <nestlab/hypercall_guest.h>
#include <nestlab/platform.h>
#include "kernel/uapi.h"

struct wl_args {
	const char *name;    /* the workload's name: also its phase name */
	uint64_t iterations;
	unsigned transport;  /* enum nestlab_transport */
	unsigned level;      /* 1 or 2 */
	unsigned program;    /* this process's program (multi: its procs= entry) */
	unsigned index;      /* this process's index, 0 .. nprocs-1 */
};

static inline int64_t u_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	int64_t ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			     : "rcx", "r11", "memory");
	return ret;
}

static inline int64_t u_getpid(void)
{
	return u_syscall(L2_SYS_GETPID, 0, 0, 0);
}

static inline int64_t u_write(const void *buf, size_t len)
{
	return u_syscall(L2_SYS_WRITE, 1, (uint64_t)(uintptr_t)buf, len);
}

static inline int64_t u_yield(void)
{
	return u_syscall(L2_SYS_YIELD, 0, 0, 0);
}

/* The kernel's counters (uapi.h), read-only; volatile: the kernel changes
 * them under a spinning program. */
static inline const volatile struct l2_kinfo *u_kinfo(void)
{
	return (const volatile struct l2_kinfo *)(uintptr_t)L2_USER_KINFO_VA;
}

/* CPUID leaf 0 (always an exit at level 2). */
static inline void u_cpuid0(uint32_t r[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(0), "c"(0));
}

/* One byte from NESTLAB_PIO_WORKLOAD_PORT (the TSS bitmap lets ring 3). */
static inline uint8_t u_pio_read(void)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"((uint16_t)NESTLAB_PIO_WORKLOAD_PORT));
	return v;
}

void u_exit(unsigned status) __attribute__((noreturn));
void u_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open the phase named a->name: its index, or a negative error (printed). */
int64_t u_phase_begin(const struct wl_args *a);
/* Close it: 0, or a negative error (printed). */
int64_t u_phase_end(int64_t index);

/* One per NESTLAB_WORKLOADS entry, each in <name>.c. */
int wl_null(const struct wl_args *a);
int wl_cpuid(const struct wl_args *a);
int wl_intercepts(const struct wl_args *a);
int wl_hypercall(const struct wl_args *a);
int wl_pio(const struct wl_args *a);
int wl_getpid(const struct wl_args *a);
int wl_write(const struct wl_args *a);
int wl_pagefault(const struct wl_args *a);
int wl_syscall_mix(const struct wl_args *a);
int wl_hcerrors(const struct wl_args *a);
int wl_timer(const struct wl_args *a);
int wl_multi(const struct wl_args *a);
int wl_dispatch_skewed(const struct wl_args *a);
int wl_dispatch_uniform(const struct wl_args *a);
/* dispatch.c: one iteration of dispatch-skewed (skewed) or -uniform as
 * process index proc runs it (include/nestlab/ktramp.h); the calls whose
 * value was wrong. */
uint64_t dispatch_step(int skewed, unsigned proc, int64_t pid, unsigned level);
int wl_mbec_kexec_user(const struct wl_args *a);
int wl_mbec_uexec_kernel(const struct wl_args *a);
int wl_mbec_kalias_user(const struct wl_args *a);
int wl_mbec_errors(const struct wl_args *a);
int wl_batch_pairs(const struct wl_args *a);
int wl_batch_chain(const struct wl_args *a);
int wl_batch_hostile(const struct wl_args *a);
int wl_pio_pairs(const struct wl_args *a);
int wl_exit_pairs(const struct wl_args *a);
int wl_exit_random(const struct wl_args *a);
int wl_batch_random(const struct wl_args *a);
int wl_interpose_check(const struct wl_args *a);
int wl_syscall_random(const struct wl_args *a);
int wl_domain(const struct wl_args *a);
int wl_intn(const struct wl_args *a);
int wl_triplefault(const struct wl_args *a);
int wl_badaccess(const struct wl_args *a);
int wl_batch_fault(const struct wl_args *a);

#endif
