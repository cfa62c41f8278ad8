/*
 * The L2 kernel's C entry, called by boot.S in 64-bit mode on the boot page
 * tables. Order: find the level (so the console knows where to write), load
 * the GDT/TSS/IDT and SYSCALL MSRs (so any fault is reported), read the
 * multiboot info (memory map, command line, modules), parse the command
 * line, touch every page of the kernel image (under L1's lazy NPT no page of
 * it may fault later, inside a measured phase), pick the free frames, load
 * the module if there is one (kmod.c), build the kernel's page tables (the
 * module's code and read-only data without write access), call the
 * module's init, map the local APIC if the workload uses the timer, and
 * start the ring-3 processes.
 */
#include <nestlab/multiboot.h>
#include <nestlab/status.h>
#include <nestlab/bootargs.h>
#include <nestlab/mem.h>
#include <nestlab/hypercall.h>
#include "kernel.h"
#include "batch.h"
#include "ktramp.h"
#include "phase_hook.h"
#include "trace.h"
#include "arch.h"

#define MAX_AVAIL    16
#define MAX_RESERVED 24
#define CMDLINE_MAX  1024

struct l2_kernel l2k;

static uint64_t kalloc_frame(void *ctx)
{
	uint64_t f = pmm_alloc(&l2k.pmm);

	(void)ctx;
	if (f)
		memset((void *)(uintptr_t)f, 0, PT_4K);
	return f;
}

static uint64_t *kphys_to_virt(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (uint64_t *)(uintptr_t)pa; /* direct map: identity */
}

const struct pt_ops l2_pt_ops = { kalloc_frame, kphys_to_virt, NULL };

static char cmdline[CMDLINE_MAX];
static struct pmm_range avail[MAX_AVAIL], reserved[MAX_RESERVED];
static unsigned navail, nreserved;
static struct pmm_range module;    /* the first multiboot module, if any */
static unsigned nmodules;

static void add_range(struct pmm_range *r, unsigned *n, unsigned max, uint64_t start,
		      uint64_t end)
{
	if (*n < max && start < end) {
		r[*n].start = start;
		r[*n].end = end;
		(*n)++;
	}
}

static void boot_fail(const char *what)
{
	kprintf("nestlab-l2: %s\n", what);
	run_set_error(what);
	run_finish(NESTLAB_STATUS_BAD_CONFIG);
}

/* Multiboot spec 3.3: the info structure, its memory map, command line and
 * modules. Their ranges are reserved so the frame allocator avoids them. */
static void read_multiboot(uint32_t magic, uint32_t info_pa)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)info_pa;
	unsigned i;

	if (magic != MULTIBOOT_BOOT_MAGIC)
		boot_fail("not booted by a multiboot loader (bad EAX magic)");
	add_range(reserved, &nreserved, MAX_RESERVED, info_pa, info_pa + sizeof(*mbi));
	if (mbi->flags & MULTIBOOT_INFO_MMAP) {
		uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

		add_range(reserved, &nreserved, MAX_RESERVED, p, end);
		while (p + sizeof(struct multiboot_mmap_entry) <= end) {
			const struct multiboot_mmap_entry *e = (const void *)(uintptr_t)p;

			if (e->type == MULTIBOOT_MMAP_AVAILABLE)
				add_range(avail, &navail, MAX_AVAIL, e->addr, e->addr + e->len);
			p += e->size + 4;
		}
	} else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		add_range(avail, &navail, MAX_AVAIL, 0, (uint64_t)mbi->mem_lower * 1024);
		add_range(avail, &navail, MAX_AVAIL, 0x100000,
			  0x100000 + (uint64_t)mbi->mem_upper * 1024);
	}
	for (i = 0; i < navail; i++)
		if (avail[i].end > l2k.ram_top)
			l2k.ram_top = avail[i].end;
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE) {
		const char *s = (const char *)(uintptr_t)mbi->cmdline;
		size_t n = strlen(s);

		add_range(reserved, &nreserved, MAX_RESERVED, mbi->cmdline, mbi->cmdline + n + 1);
		if (n >= CMDLINE_MAX)
			boot_fail("command line too long");
		memcpy(cmdline, s, n + 1);
	}
	if (mbi->flags & MULTIBOOT_INFO_MODS) {
		const struct multiboot_module *m = (const void *)(uintptr_t)mbi->mods_addr;

		add_range(reserved, &nreserved, MAX_RESERVED, mbi->mods_addr,
			  mbi->mods_addr + mbi->mods_count * sizeof(*m));
		nmodules = mbi->mods_count;
		if (nmodules) {
			module.start = m[0].mod_start;
			module.end = m[0].mod_end;
		}
		for (i = 0; i < mbi->mods_count; i++) {
			add_range(reserved, &nreserved, MAX_RESERVED, m[i].mod_start, m[i].mod_end);
			if (m[i].string)
				add_range(reserved, &nreserved, MAX_RESERVED, m[i].string,
					  m[i].string + strlen((const char *)(uintptr_t)m[i].string) + 1);
		}
	}
}

/* The trace region (trace=) lies in one available range, in the direct map. */
static int trace_region_in_ram(void)
{
	uint64_t start = l2k.cfg.trace_pa, end = start + l2k.cfg.trace_bytes;

	if (end > L2_DIRECT_MAP_END)
		return 0;
	for (unsigned i = 0; i < navail; i++)
		if (start >= avail[i].start && end <= avail[i].end)
			return 1;
	return 0;
}

/* Read one byte of every page of the image and bss: from here on, no page of
 * the kernel is touched for the first time. */
static void touch_kernel_image(void)
{
	volatile const char *p;

	for (p = __load_start; p < __bss_end; p += PT_4K)
		(void)*p;
}

