/*
 * Fault-free access to the running process's user memory by page-table walk
 * (uaccess.c), for code that must not take a #PF on a user address: the
 * batching look-ahead (batch.c) reads the user's instructions and the glue's
 * loads through it, and checks the glue's stores. An address is accessible
 * when it lies in [L2_USER_BASE, L2_USER_END) (so it is canonical and a user
 * address), every paging level has P and U/S set (and R/W for a write: CR0.WP
 * does not matter, the access is the user's; AMD APM vol.2 5.6 "Page-
 * Protection Checks", Intel SDM vol.3 4.6) and the frame is RAM the kernel's
 * direct map covers. Nothing is demand-faulted in: a page of an mmap region
 * that was never touched is "not accessible", as it is for the look-ahead.
 * The bytes are then read or written through the direct map (the identity,
 * kernel.h), once. Accessed/dirty bits are not set (nothing in the kernel
 * reads them).
 */
#ifndef L2_UACCESS_H
#define L2_UACCESS_H

#include <stdint.h>

/* The physical address of user byte va for a read (write = 0) or a write,
 * or -1 when the user could not make that access without a fault. */
int uaccess_translate(uint64_t va, int write, uint64_t *pa);

/* Copy len bytes from user va to dst: 0, or -1 (nothing is guaranteed
 * about dst then) when any byte is not readable. */
int uaccess_read(uint64_t va, void *dst, uint64_t len);

#endif
