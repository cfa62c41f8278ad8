/* The SVM MSR permission map layout (AMD APM vol.2 15.11, table 15-5):
 * offset and bit of each MSR range, both directions, MSRs outside the map. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "../../l1hyp/arch/x86/svm.h"

static uint8_t map[SVM_MSRPM_SIZE];

Test(svm_msrpm, bits_of_each_range)
{
	bool r, w;

	memset(map, 0xFF, sizeof(map));
	/* MSR 0x10 (TSC): vector 0, bits 0x20/0x21 -> byte 4, bits 0 and 1. */
	cr_assert(svm_msrpm_set(map, 0x10, false, true));
	cr_assert(eq(u8, map[4], 0xFE));
	/* LSTAR C000_0082: vector 1 at 0x800, bits 0x104/0x105 -> byte 0x820, bits 4/5. */
	cr_assert(svm_msrpm_set(map, 0xC0000082u, false, false));
	cr_assert(eq(u8, map[0x820], 0xCF));
	/* C001_0114 (VM_CR): vector 2 at 0x1000, bits 0x228/0x229 -> byte 0x1045, bits 0/1. */
	cr_assert(svm_msrpm_set(map, 0xC0010114u, true, false));
	cr_assert(eq(u8, map[0x1045], 0xFD));
	svm_msrpm_get(map, 0xC0000082u, &r, &w);
	cr_assert(eq(int, r, 0));
	cr_assert(eq(int, w, 0));
	svm_msrpm_get(map, 0x10, &r, &w);
	cr_assert(eq(int, r, 0));
	cr_assert(eq(int, w, 1));
	/* Setting back restores the bits, touching nothing else. */
	cr_assert(svm_msrpm_set(map, 0xC0000082u, true, true));
	cr_assert(eq(u8, map[0x820], 0xFF));
	for (unsigned i = 0; i < sizeof(map); i++)
		if (i != 4 && i != 0x1045)
			cr_assert(eq(u8, map[i], 0xFF), "byte %x", i);
}

Test(svm_msrpm, outside_the_map_always_exits)
{
	bool r, w;

	memset(map, 0, sizeof(map));
	cr_assert(eq(int, svm_msrpm_set(map, 0x2000, false, false), 0));
	cr_assert(eq(int, svm_msrpm_set(map, 0xC0002000u, false, false), 0));
	cr_assert(eq(int, svm_msrpm_set(map, 0x40000000u, false, false), 0));
	svm_msrpm_get(map, 0x40000000u, &r, &w);
	cr_assert(eq(int, r, 1));
	cr_assert(eq(int, w, 1));
	for (unsigned i = 0; i < sizeof(map); i++)
		cr_assert(eq(u8, map[i], 0));
}
