/*
 * Unit tests of the L2 kernel's free-region choice and bump frame allocator
 * (guests/kernel/pmm.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "kernel/pmm.h"

#define MIB (1024ull * 1024)

/* The PC map QEMU reports for -m 128M. */
static const struct pmm_range pc128[] = {
	{ 0, 0x9fc00 },
	{ 0x100000, 128 * MIB - 0x20000 },
};

Test(pmm, region_from_kernel_end_to_ram_end)
{
	struct pmm_range r;

	cr_assert(eq(int, pmm_pick_region(pc128, 2, 0x11d000, NULL, 0, 1024 * MIB, &r), 0));
	cr_assert(eq(u64, r.start, 0x11d000));
	cr_assert(eq(u64, r.end, 128 * MIB - 0x20000));
}

Test(pmm, bounds_rounded_inward_and_clipped)
{
	struct pmm_range r;
	struct pmm_range a[] = { { 0x100000, 0x2000800 } };

	cr_assert(eq(int, pmm_pick_region(a, 1, 0x11d010, NULL, 0, 1024 * MIB, &r), 0));
	cr_assert(eq(u64, r.start, 0x11e000));
	cr_assert(eq(u64, r.end, 0x2000000));
	cr_assert(eq(int, pmm_pick_region(a, 1, 0x11d000, NULL, 0, 16 * MIB, &r), 0));
	cr_assert(eq(u64, r.end, 16 * MIB));
}

Test(pmm, reserved_at_start_is_skipped)
{
	/* QEMU puts the command line right after the kernel's bss. */
	struct pmm_range res[] = { { 0x11d000, 0x11d040 }, { 0x9000, 0x9100 } };
	struct pmm_range r;

	cr_assert(eq(int, pmm_pick_region(pc128, 2, 0x11d000, res, 2, 1024 * MIB, &r), 0));
	cr_assert(eq(u64, r.start, 0x11e000));
}

Test(pmm, reserved_chain_is_followed)
{
	/* listed out of order: the second only overlaps after the first moved start */
	struct pmm_range res[] = { { 0x120000, 0x121000 }, { 0x11d000, 0x120100 } };
	struct pmm_range r;

	cr_assert(eq(int, pmm_pick_region(pc128, 2, 0x11d000, res, 2, 1024 * MIB, &r), 0));
	cr_assert(eq(u64, r.start, 0x121000));
}

Test(pmm, reserved_at_top_cuts_end)
{
	struct pmm_range res[] = { { 100 * MIB, 100 * MIB + 10 } };
	struct pmm_range r;

	cr_assert(eq(int, pmm_pick_region(pc128, 2, 0x11d000, res, 1, 1024 * MIB, &r), 0));
	cr_assert(eq(u64, r.start, 0x11d000));
	cr_assert(eq(u64, r.end, 100 * MIB));
}

Test(pmm, reserved_in_middle_keeps_larger_side)
{
	struct pmm_range res[] = { { 4 * MIB, 4 * MIB + 4096 } };
	struct pmm_range r;

	cr_assert(eq(int, pmm_pick_region(pc128, 2, 0x11d000, res, 1, 1024 * MIB, &r), 0));
	cr_assert(eq(u64, r.start, 4 * MIB + 4096));
	cr_assert(eq(u64, r.end, 128 * MIB - 0x20000));
}

Test(pmm, no_range_holds_kernel_end)
{
	struct pmm_range r;

	cr_assert(eq(int, pmm_pick_region(pc128, 2, 0x9fc00, NULL, 0, 1024 * MIB, &r), -1));
	cr_assert(eq(int, pmm_pick_region(pc128, 2, 0x11d000, NULL, 0, 0x11d000, &r), -1));
}

Test(pmm, bump_allocator_hands_each_frame_once)
{
	struct pmm p;

	pmm_init(&p, 0x200800, 0x204000);
	cr_assert(eq(u64, pmm_free_frames(&p), 3));
	cr_assert(eq(u64, pmm_alloc(&p), 0x201000));
	cr_assert(eq(u64, pmm_alloc(&p), 0x202000));
	cr_assert(eq(u64, pmm_alloc(&p), 0x203000));
	cr_assert(eq(u64, pmm_alloc(&p), 0));
	cr_assert(eq(u64, pmm_alloc(&p), 0));
	cr_assert(eq(u64, p.allocated, 3));
	cr_assert(eq(u64, pmm_free_frames(&p), 0));
}

Test(pmm, never_hands_out_frame_zero)
{
	struct pmm p;

	pmm_init(&p, 0, 0x2000);
	cr_assert(eq(u64, pmm_alloc(&p), 0x1000));
	cr_assert(eq(u64, pmm_alloc(&p), 0));
}
