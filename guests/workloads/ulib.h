/*
 * The ring-3 side of the L2 kernel's system calls (uapi.h) and the small
 * library every workload uses: syscall stubs, console output, phase markers.
 * Each workload is one function wl_<name>() in its own file, called by
 * main.c's user_start() with the run's parameters; it returns
 * NESTLAB_STATUS_PASS or NESTLAB_STATUS_WORKLOAD_FAIL.
 */
#ifndef L2_ULIB_H
#define L2_ULIB_H

#include <stdint.h>
#include <stddef.h>
#include <nestlab/status.h>
#include <nestlab/hypercall_guest.h>
#include "kernel/uapi.h"

struct wl_args {
	const char *name;    /* the workload's name: also its phase name */
	uint64_t iterations;
	unsigned transport;  /* enum nestlab_transport */
	unsigned level;      /* 1 or 2 */
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
int wl_triplefault(const struct wl_args *a);
int wl_badaccess(const struct wl_args *a);

#endif
