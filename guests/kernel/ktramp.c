/*
 * trampoline=global|process: the L2 kernel's system-call table through a
 * learned trampoline (issue 15 parts 3 and 4, docs/tramp.md; the model is
 * L1's exit dispatch, l1hyp/core/exit_tramp.c). One trampoline state (a
 * struct ktramp_ctx) learns and publishes: with trampoline=global one for
 * the kernel, with trampoline=process one per process. While learning,
 * each call goes through syscall_table[nr] (the retpoline thunk with
 * retpoline=on) and every call made inside a phase is counted per entry.
 * After the window's W-th in-phase call (trampoline_window=, default 256)
 * tramp_select picks the KTRAMP_HOT hottest entries and tramp_generate
 * writes the trampoline (lib/tramp: cmp $nr,%rbx; je sys_X per hot entry,
 * then the table through __x86_indirect_thunk_r11, or jmp *%r11 with
 * retpoline=off); at each phase's end tramp_decide may replace it.
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
 * Never in flight: a publication runs after the call that ended the window
 * returned, or inside sys_phase_end; the trampoline reaches a handler by a
 * tail jump, so no frame of any trampoline is on any stack (the others'
 * processes wait in sys_yield, reached the same way), and the kernel runs
 * with IF=0 on its only CPU. No stale target: syscall_table is const.
 *
 * Counted without a cost per call: the counts at each publication against
 * those later give the calls dispatched by a direct jump (entries hot in
 * the live trampoline) and by the table; per phase the same at its begin
 * and end, reported as results counters (include/nestlab/ktramp.h). The
 * console lines wait for the end of the run (a line in a phase would add
 * its hypercall to the phase's exits).
 */
#include <nestlab/bootargs.h>
#include <nestlab/ktramp.h>
#include <nestlab/procs.h>
#include <nestlab/results.h>
#include <nestlab/hypercall.h>
#include <nestlab/mem.h>
#include "../../lib/tramp/tramp.h"
#include "../../lib/freestanding/x86.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include "kernel.h"
#include "ktramp.h"
#include "probe.h"
#include "mbec.h"

uint8_t ktramp_page[PT_4K] __attribute__((aligned(4096), section(".bss.ktramp")));
/* trampoline=process: process i's trampoline, mapped at ktramp_page in its
 * tables (identity-mapped here too: the alias it is written through) */
static uint8_t ktramp_frames[NESTLAB_PROCS_MAX][PT_4K]
	__attribute__((aligned(4096), section(".bss.ktramp")));

extern char __x86_indirect_thunk_r11[];

union ktramp_local_page ktramp_local
	__attribute__((aligned(4096), section(".bss.ktramp")));
/* trampoline=process: process i's ktramp_local (written through its
 * identity alias when process i does not run) */
static union ktramp_local_page ktramp_local_frames[NESTLAB_PROCS_MAX]
	__attribute__((aligned(4096), section(".bss.ktramp")));

#define KTRAMP_RECS 8u

struct ktramp_rec {                  /* one generation, printed at the end */
	uint64_t after;                  /* generation 1: after in-phase call N */
	uint64_t phase;                  /* later ones: at the end of phase N */
	uint32_t hot[KTRAMP_HOT];
	unsigned nhot;
	size_t len;
};

struct ktramp_phase_ctr {            /* a phase's results counters */
	uint64_t direct, table, generations;
	int done;
};

struct ktramp_ctx {
	int *state;                      /* its ktramp_state (process i: its frame's) */
	uint64_t *counts;                /* its syscall_counts (likewise) */
	unsigned pid;                    /* process mode: its pid; 0: global */
	uint8_t *bytes;                  /* where its code is written */
	uint64_t *exec_pte;              /* the PTE mapping ktramp_page to it */
	uint64_t root;                   /* process mode: the process's PML4 */
	uint8_t hot_flag[L2_SYS_NR];     /* nr is compared by the live trampoline */
	uint64_t seg[L2_SYS_NR];         /* counts when the live segment began */
	uint64_t at_eval[L2_SYS_NR];     /* counts at the evaluation's start */
	uint64_t learn[L2_SYS_NR];       /* in-phase calls per entry, while learning */
	uint64_t learned;
	uint64_t direct, table;          /* of earlier segments (folded) */
	uint64_t d0, t0;                 /* direct, table at the open phase's begin */
	uint32_t hot[KTRAMP_HOT];
	unsigned nhot;
	size_t code_len;
	int gen_rc;                      /* tramp_generate's code, if it failed */
	char mbec_why[120];              /* KTRAMP_E_MBEC: the hypercall's failure */
	struct ktramp_rec recs[KTRAMP_RECS];
	unsigned generations;
	struct ktramp_phase_ctr ph[NESTLAB_MAX_PHASES];
};

