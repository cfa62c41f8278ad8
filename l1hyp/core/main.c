/*
 * L1's boot sequence, from boot.S's 64-bit entry to the first VMRUN:
 * consoles, IDT, command line, a fault-safe-read self test, the frame
 * allocator from the multiboot memory map, detection and enabling of the
 * virtualization extension (the vendor contract, arch/vcpu_vendor.h), L2's
 * RAM and its identity NPT view, loading the L2 kernel module (and the
 * module for the L2 kernel, if there is a second) as a multiboot loader
 * would, the vCPU, the exit table, the MSR policy, the
 * mechanisms and the exit dispatch options. Every failure ends the run with a diagnosis and a status
 * (status.h); none hangs.
 */
#include "l1.h"
#include "exit_core.h"
#include "exit_table.h"
#include "exit_tramp.h"
#include "msr_table.h"
#include "../mech/mech.h"
#include "../devices/devices.h"
#include "../devices/apic_dev.h"
#include "io_bus.h"
#include "../arch/x86/console.h"
#include "../arch/x86/cpu.h"
#include "../arch/x86/tsc.h"
#include "../boot/mb_loader.h"
#include <nestlab/bootargs.h>
#include <nestlab/multiboot.h>
#include <nestlab/platform.h>
#include <nestlab/status.h>
#include <nestlab/mem.h>

struct l1 l1;

/* boot.S reports a CPU without long mode with this status before any C. */
_Static_assert(NESTLAB_STATUS_NO_SVM == 6, "boot.S STATUS_NO_LONG_MODE");

extern char __load_start[], __bss_end[];

/* Where L1 puts L2's boot GDT and multiboot info (guest-physical, below the
 * kernel's 1 MiB load address, in RAM the L2 memory map calls available). */
#define L2_GDT_GPA   0x7000u
#define L2_MBI_GPA   0x8000u
#define L2_MBI_SIZE  0x8000u

static void *frame_ptr(void *ctx, uint64_t phys) { return (void *)phys; }

uint64_t l1_alloc_pages(unsigned pages)
{
	uint64_t pa = pages == 1 ? frame_alloc_page(&l1.fa)
				 : frame_alloc_contig(&l1.fa, pages * FRAME_SIZE, FRAME_SIZE);

	if (pa == FRAME_NONE)
		return 0;
	zero_qwords((void *)pa, pages * FRAME_SIZE);
	return pa;
}

void l1_free_pages(void *p, unsigned pages)
{
	for (unsigned i = 0; p && i < pages; i++)
		frame_free_page(&l1.fa, (uint64_t)(uintptr_t)p + (uint64_t)i * FRAME_SIZE);
}

static uint64_t *npt_alloc_table(void *ctx, uint64_t *phys)
{
	uint64_t pa = frame_alloc_page(&l1.fa);

	if (pa == FRAME_NONE)
		return 0;
	zero_qwords((void *)pa, FRAME_SIZE);
	*phys = pa;
	l1.npt_tables++;
	return (uint64_t *)pa;
}

static void npt_free_table(void *ctx, uint64_t *table, uint64_t phys)
{
	frame_free_page(&l1.fa, phys);
	l1.npt_tables--;
}

/* The NPT tables' reference counts (mm/npt.h, table_refs: views share the
 * tables they have alike), one per 4 KiB frame the allocator can hand
 * out, indexed by frame number. */
static uint32_t *npt_refs;
static uint64_t npt_refs_frames;

static uint32_t *npt_table_refs(void *ctx, uint64_t phys)
{
	uint64_t f = phys >> 12;

	if (f >= npt_refs_frames)       /* every table comes from l1.fa: not reached */
		l1_end_run(NESTLAB_STATUS_L1_ERROR, "NPT table %lx outside the frames "
			   "L1 counts references of", phys);
	return &npt_refs[f];
}

static void npt_refs_init(void)
{
	uint64_t top = l1.fa.nr_ranges ? l1.fa.range[l1.fa.nr_ranges - 1].end : 0;
	uint64_t bytes = ((top >> 12) * sizeof(uint32_t) + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
	uint64_t pa = bytes ? frame_alloc_contig(&l1.fa, bytes, FRAME_SIZE) : FRAME_NONE;

	if (pa == FRAME_NONE)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "no memory for the NPT tables' reference "
			   "counts (%lu KiB): give L1 more memory (QEMU -m)", bytes >> 10);
	zero_qwords((void *)pa, bytes);
	npt_refs = (uint32_t *)pa;
	npt_refs_frames = top >> 12;
}