static void build_kernel_tables(void)
{
	uint64_t top = l2k.ram_top, pa, p, *pml4;
	int err = 0;

	if (top > L2_DIRECT_MAP_END)
		top = L2_DIRECT_MAP_END;
	l2k.kernel_root = kalloc_frame(NULL);
	if (!l2k.kernel_root)
		boot_fail("no memory for page tables");
	/* 2 MiB pages, but the first 2 MiB (leaving page 0 unmapped: NULL
	 * faults) and those holding the module in 4 KiB pages, its code and
	 * read-only data without write access (kmod.c). */
	for (pa = 0; pa < top && !err; pa += PT_2M) {
		if (pa && !kmod_chunk_split(pa)) {
			err = pt_map(&l2_pt_ops, l2k.kernel_root, pa, pa, PT_2M, PTE_W);
			continue;
		}
		for (p = pa ? pa : PT_4K; p < pa + PT_2M && !err; p += PT_4K)
			err = pt_map(&l2_pt_ops, l2k.kernel_root, p, p, PT_4K,
				     kmod_page_writable(p) ? PTE_W : 0);
	}
	if (err)
		boot_fail("cannot build the kernel page tables");
	pml4 = kphys_to_virt(NULL, l2k.kernel_root);
	l2k.kernel_pdpt = pml4[0] & PTE_ADDR;
	write_cr3(l2k.kernel_root);
}

void kmain(uint32_t magic, uint32_t info_pa)
{
	struct pmm_range free;
	char err[128];

	l2k.level = level_detect();
	l2k.transport = NESTLAB_TRANSPORT_VMMCALL;
	console_init();
	desc_init();
	read_multiboot(magic, info_pa);
	if (l2_cmdline_parse(cmdline, &l2k.cfg, err, sizeof(err)) == 0) {
		l2k.cfg_ok = 1;
		l2k.transport = l2k.cfg.transport;
		/* Only the backdoor reaches KVM's user space, also for the
		 * HC_EXIT that reports a bad configuration. */
		if (l2k.cfg.l1 == L2_L1_KVM)
			l2k.transport = NESTLAB_TRANSPORT_BACKDOOR;
		l2k.cfg_ok = l2_config_check_l1(&l2k.cfg, l2k.level, err, sizeof(err)) == 0;
	}
	kprintf("nestlab-l2: level %u, RAM top %lu KiB, command line \"%s\"\n", l2k.level,
		l2k.ram_top / 1024, cmdline);
	if (l2k.cfg_ok)
		batch_report_config();
	if (l2k.cfg_ok && !l2k.cfg.retpoline)
		kprintf("nestlab-l2: retpoline off: %u thunks are plain indirect jumps\n",
			retpoline_apply(0));
	if (!l2k.cfg_ok) {
		kprintf("nestlab-l2: bad command line: %s\n", err);
		kprintf("nestlab-l2: usage: workload=<name> iterations=<0..%u> "
			"transport=vmmcall|backdoor [trace=hc|<addr>:<bytes>] [l1=nestlab|kvm] "
			"[procs=<program>,...] [timer_hz=<%u..%u>] [mbec=on|off]\n",
			NESTLAB_ITERATIONS_MAX, NESTLAB_TIMER_HZ_MIN, NESTLAB_TIMER_HZ_MAX);
		run_set_error(err);
		run_finish(NESTLAB_STATUS_BAD_CONFIG);
	}
	if (l2k.cfg.trace == L2_TRACE_REGION) {
		if (!trace_region_in_ram())
			boot_fail("trace region is not available RAM below 1 GiB");
		add_range(reserved, &nreserved, MAX_RESERVED, l2k.cfg.trace_pa,
			  l2k.cfg.trace_pa + l2k.cfg.trace_bytes);
	}
	touch_kernel_image();
	if (pmm_pick_region(avail, navail, (uint64_t)(uintptr_t)__bss_end, reserved, nreserved,
			    L2_DIRECT_MAP_END, &free))
		boot_fail("no free RAM above the kernel");
	pmm_init(&l2k.pmm, free.start, free.end);
	if (nmodules > 1)
		boot_fail("more than one multiboot module: the kernel loads one (its module)");
	if (nmodules)
		kmod_boot_load(module.start, module.end);
	build_kernel_tables();
	if (l2k.cfg.batch && kphase_hook_add(&batch_phase_hook))
		boot_fail("batch: no phase hook slot left");
	if (l2k.cfg.trampoline) {
		const char *why = ktramp_init();

		if (why)
			boot_fail(why);
		if (kphase_hook_add(&ktramp_phase_hook))
			boot_fail("trampoline: no phase hook slot left");
		kprintf("nestlab-l2: trampoline %s: window %u in-phase calls, page at %p "
			"%s\n", nestlab_ktramp_mode_name((unsigned)l2k.cfg.trampoline),
			l2k.cfg.trampoline_window, (void *)ktramp_page,
			l2k.cfg.trampoline == NESTLAB_KTRAMP_PROCESS ?
			"one per process, read-only and NX" : "writable and NX");
	}
	kprintf("nestlab-l2: workload %s iterations %lu transport %s, free frames %lu\n",
		l2_workload_name(l2k.cfg.workload), l2k.cfg.iterations,
		l2_transport_name(l2k.transport), pmm_free_frames(&l2k.pmm));
	kmod_boot_init();
	irq_init();
	user_gate_init();
	if (l2k.cfg.workload == NESTLAB_WL_TIMER) {
		if (apic_map(err, sizeof(err)))
			boot_fail(err);
		l2k.timer_ready = 1;
	}
	trace_init();
	sched_start();
}
