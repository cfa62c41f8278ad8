/*
 * The trampoline's console lines at the end of the run (ktramp.h,
 * docs/tramp.md): per context its generations, the failure if one failed,
 * the direct and table counts and the page's PTE; with trampoline=process
 * what each process's tables map at ktramp_page; the W^X probe (a guarded
 * write to a published page must #PF and change nothing); and the phases'
 * results counters, `nestlab-l2: counter <phase> <name> <value>`
 * (include/nestlab/ktramp.h), which the launcher puts in the results JSON.
 */
#include <nestlab/bootargs.h>
#include <nestlab/hypercall.h>
#include <nestlab/mem.h>
#include "../../lib/tramp/tramp.h"
#include "ktramp_int.h"
#include "../../lib/freestanding/x86_exceptions.h"
#include "probe.h"

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

	for (unsigned g = 0; g < c->lg.generations && g < KTRAMP_RECS; g++) {
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
	if (!c->lg.generations && !c->gen_rc)
		kprintf("nestlab-l2: trampoline %s: no generation (%lu in-phase calls of "
			"a window of %u)\n", who, c->lg.learned, l2k.cfg.trampoline_window);
	ktramp_ledger_totals(&c->lg, c->counts, L2_SYS_NR, &d, &t);
	kprintf("nestlab-l2: trampoline %s: generations %u, calls direct %lu table %lu; "
		"page %s\n", who, c->lg.generations, d, t, pte_state(*c->exec_pte));
	if (ktramp_proc_mode()) {
		/* what its own tables map at ktramp_page, and what is there: its
		 * frame, whose first compare is its hottest entry's */
		uint64_t *pte = ktramp_pte_of(c->root, ktramp_page);
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
		for (unsigned k = 0; ktramp_proc_mode() && k < n; k++) {
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
	n = ktramp_ctx_list(list);
	for (unsigned k = 0; k < n; k++) {
		who[sizeof(who) - 2] = (char)('0' + list[k]->pid);  /* pid 1..8 */
		ctx_report(list[k], ktramp_proc_mode() ? who : "global");
	}
	/* W^X as the CPU enforces it: a write to a published page faults
	 * (#PF, CR0.WP) and changes nothing; with trampoline=process through
	 * the running process's mapping at ktramp_page and every frame's
	 * alias. Outside every phase. */
	if (!ktramp_proc_mode() && ktramp_gctx.lg.generations && *ktramp_gctx.state == KTRAMP_LIVE)
		kprintf("nestlab-l2: trampoline global: a write to the published page: %s\n",
			write_faults(ktramp_page) ? "#PF, unchanged: PASS" : "FAIL");
	if (ktramp_proc_mode()) {
		const struct ktramp_ctx *c = &ktramp_pctx[sched_current()->index];
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