static uint64_t *npt_table_ptr(void *ctx, uint64_t phys) { return (uint64_t *)phys; }

static int l2_read_phys(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	if (gpa >= l1.l2_ram_size || len > l1.l2_ram_size - gpa)
		return -1;
	return l1_copy_safe(dst, (const void *)(l1.l2_ram_hpa + gpa), len);
}

static int l2_read_u64(void *ctx, uint64_t gpa, uint64_t *val)
{
	if (gpa >= l1.l2_ram_size || l1.l2_ram_size - gpa < 8 || (gpa & 7))
		return -1;
	return l1_read_u64_safe((const uint64_t *)(l1.l2_ram_hpa + gpa), val);
}

static int l2_write_phys(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	if (gpa >= l1.l2_ram_size || len > l1.l2_ram_size - gpa)
		return -1;
	return l1_write_safe((void *)(l1.l2_ram_hpa + gpa), src, len);
}

static int l2_cmpxchg_u64(void *ctx, uint64_t gpa, uint64_t old, uint64_t new_)
{
	if (gpa >= l1.l2_ram_size || l1.l2_ram_size - gpa < 8 || (gpa & 7))
		return -1;
	return l1_cmpxchg_u64_safe((uint64_t *)(l1.l2_ram_hpa + gpa), old, new_);
}

/* The walk cache's entries were range-checked when the walk read them. */
static int l2_entries_equal(void *ctx, const uint64_t *gpa, const uint64_t *val,
			    unsigned n)
{
	return l1_entries_equal_safe(l1.l2_ram_hpa, gpa, val, n);
}

static void l2_console_out(void *ctx, char c) { l1_putc(0, c); }

static uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static uint64_t cstr_end(uint32_t pa)
{
	return pa + strlen((const char *)(uint64_t)pa) + 1;
}

/* The trace region the launcher chose (trace=) must be available RAM above
 * everything the loader placed, inside the identity map (4 GiB); L1 keeps
 * it from its allocator and sets up the directory and its ring there. */
static void trace_region_reserve(const struct multiboot_info *mbi, uint64_t reserved_end)
{
	uint64_t pa = l1.cfg.trace_pa, bytes = l1.cfg.trace_bytes;
	bool inside = false;
	uint32_t cap;

	for (uint64_t off = 0; off < mbi->mmap_length;) {
		const struct multiboot_mmap_entry *e =
			(const void *)(uint64_t)(mbi->mmap_addr + off);

		if (e->type == MULTIBOOT_MMAP_AVAILABLE && pa >= e->addr &&
		    pa + bytes <= e->addr + e->len)
			inside = true;
		off += e->size + sizeof(e->size);
	}
	if (!inside || pa < reserved_end || pa + bytes > (4ull << 30))
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG,
			   "trace region [%lx, %lx) is not free RAM above L1 and its "
			   "modules (ends at %lx) below 4 GiB", pa, pa + bytes, reserved_end);
	frame_alloc_reserve(&l1.fa, pa, bytes);
	zero_qwords((void *)pa, bytes);
	cap = trace_l1_init(&l1.trace, pa, bytes);
	if (!cap)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "trace region of %lu bytes is "
			   "too small for a ring", bytes);
	l1_printf("nestlab-l1: trace: region %lx-%lx, L1 ring of %u records\n",
		  pa, pa + bytes, cap);
}

/* Free memory from the multiboot map, minus everything the loader put in
 * low memory: [0, end of L1's image, modules, info, strings). */
static void memory_init(const struct multiboot_info *mbi)
{
	uint64_t reserved_end = (uint64_t)__bss_end;

	frame_alloc_init(&l1.fa, frame_ptr, 0);
	if (!(mbi->flags & MULTIBOOT_INFO_MMAP))
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "no multiboot memory map");
	for (uint64_t off = 0; off < mbi->mmap_length;) {
		const struct multiboot_mmap_entry *e =
			(const void *)(uint64_t)(mbi->mmap_addr + off);

		if (e->type == MULTIBOOT_MMAP_AVAILABLE && e->addr + e->len > 0x100000)
			frame_alloc_add(&l1.fa, e->addr, e->len);
		off += e->size + sizeof(e->size);
	}
	reserved_end = max64(reserved_end, (uint64_t)mbi + sizeof(*mbi));
	reserved_end = max64(reserved_end, (uint64_t)mbi->mmap_addr + mbi->mmap_length);
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		reserved_end = max64(reserved_end, cstr_end(mbi->cmdline));
	if (mbi->flags & MULTIBOOT_INFO_MODS) {
		const struct multiboot_module *m = (const void *)(uint64_t)mbi->mods_addr;

		reserved_end = max64(reserved_end, (uint64_t)(m + mbi->mods_count));
		for (uint32_t i = 0; i < mbi->mods_count; i++) {
			reserved_end = max64(reserved_end, m[i].mod_end);
			if (m[i].string)
				reserved_end = max64(reserved_end, cstr_end(m[i].string));
		}
	}
	frame_alloc_reserve(&l1.fa, 0, reserved_end);
	if (l1.cfg.trace_bytes)
		trace_region_reserve(mbi, reserved_end);
}

