/*
 * The L2 image loader of the VMM (see vmm_boot.h). The header checks are
 * mb_parse_image's (l1hyp/boot/mb_loader.c); this file places the bytes
 * and the boot structures in the VM's RAM and refuses what does not fit.
 */
#include "vmm_boot.h"

#include <stdio.h>
#include <string.h>
#include <nestlab/multiboot.h>
#include "../../l1hyp/boot/mb_loader.h"

/* Flat descriptors (AMD APM vol.2 4.7 "Legacy Segment Descriptors"):
 * base 0, limit 0xFFFFF with G=1, D/B=1; code type 0xB (execute/read,
 * accessed), data type 0x3 (read/write, accessed), P=1, DPL 0, S=1. */
#define VMM_DESC_CODE32 0x00CF9B000000FFFFull
#define VMM_DESC_DATA   0x00CF93000000FFFFull

int vmm_boot_load(void *ram, uint64_t ram_size, const void *image, size_t image_size,
		  const char *cmdline, struct vmm_boot *out, char *err, size_t errlen)
{
	unsigned char *r = ram;
	const uint64_t gdt[3] = { 0, VMM_DESC_CODE32, VMM_DESC_DATA };
	struct mb_image img;
	int rc;

	rc = mb_parse_image(image, image_size, &img);
	if (rc) {
		snprintf(err, errlen, "the L2 image is not a multiboot image with the a.out "
			 "kludge: %s", mb_strerror(rc));
		return -1;
	}
	if (img.load_addr < 0x100000 || img.bss_end_addr > ram_size ||
	    (uint64_t)img.load_addr + img.load_size > ram_size) {
		snprintf(err, errlen, "the L2 kernel [%#x, %#x) does not fit the VM's %llu MiB "
			 "of RAM above 1 MiB", img.load_addr, img.bss_end_addr,
			 (unsigned long long)(ram_size >> 20));
		return -1;
	}
	if (ram_size < VMM_MBI_GPA + VMM_MBI_SIZE) {
		snprintf(err, errlen, "VM RAM too small for the boot structures");
		return -1;
	}
	memcpy(r + img.load_addr, (const unsigned char *)image + img.file_offset,
	       img.load_size);
	memset(r + img.load_addr + img.load_size, 0,
	       img.bss_end_addr - (img.load_addr + img.load_size));
	memcpy(r + VMM_GDT_GPA, gdt, sizeof(gdt));
	rc = mb_build_info(r + VMM_MBI_GPA, VMM_MBI_SIZE, VMM_MBI_GPA, ram_size, cmdline,
			   strlen(cmdline));
	if (rc < 0) {
		snprintf(err, errlen, "the L2 command line (%zu bytes) does not fit the "
			 "multiboot info area: %s", strlen(cmdline), mb_strerror(rc));
		return -1;
	}
	*out = (struct vmm_boot){
		.entry = img.entry_addr, .eax = MULTIBOOT_BOOT_MAGIC, .ebx = VMM_MBI_GPA,
		.gdt_base = VMM_GDT_GPA, .gdt_limit = sizeof(gdt) - 1,
		.load_addr = img.load_addr, .load_end = img.load_addr + img.load_size,
		.bss_end = img.bss_end_addr,
	};
	return 0;
}
