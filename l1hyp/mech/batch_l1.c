/*
 * Exit-level batching (issue 14 part 3; L1 command line batch=on, the
 * launcher's --batch l1 or both; docs/batching.md). Agesen et al.'s exit
 * pairs: when L1 has handled an exiting instruction (IN/OUT, CPUID, VMMCALL,
 * RDMSR/WRMSR), it decodes ahead from the next RIP, emulates the glue
 * (batch_l1_look.c: registers, loads and buffered stores) and, when the glue
 * reaches another exiting instruction that may be batched (batch_l1_exit.c),
 * commits the glue and handles that instruction in the same exit, through
 * the handler the exit table holds for its reason, with the exit
 * information its own exit would have had: up to batch_max instructions
 * per exit. Post hooks on the four reasons and a phase hook are the whole
 * interface: the generic exit path knows nothing of it.
 *
 * Accounting. A batched instruction is a handled exit-reason event without
 * a VM exit: the phase's exit counts (exit_stats) stay the VM exits that
 * happened, and the batched events are the phase's counters
 * "l1batch.<kind>" (ioio, cpuid, vmmcall, msr), so VM exits + batched
 * events of a reason = the instructions of that reason L2 executed. The L1
 * cycles of the whole batch count for the exit that began it.
 *
 * A batch ends, before the look-ahead, at: an event L1 must deliver, an
 * interrupt window L1 asked for, an interrupt controller due to look (the
 * vendor layer and the APIC model decide: `event`), RFLAGS.TF (`flags`), a
 * mode other than 64-bit (`mode`), batch_max (`limit`); then at whatever
 * the look-ahead and the next instruction's rule say. L2 resumes after the
 * last instruction handled, with nothing committed of the part that did
 * not reach one.
 *
 * Counters (inside workload phases), per phase: l1batch.exits (exits that
 * began a look-ahead), l1batch.handled (instructions handled, the exits'
 * own included), l1batch.emulated (glue instructions committed),
 * l1batch.<kind>, l1batch.size.<k> (exits that handled k), l1batch.end.<why>;
 * and the run's in-phase totals on L1's console at the end. With --trace,
 * one l1_mech record per such exit (BATCH_L1_TRACE_BATCH).
 */
#include "mech.h"
#include "batch_l1.h"
#include "../core/l1.h"
#include "../core/exit_table.h"
#include "../core/exit_stats.h"
#include "../core/phase_hook.h"
#include "../core/trace_l1.h"
#include "../arch/vcpu_vendor.h"
#include "../arch/x86/console.h"
#include "../arch/x86/cpu.h"
#include "../../lib/freestanding/format.h"
#include <nestlab/bootargs.h>
#include <nestlab/status.h>

/* trace_l1_mech "what" code: one record per exit that began a look-ahead,
 * arg = the instructions it handled, arg2 = why the batch ended
 * (enum nestlab_l1_batch_end) | glue instructions committed << 8. */
#define BATCH_L1_TRACE_BATCH 1u

static const char *const end_names[NESTLAB_L1_BATCH_END_NR] = {
#define END_NAME_(id, name, what) name,
	NESTLAB_L1_BATCH_ENDS(END_NAME_)
#undef END_NAME_
};

static const char *const kind_names[NESTLAB_L1_BATCH_KIND_NR] = {
#define KIND_NAME_(id, name) name,
	NESTLAB_L1_BATCH_KINDS(KIND_NAME_)
#undef KIND_NAME_
};

struct batch_counts {
	uint64_t exits, handled, emulated;
	uint64_t kind[NESTLAB_L1_BATCH_KIND_NR];
	uint64_t size[NESTLAB_BATCH_MAX_LIMIT + 1];
	uint64_t end[NESTLAB_L1_BATCH_END_NR];
};

struct batch_l1 {
	unsigned max;                           /* instructions per exit */
	struct batch_counts run, phase;         /* in-phase: whole run, open phase */
};

static struct batch_l1 state = { .max = NESTLAB_BATCH_MAX_DEFAULT };
static unsigned my_slot;

static bool batch_blocked(struct vcpu *v)
{
	return v->stop || vendor_event_pending(v) || vendor_interrupt_window_requested(v) ||
	       v->irq_recheck || rdtsc() >= v->irq_deadline;
}

