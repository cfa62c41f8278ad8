/*
 * The ring-3 processes' address spaces: one per process, all made at boot.
 *
 * Address space (uapi.h): a PML4 and PDPT of its own; the kernel half is
 * shared: every entry of the kernel's PDPT but the user one is copied (entry
 * 0: the direct map of RAM, 2 MiB pages, supervisor-only: U/S = 0 at that
 * level makes all of [0, 1 GiB) kernel-only, AMD APM vol.2 5.6.1; entry 3:
 * the xAPIC page when the timer is used). PDPT entry 1 is the process's own
 * user space [1 GiB, 2 GiB): the user image, a stack, the kernel's counters
 * page (read-only), and demand-paged regions. The first process maps the
 * user image's frames inside the kernel image; the others get a copy made
 * at boot, before any process ran, so that each has its own data.
 *
 * Demand paging: L2_SYS_MMAP reserves a range and builds every page table
 * its pages will need right away (so a first touch later writes one PTE in a
 * table that already exists). The #PF handler then takes a fresh frame from
 * the bump allocator, zeroes it (the first touch of that frame anywhere) and
 * maps it. No TLB flush is needed: a not-present translation is never cached
 * (APM vol.2 5.5.3; Intel SDM vol.3 4.10.4.3).
 *
 * Every call but process_create acts on the running process.
 */
#include <nestlab/bootargs.h>
#include <nestlab/status.h>
#include <nestlab/mem.h>
#include "uapi.h"
#include "kernel.h"
#include "arch.h"
#include "ktramp.h"

uint64_t process_pid(void)
{
	return sched_current()->pid;
}

static int in_region(const struct l2_proc *p, uint64_t addr)
{
	unsigned i;

	for (i = 0; i < p->nregions; i++)
		if (addr >= p->regions[i].start && addr < p->regions[i].end)
			return 1;
	return 0;
}

int process_user_range_ok(uint64_t ptr, uint64_t len)
{
	const struct l2_proc *p = sched_current();
	uint64_t a, end = ptr + len, pa, flags;

	if (!p->root || end < ptr || ptr < L2_USER_BASE || end > L2_USER_END)
		return 0;
	for (a = ptr & ~(PT_4K - 1); a < end; a += PT_4K) {
		if (in_region(p, a))
			continue;
		if (pt_walk(&l2_pt_ops, p->root, a, &pa, &flags) || !(flags & PTE_U))
			return 0;
	}
	return 1;
}

/* Zero a frame 8 bytes at a time (REP STOSQ): the frame's first touch. */
static void zero_frame(uint64_t pa)
{
	void *dst = (void *)(uintptr_t)pa;
	uint64_t n = PT_4K / 8;

	__asm__ __volatile__("rep stosq" : "+D"(dst), "+c"(n) : "a"(0ull) : "memory");
}

int process_demand_fault(uint64_t addr)
{
	const struct l2_proc *p = sched_current();
	uint64_t page = addr & ~(PT_4K - 1), frame;

	if (!p->root || !in_region(p, addr))
		return -1;
	frame = pmm_alloc(&l2k.pmm);
	if (!frame)
		return -1;
	zero_frame(frame);
	return pt_map(&l2_pt_ops, p->root, page, frame, PT_4K, PTE_U | PTE_W) ? -1 : 0;
}

int64_t process_mmap(uint64_t len)
{
	struct l2_proc *p = sched_current();
	uint64_t start = p->mmap_next, pages, tables;

	if (len == 0 || len > L2_USER_END - L2_USER_MMAP_BASE)
		return -L2_EINVAL;
	len = (len + PT_4K - 1) & ~(PT_4K - 1);
	if (p->nregions == L2_MAX_REGIONS || len > L2_USER_END - start)
		return -L2_ENOMEM;
	/* Every page must be backable when touched: frames + tables. */
	pages = len / PT_4K;
	tables = len / PT_2M + 2;
	if (pmm_free_frames(&l2k.pmm) < pages + tables)
		return -L2_ENOMEM;
	if (pt_prepare(&l2_pt_ops, p->root, start, len, PTE_U | PTE_W))
		return -L2_ENOMEM;
	p->regions[p->nregions].start = start;
	p->regions[p->nregions].end = start + len;
	p->nregions++;
	/* Next region starts on a fresh 2 MiB boundary, after a guard gap. */
	p->mmap_next = (start + len + 2 * PT_2M - 1) & ~(PT_2M - 1);
	return (int64_t)start;
}