static unsigned ctx_list(struct ktramp_ctx **list);

static struct ktramp_ctx gctx;
static struct ktramp_ctx pctx[NESTLAB_PROCS_MAX];
static unsigned nctx;                /* process mode: processes mapped */

static int proc_mode(void)
{
	return l2k.cfg.trampoline == NESTLAB_KTRAMP_PROCESS;
}

/* The 4 KiB PTE of va in the tables at root, or NULL. */
static uint64_t *pte_of(uint64_t root, const void *p)
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

static void invlpg(const void *p)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(p) : "memory");
}

/* The context that counts the running process's calls. */
static struct ktramp_ctx *cur_ctx(void)
{
	return proc_mode() ? &pctx[sched_current()->index] : &gctx;
}

static void ctx_init(struct ktramp_ctx *c, int *state, uint64_t *counts, unsigned pid,
		     uint8_t *bytes)
{
	c->state = state;
	c->counts = counts;
	c->pid = pid;
	c->bytes = bytes;
	for (unsigned nr = 0; nr < L2_SYS_NR; nr++)
		c->seg[nr] = counts[nr];
	*state = KTRAMP_LEARN;
}

const char *ktramp_init(void)
{
	struct cpuid_regs r;
	uint64_t *pte = pte_of(l2k.kernel_root, ktramp_page);

	if (!pte)
		return "trampoline: the trampoline page has no 4 KiB PTE";
	cpuid_count(0x80000001u, 0, &r);
	if (!(r.edx & (1u << 20)))
		return "trampoline needs NX (CPUID 0x80000001 EDX bit 20)";
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(read_cr0() | CR0_WP) : "memory");
	*pte |= PTE_W | PTE_NX;
	invlpg(ktramp_page);
	for (size_t i = 0; i < sizeof(ktramp_page); i++)
		ktramp_page[i] = 0xCC;  /* INT3: the generation writes its bytes only */
	if (!proc_mode()) {
		gctx.exec_pte = pte;
		ctx_init(&gctx, &ktramp_state, syscall_counts, 0, ktramp_page);
		return NULL;
	}
	if (pt_index((uint64_t)(uintptr_t)&ktramp_local, 2) !=
	    pt_index((uint64_t)(uintptr_t)ktramp_page, 2) ||
	    !pte_of(l2k.kernel_root, &ktramp_local))
		return "trampoline=process: the state page is not in the trampoline's page table";
	/* The frames, INT3-filled, then read-only and NX in the kernel's table
	 * (which the processes' copies inherit): only ever written through
	 * their alias made writable for the write. */
	for (unsigned i = 0; i < NESTLAB_PROCS_MAX; i++) {
		uint64_t *a = pte_of(l2k.kernel_root, ktramp_frames[i]);

		if (!a)
			return "trampoline=process: a trampoline frame has no 4 KiB PTE";
		for (size_t b = 0; b < PT_4K; b++)
			ktramp_frames[i][b] = 0xCC;
		*a = (*a & ~PTE_W) | PTE_NX;
		invlpg(ktramp_frames[i]);
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

	if (!proc_mode())
		return NULL;
	if (index >= NESTLAB_PROCS_MAX || index != nctx)
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
	c = &pctx[index];
	c->exec_pte = &pt[pt_index(va, 1)];
	c->root = root;
	ctx_init(c, &ktramp_local_frames[index].v.state, ktramp_local_frames[index].v.counts,
		 index + 1, ktramp_frames[index]);
	nctx++;
	return NULL;
}

