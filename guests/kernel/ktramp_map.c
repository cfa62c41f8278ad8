/*
 * Where the trampoline's bytes live and how they are written (ktramp.c is
 * the rest of trampoline=global|process, docs/tramp.md).
 *
 * Where the bytes live. The dispatch always calls ktramp_page's address, a
 * 4 KiB page of the kernel's bss in the first 2 MiB, which the kernel maps
 * in 4 KiB pages (kmain.c), so it has a PTE of its own.
 *  - global: that PTE is in the page table every process shares (the
 *    kernel half's PDPT entries are copied, process.c): one page for all.
 *  - process: each process gets at creation its own copies of the page
 *    directory of [0, 1 GiB) and of the page table of the first 2 MiB
 *    (ktramp_proc_map), identical but for two PTEs: ktramp_page's maps
 *    that process's trampoline frame (ktramp_frames[i], also in the first
 *    2 MiB) and ktramp_local's its own state page (the dispatch's state
 *    word and counts, ktramp.h), so the dispatch runs the same instructions
 *    as with global and reads the running process's state, counts and
 *    trampoline. A context switch loads CR3, which flushes every
 *    non-global TLB entry (APM vol.2 5.5.2; SDM vol.3A 4.10.4.1; the kernel
 *    sets no G bit and no CR4.PGE): nothing more is needed for the next
 *    process to call its own trampoline at the same address.
 *
 * W^X at every moment (EFER.NXE; CR0.WP so that read-only binds the kernel
 * too, APM vol.2 5.6.4):
 *  - global: the page is writable and NX until it is published; a
 *    publication writes the bytes, clears W and NX, INVLPG (APM vol.2
 *    5.5.3; INVLPG serializes, as self-modifying code needs before the
 *    jump), and only then switches the dispatch to `call ktramp_page`; a
 *    rewrite first makes it writable and NX again (INVLPG).
 *  - process: the bytes are written through the frame's identity alias,
 *    which is NX always and read-only but during the write (its PTE in the
 *    running process's copy of the table, INVLPG); the process's mapping at
 *    ktramp_page is made NX before the alias becomes writable and executable
 *    again only after the alias is read-only (INVLPG when that process is
 *    the one running; another's entries are not in the TLB, its CR3 is not
 *    loaded). So a trampoline's frame is never writable and executable at
 *    once through any mapping.
 */
#include <nestlab/bootargs.h>
#include <nestlab/hypercall.h>
#include <nestlab/mem.h>
#include "../../lib/tramp/tramp.h"
#include "ktramp_int.h"
#include "../../lib/freestanding/x86.h"
#include "../../lib/freestanding/x86_regs.h"

uint8_t ktramp_page[PT_4K] __attribute__((aligned(4096), section(".bss.ktramp")));
/* trampoline=process: process i's trampoline, mapped at ktramp_page in its
 * tables (identity-mapped here too: the alias it is written through) */
static uint8_t ktramp_frames[NESTLAB_PROCS_MAX][PT_4K]
	__attribute__((aligned(4096), section(".bss.ktramp")));

union ktramp_local_page ktramp_local
	__attribute__((aligned(4096), section(".bss.ktramp")));
/* trampoline=process: process i's ktramp_local (written through its
 * identity alias when process i does not run) */
static union ktramp_local_page ktramp_local_frames[NESTLAB_PROCS_MAX]
	__attribute__((aligned(4096), section(".bss.ktramp")));

uint64_t *ktramp_pte_of(uint64_t root, const void *p)
{
	uint64_t va = (uint64_t)(uintptr_t)p;
	uint64_t *t = (uint64_t *)(uintptr_t)root;

	for (int level = 4; level > 1; level--) {
		uint64_t e = t[pt_index(va, level)];

		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return &t[pt_index(va, 1)];
}

void ktramp_invlpg(const void *p)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(p) : "memory");
}

static void ctx_init(struct ktramp_ctx *c, int *state, uint64_t *counts, unsigned pid,
		     uint8_t *bytes)
{
	c->state = state;
	c->counts = counts;
	c->pid = pid;
	c->bytes = bytes;
	ktramp_ledger_init(&c->lg, counts);
	*state = KTRAMP_LEARN;
}

const char *ktramp_init(void)
{
	struct cpuid_regs r;
	uint64_t *pte = ktramp_pte_of(l2k.kernel_root, ktramp_page);

	if (!pte)
		return "trampoline: the trampoline page has no 4 KiB PTE";
	cpuid_count(0x80000001u, 0, &r);
	if (!(r.edx & (1u << 20)))
		return "trampoline needs NX (CPUID 0x80000001 EDX bit 20)";
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(read_cr0() | CR0_WP) : "memory");
	*pte |= PTE_W | PTE_NX;
	ktramp_invlpg(ktramp_page);
	for (size_t i = 0; i < sizeof(ktramp_page); i++)
		ktramp_page[i] = 0xCC;  /* INT3: the generation writes its bytes only */
	if (!ktramp_proc_mode()) {
		ktramp_gctx.exec_pte = pte;
		ctx_init(&ktramp_gctx, &ktramp_state, syscall_counts, 0, ktramp_page);
		return NULL;
	}
	if (pt_index((uint64_t)(uintptr_t)&ktramp_local, 2) !=
	    pt_index((uint64_t)(uintptr_t)ktramp_page, 2) ||
	    !ktramp_pte_of(l2k.kernel_root, &ktramp_local))
		return "trampoline=process: the state page is not in the trampoline's page table";
	/* The frames, INT3-filled, then read-only and NX in the kernel's table
	 * (which the processes' copies inherit): only ever written through
	 * their alias made writable for the write. */
	for (unsigned i = 0; i < NESTLAB_PROCS_MAX; i++) {
		uint64_t *a = ktramp_pte_of(l2k.kernel_root, ktramp_frames[i]);

		if (!a)
			return "trampoline=process: a trampoline frame has no 4 KiB PTE";
		for (size_t b = 0; b < PT_4K; b++)
			ktramp_frames[i][b] = 0xCC;
		*a = (*a & ~PTE_W) | PTE_NX;
		ktramp_invlpg(ktramp_frames[i]);
	}
	return NULL;  /* the kernel's own state stays off: it makes no system call */
}

