/*
 * Loading the L2 kernel into the VM's RAM the way a multiboot v1 loader
 * does (Multiboot Specification 0.6.96, 3.1 and 3.3; the same rules and
 * layout as nestlab's L1, l1hyp/core/main.c, whose pure loader
 * l1hyp/boot/mb_loader.c this links): the a.out-kludge image copied to its
 * load address, bss zeroed, a flat 3-entry GDT at VMM_GDT_GPA and the
 * multiboot info (memory map of the VM's RAM, the command line) at
 * VMM_MBI_GPA. The vCPU then starts as section 3.2 says ("Machine state"):
 * 32-bit protected mode, flat CS/DS, paging off, EAX = 0x2BADB002, EBX =
 * the info's address. Pure C (the RAM is a buffer), host-tested.
 */
#ifndef KVM_L1_VMM_BOOT_H
#define KVM_L1_VMM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define VMM_GDT_GPA   0x7000u
#define VMM_MBI_GPA   0x8000u
#define VMM_MBI_SIZE  0x8000u
#define VMM_GDT_CS    0x08u   /* flat 32-bit code */
#define VMM_GDT_DS    0x10u   /* flat data */

/* What the vCPU starts with. */
struct vmm_boot {
	uint32_t entry;        /* EIP */
	uint32_t eax, ebx;     /* MULTIBOOT_BOOT_MAGIC, info address */
	uint32_t gdt_base;
	uint16_t gdt_limit;
	uint32_t load_addr, load_end, bss_end;
};

/*
 * Loads image[0..image_size) into ram[0..ram_size) (guest-physical 0) with
 * cmdline as the multiboot command line. 0, or -1 with the reason in err
 * (not multiboot, no a.out kludge, does not fit above 1 MiB, command line
 * too long).
 */
int vmm_boot_load(void *ram, uint64_t ram_size, const void *image, size_t image_size,
		  const char *cmdline, struct vmm_boot *out, char *err, size_t errlen);

#endif
