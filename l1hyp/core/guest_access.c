/*
 * L1's window on L2 memory for handlers: copies from and to L2's virtual
 * memory as an access by L2's current CPL would make them, through L2's own page
 * tables (guest_mem.c) and the vCPU's walk cache. Every byte is read once
 * into L1's buffer; a fault anywhere is an error code, never a crash.
 */
#include "guest_access.h"
#include "vcpu.h"
#include "../arch/vcpu_vendor.h"

int vcpu_copy_from_guest(struct vcpu *v, uint64_t gva, void *dst, size_t len)
{
	struct guest_paging pg;
	unsigned acc = vendor_cpl(v) == 3 ? GUEST_ACC_USER : 0;

	vendor_paging(v, &pg);
	return guest_copy_from_virt(&v->gm, &pg, gva, dst, len, acc, 0);
}

int vcpu_copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	struct guest_paging pg;
	unsigned acc = GUEST_ACC_WRITE | (vendor_cpl(v) == 3 ? GUEST_ACC_USER : 0);

	vendor_paging(v, &pg);
	return guest_copy_to_virt(&v->gm, &pg, gva, src, len, acc, 0);
}
