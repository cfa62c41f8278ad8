/*
 * The ring-3 process: one per boot, running the workload program.
 *
 * Address space (uapi.h): a PML4 and PDPT of its own; PDPT entry 0 is the
 * kernel's direct map of RAM (2 MiB pages, supervisor-only: U/S = 0 at that
 * level makes all of [0, 1 GiB) kernel-only, AMD APM vol.2 5.6.1), PDPT entry
 * 1 is user space [1 GiB, 2 GiB): the user image (frames inside the kernel
 * image, mapped U/W), a stack, and demand-paged regions.
 *
 * Demand paging: L2_SYS_MMAP reserves a range and builds every page table
 * its pages will need right away (so a first touch later writes one PTE in a
 * table that already exists). The #PF handler then takes a fresh frame from
 * the bump allocator, zeroes it (the first touch of that frame anywhere) and
 * maps it. No TLB flush is needed: a not-present translation is never cached
 * (APM vol.2 5.5.3; Intel SDM vol.3 4.10.4.3).
 */
#include <nestlab/bootargs.h>
#include <nestlab/status.h>
#include <nestlab/mem.h>
#include "uapi.h"
#include "kernel.h"
#include "arch.h"

#define MAX_REGIONS 8

struct demand_region {
	uint64_t start, end;
};

static struct {
	uint64_t pid;
	uint64_t root;
	uint64_t mmap_next;
	struct demand_region regions[MAX_REGIONS];
	unsigned nregions;
	uint64_t probe_mapped;
} proc;

void enter_user(uint64_t rip, uint64_t rsp, uint64_t a0, uint64_t a1, uint64_t a2,
		uint64_t a3) __attribute__((noreturn));

uint64_t process_pid(void)
{
	return proc.pid;
}

static int in_region(uint64_t addr)
{
	unsigned i;

	for (i = 0; i < proc.nregions; i++)
		if (addr >= proc.regions[i].start && addr < proc.regions[i].end)
			return 1;
	return 0;
}

int process_user_range_ok(uint64_t ptr, uint64_t len)
{
	uint64_t a, end = ptr + len, pa, flags;

	if (!proc.root || end < ptr || ptr < L2_USER_BASE || end > L2_USER_END)
		return 0;
	for (a = ptr & ~(PT_4K - 1); a < end; a += PT_4K) {
		if (in_region(a))
			continue;
		if (pt_walk(&l2_pt_ops, proc.root, a, &pa, &flags) || !(flags & PTE_U))
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
	uint64_t page = addr & ~(PT_4K - 1), frame;

	if (!proc.root || !in_region(addr))
		return -1;
	frame = pmm_alloc(&l2k.pmm);
	if (!frame)
		return -1;
	zero_frame(frame);
	return pt_map(&l2_pt_ops, proc.root, page, frame, PT_4K, PTE_U | PTE_W) ? -1 : 0;
}

int64_t process_mmap(uint64_t len)
{
	uint64_t start = proc.mmap_next, pages, tables;

	if (len == 0 || len > L2_USER_END - L2_USER_MMAP_BASE)
		return -L2_EINVAL;
	len = (len + PT_4K - 1) & ~(PT_4K - 1);
	if (proc.nregions == MAX_REGIONS || len > L2_USER_END - start)
		return -L2_ENOMEM;
	/* Every page must be backable when touched: frames + tables. */
	pages = len / PT_4K;
	tables = len / PT_2M + 2;
	if (pmm_free_frames(&l2k.pmm) < pages + tables)
		return -L2_ENOMEM;
	if (pt_prepare(&l2_pt_ops, proc.root, start, len, PTE_U | PTE_W))
		return -L2_ENOMEM;
	proc.regions[proc.nregions].start = start;
	proc.regions[proc.nregions].end = start + len;
	proc.nregions++;
	/* Next region starts on a fresh 2 MiB boundary, after a guard gap. */
	proc.mmap_next = (start + len + 2 * PT_2M - 1) & ~(PT_2M - 1);
	return (int64_t)start;
}

int64_t process_map_outside(uint64_t va)
{
	uint64_t gpa = ((l2k.ram_top + PT_2M - 1) & ~(PT_2M - 1)) + 16 * 1024 * 1024;

	if (va != L2_USER_PROBE_VA || proc.probe_mapped)
		return -L2_EINVAL;
	if (gpa >= 0xC0000000ull) /* stay below the 32-bit PCI hole */
		return -L2_ENOMEM;
	if (pt_map(&l2_pt_ops, proc.root, va, gpa, PT_4K, PTE_U))
		return -L2_ENOMEM;
	proc.probe_mapped = 1;
	return (int64_t)gpa;
}

static void map_or_die(uint64_t va, uint64_t pa, uint64_t flags)
{
	int err = pt_map(&l2_pt_ops, proc.root, va, pa, PT_4K, flags);

	if (err) {
		kprintf("nestlab-l2: cannot map user page %lx -> %lx: %s\n", va, pa,
			pt_strerror(err));
		run_finish(NESTLAB_STATUS_L2_EXCEPTION);
	}
}

void process_start(void)
{
	uint64_t pa, va, *pml4, *pdpt, pdpt_pa;
	uint64_t img = (uint64_t)(uintptr_t)__user_image_start;
	uint64_t img_end = (uint64_t)(uintptr_t)__user_image_end;

	proc.pid = 1;
	proc.mmap_next = L2_USER_MMAP_BASE;
	proc.root = l2_pt_ops.alloc(l2_pt_ops.ctx);
	pdpt_pa = l2_pt_ops.alloc(l2_pt_ops.ctx);
	if (!proc.root || !pdpt_pa) {
		kprintf("nestlab-l2: out of memory for the process page tables\n");
		run_finish(NESTLAB_STATUS_L2_EXCEPTION);
	}
	pml4 = l2_pt_ops.phys_to_virt(l2_pt_ops.ctx, proc.root);
	pdpt = l2_pt_ops.phys_to_virt(l2_pt_ops.ctx, pdpt_pa);
	pml4[0] = pdpt_pa | PTE_P | PTE_W | PTE_U;
	pdpt[0] = l2k.kernel_pdpt0;   /* the direct map, supervisor-only */

	for (pa = img, va = L2_USER_BASE; pa < img_end; pa += PT_4K, va += PT_4K)
		map_or_die(va, pa, PTE_U | PTE_W);
	for (va = L2_USER_STACK_TOP - L2_USER_STACK_SIZE; va < L2_USER_STACK_TOP; va += PT_4K) {
		pa = l2_pt_ops.alloc(l2_pt_ops.ctx); /* zeroed: touched now */
		if (!pa) {
			kprintf("nestlab-l2: out of memory for the user stack\n");
			run_finish(NESTLAB_STATUS_L2_EXCEPTION);
		}
		map_or_die(va, pa, PTE_U | PTE_W);
	}
	write_cr3(proc.root);
	enter_user(L2_USER_BASE, L2_USER_STACK_TOP - 8, l2k.cfg.workload,
		   l2k.cfg.iterations, l2k.cfg.transport, l2k.level);
}