/* Direct and table calls so far; inflight: a call of c's dispatched but not
 * counted yet (or L2_SYS_NR). */
static void ctx_totals(const struct ktramp_ctx *c, unsigned inflight, uint64_t *d,
		       uint64_t *t)
{
	uint64_t dd = c->direct, tt = c->table;

	for (unsigned nr = 0; nr < L2_SYS_NR; nr++) {
		uint64_t after = c->counts[nr] - c->seg[nr] + (nr == inflight);

		if (c->hot_flag[nr])
			dd += after;
		else
			tt += after;
	}
	*d = dd;
	*t = tt;
}

/* Close the live segment: its calls into direct and table. */
static void ctx_fold(struct ktramp_ctx *c, unsigned inflight)
{
	ctx_totals(c, inflight, &c->direct, &c->table);
	for (unsigned nr = 0; nr < L2_SYS_NR; nr++) {
		c->seg[nr] = c->counts[nr] + (nr == inflight);
		c->hot_flag[nr] = 0;
	}
}

static int ctx_running(const struct ktramp_ctx *c)
{
	return !proc_mode() || c == &pctx[sched_current()->index];
}

/* Make c's bytes writable and not executable anywhere; the PTE to restore
 * after the write (process: the alias in the running tables), or NULL. */
static uint64_t *page_open(struct ktramp_ctx *c)
{
	uint64_t *alias;

	if (!proc_mode()) {
		*c->exec_pte |= PTE_W | PTE_NX;
		invlpg(ktramp_page);
		return c->exec_pte;
	}
	*c->exec_pte |= PTE_NX;
	if (ctx_running(c))
		invlpg(ktramp_page);
	alias = pte_of(sched_current()->root, c->bytes);
	if (alias) {
		*alias |= PTE_W;
		invlpg(c->bytes);
	}
	return alias;
}

/* The bytes are written: read-only and executable at ktramp_page only. */
static void page_close(struct ktramp_ctx *c, uint64_t *w)
{
	__asm__ __volatile__("" : : : "memory");
	if (!proc_mode()) {
		*c->exec_pte &= ~(PTE_W | PTE_NX);
		invlpg(ktramp_page);
		return;
	}
	*w &= ~PTE_W;
	invlpg(c->bytes);
	*c->exec_pte &= ~PTE_NX;
	if (ctx_running(c))
		invlpg(ktramp_page);
}

/*
 * Generate list[0..n) for c and publish it (see the top of the file for
 * why no call is inside the page). 0, or the TRAMP_E_* code (c's dispatch
 * then stays with the table), or KTRAMP_E_NOALIAS.
 */
static __attribute__((noinline)) int publish(struct ktramp_ctx *c, const uint32_t *list,
					     unsigned n, unsigned inflight)
{
	struct tramp_hot h[KTRAMP_HOT];
	struct tramp_spec spec;
	size_t old_len = c->code_len, len;
	uint64_t *w;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		h[i].index = list[i];
		h[i].target = (uint64_t)(uintptr_t)syscall_table[list[i]];
	}
	spec.hot = h;
	spec.nhot = n;
	spec.index_reg = 3;   /* RBX (ktramp_call) */
	spec.table = (uint64_t)(uintptr_t)syscall_table;
	spec.thunk = l2k.cfg.retpoline ? (uint64_t)(uintptr_t)__x86_indirect_thunk_r11 : 0;
	spec.load_addr = (uint64_t)(uintptr_t)ktramp_page;  /* where it runs */
	w = page_open(c);
	rc = w ? 0 : KTRAMP_E_NOALIAS;
	/* mbec=on: the old code execute-never in the MBEC view too */
	if (!rc && *c->state == KTRAMP_LIVE &&
	    mbec_page_rights((uint64_t)(uintptr_t)c->bytes, 0, c->mbec_why, sizeof(c->mbec_why)))
		rc = KTRAMP_E_MBEC;
	if (!rc)
		rc = tramp_generate(&spec, c->bytes, PT_4K, &len);
	if (rc) {
		c->gen_rc = rc;
		if (w)
			page_close(c, w);
		*c->exec_pte |= PTE_NX;  /* nothing valid to execute there */
		invlpg(ktramp_page);
		if (*c->state == KTRAMP_LIVE)
			ctx_fold(c, inflight);
		*c->state = KTRAMP_OFF;  /* the table from now on; reported at the end */
		return rc;
	}
	for (size_t i = len; i < old_len; i++)
		c->bytes[i] = 0xCC;      /* INT3 over the rest of the old code */
	ctx_fold(c, inflight);
	for (unsigned i = 0; i < n; i++) {
		c->hot[i] = list[i];
		c->hot_flag[list[i]] = 1;
	}
	c->nhot = n;
	c->code_len = len;
	if (c->generations < KTRAMP_RECS) {
		for (unsigned i = 0; i < n; i++)
			c->recs[c->generations].hot[i] = list[i];
		c->recs[c->generations].nhot = n;
		c->recs[c->generations].len = len;
	}
	c->generations++;
	page_close(c, w);
	/* mbec=on: supervisor-exec in the declared policy, before any call */
	if (mbec_page_rights((uint64_t)(uintptr_t)c->bytes, NESTLAB_MBEC_X_SUPER, c->mbec_why,
			     sizeof(c->mbec_why))) {
		c->gen_rc = KTRAMP_E_MBEC;
		*c->exec_pte |= PTE_NX;
		invlpg(ktramp_page);
		*c->state = KTRAMP_OFF;
		return KTRAMP_E_MBEC;
	}
	*c->state = KTRAMP_LIVE;
	return 0;
}

