/*
 * trampoline=global: the L2 kernel's system-call table through a learned
 * trampoline (issue 15 part 3, docs/tramp.md; the model is L1's exit
 * dispatch, l1hyp/core/exit_tramp.c). While learning, each call goes
 * through syscall_table[nr] (the retpoline thunk with retpoline=on) and
 * every call made inside a phase is counted per entry. After the window's
 * W-th in-phase call (trampoline_window=, default 256) tramp_select picks
 * the KTRAMP_HOT hottest entries and tramp_generate writes the trampoline
 * (lib/tramp: cmp $nr,%rbx; je sys_X per hot entry, then the table through
 * __x86_indirect_thunk_r11, or jmp *%r11 with retpoline=off) into
 * ktramp_page, a 4 KiB page of the kernel's bss mapped by a PTE of its own
 * (the first 2 MiB are mapped in 4 KiB pages, kmain.c). W^X at every
 * moment: from boot the page is writable and NX (EFER.NXE, CR0.WP so the
 * kernel honours read-only); the bytes are written then, the PTE becomes
 * read-only and executable, INVLPG (APM vol.2 5.5.3; INVLPG serializes),
 * and only then does the dispatch switch to `call ktramp_page`. The write
 * happens after the W-th call returned, on the only CPU, with IF=0 in the
 * kernel: no call is ever inside the page while it changes. The page
 * tables' PT holding the page is shared by every process (the kernel
 * half's PDPT entries are copied), so one PTE serves all of them.
 * Counted without a cost per call: syscall_counts at the publication
 * against those at the end give the calls dispatched by a direct jump
 * (entries hot in the live trampoline) and by the table (cold ones, and
 * every call while learning). The generation's
 * console line waits for the end of the run (a line in a phase would add
 * its hypercall to the phase's exits).
 */
#include <nestlab/bootargs.h>
#include "../../lib/tramp/tramp.h"
#include "../../lib/freestanding/x86.h"
#include "../../lib/freestanding/x86_regs.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include "kernel.h"
#include "ktramp.h"
#include "probe.h"

uint8_t ktramp_page[PT_4K] __attribute__((aligned(4096), section(".bss.ktramp")));

extern char __x86_indirect_thunk_r11[];

int ktramp_state;
static uint8_t hot_flag[L2_SYS_NR];  /* nr is compared by the live trampoline */
static uint64_t at_publish[L2_SYS_NR]; /* syscall_counts when it was published */
static uint64_t at_eval[L2_SYS_NR];  /* syscall_counts at the evaluation's start */
static uint64_t learn_calls;         /* calls made while learning */
static uint64_t learn[L2_SYS_NR];    /* in-phase calls per entry, while learning */
static uint64_t learned;
static uint64_t direct, table;       /* of earlier generations (folded) */
static uint32_t hot[KTRAMP_HOT];
static unsigned nhot;
static size_t code_len;
static int gen_rc;                   /* tramp_generate's code, if it failed */

/* What each generation was, printed at the end of the run. */
#define KTRAMP_RECS 8u
static struct {
	uint64_t after;                  /* generation 1: after in-phase call N */
	uint64_t phase;                  /* later ones: at the end of phase N */
	uint32_t hot[KTRAMP_HOT];
	unsigned nhot;
	size_t len;
} recs[KTRAMP_RECS];
static unsigned generations;

static uint64_t *ktramp_pte(void)
{
	uint64_t va = (uint64_t)(uintptr_t)ktramp_page;
	uint64_t *t = (uint64_t *)(uintptr_t)l2k.kernel_root;

	for (int level = 4; level > 1; level--) {
		uint64_t e = t[pt_index(va, level)];

		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return &t[pt_index(va, 1)];
}

static void invlpg_page(void)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(ktramp_page) : "memory");
}

