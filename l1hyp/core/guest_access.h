/*
 * Copies between L1 and L2's virtual memory for exit handlers, as accesses
 * by L2's current CPL (guest_access.c over guest_mem.c).
 */
#ifndef L1_GUEST_ACCESS_H
#define L1_GUEST_ACCESS_H

#include <stdint.h>
#include <stddef.h>

struct vcpu;

/* Copy len bytes at L2 virtual gva into dst. 0 or GUEST_MEM_E_*. */
int vcpu_copy_from_guest(struct vcpu *v, uint64_t gva, void *dst, size_t len);
/* Copy len bytes from src to L2 virtual gva, all or nothing (every page is
 * checked before the first byte is written). 0 or GUEST_MEM_E_*. */
int vcpu_copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);

#endif