int ktramp_mbec_declare(char *why, size_t whylen)
{
	struct ktramp_ctx *list[NESTLAB_PROCS_MAX];
	unsigned n;

	if (!l2k.cfg.trampoline)
		return 0;
	n = ctx_list(list);
	for (unsigned k = 0; k < n; k++)
		if (*list[k]->state == KTRAMP_LIVE) {
			int err = mbec_page_rights((uint64_t)(uintptr_t)list[k]->bytes,
						   NESTLAB_MBEC_X_SUPER, why, whylen);

			if (err)
				return err;
		}
	return 0;
}

static int64_t learn_ctx(struct ktramp_ctx *c, uint64_t nr, uint64_t a0, uint64_t a1,
			 uint64_t a2, uint64_t a3, uint64_t a4)
{
	int in_phase = l2_kinfo->phase_open != 0;  /* phase_is_open(), one load */
	int64_t ret = syscall_table[nr](a0, a1, a2, a3, a4);

	c->counts[nr]++;
	if (in_phase && *c->state == KTRAMP_LEARN) {
		c->learn[nr]++;
		if (++c->learned == l2k.cfg.trampoline_window) {
			uint32_t list[KTRAMP_HOT];
			unsigned n = tramp_select(c->learn, L2_SYS_NR, KTRAMP_HOT, list);

			c->recs[0].after = c->learned;
			if (publish(c, list, n, L2_SYS_NR) == 0)
				for (unsigned i = 0; i < L2_SYS_NR; i++)
					c->at_eval[i] = c->counts[i];
		}
	}
	return ret;
}

int64_t ktramp_learn(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		     uint64_t a4)
{
	return learn_ctx(cur_ctx(), nr, a0, a1, a2, a3, a4);
}

/* Every context: gctx, or the processes'. */
static unsigned ctx_list(struct ktramp_ctx **list)
{
	if (!proc_mode()) {
		list[0] = &gctx;
		return 1;
	}
	for (unsigned i = 0; i < nctx; i++)
		list[i] = &pctx[i];
	return nctx;
}

void ktramp_phase_begin(void)
{
	struct ktramp_ctx *list[NESTLAB_PROCS_MAX], *cur;
	unsigned n;

	if (!l2k.cfg.trampoline)
		return;
	n = ctx_list(list);
	cur = cur_ctx();
	for (unsigned k = 0; k < n; k++) {
		struct ktramp_ctx *c = list[k];

		for (unsigned nr = 0; nr < L2_SYS_NR; nr++)
			c->at_eval[nr] = c->counts[nr];
		/* the begin marker, counted when it returns, is not the phase's */
		ctx_totals(c, c == cur ? L2_SYS_PHASE_BEGIN : L2_SYS_NR, &c->d0, &c->t0);
	}
}