static void selftest_fault_safe_read(void)
{
	uint64_t buf = 0x1234;

	/* Page 0 is unmapped (boot.S): this read must fault and be caught. */
	if (l1_copy_safe(&buf, (const void *)0x10, sizeof(buf)) != -1 || buf != 0x1234)
		l1_end_run(NESTLAB_STATUS_L1_ERROR,
			   "self test failed: a faulting read was not turned into an error");
	l1_printf("nestlab-l1: self test: fault-safe read of an unmapped page returns an error: PASS\n");
}

/* A module larger than L2 RAM can never load: say so with the sizes before
 * anything is allocated (the module itself occupies L1's memory, so the
 * allocations would fail first with a misleading message). */
static void check_l2_module_fits(const struct multiboot_info *mbi)
{
	const struct multiboot_module *m = (const void *)(uint64_t)mbi->mods_addr;
	uint64_t size, ram = l1.cfg.l2mem_mib << 20;

	if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count < 1)
		return;                 /* load_l2 reports the missing module */
	size = m->mod_end > m->mod_start ? m->mod_end - m->mod_start : 0;
	if (size > ram - NESTLAB_L2_LOAD_ADDR)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG,
			   "the L2 kernel module is %lu KiB, more than L2 RAM above "
			   "1 MiB can hold (l2mem=%lu MiB): use a smaller image or "
			   "raise l2mem", size >> 10, l1.cfg.l2mem_mib);
}

/*
 * L1's second multiboot module, if there is one, is L2's module (the L2
 * kernel's loadable module, include/nestlab/kmod.h): copied into L2 RAM at
 * the first page above the kernel image's end (bss included), where QEMU
 * puts a module at level 1, and listed in L2's multiboot info with L1's
 * string for it. Placed there it cannot overlap the image, nor the info
 * area and boot GDT, which lie below the image's 1 MiB; it must end inside
 * L2 RAM. Returns the number of modules for L2 (0 or 1).
 */
static unsigned load_l2_module(const struct multiboot_info *mbi, const struct mb_image *img,
			       struct mb_info_module *out)
{
	const struct multiboot_module *m = (const void *)(uint64_t)mbi->mods_addr;
	uint64_t dest = (img->span_end + FRAME_SIZE - 1) & ~(uint64_t)(FRAME_SIZE - 1);
	uint64_t size;

	if (mbi->mods_count < 2)
		return 0;
	if (mbi->mods_count > 2)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "%u multiboot modules: L1 takes the L2 "
			   "kernel and at most one module for it", mbi->mods_count);
	m++;
	if (m->mod_end <= m->mod_start)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "the L2 kernel's module is empty or ends "
			   "before it starts");
	size = m->mod_end - m->mod_start;
	if (dest >= l1.l2_ram_size || size > l1.l2_ram_size - dest)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "the L2 kernel's module is %lu KiB, more "
			   "than L2 RAM holds above the kernel image (from %lx, l2mem=%lu MiB)",
			   size >> 10, dest, l1.cfg.l2mem_mib);
	memcpy((void *)(l1.l2_ram_hpa + dest), (const void *)(uint64_t)m->mod_start, size);
	out->start = (uint32_t)dest;      /* L2 RAM is at most 3 GiB */
	out->end = (uint32_t)(dest + size);
	out->string = m->string ? (const char *)(uint64_t)m->string : 0;
	l1_printf("nestlab-l1: L2 module loaded at %lx-%lx (%lu bytes)\n", dest, dest + size,
		  size);
	return 1;
}