static uint64_t ktramp_frame_alloc(void)
{
	return l2_pt_ops.alloc(l2_pt_ops.ctx);
}

const char *ktramp_proc_map(unsigned index, uint64_t root, uint64_t *pdpt)
{
	uint64_t va = (uint64_t)(uintptr_t)ktramp_page;
	uint64_t *kpd, *kpt, *pd, *pt, pd_pa, pt_pa;
	unsigned i3 = pt_index(va, 3), i2 = pt_index(va, 2);
	struct ktramp_ctx *c;

	if (!ktramp_proc_mode())
		return NULL;
	if (index >= NESTLAB_PROCS_MAX || index != ktramp_nctx)
		return "trampoline=process: processes are mapped in order";
	if (!(pdpt[i3] & PTE_P) || (pdpt[i3] & PTE_PS))
		return "trampoline=process: no page directory above the trampoline page";
	kpd = (uint64_t *)(uintptr_t)(pdpt[i3] & PTE_ADDR);
	if (!(kpd[i2] & PTE_P) || (kpd[i2] & PTE_PS))
		return "trampoline=process: the trampoline page is not in a 4 KiB page table";
	kpt = (uint64_t *)(uintptr_t)(kpd[i2] & PTE_ADDR);
	pd_pa = ktramp_frame_alloc();
	pt_pa = ktramp_frame_alloc();
	if (!pd_pa || !pt_pa)
		return "trampoline=process: out of memory for a process's page tables";
	pd = l2_pt_ops.phys_to_virt(l2_pt_ops.ctx, pd_pa);
	pt = l2_pt_ops.phys_to_virt(l2_pt_ops.ctx, pt_pa);
	memcpy(pd, kpd, PT_4K);
	memcpy(pt, kpt, PT_4K);
	/* read-only, supervisor, NX until its first publication */
	pt[pt_index(va, 1)] = (uint64_t)(uintptr_t)ktramp_frames[index] | PTE_P | PTE_NX;
	/* its state and counts: data, writable and NX */
	pt[pt_index((uint64_t)(uintptr_t)&ktramp_local, 1)] =
		(uint64_t)(uintptr_t)&ktramp_local_frames[index] | PTE_P | PTE_W | PTE_NX;
	pd[i2] = pt_pa | (kpd[i2] & ~PTE_ADDR);
	pdpt[i3] = pd_pa | (pdpt[i3] & ~PTE_ADDR);
	c = &ktramp_pctx[index];
	c->exec_pte = &pt[pt_index(va, 1)];
	c->root = root;
	ctx_init(c, &ktramp_local_frames[index].v.state, ktramp_local_frames[index].v.counts,
		 index + 1, ktramp_frames[index]);
	ktramp_nctx++;
	return NULL;
}

static int ctx_running(const struct ktramp_ctx *c)
{
	return !ktramp_proc_mode() || c == &ktramp_pctx[sched_current()->index];
}

/* Make c's bytes writable and not executable anywhere; the PTE to restore
 * after the write (process: the alias in the running tables), or NULL. */
uint64_t *ktramp_page_open(struct ktramp_ctx *c)
{
	uint64_t *alias;

	if (!ktramp_proc_mode()) {
		*c->exec_pte |= PTE_W | PTE_NX;
		ktramp_invlpg(ktramp_page);
		return c->exec_pte;
	}
	*c->exec_pte |= PTE_NX;
	if (ctx_running(c))
		ktramp_invlpg(ktramp_page);
	alias = ktramp_pte_of(sched_current()->root, c->bytes);
	if (alias) {
		*alias |= PTE_W;
		ktramp_invlpg(c->bytes);
	}
	return alias;
}

/* The bytes are written: read-only and executable at ktramp_page only. */
void ktramp_page_close(struct ktramp_ctx *c, uint64_t *w)
{
	__asm__ __volatile__("" : : : "memory");
	if (!ktramp_proc_mode()) {
		*c->exec_pte &= ~(PTE_W | PTE_NX);
		ktramp_invlpg(ktramp_page);
		return;
	}
	*w &= ~PTE_W;
	ktramp_invlpg(c->bytes);
	*c->exec_pte &= ~PTE_NX;
	if (ctx_running(c))
		ktramp_invlpg(ktramp_page);
}