static void count(struct batch_counts *c, unsigned size, unsigned end, unsigned emulated,
		  const unsigned *kinds)
{
	c->exits++;
	c->handled += size;
	c->emulated += emulated;
	c->size[size <= NESTLAB_BATCH_MAX_LIMIT ? size : 0]++;
	c->end[end]++;
	for (unsigned k = 0; k < NESTLAB_L1_BATCH_KIND_NR; k++)
		c->kind[k] += kinds[k];
}

/* The post hook of the four reasons: the exit's own instruction is handled. */
static unsigned batch_post(struct vcpu *v)
{
	struct batch_l1 *s = v->mech[my_slot];
	struct exit_info first = v->exit;
	unsigned size = 1, end, flags = 0, emulated = 0;
	unsigned kinds[NESTLAB_L1_BATCH_KIND_NR] = { 0 };
	bool stored = false;

	if (!s || v->stop || !batch_l1_exit_starts(v, &first))
		return 0;
	for (;;) {
		struct x86emu_regs r;
		struct batch_l1_look lk;
		struct exit_info next;
		int rc;

		if (batch_blocked(v)) {
			end = NESTLAB_L1_BATCH_END_EVENT;
			break;
		}
		if (v->regs.rflags & RFLAGS_TF) {
			end = NESTLAB_L1_BATCH_END_FLAGS;
			break;
		}
		if (!first.long_mode) {
			end = NESTLAB_L1_BATCH_END_MODE;
			break;
		}
		if (size >= s->max) {
			end = NESTLAB_L1_BATCH_END_LIMIT;
			break;
		}
		r = v->regs;
		if (!batch_l1_look_ahead(v, &r, &lk, &end))
			break;
		lk.stored_before = stored;
		if (!batch_l1_exit_permitted(v, &first, &r, &lk, &next, &end))
			break;
		rc = batch_l1_commit_stores(v, &lk);
		if (rc) {
			vcpu_stop(v, NESTLAB_STATUS_L1_ERROR, true,
				  "batch: a checked store of the glue failed (%d)", rc);
			end = NESTLAB_L1_BATCH_END_EVENT;
			break;
		}
		stored |= lk.nr_stores != 0;
		v->regs = r;                    /* the glue, committed */
		v->exit = next;                 /* as the instruction's own exit would say */
		flags |= exit_handlers[next.reason](v) & ~EXIT_NOT_IN_PHASE;
		emulated += lk.emulated;
		kinds[lk.kind]++;
		size++;
	}
	v->exit = first;
	trace_l1_mech(v, my_slot, BATCH_L1_TRACE_BATCH, size, end | (uint64_t)emulated << 8);
	if (l1.stats.open_counts) {
		count(&s->run, size, end, emulated, kinds);
		count(&s->phase, size, end, emulated, kinds);
	}
	return flags;
}

static void set_counter(unsigned phase, const char *a, const char *b, uint64_t val)
{
	char name[NESTLAB_COUNTER_NAME_MAX + 1];

	format_snprintf(name, sizeof(name), "l1batch.%s%s", a, b);
	exit_stats_counter_set(&l1.stats, phase, name, val);
}

/* At a phase's begin the phase's counts start from zero; at its end they
 * become its counters (zero ones left out, but for the three totals). */
static void phase_hook(struct vcpu *v, unsigned phase, bool begin)
{
	struct batch_l1 *s = v->mech[my_slot];
	const struct batch_counts *c = &s->phase;
	char k[8];

	if (begin) {
		s->phase = (struct batch_counts){ 0 };
		return;
	}
	set_counter(phase, "exits", "", c->exits);
	set_counter(phase, "handled", "", c->handled);
	set_counter(phase, "emulated", "", c->emulated);
	for (unsigned i = 0; i < NESTLAB_L1_BATCH_KIND_NR; i++)
		if (c->kind[i])
			set_counter(phase, kind_names[i], "", c->kind[i]);
	for (unsigned i = 1; i <= NESTLAB_BATCH_MAX_LIMIT; i++)
		if (c->size[i]) {
			format_snprintf(k, sizeof(k), "%u", i);
			set_counter(phase, "size.", k, c->size[i]);
		}
	for (unsigned i = 0; i < NESTLAB_L1_BATCH_END_NR; i++)
		if (c->end[i])
			set_counter(phase, "end.", end_names[i], c->end[i]);
}