/* The phase's end for c: its counters, then the regeneration's decision. */
static void ctx_phase_end(struct ktramp_ctx *c, uint64_t index, unsigned inflight)
{
	uint64_t delta[L2_SYS_NR], d, t;
	uint32_t cand[KTRAMP_HOT];
	unsigned n;
	struct ktramp_phase_ctr *ph = index < NESTLAB_MAX_PHASES ? &c->ph[index] : NULL;

	ctx_totals(c, inflight, &d, &t);
	if (ph) {
		ph->direct = d - c->d0;
		ph->table = t - c->t0;
		ph->done = 1;
	}
	/* The phase's calls since the last evaluation (or the generation), the
	 * end marker's own included (dispatched, counted after it returns). */
	for (unsigned nr = 0; nr < L2_SYS_NR; nr++)
		delta[nr] = c->counts[nr] - c->at_eval[nr] + (nr == inflight);
	if (*c->state == KTRAMP_LIVE &&
	    tramp_decide(delta, L2_SYS_NR, KTRAMP_HOT, c->hot, c->nhot, cand, &n)) {
		if (c->generations < KTRAMP_RECS)
			c->recs[c->generations].phase = index;
		publish(c, cand, n, inflight);
	}
	if (ph)
		ph->generations = c->generations;
}

void ktramp_phase_end(uint64_t index)
{
	struct ktramp_ctx *list[NESTLAB_PROCS_MAX], *cur;
	unsigned n;

	if (!l2k.cfg.trampoline)
		return;
	n = ctx_list(list);
	cur = cur_ctx();
	for (unsigned k = 0; k < n; k++)
		ctx_phase_end(list[k], index, list[k] == cur ? L2_SYS_PHASE_END : L2_SYS_NR);
}

static const char *pte_state(uint64_t pte)
{
	switch (pte & (PTE_W | PTE_NX)) {
	case PTE_NX:         return "read-only, NX";
	case 0:              return "read-only, executable";
	case PTE_W | PTE_NX: return "writable, NX";
	}
	return "writable and executable (W^X broken)";
}

/* A fault-safe write of the first byte at p must #PF and change nothing. */
static int write_faults(uint8_t *p)
{
	uint8_t before = *p;
	int64_t r = probe_write8((uint64_t)(uintptr_t)p, (uint8_t)~before);

	return r == -(int64_t)(L2_EPROBE_BASE + X86_EXC_PF) && *p == before;
}

static void ctx_report(struct ktramp_ctx *c, const char *who)
{
	uint64_t d, t;

	for (unsigned g = 0; g < c->generations && g < KTRAMP_RECS; g++) {
		if (g == 0)
			kprintf("nestlab-l2: trampoline %s: generation 1 after in-phase call "
				"%lu: hot", who, c->recs[0].after);
		else
			kprintf("nestlab-l2: trampoline %s: generation %u at the end of phase "
				"%lu: hot", who, g + 1, c->recs[g].phase);
		for (unsigned i = 0; i < c->recs[g].nhot; i++)
			kprintf(" %u", c->recs[g].hot[i]);
		kprintf(", %lu bytes at %p, %s\n", (uint64_t)c->recs[g].len, (void *)ktramp_page,
			l2k.cfg.retpoline ? "fallback through the retpoline thunk"
					  : "fallback jmp *%r11");
	}
	if (c->gen_rc)
		kprintf("nestlab-l2: trampoline %s: generation failed: %s\n", who,
			c->gen_rc == KTRAMP_E_NOALIAS ? "no alias to write the page through" :
			c->gen_rc == KTRAMP_E_MBEC ? c->mbec_why : tramp_strerror(c->gen_rc));
	if (!c->generations && !c->gen_rc)
		kprintf("nestlab-l2: trampoline %s: no generation (%lu in-phase calls of "
			"a window of %u)\n", who, c->learned, l2k.cfg.trampoline_window);
	ctx_totals(c, L2_SYS_NR, &d, &t);
	kprintf("nestlab-l2: trampoline %s: generations %u, calls direct %lu table %lu; "
		"page %s\n", who, c->generations, d, t, pte_state(*c->exec_pte));
	if (proc_mode()) {
		/* what its own tables map at ktramp_page, and what is there: its
		 * frame, whose first compare is its hottest entry's */
		uint64_t *pte = pte_of(c->root, ktramp_page);
		const uint8_t *b = c->bytes;

		kprintf("nestlab-l2: trampoline %s: its tables map %p to %p (its frame: %s), "
			"first bytes %02x %02x %02x %02x\n", who, (void *)ktramp_page,
			pte ? (void *)(uintptr_t)(*pte & PTE_ADDR) : NULL,
			pte && (*pte & PTE_ADDR) == (uint64_t)(uintptr_t)c->bytes ? "yes" : "NO",
			b[0], b[1], b[2], b[3]);
	}
}