int64_t process_user_pa(uint64_t va)
{
	uint64_t pa, flags;

	if (va < L2_USER_BASE || va >= L2_USER_END ||
	    pt_walk(&l2_pt_ops, sched_current()->root, va, &pa, &flags) || !(flags & PTE_U))
		return -L2_EFAULT;
	return (int64_t)pa;
}

int64_t process_map_outside(uint64_t va)
{
	struct l2_proc *p = sched_current();
	uint64_t gpa = ((l2k.ram_top + PT_2M - 1) & ~(PT_2M - 1)) + 16 * 1024 * 1024;

	if (va != L2_USER_PROBE_VA || p->probe_mapped)
		return -L2_EINVAL;
	if (gpa >= 0xC0000000ull) /* stay below the 32-bit PCI hole */
		return -L2_ENOMEM;
	if (pt_map(&l2_pt_ops, p->root, va, gpa, PT_4K, PTE_U))
		return -L2_ENOMEM;
	p->probe_mapped = 1;
	return (int64_t)gpa;
}

static void map_or_die(const struct l2_proc *p, uint64_t va, uint64_t pa, uint64_t flags)
{
	int err = pt_map(&l2_pt_ops, p->root, va, pa, PT_4K, flags);

	if (err) {
		kprintf("nestlab-l2: cannot map user page %lx -> %lx: %s\n", va, pa,
			pt_strerror(err));
		run_finish(NESTLAB_STATUS_L2_EXCEPTION);
	}
}

static uint64_t frame_or_die(const char *what)
{
	uint64_t pa = l2_pt_ops.alloc(l2_pt_ops.ctx); /* zeroed: touched now */

	if (!pa) {
		kprintf("nestlab-l2: out of memory for %s\n", what);
		run_finish(NESTLAB_STATUS_L2_EXCEPTION);
	}
	return pa;
}

void process_create(struct l2_proc *p, unsigned index, unsigned program)
{
	uint64_t pa, va, *pml4, *pdpt, *kpdpt, pdpt_pa;
	uint64_t img = (uint64_t)(uintptr_t)__user_image_start;
	uint64_t img_end = (uint64_t)(uintptr_t)__user_image_end;
	unsigned user_slot = pt_index(L2_USER_BASE, 3), i;

	p->index = index;
	p->pid = index + 1;
	p->program = program;
	p->mmap_next = L2_USER_MMAP_BASE;
	p->root = frame_or_die("the process page tables");
	pdpt_pa = frame_or_die("the process page tables");
	pml4 = l2_pt_ops.phys_to_virt(l2_pt_ops.ctx, p->root);
	pdpt = l2_pt_ops.phys_to_virt(l2_pt_ops.ctx, pdpt_pa);
	kpdpt = l2_pt_ops.phys_to_virt(l2_pt_ops.ctx, l2k.kernel_pdpt);
	pml4[0] = pdpt_pa | PTE_P | PTE_W | PTE_U;
	for (i = 0; i < X86_PT_ENTRIES; i++)    /* the kernel half, supervisor-only */
		if (i != user_slot)
			pdpt[i] = kpdpt[i];
	{
		/* trampoline=process: its own trampoline page (ktramp.c) */
		const char *why = ktramp_proc_map(index, p->root, pdpt);

		if (why) {
			kprintf("nestlab-l2: %s\n", why);
			run_finish(NESTLAB_STATUS_L2_EXCEPTION);
		}
	}

	for (pa = img, va = L2_USER_BASE; pa < img_end; pa += PT_4K, va += PT_4K) {
		uint64_t frame = pa;

		if (index > 0) {
			frame = frame_or_die("a copy of the user image");
			memcpy((void *)(uintptr_t)frame, (const void *)(uintptr_t)pa, PT_4K);
		}
		map_or_die(p, va, frame, PTE_U | PTE_W);
	}
	for (va = L2_USER_STACK_TOP - L2_USER_STACK_SIZE; va < L2_USER_STACK_TOP; va += PT_4K)
		map_or_die(p, va, frame_or_die("the user stack"), PTE_U | PTE_W);
	/* the counters page: the kernel's direct map is the identity */
	map_or_die(p, L2_USER_KINFO_VA, (uint64_t)(uintptr_t)l2_kinfo, PTE_U);
}