/* Returns the L2 kernel's entry point. */
static uint32_t load_l2(const struct multiboot_info *mbi)
{
	const struct multiboot_module *m;
	const char *l2_cmdline = "";
	struct mb_info_module l2_mod;
	unsigned nr_l2_mods;
	struct mb_image img;
	uint64_t *gdt;
	int rc;

	if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count < 1)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG,
			   "no L2 kernel: pass it as the first multiboot module "
			   "(QEMU: -initrd \"l2kernel.bin workload=...\")");
	m = (const void *)(uint64_t)mbi->mods_addr;
	if (m->string)
		l2_cmdline = (const char *)(uint64_t)m->string;
	if (m->mod_end < m->mod_start)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "the L2 kernel module ends before it starts");
	rc = mb_parse_segments((const void *)(uint64_t)m->mod_start,
			       m->mod_end - m->mod_start, NESTLAB_L2_LOAD_ADDR,
			       l1.l2_ram_size, &img);
	if (rc)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG,
			   "the L2 kernel module is not a multiboot image (a.out kludge "
			   "or ELF) that fits L2 RAM above 1 MiB (l2mem=%lu MiB): %s",
			   l1.cfg.l2mem_mib, mb_strerror(rc));
	mb_load_segments(&img, (const void *)(uint64_t)m->mod_start, (void *)l1.l2_ram_hpa);
	nr_l2_mods = load_l2_module(mbi, &img, &l2_mod);

	gdt = (uint64_t *)(l1.l2_ram_hpa + L2_GDT_GPA);
	gdt[0] = 0;
	gdt[1] = 0x00CF9B000000FFFFull;   /* 0x08: flat 32-bit code */
	gdt[2] = 0x00CF93000000FFFFull;   /* 0x10: flat data */

	rc = mb_build_info_mods((void *)(l1.l2_ram_hpa + L2_MBI_GPA), L2_MBI_SIZE,
				L2_MBI_GPA, l1.l2_ram_size, l2_cmdline, strlen(l2_cmdline),
				&l2_mod, nr_l2_mods);
	if (rc < 0)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG,
			   "L2 command line and module string too long for the multiboot "
			   "info area");
	l1_printf("nestlab-l1: L2 kernel loaded at %lx-%lx (%s, %u segments), entry %x, "
		  "cmdline \"%s\"\n", img.span_start, img.span_end,
		  mb_format_name(img.format), img.nr_segments, img.entry_addr, l2_cmdline);
	return img.entry_addr;
}

/* L2 RAM, contiguous and 2 MiB aligned so eager NPT can use large pages. */
static void l2_ram_init(void)
{
	l1.l2_ram_size = l1.cfg.l2mem_mib << 20;
	l1.l2_ram_hpa = frame_alloc_contig(&l1.fa, l1.l2_ram_size, NPT_PAGE_2M);
	if (l1.l2_ram_hpa == FRAME_NONE)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG,
			   "cannot allocate %lu MiB of L2 RAM: give L1 more memory "
			   "(QEMU -m) or lower l2mem", l1.cfg.l2mem_mib);
	zero_qwords((void *)l1.l2_ram_hpa, l1.l2_ram_size);
	npt_refs_init();
	l1.npt_ops = (struct npt_ops){ .alloc_table = npt_alloc_table,
				       .free_table = npt_free_table,
				       .table_ptr = npt_table_ptr,
				       .table_refs = npt_table_refs };
}

/* View 0: the identity map of L2 RAM (all of it now, or page by page on
 * first touch with npt=lazy), with the first guest ASID. */
static void identity_view_init(struct vcpu *v)
{
	struct vcpu_view *view = &v->views[0];
	int rc;

	if (npt_init(&view->npt, &l1.npt_ops))
		l1_end_run(NESTLAB_STATUS_L1_ERROR, "out of memory for the NPT root");
	view->asid = VCPU_ASID_FIRST;
	view->in_use = true;
	if (!l1.cfg.npt_lazy) {
		rc = npt_map(&view->npt, 0, l1.l2_ram_hpa, l1.l2_ram_size, NPT_RWX,
			     NPT_MAP_ALLOW_2M);
		if (rc)
			l1_end_run(NESTLAB_STATUS_L1_ERROR, "NPT map of L2 RAM failed: %s",
				   npt_strerror(rc));
	}
}