/* The phases' results counters (include/nestlab/ktramp.h). */
static void report_counters(struct ktramp_ctx **list, unsigned n)
{
	for (unsigned p = 0; p < NESTLAB_MAX_PHASES; p++) {
		uint64_t d = 0, t = 0, g = 0;
		int done = 0;

		for (unsigned k = 0; k < n; k++) {
			const struct ktramp_phase_ctr *ph = &list[k]->ph[p];

			done |= ph->done;
			d += ph->direct;
			t += ph->table;
			g += ph->generations;
		}
		if (!done)
			continue;
		kprintf(NESTLAB_KTRAMP_COUNTER_PREFIX "%u ktramp.direct %lu\n", p, d);
		kprintf(NESTLAB_KTRAMP_COUNTER_PREFIX "%u ktramp.table %lu\n", p, t);
		kprintf(NESTLAB_KTRAMP_COUNTER_PREFIX "%u ktramp.generations %lu\n", p, g);
		for (unsigned k = 0; proc_mode() && k < n; k++) {
			const struct ktramp_phase_ctr *ph = &list[k]->ph[p];
			unsigned pid = list[k]->pid;

			kprintf(NESTLAB_KTRAMP_COUNTER_PREFIX "%u ktramp.p%u.direct %lu\n", p, pid,
				ph->direct);
			kprintf(NESTLAB_KTRAMP_COUNTER_PREFIX "%u ktramp.p%u.table %lu\n", p, pid,
				ph->table);
			kprintf(NESTLAB_KTRAMP_COUNTER_PREFIX "%u ktramp.p%u.generations %lu\n", p,
				pid, ph->generations);
		}
	}
}

void ktramp_report(void)
{
	struct ktramp_ctx *list[NESTLAB_PROCS_MAX];
	unsigned n;
	char who[] = "process pid N";

	if (!l2k.cfg_ok || !l2k.cfg.trampoline)
		return;
	n = ctx_list(list);
	for (unsigned k = 0; k < n; k++) {
		who[sizeof(who) - 2] = (char)('0' + list[k]->pid);  /* pid 1..8 */
		ctx_report(list[k], proc_mode() ? who : "global");
	}
	/* W^X as the CPU enforces it: a write to a published page faults
	 * (#PF, CR0.WP) and changes nothing; with trampoline=process through
	 * the running process's mapping at ktramp_page and every frame's
	 * alias. Outside every phase. */
	if (!proc_mode() && gctx.generations && *gctx.state == KTRAMP_LIVE)
		kprintf("nestlab-l2: trampoline global: a write to the published page: %s\n",
			write_faults(ktramp_page) ? "#PF, unchanged: PASS" : "FAIL");
	if (proc_mode()) {
		const struct ktramp_ctx *c = &pctx[sched_current()->index];
		int ok = 1;

		if (*c->state == KTRAMP_LIVE)
			ok = write_faults(ktramp_page);
		for (unsigned k = 0; k < n; k++)
			ok &= write_faults(list[k]->bytes);
		kprintf("nestlab-l2: trampoline process: a write to pid %u's page at %p and to "
			"the %u frames' aliases: %s\n", c->pid, (void *)ktramp_page, n,
			ok ? "#PF, unchanged: PASS" : "FAIL");
	}
	report_counters(list, n);
}
