/*
 * The fuzz guest's boot flow, from boot.S's 64-bit entry: the breadcrumb,
 * the console, the multiboot information (RAM size from the memory map,
 * the command line), the embedded command line (fuzz_abi.h), page tables
 * and descriptor tables, then the mode's loop, and the end of the run
 * with a status through the debug-exit port.
 */
#include <nestlab/multiboot.h>
#include <nestlab/platform.h>
#include <nestlab/status.h>
#include <nestlab/mem.h>
#include "../fuzz_abi.h"
#include "freestanding/x86.h"
#include "block.h"
#include "cmdline.h"
#include "console.h"
#include "crumb.h"
#include "desc.h"
#include "hcfuzz.h"
#include "oracle.h"
#include "tmpl.h"
#include "unit.h"
#include "vm.h"

/* The embedded command line: a marker the host tool finds, then the text. */
struct embedded_cmdline {
	char marker[FUZZ_CMDLINE_MARKER_LEN];
	char text[FUZZ_CMDLINE_MAX];
};

__attribute__((used, aligned(8)))
volatile struct embedded_cmdline fuzz_embedded_cmdline = {
	.marker = FUZZ_CMDLINE_MARKER,
};

__attribute__((noreturn)) void crumb_exit(unsigned status)
{
	crumb->state = FUZZ_CRUMB_DONE;
	outb(NESTLAB_DEBUG_EXIT_PORT, (uint8_t)status);
	halt_forever();
}

static __attribute__((noreturn)) void usage_exit(const char *why)
{
	con_printf("nestlab-fuzz: bad command line: %s\n", why);
	crumb_exit(FUZZ_STATUS_USAGE);
}

static uint64_t ram_top_from(const struct multiboot_info *mbi)
{
	uint64_t top = 0, off;

	if (!(mbi->flags & MULTIBOOT_INFO_MMAP))
		return (uint64_t)(mbi->mem_upper + 1024) << 10;
	for (off = 0; off < mbi->mmap_length;) {
		const struct multiboot_mmap_entry *e =
			(const void *)(uintptr_t)(mbi->mmap_addr + off);

		if (e->type == MULTIBOOT_MMAP_AVAILABLE && e->addr + e->len > top)
			top = e->addr + e->len;
		off += e->size + sizeof(e->size);
	}
	return top;
}

static int level2(void)
{
	struct cpuid_regs r;

	cpuid_count(NESTLAB_CPUID_LEAF_BASE, 0, &r);
	return r.ebx == NESTLAB_CPUID_SIG_EBX && r.ecx == NESTLAB_CPUID_SIG_ECX &&
	       r.edx == NESTLAB_CPUID_SIG_EDX;
}

static const char *const mode_names[] = { "none", "blocks", "hypercalls" };

void fuzz_main(uint32_t magic, uint32_t info_pa)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)info_pa;
	const char *mb_cmdline = "";
	struct fuzz_opts o;
	uint64_t ram_top, tmpl_mask, checks, quirks;
	char why[160];

	memset((void *)crumb, 0, sizeof(*crumb));
	crumb->magic = FUZZ_CRUMB_MAGIC;
	con_reset();
	if (magic != MULTIBOOT_BOOT_MAGIC)
		usage_exit("not booted by a multiboot loader");
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		mb_cmdline = (const char *)(uintptr_t)mbi->cmdline;
	fuzz_opts_default(&o);
	if (fuzz_cmdline_parse(mb_cmdline, strlen(mb_cmdline), &o, why, sizeof(why)) ||
	    fuzz_cmdline_parse((const char *)fuzz_embedded_cmdline.text, FUZZ_CMDLINE_MAX,
			       &o, why, sizeof(why)))
		usage_exit(why);
	if (fuzz_list_resolve(o.tmpl, tmpl_names, tmpl_count, tmpl_default_mask(),
			      &tmpl_mask, why, sizeof(why)))
		usage_exit(why);
	if (fuzz_list_resolve(o.checks, check_names, CHECK_NR, (1ull << CHECK_NR) - 1,
			      &checks, why, sizeof(why)))
		usage_exit(why);
	if (fuzz_list_resolve(o.avoid, quirk_names, QUIRK_NR, 0, &quirks, why, sizeof(why)))
		usage_exit(why);
	ram_top = ram_top_from(mbi);
	crumb->seed = o.seed;

	{
		struct cpuid_regs r;

		cpuid_count(0x80000008, 0, &r);
		if ((r.eax & 0xFF) >= 32 && (r.eax & 0xFF) <= 52)
			fuzz_phys_bits = r.eax & 0xFF;
	}
	con_nopoll = level2();
	vm_init(ram_top);
	write_cr3(vm.kernel_cr3);
	desc_init();
	con_printf("nestlab-fuzz: level %d, RAM %lu KiB, mode %s seed %lu start %lu "
		   "blocks %lu count %lu tmpl %lx checks %lx avoid %lx\n", level2() ? 2 : 1,
		   ram_top >> 10, mode_names[o.mode], o.seed, o.start, o.blocks, o.count,
		   tmpl_mask, checks, quirks);
	con_puts("nestlab-fuzz: templates ");
	for (unsigned i = 0; i < tmpl_count; i++)
		con_printf("%s%s", i ? "," : "", tmpl_names[i]);
	con_puts("\n");
	print_counter_names();
	crumb->state = FUZZ_CRUMB_IDLE;
	if (o.mode == FUZZ_MODE_BLOCKS)
		run_blocks(&o, tmpl_mask, checks, quirks);
	else if (o.mode == FUZZ_MODE_HYPERCALLS)
		run_hypercalls(&o);
	else
		con_puts("FUZZ-SUMMARY mode=none\n");
	crumb_exit(FUZZ_STATUS_DONE);
}