static void vcpu_init(struct vcpu *v, uint32_t entry)
{
	const struct vcpu_boot_state boot = {
		.entry = entry, .gdt_gpa = L2_GDT_GPA,
		.eax = MULTIBOOT_BOOT_MAGIC, .ebx = L2_MBI_GPA,
	};
	char why[256];

	v->id = 0;
	/* L1's accesses through L2's page tables set A/D bits as the CPU
	 * would (APM vol.2 5.4.2). */
	v->gm = (struct guest_mem){ .ram_size = l1.l2_ram_size,
				    .read_phys = l2_read_phys,
				    .read_u64 = l2_read_u64,
				    .write_phys = l2_write_phys,
				    .cmpxchg_u64 = l2_cmpxchg_u64,
				    .entries_equal = l2_entries_equal,
				    .flags = GUEST_MEM_F_AD,
				    .cache = &v->walk_cache };
	identity_view_init(v);
	if (vendor_vcpu_create(v, &boot))
		l1_end_run(NESTLAB_STATUS_L1_ERROR, "out of memory for the vCPU's "
			   "control block and intercept bitmaps");
	msr_table_init();
	msr_table_apply(v);
	exit_core_register();
	{
		const char *why_apic = 0;

		int arc = lapic_dev_attach(v, &l1.cfg, &why_apic);

		if (arc == LAPIC_DEV_E_CONFIG)
			l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "bad L1 command line: %s", why_apic);
		if (arc)
			l1_end_run(NESTLAB_STATUS_L1_ERROR, "L2's local APIC: %s", why_apic);
	}
	if (mech_init_all(v, &l1.cfg, why, sizeof(why)))
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "bad L1 command line: %s", why);
	/* After every claim: the trampoline freezes the exit table. */
	if (exit_tramp_configure(v, &l1.cfg, why, sizeof(why)))
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "bad L1 command line: %s", why);
	if (l1_config_check_taken(&l1.cfg, why, sizeof(why)))
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "bad L1 command line: %s", why);
}

void l1_main(uint32_t magic, uint32_t mbi_pa)
{
	const struct multiboot_info *mbi = (const void *)(uint64_t)mbi_pa;
	struct vcpu *v = &l1.vcpus[0];
	char why[256];
	uint32_t entry;
	int rc;

	serial_init(NESTLAB_COM1_PORT);
	serial_init(NESTLAB_RESULTS_PORT);
	l1_idt_init();
	exit_stats_init(&l1.stats);
	outb(0x21, 0xFF);               /* mask the legacy PICs: no interrupts */
	outb(0xA1, 0xFF);
	l1_printf("nestlab-l1: nestlab L1 hypervisor (SVM), ABI %u\n",
		  NESTLAB_HC_ABI_VERSION);
	if (magic != MULTIBOOT_BOOT_MAGIC)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG,
			   "not booted by a multiboot loader (EAX=%x)", magic);
	rc = l1_config_parse((mbi->flags & MULTIBOOT_INFO_CMDLINE) ?
			     (const char *)(uint64_t)mbi->cmdline : 0,
			     &l1.cfg, why, sizeof(why));
	if (rc)
		l1_end_run(NESTLAB_STATUS_BAD_CONFIG, "bad L1 command line: %s", why);
	selftest_fault_safe_read();
	memory_init(mbi);
	check_l2_module_fits(mbi);

	if (vendor_probe(&l1.caps, why, sizeof(why)))
		l1_end_run(NESTLAB_STATUS_NO_SVM, "%s", why);
	l1_printf("nestlab-l1: %s with nested paging, %u ASIDs, flush by ASID %s, "
		  "nRIP %s\n", l1.caps.name, l1.caps.nr_asids,
		  l1.caps.flush_by_asid ? "yes" : "no",
		  l1.caps.next_rip ? "yes" : "no (RIP advance by decoding)");
	if (vendor_enable(&l1.caps))
		l1_end_run(NESTLAB_STATUS_L1_ERROR, "out of memory for the host save areas");

	l1.tsc_hz = tsc_calibrate_hz();
	l1_printf("nestlab-l1: TSC %lu kHz (against the PIT)\n", l1.tsc_hz / 1000);
	if (l1.trace.on)
		trace_l1_set_tsc_hz(&l1.trace, l1.tsc_hz);
	l2_ram_init();
	l1.features = NESTLAB_FEAT_VMMCALL | NESTLAB_FEAT_BACKDOOR |
		      (l1.cfg.npt_lazy ? NESTLAB_FEAT_NPT_LAZY : 0);
	l1.l2con = (struct l2_console){ .putc = l2_console_out };
	hypercall_env_init();
	{
		const char *failed = 0;

		rc = devices_init(&failed);
		if (rc)
			l1_end_run(NESTLAB_STATUS_L1_ERROR, "device %s: %s", failed,
				   io_bus_strerror(rc));
	}

	entry = load_l2(mbi);
	vcpu_init(v, entry);
	l1_printf("nestlab-l1: L2 RAM %lu MiB at host-physical %lx, NPT %s (%lu tables, "
		  "root %lx)\n", l1.cfg.l2mem_mib, l1.l2_ram_hpa,
		  l1.cfg.npt_lazy ? "lazy" : "eager", v->views[0].npt.nr_tables,
		  v->views[0].npt.root_phys);
	vcpu_run(v);
}
