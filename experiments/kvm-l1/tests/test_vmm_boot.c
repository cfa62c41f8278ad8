/*
 * Unit tests of the VMM's multiboot loader (experiments/kvm-l1/vmm_boot.c)
 * on small images built here: where the bytes, the bss, the GDT and the
 * multiboot info land, and what is refused.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>
#include <nestlab/multiboot.h>
#include "vmm_boot.h"

#define RAM (8u << 20)
#define LOAD 0x100000u

static unsigned char *ram;
static char err[256];

static void setup(void)
{
	ram = calloc(1, RAM);
	memset(ram + LOAD, 0xAA, 0x10000);  /* the bss must be zeroed */
}

static void teardown(void)
{
	free(ram);
}

/* A flat image: header at offset 16, 0x1000 bytes loaded, bss to 0x3000. */
static size_t make_image(unsigned char *img, uint32_t load, uint32_t bss_end)
{
	uint32_t flags = MULTIBOOT_HDR_PAGE_ALIGN | MULTIBOOT_HDR_MEMORY_INFO |
			 MULTIBOOT_HDR_AOUT_KLUDGE;
	struct multiboot_header h = {
		.magic = MULTIBOOT_HEADER_MAGIC, .flags = flags,
		.checksum = -(MULTIBOOT_HEADER_MAGIC + flags),
		.header_addr = load + 16, .load_addr = load, .load_end_addr = load + 0x1000,
		.bss_end_addr = bss_end, .entry_addr = load + 0x40,
	};

	memset(img, 0x5A, 0x1000);
	memcpy(img + 16, &h, sizeof(h));
	return 0x1000;
}

TestSuite(vmm_boot, .init = setup, .fini = teardown);

Test(vmm_boot, loads_like_a_multiboot_loader)
{
	unsigned char img[0x1000];
	size_t n = make_image(img, LOAD, LOAD + 0x3000);
	struct vmm_boot b;
	const struct multiboot_info *mbi = (const void *)(ram + VMM_MBI_GPA);
	const uint64_t *gdt = (const void *)(ram + VMM_GDT_GPA);

	cr_assert(eq(int, vmm_boot_load(ram, RAM, img, n, "img workload=null", &b, err,
					sizeof(err)), 0), "%s", err);
	cr_assert(eq(u32, b.entry, LOAD + 0x40));
	cr_assert(eq(u32, b.eax, MULTIBOOT_BOOT_MAGIC));
	cr_assert(eq(u32, b.ebx, VMM_MBI_GPA));
	cr_assert(eq(u32, b.gdt_base, VMM_GDT_GPA));
	cr_assert(eq(u32, b.gdt_limit, 23));
	cr_assert(eq(int, memcmp(ram + LOAD, img, n), 0));
	for (unsigned i = LOAD + 0x1000; i < LOAD + 0x3000; i++)
		cr_assert(eq(u8, ram[i], 0), "bss byte %#x not zero", i);
	cr_assert(eq(u8, ram[LOAD + 0x3000], 0xAA));     /* beyond bss: untouched */
	cr_assert(eq(u64, gdt[0], 0));
	cr_assert(eq(u64, gdt[1], 0x00CF9B000000FFFFull));
	cr_assert(eq(u64, gdt[2], 0x00CF93000000FFFFull));
	cr_assert(eq(u32, mbi->flags & MULTIBOOT_INFO_CMDLINE, MULTIBOOT_INFO_CMDLINE));
	cr_assert(eq(str, (char *)(ram + mbi->cmdline), "img workload=null"));
	cr_assert(eq(u32, mbi->mem_upper, (RAM - 0x100000) / 1024));
	cr_assert(eq(u32, mbi->mmap_length, 4 * sizeof(struct multiboot_mmap_entry)));
}

Test(vmm_boot, refuses_a_non_multiboot_file)
{
	unsigned char img[4096];
	struct vmm_boot b;

	memset(img, 0, sizeof(img));
	cr_assert(eq(int, vmm_boot_load(ram, RAM, img, sizeof(img), "", &b, err,
					sizeof(err)), -1));
	cr_assert(eq(str, err, "the L2 image is not a multiboot image with the a.out kludge: "
		     "MB_E_NOHEADER (no header magic in the first 8 KiB)"));
}

Test(vmm_boot, refuses_an_image_beyond_ram)
{
	unsigned char img[0x1000];
	size_t n = make_image(img, LOAD, RAM + 0x1000);
	struct vmm_boot b;

	cr_assert(eq(int, vmm_boot_load(ram, RAM, img, n, "", &b, err, sizeof(err)), -1));
	cr_assert(eq(str, err, "the L2 kernel [0x100000, 0x801000) does not fit the VM's 8 MiB "
		     "of RAM above 1 MiB"));
	n = make_image(img, 0x10000, 0x12000);   /* below 1 MiB */
	cr_assert(eq(int, vmm_boot_load(ram, RAM, img, n, "", &b, err, sizeof(err)), -1));
}

Test(vmm_boot, refuses_a_command_line_too_long)
{
	unsigned char img[0x1000];
	size_t n = make_image(img, LOAD, 0);
	char *line = malloc(VMM_MBI_SIZE + 1);
	struct vmm_boot b;

	memset(line, 'x', VMM_MBI_SIZE);
	line[VMM_MBI_SIZE] = '\0';
	cr_assert(eq(int, vmm_boot_load(ram, RAM, img, n, line, &b, err, sizeof(err)), -1));
	free(line);
}