const char *ktramp_init(void)
{
	struct cpuid_regs r;
	uint64_t *pte = ktramp_pte();

	if (!pte)
		return "trampoline=global: the trampoline page has no 4 KiB PTE";
	cpuid_count(0x80000001u, 0, &r);
	if (!(r.edx & (1u << 20)))
		return "trampoline=global needs NX (CPUID 0x80000001 EDX bit 20)";
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(read_cr0() | CR0_WP) : "memory");
	*pte |= PTE_W | PTE_NX;
	invlpg_page();
	for (size_t i = 0; i < sizeof(ktramp_page); i++)
		ktramp_page[i] = 0xCC;  /* INT3, at boot: the generation writes its bytes only */
	ktramp_state = KTRAMP_LEARN;
	return NULL;
}

/* The calls since the last publication, into direct and table by the live
 * hot list; inflight: a call dispatched but not counted yet (or L2_SYS_NR). */
static void fold_counts(unsigned inflight)
{
	for (unsigned nr = 0; nr < L2_SYS_NR; nr++) {
		uint64_t after = syscall_counts[nr] - at_publish[nr] + (nr == inflight);

		if (hot_flag[nr])
			direct += after;
		else
			table += after;
		at_publish[nr] = syscall_counts[nr] + (nr == inflight);
		hot_flag[nr] = 0;
	}
}

/*
 * Generate list[0..n) and publish it. The page is writable and NX from
 * boot until the first publication and again during every rewrite; no
 * call is inside it then (the first publication runs after the window's
 * last call returned; a rewrite runs inside sys_phase_end, which the
 * trampoline reached by a tail jump: no frame of the trampoline is on the
 * stack, and the kernel runs with IF=0 on its only CPU). 0, or the
 * TRAMP_E_* code (the dispatch then stays with the table).
 */
static __attribute__((noinline)) int publish(const uint32_t *list, unsigned n,
					     unsigned inflight)
{
	struct tramp_hot h[KTRAMP_HOT];
	struct tramp_spec spec;
	uint64_t *pte = ktramp_pte();
	size_t old_len = code_len, len;
	int rc;

	if (ktramp_state == KTRAMP_LIVE) {
		*pte |= PTE_W | PTE_NX;   /* the old bytes are no longer executable */
		invlpg_page();
	}
	for (unsigned i = 0; i < n; i++) {
		h[i].index = list[i];
		h[i].target = (uint64_t)(uintptr_t)syscall_table[list[i]];
	}
	spec.hot = h;
	spec.nhot = n;
	spec.index_reg = 3;   /* RBX (ktramp_call) */
	spec.table = (uint64_t)(uintptr_t)syscall_table;
	spec.thunk = l2k.cfg.retpoline ? (uint64_t)(uintptr_t)__x86_indirect_thunk_r11 : 0;
	spec.load_addr = (uint64_t)(uintptr_t)ktramp_page;
	rc = tramp_generate(&spec, ktramp_page, sizeof(ktramp_page), &len);
	if (rc) {
		gen_rc = rc;
		if (ktramp_state == KTRAMP_LIVE)
			fold_counts(inflight);
		ktramp_state = KTRAMP_OFF;  /* the table from now on; reported at the end */
		return rc;
	}
	for (size_t i = len; i < old_len; i++)
		ktramp_page[i] = 0xCC;      /* INT3 over the rest of the old code */
	if (ktramp_state == KTRAMP_LIVE)
		fold_counts(inflight);
	else
		for (unsigned nr = 0; nr < L2_SYS_NR; nr++)
			at_publish[nr] = syscall_counts[nr];
	for (unsigned i = 0; i < n; i++) {
		hot[i] = list[i];
		hot_flag[list[i]] = 1;
	}
	nhot = n;
	code_len = len;
	if (generations < KTRAMP_RECS) {
		for (unsigned i = 0; i < n; i++)
			recs[generations].hot[i] = list[i];
		recs[generations].nhot = n;
		recs[generations].len = len;
	}
	generations++;
	__asm__ __volatile__("" : : : "memory");
	*pte &= ~(PTE_W | PTE_NX);
	invlpg_page();
	ktramp_state = KTRAMP_LIVE;
	return 0;
}