static void report(struct vcpu *v)
{
	const struct batch_counts *s = &((const struct batch_l1 *)v->mech[my_slot])->run;
	char line[480];
	size_t n;
	const char *sep = "";

	n = format_snprintf(line, sizeof(line), "nestlab-l1: batch: exits %lu handled %lu kinds ",
			    s->exits, s->handled);
	for (unsigned k = 0; k < NESTLAB_L1_BATCH_KIND_NR && n < sizeof(line); k++)
		if (s->kind[k]) {
			n += format_snprintf(line + n, sizeof(line) - n, "%s%s:%lu", sep,
					     kind_names[k], s->kind[k]);
			sep = ",";
		}
	if (!*sep && n < sizeof(line))
		n += format_snprintf(line + n, sizeof(line) - n, "-");
	if (n < sizeof(line))
		n += format_snprintf(line + n, sizeof(line) - n, " sizes ");
	sep = "";
	for (unsigned k = 1; k <= NESTLAB_BATCH_MAX_LIMIT && n < sizeof(line); k++)
		if (s->size[k]) {
			n += format_snprintf(line + n, sizeof(line) - n, "%s%u:%lu", sep, k,
					     s->size[k]);
			sep = ",";
		}
	if (n < sizeof(line))
		n += format_snprintf(line + n, sizeof(line) - n, " ends ");
	sep = "";
	for (unsigned e = 0; e < NESTLAB_L1_BATCH_END_NR && n < sizeof(line); e++)
		if (s->end[e]) {
			n += format_snprintf(line + n, sizeof(line) - n, "%s%s:%lu", sep,
					     end_names[e], s->end[e]);
			sep = ",";
		}
	l1_printf("%s\n", line);
}

static int option(unsigned slot, const char *key, const char *value, size_t vlen, char *err,
		  size_t errlen)
{
	unsigned m = 0;

	for (size_t i = 0; i < vlen; i++) {
		if (value[i] < '0' || value[i] > '9' || m > NESTLAB_BATCH_MAX_LIMIT) {
			m = 0;
			break;
		}
		m = m * 10 + (unsigned)(value[i] - '0');
	}
	if (m < 1 || m > NESTLAB_BATCH_MAX_LIMIT) {
		format_snprintf(err, errlen, "batch_max must be a decimal number 1..%u",
				NESTLAB_BATCH_MAX_LIMIT);
		return -1;
	}
	state.max = m;
	return 0;
}

static const unsigned hooked[] = {
	NESTLAB_EXIT_IOIO, NESTLAB_EXIT_CPUID, NESTLAB_EXIT_VMMCALL, NESTLAB_EXIT_MSR,
};

static int init(struct vcpu *v, unsigned slot, const char *value, size_t vlen,
		char *err, size_t errlen)
{
	int on = mech_switch_on(value, vlen);

	if (on < 0) {
		format_snprintf(err, errlen, "batch must be on or off");
		return -1;
	}
	if (!on)
		return 0;
	my_slot = slot;
	v->mech[slot] = &state;
	for (unsigned i = 0; i < sizeof(hooked) / sizeof(hooked[0]); i++)
		if (exit_hook_add(hooked[i], EXIT_HOOK_POST, batch_post)) {
			format_snprintf(err, errlen, "batch: no hook slot left on %s",
					nestlab_exit_reason_name(hooked[i]));
			return -1;
		}
	if (phase_hook_add(phase_hook)) {
		format_snprintf(err, errlen, "batch: no phase hook slot left");
		return -1;
	}
	l1_printf("nestlab-l1: batch: up to %u exiting instructions per exit (in/out, cpuid, "
		  "vmmcall, rdmsr/wrmsr), look-ahead %u instructions / %u bytes, %u stores\n",
		  state.max, NESTLAB_BATCH_LOOKAHEAD_INSNS, NESTLAB_BATCH_LOOKAHEAD_BYTES,
		  BATCH_L1_STORES);
	return 1;
}

static const char *const options[] = { "batch_max", NULL };

static const struct mech batch_l1 = {
	.name = "batch",
	.summary = "exit-level batching of in/out, cpuid, vmmcall, rdmsr/wrmsr (docs/batching.md)",
	.init = init,
	.report = report,
	.options = options,
	.option = option,
};
MECH_REGISTER(batch_l1);