int64_t ktramp_learn(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		     uint64_t a4)
{
	int in_phase = l2_kinfo->phase_open != 0;  /* phase_is_open(), one load */
	int64_t ret = syscall_table[nr](a0, a1, a2, a3, a4);

	learn_calls++;
	syscall_counts[nr]++;
	if (in_phase && ktramp_state == KTRAMP_LEARN) {
		learn[nr]++;
		if (++learned == l2k.cfg.trampoline_window) {
			uint32_t list[KTRAMP_HOT];
			unsigned n = tramp_select(learn, L2_SYS_NR, KTRAMP_HOT, list);

			recs[0].after = learned;
			if (publish(list, n, L2_SYS_NR) == 0)
				for (unsigned i = 0; i < L2_SYS_NR; i++)
					at_eval[i] = syscall_counts[i];
		}
	}
	return ret;
}

void ktramp_phase_begin(void)
{
	if (ktramp_state == KTRAMP_OFF)
		return;
	for (unsigned nr = 0; nr < L2_SYS_NR; nr++)
		at_eval[nr] = syscall_counts[nr];
}

void ktramp_phase_end(uint64_t index)
{
	uint64_t delta[L2_SYS_NR];
	uint32_t cand[KTRAMP_HOT];
	unsigned n;

	if (ktramp_state != KTRAMP_LIVE)
		return;
	/* The phase's calls since the last evaluation (or the generation), the
	 * end marker's own included (dispatched, counted after it returns). */
	for (unsigned nr = 0; nr < L2_SYS_NR; nr++)
		delta[nr] = syscall_counts[nr] - at_eval[nr] + (nr == L2_SYS_PHASE_END);
	if (!tramp_decide(delta, L2_SYS_NR, KTRAMP_HOT, hot, nhot, cand, &n))
		return;
	if (generations < KTRAMP_RECS)
		recs[generations].phase = index;
	publish(cand, n, L2_SYS_PHASE_END);
}

void ktramp_report(void)
{
	if (!l2k.cfg_ok || !l2k.cfg.trampoline)
		return;
	if (ktramp_state == KTRAMP_LIVE)
		fold_counts(L2_SYS_NR);
	for (unsigned g = 0; g < generations && g < KTRAMP_RECS; g++) {
		if (g == 0)
			kprintf("nestlab-l2: trampoline global: generation 1 after in-phase call "
				"%lu: hot", recs[0].after);
		else
			kprintf("nestlab-l2: trampoline global: generation %u at the end of phase "
				"%lu: hot", g + 1, recs[g].phase);
		for (unsigned i = 0; i < recs[g].nhot; i++)
			kprintf(" %u", recs[g].hot[i]);
		kprintf(", %lu bytes at %p, %s\n", (uint64_t)recs[g].len, (void *)ktramp_page,
			l2k.cfg.retpoline ? "fallback through the retpoline thunk"
					  : "fallback jmp *%r11");
	}
	if (gen_rc)
		kprintf("nestlab-l2: trampoline global: generation failed: %s\n",
			tramp_strerror(gen_rc));
	if (!generations && !gen_rc)
		kprintf("nestlab-l2: trampoline global: no generation (%lu in-phase calls of "
			"a window of %u)\n", learned, l2k.cfg.trampoline_window);
	if (ktramp_state == KTRAMP_LIVE) {
		/* W^X as the CPU enforces it: a write to the published page
		 * faults (#PF, CR0.WP) and changes nothing. */
		uint8_t before = ktramp_page[0];
		int64_t r = probe_write8((uint64_t)(uintptr_t)ktramp_page, (uint8_t)~before);

		kprintf("nestlab-l2: trampoline global: a write to the published page: %s\n",
			r == -(int64_t)(L2_EPROBE_BASE + X86_EXC_PF) && ktramp_page[0] == before
				? "#PF, unchanged: PASS" : "FAIL");
	}
	kprintf("nestlab-l2: trampoline global: generations %u, calls direct %lu table %lu; "
		"page %s\n", generations, direct, table + learn_calls,
		(*ktramp_pte() & (PTE_W | PTE_NX)) == PTE_NX ? "read-only, NX" :
		(*ktramp_pte() & (PTE_W | PTE_NX)) == 0 ? "read-only, executable" :
		(*ktramp_pte() & PTE_NX) ? "writable, NX" : "writable and executable (W^X broken)");
}
